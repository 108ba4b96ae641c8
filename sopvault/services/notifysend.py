"""Delivering notifications (issue 15): one e-mail per person over SMTP with the standard
library's ``smtplib``/``email``, and the command channel, one JSON object per
notification piped to the user's own program through ``store.process.run_program``.

Each delivery returns None or one line saying why it failed, naming the server
(``host:port``) or the program; the caller records nothing as sent for a failure.
Credentials come from the environment only (``SOPVAULT_SMTP_USER``,
``SOPVAULT_SMTP_PASSWORD``, and ``SOPVAULT_SMTP_HOST`` naming the server they are for), are
sent only to that server, whatever the vault's ``smtp_host`` says (a vault may come from
anyone: it must not choose where a password goes), and are refused over a connection
without STARTTLS except to this machine, so a password never crosses a network in clear.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sopvault.errors import ConfigError
from sopvault.model.notify import NotifySettings
from sopvault.store.process import ProgramError, last_lines, run_program

USER_ENV, PASSWORD_ENV = "SOPVAULT_SMTP_USER", "SOPVAULT_SMTP_PASSWORD"
HOST_ENV = "SOPVAULT_SMTP_HOST"  # the one server the credentials are for (the user's word)
SMTP_TIMEOUT = 30.0  # seconds for the connection and each reply
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Failed:
    """Why an e-mail was not sent (``host:port: reason``); ``unreachable`` when no
    connection could be made at all (the server is down or unreachable) or the server
    stopped answering, so the run need not wait for it again for every person."""

    reason: str
    unreachable: bool = False


def credentials(settings: NotifySettings) -> tuple[str, str] | None:
    """(user, password) from the environment, None when neither is set. Raises
    ConfigError when only one is set; when ``SOPVAULT_SMTP_HOST`` does not name the
    vault's ``smtp_host`` (the user says which server their password is for, so a vault
    cannot send it elsewhere); or when STARTTLS is off and the server is not this machine
    (the password would cross the network in clear)."""
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if not user and not password:
        return None
    if not (user and password):
        raise ConfigError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    meant = os.environ.get(HOST_ENV, "").strip().lower()
    if meant != settings.smtp_host.strip().lower():
        said = f"{HOST_ENV}={meant}" if meant else f"{HOST_ENV} is not set"
        raise ConfigError(
            f"the SMTP credentials are sent only to the server you name: {said}, and the"
            f" vault's [notify] 'smtp_host' is {settings.smtp_host}; set {HOST_ENV} to the"
            " server your password is for"
        )
    if not settings.starttls and settings.smtp_host.lower() not in LOOPBACK:
        raise ConfigError(
            f"[notify] 'starttls' is off: the SMTP password would go to {settings.smtp_host}"
            " in clear; turn starttls on"
        )
    return user, password


def send_email(
    settings: NotifySettings,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    login: tuple[str, str] | None = None,
) -> Failed | None:
    """Send one message (``subject`` and ``body`` already inert, one line and lines) from
    ``settings.sender`` to ``to`` over ``settings``' server; None when the server took it,
    else ``host:port: reason`` (refused, down, authentication failed, STARTTLS missing)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("sopvault", settings.sender.rpartition("@")[2])
    message.set_content(body)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    except (OSError, smtplib.SMTPException) as err:  # refused, unreachable, timed out
        reason = getattr(err, "strerror", None) or str(err)
        return Failed(f"{where}: {reason}", unreachable=True)
    try:
        with smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if login is not None:
                smtp.login(*login)
            smtp.send_message(message, from_addr=settings.sender, to_addrs=[to])
    except smtplib.SMTPRecipientsRefused as err:
        return Failed(f"{where}: {_refusals(err.recipients)}")
    except smtplib.SMTPResponseException as err:
        return Failed(f"{where}: {_reply(err.smtp_code, err.smtp_error)}")
    except smtplib.SMTPServerDisconnected as err:  # it stopped answering: not again this run
        return Failed(f"{where}: {err}", unreachable=True)
    except smtplib.SMTPException as err:
        return Failed(f"{where}: {err}")
    except TimeoutError as err:
        return Failed(f"{where}: {err.strerror or err or 'timed out'}", unreachable=True)
    except OSError as err:  # the connection lost, a TLS failure
        return Failed(f"{where}: {err.strerror or err}")
    return None


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"the server answered {code} {' '.join(said.split())}"


def _refusals(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{who} refused: {_reply(code, text)}" for who, (code, text) in recipients.items()
    )


def run_command(settings: NotifySettings, payload: dict[str, Any]) -> str | None:
    """Pipe ``payload`` as one line of JSON to the user's program (``settings.command``,
    an argument list, never a shell) with ``settings.timeout``; None when it exited 0,
    else why not (not found, a non-zero exit with its last line, the time limit).
    KeyboardInterrupt when sopvault was interrupted meanwhile (the program ended)."""
    data = json.dumps(payload, ensure_ascii=True, sort_keys=True).encode("ascii") + b"\n"
    name = settings.command[0] if settings.command else "?"
    try:
        done = run_program(settings.command, timeout=settings.timeout, stdin=data)
    except ProgramError as err:
        return str(err)
    if done.interrupted:  # the program was ended: stop as asked, nothing more is marked
        raise KeyboardInterrupt
    if done.timed_out:
        return f"{name}: no answer within {settings.timeout:g} s (stopped)"
    if done.status != 0:
        tail = last_lines(done.output, 1)
        said = f": {tail[0]}" if tail else ""
        return f"{name} exited with status {done.status}{said}"
    return None
