"""A page from another tool -> a sopvault draft (issue 16, import): pure, no disk.

What maps where (docs/import.md): the title from the front matter, else the first ``#``
heading, else the file name; the kind as the caller chose it (``--kind``, a folder), else
the front matter's ``kind`` or ``type``; ``owner``, ``department``, ``purpose``,
``scope``, ``trigger``, ``review_every``, ``tags``, ``roles``, ``hazards``, ``ppe``,
``regulations``, ``effective`` and ``next_review`` when their values fit sopvault's types;
steps from a numbered list under a step heading (``core.importsteps``). Every other field,
and a mapped one whose value does not fit, is kept under ``[imported.front_matter]``
beside the page's ``source``, front-matter ``format`` and ``sha256``, so nothing is lost
and the origin of a controlled document stays traceable (ISO 9001 §7.5.3.2: retention of
documented information; §7.5.3.1: identification of documents of external origin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from sopvault.core import frontmatter
from sopvault.core.frontmatter import FrontMatterError
from sopvault.core.importfront import read_source
from sopvault.core.importsteps import extract_steps, fenced_lines, heading_of
from sopvault.core.parse import REVIEW_EVERY
from sopvault.core.versioning import FIRST_DRAFT
from sopvault.errors import Invalid
from sopvault.model.document import STEPPED_KINDS, Kind

TEXT_KEYS = ("owner", "department", "purpose", "scope", "trigger")
LIST_KEYS = ("tags", "roles", "hazards", "ppe", "regulations")
DATE_KEYS = ("effective", "next_review")
KIND_KEYS = ("kind", "type")
# Folder names that say the kind of the pages in them, beyond Kind.parse's words
# ("procedures", "policies", "work-instructions", "sop", "wi", "forms"...).
FOLDER_ALIASES = {
    "sops": Kind.PROCEDURE,
    "wis": Kind.WORK_INSTRUCTION,
    "instructions": Kind.WORK_INSTRUCTION,
    "work_instructions": Kind.WORK_INSTRUCTION,
}
# A Hugo or MkDocs page bundle's page: ``clean-tank/index.md`` is the page "clean-tank".
BUNDLE_STEMS = ("index", "_index", "readme")
HOW_TO_CHOOSE = (
    "no kind: give --kind KIND, --map FOLDER=KIND for its folder, or `kind:` in its front matter"
)


@dataclass
class Draft:
    """A page as a draft before it has an id: what goes into its front matter and body.

    ``steps`` are ``[[steps]]`` tables; ``imported`` the ``[imported]`` table;
    ``fields`` the mapped optional fields (owner, tags ...); ``newline`` the page's line
    ends (``"\r\n"`` for a Windows page: the new file keeps them, front matter too)."""

    title: str
    kind: Kind
    fields: dict[str, Any]
    steps: list[dict[str, Any]]
    body: str
    imported: dict[str, Any]
    newline: str = "\n"


def folder_kind(name: str) -> Kind | None:
    """The kind a folder's name says (``procedures``, ``SOPs``, ``work-instructions``)."""
    word = "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())
    if word in FOLDER_ALIASES:
        return FOLDER_ALIASES[word]
    try:
        return Kind.parse(word)
    except Invalid:
        return None


def make_draft(source: str, text: str, kind: Kind | None, digest: str) -> Draft:
    """The draft for a page named ``source`` (a relative path, recorded as its origin)
    holding ``text``; ``kind`` as the caller chose it or None (the front matter decides).
    Raises FrontMatterError (with its line) for front matter that cannot be read, and
    Invalid when no kind can be told (``HOW_TO_CHOOSE``)."""
    page = read_source(text)
    front = {key: value for key, value in page.front.items()}
    lower = {key.lower(): key for key in front}
    kind = kind or _kind_from(front, lower)
    if kind is None:
        raise Invalid(HOW_TO_CHOOSE)
    title = _title(front, lower, page.body, source)
    fields = _mapped(front, lower)
    steps: list[dict[str, Any]] = []
    body = page.body
    if kind in STEPPED_KINDS:
        steps = _front_steps(front, lower)
        if not steps:
            found = extract_steps(body)
            steps, body = found.steps, found.body
    imported: dict[str, Any] = {"source": source, "format": page.format, "sha256": digest}
    if front:
        imported["front_matter"] = front
    newline = "\r\n" if 2 * text.count("\r\n") > text.count("\n") else "\n"
    body = body.replace("\n", newline)  # the body keeps the page's line ends
    return Draft(title, kind, fields, steps, body, imported, newline)


