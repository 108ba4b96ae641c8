"""Split ``+++`` TOML front matter from the Markdown body, find key lines, and edit in place.

Edits go through tomlkit (style-preserving), so a person's layout and comments in the front
matter survive and git diffs stay small, and every edit is read back with tomli before it
counts; new files are serialised by tomli-w.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import tomli
import tomli_w

from sopvault.core import delimiters
from sopvault.core.delimiters import TOML as DELIMITER
from sopvault.core.delimiters import Format
from sopvault.core.readback import mismatch
from sopvault.errors import Invalid

# A key as a line may start with it: basic-quoted, literal-quoted or bare (the one rule
# of both line scans below).
_KEY = r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_-]+)"""
# A table header or a key at the start of a line, found in one pass over the front matter.
_LINE_START = re.compile(
    r"""^[ \t]*(?:(?P<open>\[\[?)[ \t]*(?P<tname>[^\]\r\n]+?)[ \t]*\]\]?[ \t]*(?:\#[^\n]*)?\r?$"""
    rf"""|(?P<key>{_KEY})[ \t]*[.=])""",
    re.M,
)
_BARE_LF = re.compile(r"(?<!\r)\n")
_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


class FrontMatterError(Invalid, ValueError):
    """The file is not ``+++``-fronted as required; ``line`` is 1-based in the file.

    Also a ValueError, so readers that treat any unreadable text alike keep catching it.
    """

    line: int

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message, line=line)


@dataclass(frozen=True)
class Split:
    """A file cut into its parts, where Hugo cuts it (``core.delimiters``).

    ``head`` is everything before the front matter (blanks, a byte-order mark, the opening
    ``+++`` and its line end), ``close`` the closing ``+++`` and the line end after it, so
    ``head + front + close + body`` is the file; ``front_start`` is the file line of the
    front matter's first character; ``newline`` the file's line end.
    """

    front: str
    body: str
    front_start: int
    newline: str
    head: str = DELIMITER + "\n"
    close: str = DELIMITER + "\n"

    @property
    def bom(self) -> bool:
        """Whether a byte-order mark stands before the front matter."""
        return "\ufeff" in self.head


_NOT_TOML: dict[Format | None, str] = {
    kind: f"{kind.value} is not supported; use +++ TOML front matter"
    for kind in (Format.YAML, Format.JSON, Format.ORG)
}
_NOT_TOML[None] = "file does not start with a +++ front matter line"


def split(text: str) -> Split:
    """Cut ``text`` at its delimiters by Hugo's rules; the body is everything after the
    closing delimiter (and the line end right after it), unchanged.

    Raises FrontMatterError when the file has no TOML front matter (none, or YAML, JSON or
    Org-mode front matter) or no closing ``+++`` line.
    """
    return split_opened(text, delimiters.opening(text))


def split_opened(text: str, found: delimiters.Opening) -> Split:
    """:func:`split` of ``text`` whose top was already read (``found``, what
    ``delimiters.opening(text)`` gives): a listing reads the top once, not twice.
    Raises FrontMatterError as ``split``."""
    if found.format is not Format.TOML:
        raise FrontMatterError(_NOT_TOML[found.format], delimiters.line_at(text, found.at))
    block = delimiters.toml_block(text, found.at)
    if block is None:
        raise FrontMatterError("front matter has no closing +++ line", text.count("\n") + 1)
    line_end = text.find("\n", found.at)
    newline = "\r\n" if line_end > 0 and text[line_end - 1] == "\r" else "\n"
    return Split(
        front=text[block.start : block.end],
        body=text[block.body :],
        front_start=delimiters.line_at(text, block.start),
        newline=newline,
        head=text[: block.start],
        close=text[block.end : block.body],
    )


# Deeper than this, the parser (and pickle after it) runs out of Python stack.
MAX_DEPTH = 100


def parse_toml(front: str, front_start: int) -> dict[str, Any]:
    """Parse front matter, turning the parser's position into a file line number."""
    try:
        return tomli.loads(front)
    except RecursionError:
        line = front_start + _deep_line(front) - 1
        raise FrontMatterError(
            f"arrays or tables nested more than {MAX_DEPTH} levels deep", line
        ) from None
    except tomli.TOMLDecodeError as err:
        message, at = toml_error(err)
        if at is None:  # "at end of document": the closing +++ line, where Hugo points too
            at = front.count("\n") + 1
        line = front_start + at - 1
        raise FrontMatterError(f"TOML syntax error: {message}", line) from None


@dataclass(frozen=True)
class KeyLines:
    """Where keys are set, as file lines: top-level keys, and keys inside each ``[[steps]]``."""

    top: dict[str, int]
    steps: list[tuple[int, dict[str, int]]]


def locate_keys(front: str, front_start: int) -> KeyLines:
    """Find the line of each top-level key and of each ``[[steps]]`` table and its keys.

    A line scan, not a TOML parse: good enough to point a person at the right line, and it
    never fails on input tomli accepted. ``_LINE_START`` is matched at the start of each
    line (a match never crosses a line end), which is what a multi-line search finds but
    without trying every character of the text as a start.
    """
    top: dict[str, int] = {}
    steps: list[tuple[int, dict[str, int]]] = []
    section: str | None = None
    current: dict[str, int] | None = None
    match_line = _LINE_START.match
    for file_line, line in enumerate(front.split("\n"), front_start):
        match = match_line(line)
        if match is None:
            continue
        table = match.group("tname")
        if table is not None:
            name = table.strip()
            if match.group("open") == "[[" and name == "steps":
                current = {}
                steps.append((file_line, current))
                section = "steps"
            elif name.startswith("steps."):
                section = "steps-sub"
            else:
                top.setdefault(name.split(".")[0], file_line)
                section = name
                current = None
            continue
        name = match.group("key").strip("\"'")
        if section is None:
            top.setdefault(name, file_line)
        elif section == "steps" and current is not None:
            current.setdefault(name, file_line)
    return KeyLines(top=top, steps=steps)


