"""Steps out of an imported page (issue 16, import): the numbered list under a heading such
as "Steps", "Procedure" or "Instructions" becomes the document's ``[[steps]]``.

Pure text work on a Markdown body whose line ends are LF. Lines inside fenced code blocks
are never read as headings or list items. Nothing is lost: each item's first paragraph is
the step's ``action`` (joined into one line), a nested list of one-line bullets its
``substeps``, and any other text below the item its ``details``, as written; the list is
then taken out of the body (the steps are shown as numbered steps by every reader, and two
copies would drift apart), and so is its heading when nothing else was under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*(?:(?<=[ \t])#+[ \t]*)?$")
# A numbered item; an empty one (``2.`` alone) is an item too, its own (empty) step.
_ITEM = re.compile(r"^( {0,3})(\d{1,9})([.)])(?:([ \t]+)(\S.*)|[ \t]*)$")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(\S.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCK_START = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|[-*+][ \t]|>|`{3}|~{3}|\|)")
# The words a heading over the steps starts with ("Steps", "Procedure for cleaning").
STEP_HEADINGS = (
    "steps",
    "procedure",
    "instructions",
    "instruction",
    "method",
    "how to",
    "process",
    "work steps",
    "procedure steps",
    "steps to follow",
)
_HEADING_WORDS = re.compile(
    r"^(?:the\s+)?(?:" + "|".join(re.escape(h) for h in STEP_HEADINGS) + r")\b", re.I
)


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or opens or closes) a fenced code block."""
    inside: list[bool] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None:
            if match is not None:
                fence = match.group(1)
                inside.append(True)
                continue
            inside.append(False)
        else:
            inside.append(True)
            if match is not None and match.group(1)[0] == fence[0]:
                if len(match.group(1)) >= len(fence) and not line[match.end() :].strip():
                    fence = None
    return inside


def heading_of(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (``## Steps ##``), else None."""
    match = HEADING.match(line)
    if match is None:
        return None
    return len(match.group(1)), (match.group(2) or "").strip()


def is_step_heading(text: str) -> bool:
    """Whether a heading announces steps: "Steps", "Procedure", "Instructions:", "Steps to
    follow", "Procedure for cleaning" (any case, bold or not)."""
    plain = text.strip().strip("*_").strip().rstrip(":").strip()
    return bool(_HEADING_WORDS.match(plain))


@dataclass
class _Item:
    line: int  # 0-based index into the body's lines
    indent: int  # where the item's content starts (its continuation lines' indentation)
    first: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    open: bool = True  # still in the first paragraph


@dataclass(frozen=True)
class Extracted:
    """What was found: the steps (front-matter tables), the 1-based body line of each, and
    the body without the list."""

    steps: list[dict[str, Any]]
    lines: list[int]
    body: str


def extract_steps(body: str) -> Extracted:
    """The first numbered list under a step heading, as steps; the body unchanged and no
    steps when there is none."""
    lines = body.split("\n")
    fenced = fenced_lines(lines)
    for index, line in enumerate(lines):
        found = None if fenced[index] else heading_of(line)
        if found is None or not is_step_heading(found[1]):
            continue
        end = _section_end(lines, fenced, index, found[0])
        start = next(
            (i for i in range(index + 1, end) if not fenced[i] and _ITEM.match(lines[i])), None
        )
        if start is None:
            continue
        items, last = _items(lines, fenced, start, end)
        steps = [_step(item) for item in items]
        cut = (start, last + 1)
        if not any(text.strip() for text in lines[index + 1 : start] + lines[last + 1 : end]):
            cut = (index, end)  # the heading held nothing else
        return Extracted(steps, [item.line + 1 for item in items], _cut(lines, *cut))
    return Extracted([], [], body)


def _section_end(lines: list[str], fenced: list[bool], index: int, level: int) -> int:
    """The index of the next heading of the same or a higher level (or the end)."""
    for i in range(index + 1, len(lines)):
        found = None if fenced[i] else heading_of(lines[i])
        if found is not None and found[0] <= level:
            return i
    return len(lines)


def _items(lines: list[str], fenced: list[bool], start: int, end: int) -> tuple[list[_Item], int]:
    """The list's items from ``start``, and the index of its last line."""
    items: list[_Item] = []
    last = start
    i = start
    while i < end:
        line = lines[i]
        item_match = None if fenced[i] else _ITEM.match(line)
        current = items[-1] if items else None
        if item_match is not None and not (current and _indent(line) >= current.indent):
            # an empty item's text would start one space after its marker (CommonMark)
            spaces = item_match.group(4)
            indent = sum(len(item_match.group(g)) for g in (1, 2, 3)) + len(spaces or " ")
            text = item_match.group(5)
            items.append(_Item(i, indent, [text.strip()] if text else []))
        elif current is None:
            break
        elif not line.strip():
            following = next((k for k in range(i + 1, end) if lines[k].strip()), None)
            if following is None or not _continues(lines[following], current):
                break
            current.open = False
            current.rest.extend([""] * (following - i))
            i = following
            continue
        elif current.open and not current.rest and _lazy(line, current, fenced[i]):
            current.first.append(line.strip())
        elif _indent(line) >= min(current.indent, 4) or fenced[i] and current.rest:
            current.open = False
            current.rest.append(line[min(_indent(line), current.indent) :])
        else:
            break
        last = i
        i += 1
    return items, last


def _continues(line: str, item: _Item) -> bool:
    """Whether a line after a blank one still belongs to the list."""
    return bool(_ITEM.match(line)) or _indent(line) >= min(item.indent, 4)


def _lazy(line: str, item: _Item, fenced: bool) -> bool:
    """A line continuing the first paragraph of an item (indented or lazy), not a new block."""
    if fenced or _BULLET.match(line):
        return False
    return _indent(line) >= item.indent or not _BLOCK_START.match(line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _step(item: _Item) -> dict[str, Any]:
    """One step table: action, then substeps (only one-line bullets) or details."""
    step: dict[str, Any] = {"action": " ".join(part for part in item.first if part)}
    rest = "\n".join(item.rest).strip("\n")
    if not rest:
        return step
    rows = [row for row in rest.split("\n") if row.strip()]
    bullets = [_BULLET.match(row) for row in rows]
    depth = {_indent(row) for row in rows}
    if all(bullets) and len(depth) == 1:
        step["substeps"] = [m.group(1).strip() for m in bullets if m is not None]
    else:
        step["details"] = _dedent(rest)
    return step


def _dedent(text: str) -> str:
    """``text`` with the indentation its lines share taken off."""
    rows = text.split("\n")
    common = min((_indent(row) for row in rows if row.strip()), default=0)
    return "\n".join(row[common:] for row in rows)


def _cut(lines: list[str], start: int, end: int) -> str:
    """The lines without ``lines[start:end]``, joined; where the cut leaves two blank lines
    meeting, one goes (every other line is kept as written)."""
    kept = lines[:start] + lines[end:]
    while 0 < start < len(kept) and not kept[start - 1].strip() and not kept[start].strip():
        del kept[start]
    return "\n".join(kept)
