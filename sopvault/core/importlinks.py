"""Links between imported pages, rewritten to the new documents (issue 16, import).

Three forms are read: relative Markdown links to a page (``[t](other.md)``,
``[t](../x/other.md#anchor)``, a Hugo or MkDocs page bundle's folder ``[t](../fill-tank/)``,
and reference definitions ``[t]: other.md``), and Obsidian's
wiki links (``[[other]]``, ``[[other|label]]``, ``[[other#heading]]``; a GitHub wiki's
``[[label|Other-Page]]`` when its first part names no page). A link whose page
was imported becomes an ordinary relative Markdown link to the new file
(``[label](../procedures/SOP-004-cleaning.md#anchor)``): the form GitHub, GitLab, editors
and Hugo's Markdown all follow, and the one a person reading the file understands. Anything
else (web addresses, images, embeds ``![[...]]``, pages not imported, text in code) stays
exactly as it was. Who resolves a target is the caller's business: this module is pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from sopvault.core.importsteps import fenced_lines

_MD_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\\n]|\\.)*)\]\(\s*"
    r"(?P<target><[^<>\n]*>|[^\s()<>]+)(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
_WIKI = re.compile(
    r"(?P<bang>!?)\[\[(?P<name>[^\[\]|#\n]*)(?:#(?P<heading>[^\[\]|\n]*))?"
    r"(?:\|(?P<label>[^\[\]\n]*))?\]\]"
)
_REF_DEF = re.compile(r"^(?P<head> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PAGE = re.compile(r"\.(?:md|markdown)$", re.I)


@dataclass(frozen=True)
class Linker:
    """How targets become new links: ``page`` takes a relative page path as written (URL
    escapes undone, anchor removed; a folder's ends in ``/``) and ``name`` an Obsidian
    page name (``other``, ``folder/other``); each returns the new file's path relative to
    the linking file, or None when that page was not imported."""

    page: Callable[[str], str | None]
    name: Callable[[str], str | None]


@dataclass
class Relinked:
    """The text with its links rewritten, how many were, and the targets left alone that
    named a page (``other.md``, ``[[other]]``) no imported file matched."""

    text: str
    rewritten: int = 0
    unresolved: list[str] = field(default_factory=list)


def relink(text: str, linker: Linker) -> Relinked:
    """``text`` with every link to an imported page rewritten (code blocks and code spans
    untouched)."""
    out = Relinked(text)
    lines = text.split("\n")
    fenced = fenced_lines(lines)
    for index, line in enumerate(lines):
        if not fenced[index] and ("[" in line):
            lines[index] = _outside_code(line, lambda part: _relink_part(part, linker, out))
    out.text = "\n".join(lines)
    return out


def anchor(heading: str) -> str:
    """The anchor GitHub, GitLab and Hugo give a heading: lower case, punctuation dropped,
    spaces as dashes ("Check the valve!" -> ``check-the-valve``)."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the parts of a line outside inline code spans."""
    parts, at = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(change(line[at : span.start()]))
        parts.append(span.group())
        at = span.end()
    parts.append(change(line[at:]))
    return "".join(parts)


def _relink_part(part: str, linker: Linker, out: Relinked) -> str:
    part = _REF_DEF.sub(lambda m: _definition(m, linker, out), part)
    part = _MD_LINK.sub(lambda m: _markdown(m, linker, out), part)
    return _WIKI.sub(lambda m: _wiki(m, linker, out), part)


def _new_target(target: str, linker: Linker, out: Relinked) -> str | None:
    """The rewritten destination of a Markdown link, or None to leave it."""
    bare = target[1:-1] if target.startswith("<") else target
    path, _, fragment = bare.partition("#")
    if not path or _SCHEME.match(path) or path.startswith(("/", "\\")):
        return None
    if not _PAGE.search(path) and not path.endswith("/"):
        return None  # neither a page nor a folder (a page bundle: ``../fill-tank/``)
    new = linker.page(unquote(path))
    if new is None:
        out.unresolved.append(path)
        return None
    out.rewritten += 1
    return new + (f"#{fragment}" if fragment else "")


def _markdown(match: re.Match[str], linker: Linker, out: Relinked) -> str:
    if match.group("bang"):
        return match.group()  # an image stays an image
    new = _new_target(match.group("target"), linker, out)
    if new is None:
        return match.group()
    return f"[{match.group('text')}]({new}{match.group('title') or ''})"


def _definition(match: re.Match[str], linker: Linker, out: Relinked) -> str:
    new = _new_target(match.group("target"), linker, out)
    return match.group() if new is None else f"{match.group('head')}{new}"


def _wiki(match: re.Match[str], linker: Linker, out: Relinked) -> str:
    name = match.group("name").strip()
    if match.group("bang") or not name:
        return match.group()  # an embed (``![[x]]``) or a link inside the same page
    heading = (match.group("heading") or "").strip()
    label = (match.group("label") or "").strip()
    new = linker.name(name)
    if new is None and label and not heading:
        new = linker.name(label)  # a GitHub wiki's order: [[text|Page-Name]]
        name, label = (label, name) if new is not None else (name, label)
    if new is None:
        out.unresolved.append(f"[[{name}]]")
        return match.group()
    out.rewritten += 1
    if not label:
        label = f"{name} > {heading}" if heading else name
    label = label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({new}{'#' + anchor(heading) if heading else ''})"