# One line of a front matter with no table header: the key that starts it (if any), then
# the rest of the line. ``_KEY``, matched at each line's start by one
# ``findall`` over the text instead of a ``match`` per line.
_KEY_OF_LINE = re.compile(rf"""[ \t]*(?:({_KEY})[ \t]*[.=])?[^\n]*\n""")


def locate_top_keys(front: str, front_start: int) -> KeyLines:
    """:func:`locate_keys` of a front matter with no table header line (no line starts
    with ``[`` after blanks: a head as ``core.parse.parse_head`` cuts it), where every key
    found is a top-level one: the same lines in about two thirds of the time."""
    top: dict[str, int] = {}
    for file_line, key in enumerate(_KEY_OF_LINE.findall(front + "\n"), front_start):
        if key:
            top.setdefault(key.strip("\"'"), file_line)
    return KeyLines(top=top, steps=[])


def update(text: str, changes: dict[str, Any], *, body: str | None = None) -> str:
    """Return ``text`` with top-level front-matter keys set (``None`` removes a key) and,
    when ``body`` is given, that body in place of the old one.

    The edit is made by tomlkit, a TOML parser that keeps comments, key order, quoting and
    layout, so a key is never written inside a multi-line string or an array that merely
    looks like a table, and a person's front matter survives with a one-line git diff per
    change. Then it is read back (``read_back``): the result must be the front matter as it
    was plus exactly ``changes``, with the body byte for byte. Anything else raises
    FrontMatterError and nothing is returned, so no writer can store a corrupted document.
    """
    parts = split(text)
    data = parse_toml(parts.front, parts.front_start)
    expected = dict(data)
    for key, value in changes.items():
        if value is None:
            expected.pop(key, None)
        else:
            expected[key] = value
    if body is not None:
        parts = replace(parts, body=body)
    import tomlkit  # only an edit needs it: reading documents and listings start faster
    from tomlkit.exceptions import TOMLKitError

    try:
        edited = tomlkit.parse(parts.front)
        for key, value in changes.items():
            if value is None:
                edited.pop(key, None)
            else:
                edited[key] = value
        result = _join(parts, tomlkit.dumps(edited))
    except (TOMLKitError, ValueError, TypeError) as err:
        raise FrontMatterError(f"cannot edit the front matter: {err}", 1) from None
    read_back(result, expected, parts.body)
    return result


def read_back(text: str, front: dict[str, Any], body: str) -> None:
    """Check that ``text`` reads as front matter ``front`` and body ``body`` exactly, as every
    write of a document must before it counts (``core.readback.mismatch``: strict types,
    offsets kept); raises FrontMatterError naming what would have changed."""
    try:
        parts = split(text)
    except FrontMatterError as err:
        raise FrontMatterError(f"the edit would not read back: {err}; nothing written", 1) from None
    if parts.body != body:
        raise FrontMatterError("the edit would change the body; nothing written", 1)
    problem = mismatch(parts.front, front)
    if problem is not None:
        raise FrontMatterError(f"the edit is refused: {problem}; nothing written", 1)


def _deep_line(front: str) -> int:
    """The first line (of the front matter) where brackets nest past MAX_DEPTH."""
    depth, line = 0, 1
    for char in front:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    return 1


def toml_error(err: tomli.TOMLDecodeError) -> tuple[str, int | None]:
    """The parser's message without its "(at line L, column C)", and L (Python 3.11 has no
    ``lineno`` attribute yet)."""
    message = str(err)
    match = _TOML_ERROR_LINE.search(message)
    if match is None:
        return message, None
    return message[: match.start()].strip(), int(match.group(1))


def dump(data: dict[str, Any]) -> str:
    """Serialise front matter with tomli-w, multi-line strings kept readable.

    A multi-line string holding a line that starts with ``+++`` would end the front matter
    early (Hugo's rule, ``core.delimiters``), and one holding a carriage return comes back
    without it (TOML readers normalise line ends inside multi-line strings), so then every
    string is written on one line with escapes instead.
    """
    text = tomli_w.dumps(data, multiline_strings=True)
    if (
        any(line.startswith(DELIMITER) for line in text.split("\n"))
        or mismatch(text, data) is not None
    ):
        text = tomli_w.dumps(data)
    return text


def _join(parts: Split, front: str) -> str:
    """The file again around an edited front matter, what surrounds it kept byte for byte.
    tomlkit keeps every untouched line's own ending and writes new lines with LF; a CRLF
    file gets CRLF on those new lines."""
    nl = parts.newline
    if nl != "\n":
        front = _BARE_LF.sub(nl, front)
    if front and not front.endswith(("\n", "\r")):
        front += nl
    if not parts.head.endswith(("\n", "\r")) and front[:1] not in ("", " ", "\t", "\n", "\r"):
        front = " " + front  # the front matter begins on the opening line: keep it apart
    return parts.head + front + parts.close + parts.body


def compose(front: dict[str, Any], body: str) -> str:
    """A new file from front matter and body, read back (``read_back``) before it is
    returned; raises FrontMatterError when it would not read as ``front`` and ``body``."""
    text = f"{DELIMITER}\n{dump(front)}{DELIMITER}\n{body}"
    read_back(text, front, body)
    return text
