"""Where front matter starts and ends, by Hugo's rules: the one place that decides whether a
Markdown file is a document (it has front matter) or a note (it has none).

A port of the start of Hugo's content lexer (gohugoio/hugo,
``parser/pageparser/pagelexer_intro.go``; the behaviour was probed with Debian's Hugo
0.111.3 and is tabulated in docs/format.md, "Hugo compatibility"), so that a file Hugo
builds with front matter is a document here with the same fields, and a file with none is
a note, never an error. Pure string work: offsets are indexes into the decoded text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum

TOML = "+++"
# What Hugo skips before front matter: spaces, tabs, line ends and byte-order marks (in any
# order and number). Not other white space: a no-break space before +++ makes a note.
_BLANK = frozenset(" \t\r\n\ufeff")
_HTML_COMMENT = "<!--"
# After a line end (CR or LF), +++ at the very start of the next line closes TOML front
# matter, whatever follows it on that line (Hugo's rule; the rest of that line opens the
# body): found by ``_toml_close``.

# An Org-mode keyword line, as go-org reads one (``#+TITLE: x``); Hugo reads such lines at
# the top of a .md file as front matter.
_ORG_KEYWORD = re.compile(r"^#\+[^:\r\n]+:(?:[ \t]|\r?$)", re.M)


class Format(Enum):
    """A front-matter format Hugo reads; sopvault reads TOML only and reports the others."""

    TOML = "TOML front matter (+++)"
    YAML = "YAML front matter (---)"
    JSON = "JSON front matter ({)"
    ORG = "Org-mode front matter (#+)"


@dataclass(frozen=True)
class Opening:
    """What stands at the top of a file, read as Hugo reads it.

    ``format`` is the front matter's format, None for a note (no front matter); ``at`` the
    offset of the first delimiter character (for a note, of the first character Hugo did not
    skip); ``hugo_error`` what Hugo 0.111 says when it refuses to build a note because of
    how it starts (``- [ ] todo``: "invalid YAML delimiter"), else None; ``in_comment``
    whether Hugo skipped a leading ``<!--`` line (it then needs a ``-->`` later on).
    """

    format: Format | None
    at: int
    hugo_error: str | None = None
    in_comment: bool = False


@dataclass(frozen=True)
class Block:
    """Where a TOML front-matter block lies in a text.

    ``text[start:end]`` is the front matter itself; ``text[:start]`` all before it (blanks,
    byte-order marks, a comment line, the opening ``+++`` and the line end Hugo consumes
    after it); ``text[end:body]`` the closing ``+++`` and the line end after it; the body is
    ``text[body:]``, unchanged.
    """

    start: int
    end: int
    body: int


def opening(text: str) -> Opening:
    """Read the top of ``text`` as Hugo's lexer does (``lexIntroSection``)."""
    at, in_comment = 0, False
    while at < len(text):
        if text[at] in _BLANK:
            at += 1
        elif text.startswith(_HTML_COMMENT, at):
            in_comment = True  # Hugo still reads front matter inside a leading comment
            at = _past_line_end(text, at)
        else:
            break
    found = _opening_at(text, at)
    if in_comment and found.format is None and found.hugo_error is None:
        if "-->" not in text[at:]:
            found = Opening(None, at, "starting HTML comment with no end")
    return Opening(found.format, at, found.hugo_error, in_comment)


def _opening_at(text: str, at: int) -> Opening:
    """The front matter (or the note) starting at the first character Hugo did not skip."""
    first = text[at : at + 1]
    if first in ("+", "-"):
        name, delimiter = ("TOML", TOML) if first == "+" else ("YAML", "---")
        if text.startswith(delimiter, at):
            return Opening(Format.TOML if first == "+" else Format.YAML, at)
        return Opening(None, at, f"invalid {name} delimiter")
    if first == "{":
        return _json_opening(text, at)
    if first == "#" and _ORG_KEYWORD.search(_org_block(text, at)):
        return Opening(Format.ORG, at)
    if first == "<":
        return Opening(None, at, "plain HTML documents not supported")
    return Opening(None, at)


def _json_opening(text: str, at: int) -> Opening:
    """JSON front matter: Hugo takes braces up to the matching one (quotes and backslash
    escapes respected) and unmarshals them into a map; anything else stops the build."""
    level, in_quote, i = 0, False, at
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 1
        elif char == '"':
            in_quote = not in_quote
        elif char in "{}" and not in_quote:
            level += 1 if char == "{" else -1
            if level == 0:
                break
        i += 1
    else:
        return Opening(None, at, "unexpected EOF parsing JSON front matter")
    try:
        json.loads(text[at : i + 1])
    except (ValueError, RecursionError):  # nested thousands deep: Python's parser recurses
        return Opening(None, at, "JSON front matter does not parse")
    return Opening(Format.JSON, at)


def _org_block(text: str, at: int) -> str:
    """The lines from ``at`` that start with ``#+``, as Hugo takes Org front matter."""
    end = at
    while text.startswith("#+", end):
        end = _past_line_end(text, end, ("\n",))
    return text[at:end]


def _past_line_end(text: str, at: int, ends: tuple[str, ...] = ("\r", "\n")) -> int:
    """The offset just after the first line end at or after ``at`` (or the text's end)."""
    found = [i for i in (text.find(end, at) for end in ends) if i >= 0]
    return min(found) + 1 if found else len(text)


def consume_line_end(text: str, at: int) -> int:
    """Skip one optional CR then one optional LF at ``at`` (Hugo's ``consumeCRLF``)."""
    if text.startswith("\r", at):
        at += 1
    if text.startswith("\n", at):
        at += 1
    return at


def toml_block(text: str, at: int) -> Block | None:
    """The TOML block whose opening ``+++`` is at ``at``; None when no closing delimiter
    follows (Hugo: "EOF looking for end TOML front matter delimiter").

    The front matter begins right after the opening delimiter (and its line end, if one
    follows: text after ``+++`` on the opening line is front matter). It ends at the first
    line that *starts* with the delimiter, even inside a TOML multi-line string and whatever
    follows on that line; only a line end right after the closing delimiter is consumed.
    """
    start = consume_line_end(text, at + 3)
    if start > at + 3 and text.startswith(TOML, start):
        end = start
    else:
        found = _toml_close(text, start)
        if found < 0:
            return None
        end = found + 1
    return Block(start, end, consume_line_end(text, end + 3))


def _toml_close(text: str, start: int) -> int:
    """The offset of the first line end (CR or LF) at or after ``start`` followed by
    ``+++``, or -1: two substring searches, several times faster than a regular
    expression's character class (``[\\r\\n]\\+\\+\\+``) over a listing of 10,000 texts."""
    at_lf = text.find("\n+++", start)
    at_cr = text.find("\r+++", start, at_lf + 4 if at_lf >= 0 else len(text))
    return at_cr if at_cr >= 0 else at_lf


def has_front_matter(text: str) -> bool:
    """Whether a Markdown file is a document (Hugo reads front matter from it) rather than
    a note (a README, a to-do list): the one test every reader uses."""
    return opening(text).format is not None


def line_at(text: str, offset: int) -> int:
    """The 1-based line of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1
