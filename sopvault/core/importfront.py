"""The front matter of a page from another tool, read safely (issue 16, import).

Obsidian, Jekyll, MkDocs and GitHub wikis write YAML (``---``), Hugo TOML (``+++``) or
JSON (``{``); many pages have none. YAML is read only with ``yaml.safe_load``: a tag that
would build a Python object (``!!python/object``) is refused, never run. Every value is
turned into one TOML can hold (dates and times stay dates and times; ``null`` becomes
``""``; binary becomes base64 text), within a budget of values and a nesting depth, so
YAML aliases cannot blow up into a huge file (a "billion laughs"). Where the text is not
readable, ``FrontMatterError`` says on which line of the file and why.
"""

from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import yaml

from sopvault.core import delimiters, frontmatter
from sopvault.core.delimiters import Format
from sopvault.core.frontmatter import FrontMatterError

MAX_VALUES = 10_000  # values in one page's front matter, aliases counted each time used
MAX_DEPTH = 20  # tables and lists inside one another
_INT64 = 2**63
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass(frozen=True)
class Source:
    """A page split: its front matter's format (``yaml``, ``toml``, ``json`` or ``none``),
    the fields as TOML-safe values, and the body with LF line ends."""

    format: str
    front: dict[str, Any]
    body: str


def read_source(text: str) -> Source:
    """Split a page into front matter and body; raises FrontMatterError (with the file line)
    when the front matter cannot be read."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found = delimiters.opening(text)
    if found.format is None:
        return Source("none", {}, text)
    if found.format is Format.TOML:
        parts = frontmatter.split(text)
        data = frontmatter.parse_toml(parts.front, parts.front_start)
        return Source("toml", _tomlsafe(data, 1), parts.body)
    if found.format is Format.YAML:
        return _yaml(text, found.at)
    if found.format is Format.JSON:
        return _json(text, found.at)
    line = delimiters.line_at(text, found.at)
    raise FrontMatterError("Org-mode front matter (#+) is not read: convert it to YAML", line)


def _yaml(text: str, at: int) -> Source:
    first = delimiters.line_at(text, at)
    end_of_open = text.find("\n", at)
    if end_of_open < 0 or text[at:end_of_open].strip() != "---":
        raise FrontMatterError("the opening --- must stand alone on its line", first)
    close = _YAML_CLOSE.search(text, end_of_open + 1)
    if close is None:
        raise FrontMatterError("no closing --- after the YAML front matter", first)
    front = text[end_of_open + 1 : close.start()]
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = first + 1 + (mark.line if mark is not None else 0)
        reason = getattr(err, "problem", None) or str(err).split("\n", 1)[0]
        raise FrontMatterError(f"YAML error: {reason}", line) from None
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as err:
        # PyYAML's constructors fail with plain errors on some values (a date 2024-13-45,
        # ``!!float abc``, lists nested thousands deep): still one page's problem.
        raise FrontMatterError(f"YAML error: {_first_line(err)}", first + 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("the YAML front matter is not a set of key: value fields", first)
    body_start = text.find("\n", close.start())
    body = "" if body_start < 0 else text[body_start + 1 :]
    return Source("yaml", _tomlsafe(data, first), body)


def _json(text: str, at: int) -> Source:
    try:
        data, end = json.JSONDecoder().raw_decode(text, at)
    except RecursionError:
        raise FrontMatterError(
            "JSON error: nested too deeply", delimiters.line_at(text, at)
        ) from None
    except ValueError as err:
        line = getattr(err, "lineno", delimiters.line_at(text, at))
        raise FrontMatterError(f"JSON error: {getattr(err, 'msg', err)}", line) from None
    if not isinstance(data, dict):
        line = delimiters.line_at(text, at)
        raise FrontMatterError("the JSON front matter is not an object", line)
    body = text[end:]
    body = body[1:] if body.startswith("\n") else body
    return Source("json", _tomlsafe(data, delimiters.line_at(text, at)), body)


def _first_line(err: BaseException) -> str:
    return (str(err).split("\n", 1)[0] or type(err).__name__).strip()


def _tomlsafe(data: dict[Any, Any], line: int) -> dict[str, Any]:
    """``data`` with every value one TOML can hold; FrontMatterError past the budget."""
    budget = [MAX_VALUES]
    converted = _value(data, 0, budget, line)
    assert isinstance(converted, dict)
    return converted


def _value(value: Any, depth: int, budget: list[int], line: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        why = "has too many values" if budget[0] < 0 else "is nested too deeply"
        raise FrontMatterError(f"the front matter {why} (YAML aliases?); not imported", line)
    if isinstance(value, dict):
        return {_key(k): _value(v, depth + 1, budget, line) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v, depth + 1, budget, line) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | str | date | datetime | time):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def _key(key: Any) -> str:
    """A key as text: YAML allows numbers, booleans and null as keys, TOML only strings."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
