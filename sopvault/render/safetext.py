"""Make text from files inert before it reaches a terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 range (which some terminals honour as
# escape introducers, e.g. U+009B is a one-byte CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0D:  # a carriage return from CRLF text is noise, not content
        return ""
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ESC -> ^[ as `cat -v` shows it
    return f"<U+{code:04X}>"


def inert(text: str) -> str:
    """Replace control characters with visible stand-ins so no escape sequence can act.

    Everything shown in a terminal that came from a file (titles, steps, bodies, paths, error
    messages quoting input) passes through here.
    """
    return _CONTROL.sub(_visible, text)


def has_control(text: str) -> bool:
    """True when ``text`` holds a character ``inert`` would replace."""
    return _CONTROL.search(text.replace("\r\n", "\n")) is not None
