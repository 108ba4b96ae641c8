"""Helpers the notify tests share (issue 15): a real SMTP server on 127.0.0.1 (aiosmtpd)
that keeps what arrives and can refuse a recipient, a closed port, and the ``[notify]``
settings pointing at them."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A port nothing listens on now (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What the server received: (envelope sender, recipients, parsed message) each;
    ``refuse`` holds addresses answered 550."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope named ``address``."""
        return [m for _, rcpt, m in self.received if address in rcpt]

    def recipients(self) -> list[str]:
        """Every envelope recipient, in order."""
        return [r for _, rcpt, _ in self.received for r in rcpt]


def password_check(user: str, password: str) -> Any:
    """An aiosmtpd authenticator accepting ``user``/``password`` alone (AUTH over a
    connection to this machine, as the loopback tests make)."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on 127.0.0.1 (a free port) for the block: (mailbox, port);
    ``options`` go to aiosmtpd's SMTP (an ``authenticator``...)."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def notify_toml(port: int, *, channels: str = '["email"]', extra: str = "") -> str:
    """A ``[notify]`` section sending to 127.0.0.1:``port`` without STARTTLS."""
    return (
        f'\n[notify]\nchannels = {channels}\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        f'from = "sopvault@harrowfinch.example"\nsite_url = "https://sops.example/"\n{extra}'
    )


def configure(root: Path, port: int, **kwargs: str) -> None:
    """Append ``notify_toml`` to the vault's sopvault.toml (the working copy: settings are
    the vault's own; who the people are is main's)."""
    path = root / "sopvault.toml"
    path.write_text(path.read_text(encoding="utf-8") + notify_toml(port, **kwargs))


RECEIVER = """\
import json, sys
data = json.loads(sys.stdin.read())
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(data) + "\\n")
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
"""


def user_command(config_dir: Path, argv: list[str]) -> None:
    """Write the user's own notify.toml naming ``argv`` as the command channel's program
    (0700 folder, 0600 file: only the user may change what runs)."""
    config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    listed = ", ".join(f'"{a}"' for a in argv)
    path = config_dir / "notify.toml"
    path.write_text(f"command = [{listed}]\ntimeout = 20\n", encoding="utf-8")
    path.chmod(0o600)
