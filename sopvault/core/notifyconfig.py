"""``[notify]`` of ``sopvault.toml`` and the user's own ``notify.toml``, read and validated
(issue 15, reminders that reach people).

Two trust rules (docs/security.md, "Notifications"): a vault may come from anyone, so it
names no secret and no program. A password or user name in ``[notify]`` is refused
(credentials come from the environment: ``SOPVAULT_SMTP_USER``, ``SOPVAULT_SMTP_PASSWORD``),
and so is ``command``: the command channel's program is read only from the user's own
configuration file, which the vault cannot write. Sending mail to the SMTP host the vault
names is allowed: it is data going out, never code coming in.
"""

from __future__ import annotations

import re
from typing import Any

from sopvault.core.frontmatter import FrontMatterError, parse_toml
from sopvault.errors import ConfigError
from sopvault.model.notify import DEFAULT_SMTP_PORT, Channel, NotifySettings

USER_FILE = "notify.toml"
KNOWN = ("channels", "channel", "smtp_host", "smtp_port", "starttls", "from", "site_url")
# Words that mark a credential in a key: a vault carrying one is refused outright.
_SECRET_WORDS = ("password", "passwd", "secret", "token", "user", "login", "credential")
MAX_TIMEOUT = 600.0
# One plain address: no display name, no list, nothing a header could be split on.
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+$")


def plain_address(text: str | None) -> bool:
    """Whether ``text`` is one plain e-mail address (``name@example.com``): what ``To``,
    ``From`` and the envelope take, so neither ``[people]`` nor ``from`` can add
    recipients or headers (a line break in ``from`` was a traceback, issue 15)."""
    return bool(text) and _ADDRESS.match(text or "") is not None


def notify_settings(table: Any, path: str) -> NotifySettings:
    """``[notify]`` as settings; ConfigError naming the key for anything wrong: an unknown
    key, a credential (``password``, ``smtp_user``...), a ``command`` (a vault names no
    program), a channel other than ``email``/``command``, a port outside 1-65535, a
    ``site_url`` that is not http(s)."""
    if not isinstance(table, dict):
        raise ConfigError("[notify] must be a table", path=path)
    for key in table:
        _refuse_key(str(key), path)
    channels = _channels(table, path)
    host = _text(table, "smtp_host", "localhost", path)
    port = table.get("smtp_port", DEFAULT_SMTP_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError("[notify] 'smtp_port' must be a port number (1-65535)", path=path)
    starttls = table.get("starttls", False)
    if not isinstance(starttls, bool):
        raise ConfigError("[notify] 'starttls' must be true or false", path=path)
    sender = _text(table, "from", "", path)
    if Channel.EMAIL in channels and not plain_address(sender):
        raise ConfigError(
            "[notify] 'from' must be an e-mail address, one plain address"
            " (name@example.com: no name, list or line break), to send e-mail",
            path=path,
        )
    site = _text(table, "site_url", "", path).rstrip("/")
    if site and not site.startswith(("https://", "http://")):
        raise ConfigError("[notify] 'site_url' must start with https:// or http://", path=path)
    return NotifySettings(channels, host, port, starttls, sender, site)


def _refuse_key(key: str, path: str) -> None:
    lowered = key.lower()
    if any(word in lowered for word in _SECRET_WORDS):
        raise ConfigError(
            f"[notify] '{key}': a vault never holds credentials; set SOPVAULT_SMTP_USER and"
            " SOPVAULT_SMTP_PASSWORD in the environment instead",
            path=path,
        )
    if lowered == "command":
        raise ConfigError(
            "[notify] 'command': a vault never names a program to run; put `command` in"
            f" your own {USER_FILE} (see docs/notifications.md)",
            path=path,
        )
    if key not in KNOWN:
        raise ConfigError(
            f"[notify] has unknown key '{key}' (known: {', '.join(KNOWN)})", path=path
        )


def _channels(table: dict[str, Any], path: str) -> tuple[Channel, ...]:
    """``channels = ["email", "command"]``, or ``channel = "email"`` for one (not both)."""
    if "channel" in table and "channels" in table:
        raise ConfigError("[notify] sets both 'channel' and 'channels': keep one", path=path)
    raw = table.get("channels", [table["channel"]] if "channel" in table else ["email"])
    key = "channels" if "channels" in table else "channel"
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ConfigError(f"[notify] '{key}' must name channels: email, command", path=path)
    found: list[Channel] = []
    for name in raw:
        try:
            channel = Channel(name)
        except ValueError:
            raise ConfigError(
                f"[notify] '{key}' has unknown channel {name!r} (known: email, command)",
                path=path,
            ) from None
        if channel not in found:
            found.append(channel)
    return tuple(found)


def _text(table: dict[str, Any], key: str, default: str, path: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"[notify] '{key}' must be a string", path=path)
    return value.strip()


def user_command(text: str, path: str) -> tuple[tuple[str, ...], float]:
    """The user's own ``notify.toml``: ``command = ["prog", "arg"]`` (an argument list,
    never a shell string) and ``timeout`` in seconds (default 30, at most 600). Returns
    (command, timeout); the command is empty when the file sets none. ConfigError naming
    the key (and the file) for anything else."""
    try:
        data = parse_toml(text, 1)
    except FrontMatterError as err:
        raise ConfigError(err.message, path=path, line=err.line) from None
    unknown = sorted(set(data) - {"command", "timeout"})
    if unknown:
        raise ConfigError(f"unknown key '{unknown[0]}' (known: command, timeout)", path=path)
    command = data.get("command", [])
    if not isinstance(command, list) or not all(isinstance(a, str) and a for a in command):
        raise ConfigError(
            '\'command\' must be a list of arguments such as ["notify-chat", "--room", "ops"]',
            path=path,
        )
    timeout = data.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigError("'timeout' must be a number of seconds", path=path)
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ConfigError(f"'timeout' must be more than 0 and at most {MAX_TIMEOUT:g}", path=path)
    return tuple(command), float(timeout)