def document_text(draft: Draft, doc_id: str) -> str:
    """The new file: ``+++`` TOML front matter (a draft 0.1) and the body, read back before
    it is returned (``frontmatter.compose``; FrontMatterError if it would not read so, or
    when it holds text UTF-8 cannot write: a YAML ``"\\ud800"`` lone surrogate). Pure, so
    a dry run refuses exactly the pages the real run would."""
    front: dict[str, Any] = {
        "id": doc_id,
        "title": draft.title,
        "kind": draft.kind.value,
        "version": FIRST_DRAFT,
        "status": "draft",
        **draft.fields,
    }
    if draft.steps:
        front["steps"] = draft.steps
    front["imported"] = draft.imported
    body = draft.body.replace(draft.newline, "\n")
    text = frontmatter.compose(front, body)
    if draft.newline != "\n":  # a CRLF page stays CRLF, front matter too (either reads)
        text = text.replace("\n", draft.newline)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start : err.end]
        codes = ", ".join(f"U+{ord(c):04X}" for c in bad[:3])
        line = text.count("\n", 0, err.start) + 1
        raise FrontMatterError(
            f"holds text that cannot be written as UTF-8 ({codes}: a lone surrogate, from"
            f' an escape such as "\\ud800" in its front matter or body): not imported',
            line,
        ) from None
    return text


def _kind_from(front: dict[str, Any], lower: dict[str, str]) -> Kind | None:
    for key in KIND_KEYS:
        value = front.get(lower.get(key, ""))
        if isinstance(value, str):
            try:
                return Kind.parse(value)
            except Invalid:
                continue
    return None


def _title(front: dict[str, Any], lower: dict[str, str], body: str, source: str) -> str:
    """Front matter's title, else the first level-1 heading, else the file name (a page
    bundle's ``index.md``, ``_index.md`` or ``README.md``: its folder's name)."""
    key = lower.get("title")
    value = front.get(key) if key else None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        if " ".join(str(value).split()):
            front.pop(key or "")
            return " ".join(str(value).split())
    lines = body.split("\n")
    for index, inside in enumerate(fenced_lines(lines)):
        found = None if inside else heading_of(lines[index])
        if found is not None and found[0] == 1 and found[1]:
            return " ".join(found[1].split())
    stem = PurePosixPath(source).stem
    if stem.lower() in BUNDLE_STEMS and PurePosixPath(source).parent.name:
        stem = PurePosixPath(source).parent.name  # clean-tank/index.md is "clean tank"
    return " ".join(re.sub(r"[-_]+", " ", stem).split()) or "Untitled"


def _mapped(front: dict[str, Any], lower: dict[str, str]) -> dict[str, Any]:
    """The fields sopvault knows, taken out of ``front`` when their value fits."""
    fields: dict[str, Any] = {}
    for name in (*TEXT_KEYS, "review_every", *LIST_KEYS, *DATE_KEYS):
        key = lower.get(name)
        if key is None:
            continue
        value = _fitting(name, front[key])
        if value is not None:
            fields[name] = value
            del front[key]
    return fields


def _fitting(name: str, value: Any) -> Any:
    """``value`` as the field ``name`` takes it, or None when it does not fit."""
    if name in TEXT_KEYS:
        return value if isinstance(value, str) and value.strip() else None
    if name == "review_every":
        return value if isinstance(value, str) and REVIEW_EVERY.match(value.strip()) else None
    if name in DATE_KEYS:
        fits = isinstance(value, date) and not isinstance(value, datetime)
        return value if fits else None
    if isinstance(value, str):
        items = re.split(r"[,\s]+", value) if name == "tags" else [value]
    elif isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        items = [str(v) for v in value]
    else:
        return None
    if name == "tags":
        items = [item.strip().lstrip("#") for item in items]
    cleaned = [item.strip() for item in items if item.strip()]
    return cleaned or None


def _front_steps(front: dict[str, Any], lower: dict[str, str]) -> list[dict[str, Any]]:
    """Steps already in the front matter as sopvault writes them (a page exported from a
    vault), taken as they are."""
    key = lower.get("steps")
    value = front.get(key) if key else None
    if not (
        isinstance(value, list)
        and value
        and all(isinstance(s, dict) and isinstance(s.get("action"), str) for s in value)
    ):
        return []
    del front[key or ""]
    return list(value)
