"""Make text from files, configs, git and users inert before it reaches a terminal.

Two shapes, because a place that shows one line must not be broken by a newline:

- ``inert`` for blocks (a body, a diff, a report): lines stay lines.
- ``inert_line`` for one-line places (a table cell, a title, a notification, a finding,
  an error message): newlines and tabs become visible stand-ins as well.

Both show control characters (C0, DEL, C1: ESC, BEL, a one-byte CSI), bidirectional
overrides and isolates (U+202A-202E, U+2066-2069, the "Trojan source" characters,
CVE-2021-42574) and lone surrogates (undecodable bytes kept by ``surrogateescape``) as
visible text, so no escape sequence can act, no line can be reordered on screen, and
printing never fails on an encoding error. Markup is never interpreted because the TUI
and ``render.rich`` build ``Text`` objects from these strings, never markup strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# C0 controls except tab and newline, DEL, and the C1 range (which some terminals honour as
# escape introducers, e.g. U+009B is a one-byte CSI); bidi embeddings, overrides and
# isolates; line and paragraph separators; lone surrogates.
_BLOCK = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)
_LINE = re.compile(r"\r\n|[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")

NEWLINE = "⏎"  # what a newline looks like in a one-line place


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char[0])
    if code == 0x0D:  # a carriage return from CRLF text is noise, not content
        return ""
    if char in ("\u2028", "\u2029"):
        return "\n"
    return _shown(code)


def _visible_in_line(match: re.Match[str]) -> str:
    char = match.group()
    if char in ("\r\n", "\n", "\r", "\u2028", "\u2029"):
        return NEWLINE
    if char == "\t":
        return " "
    return _shown(ord(char))


def _shown(code: int) -> str:
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ESC -> ^[ as `cat -v` shows it
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"<U+{code:04X}>"


def inert(text: str) -> str:
    """``text`` with every character that could act on a terminal shown as visible text.

    Lines stay lines (for bodies, diffs, reports); a lone CR is dropped, U+2028/2029 become
    newlines, ESC becomes ``^[``, U+009B ``<U+009B>``, U+202E ``<U+202E>``, an undecodable
    byte ``\\xff``. The result always encodes as UTF-8."""
    return _BLOCK.sub(_visible, text)


def inert_line(text: str) -> str:
    """``inert`` for one-line places (cells, titles, notices, findings, error lines): a
    newline (LF, CRLF, CR, U+2028, U+2029) is shown as ``⏎`` and a tab as a space, so text
    from a file can never start a new line where one line is expected."""
    return _LINE.sub(_visible_in_line, text)


def inert_lines(lines: Iterable[str]) -> str:
    """Lines that are each meant as one line (a run report, a summary), each made inert
    with ``inert_line`` and joined by newlines: a newline inside one cannot forge another."""
    return "\n".join(inert_line(line) for line in lines)
