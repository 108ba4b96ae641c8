"""One file <-> one Document: parsing with findings that name file and line, and writing back."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sopvault.core import delimiters, frontmatter
from sopvault.core.frontmatter import FrontMatterError, KeyLines
from sopvault.model.document import (
    Document,
    Kind,
    Status,
    Step,
    is_valid_id,
)
from sopvault.model.finding import FileFindings, Finding, ParseResult, Severity

REQUIRED = ("id", "title", "kind")
TEXT_FIELDS = (
    "version",
    "owner",
    "department",
    "purpose",
    "scope",
    "trigger",
    "review_every",
    "superseded_by",
)
LIST_FIELDS = (
    "parents",
    "related",
    "roles",
    "tags",
    "hazards",
    "ppe",
    "regulations",
    "reviewers",
    "readers",
)
DATE_FIELDS = ("effective", "next_review")
# ``imported``: where an imported document came from and the fields it had that sopvault
# does not use (``sopvault import``, docs/import.md), kept as written.
KNOWN_FIELDS = frozenset(
    (*REQUIRED, "status", *TEXT_FIELDS, *LIST_FIELDS, *DATE_FIELDS, "steps", "imported")
)
REVIEW_EVERY = re.compile(r"^\d+\s+(?:day|week|month|year)s?$")
_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}


def decode(path: str, raw: bytes) -> tuple[str | None, Finding | None]:
    """Decode UTF-8, or say on which line the first bad byte sits."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return None, Finding(
            path,
            line,
            Severity.ERROR,
            "encoding",
            f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
        )


def parse_bytes(path: str, raw: bytes) -> ParseResult:
    """Parse a file's bytes; a document is returned whenever id, title and kind are usable.

    A NUL byte early on makes the file binary (an error); text that is not UTF-8 is an
    error in a document and nothing in a note (a Latin-1 README is still a note).
    """
    if b"\x00" in raw[:8192]:
        finding = Finding(path, 1, Severity.ERROR, "binary", "binary file, not a text document")
        return ParseResult(path, None, [finding])
    text, problem = decode(path, raw)
    if text is None:
        if not delimiters.has_front_matter(raw.decode("utf-8", "replace")):
            return ParseResult(path, None, [], ignored=True)  # a note in another encoding
        return ParseResult(path, None, [problem] if problem else [])
    return parse_text(path, text)


def parse_text(path: str, text: str) -> ParseResult:
    """Parse a document's text into the model, collecting every problem found on the way.

    Whether the file is a document at all is Hugo's rule (``core.delimiters``): a file
    without front matter is a note (a README, a to-do list), never an error; when Hugo
    would refuse to build it because of how it starts, a warning says so.
    """
    found = delimiters.opening(text)
    out = FileFindings(path)
    if found.format is None:
        if found.hugo_error is not None:
            _hugo_cannot_build(out, delimiters.line_at(text, found.at), found.hugo_error)
        return ParseResult(path, None, out.findings, ignored=True)
    try:
        parts = frontmatter.split(text)
        data = _front_data(parts)
    except FrontMatterError as err:
        out.error(err.line, "front-matter", err.message)
        return ParseResult(path, None, out.findings)
    if found.in_comment and "-->" not in parts.body:
        line = delimiters.line_at(text, found.at)
        _hugo_cannot_build(out, line, "starting HTML comment with no end")
    _check_conflict_markers(text, out)
    keys = frontmatter.locate_keys(parts.front, parts.front_start)
    document = build_document(path, data, parts.front, parts.body, keys, out)
    return ParseResult(path, document, out.findings)


# A TOML table header (``[[steps]]``, ``[x]``) at the start of a line: top-level keys end
# at the first one (TOML puts every later key in a table).
_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.M)


def parse_head(path: str, raw: bytes) -> ParseResult:
    """A document's top-level fields only (id, title, kind, status, version, links, tags,
    owner ...), read with the same parser and checks as :func:`parse_bytes` from its front
    matter up to the first table header (``[[steps]]``), where TOML's top-level keys end:
    what a listing needs, in about a third of the time on documents with steps. Neither
    steps nor body are kept, so the document is marked incomplete (``complete = False``).

    A front matter without a table is read whole (as ``parse_text`` reads it: the head is
    all of it). Anything unusual is parsed by ``parse_bytes`` instead, with exactly its
    findings: a file that is not UTF-8 text, a note, front matter in an HTML comment, or a
    front matter or cut that does not parse alone (a ``[`` line inside a multi-line string
    or array leaves it unterminated, so it never reads as something else). What the head
    leaves out it does not judge: a syntax error past the first table is found by a whole read
    (``show``, ``check``), not here."""
    try:
        text = raw.decode("utf-8") if b"\x00" not in raw[:8192] else ""
    except UnicodeDecodeError:
        text = ""
    found = delimiters.opening(text) if text else None
    if found is None or found.format is not delimiters.Format.TOML or found.in_comment:
        return parse_bytes(path, raw)
    try:
        parts = frontmatter.split_opened(text, found)
        cut = _TABLE_HEADER.search(parts.front)
        head = parts.front[: cut.start()] if cut is not None else parts.front
        data = frontmatter.parse_toml(head, parts.front_start)
    except FrontMatterError:
        return parse_text(path, text)  # its findings, with Hugo's hints
    out = FileFindings(path)
    _check_conflict_markers(text, out)
    keys = frontmatter.locate_top_keys(head, parts.front_start)  # no table line in a head
    if cut is None:  # no table: the head is the whole front matter, read as parse_text does
        document = build_document(path, data, head, parts.body, keys, out)
        return ParseResult(path, document, out.findings)
    document = build_document(path, data, head, "", keys, out)
    if document is not None:
        document.complete = False  # no steps, no body: ``Vault.get`` reads it whole
    return ParseResult(path, document, out.findings)


_DELIMITER_LINE = re.compile(r"^\+\+\+", re.M)


def _front_data(parts: frontmatter.Split) -> dict[str, Any]:
    """The parsed front matter; a TOML error says where Hugo ended the front matter when a
    later line starts with +++ (a +++ line inside a multi-line string ends it early)."""
    try:
        return frontmatter.parse_toml(parts.front, parts.front_start)
    except FrontMatterError as err:
        if _DELIMITER_LINE.search(parts.body) is None:
            raise
        end = parts.front_start + parts.front.count("\n")
        raise FrontMatterError(
            f"{err.message} (the front matter ends at line {end}: the first line starting"
            " with +++ ends it, even inside a string, as in Hugo)",
            err.line,
        ) from None


def _hugo_cannot_build(out: FileFindings, line: int, reason: str) -> None:
    """A note (or a document) Hugo would stop its build on: reported, never an error."""
    out.warn(line, "hugo-cannot-build", f"Hugo would refuse to build this file: {reason}")


_CONFLICT_MARKER = re.compile(r"^(?:<<<<<<<|>>>>>>>)(?: |\r?$)", re.M)


def _check_conflict_markers(text: str, out: FileFindings) -> None:
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return  # a plain substring test first: the line-start scan costs 5 % of a listing
    found = _CONFLICT_MARKER.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        out.error(line, "conflict-marker", "unresolved git merge conflict marker")


def build_document(
    path: str, data: dict[str, Any], front_text: str, body: str, keys: KeyLines, out: FileFindings
) -> Document | None:
    """Validate front matter into a Document; ``None`` when a required field is unusable.

    ``data`` is the parsed TOML, ``keys`` where each key sits in the file; every problem
    becomes a finding in ``out`` (never an exception), with the line of the key at fault.
    """
    kind = _identity_of(data, keys.top, out)
    for key in data:
        if key not in KNOWN_FIELDS and key.lower() not in KNOWN_FIELDS:
            out.warn(
                _line(keys.top, key), "unknown-field", f"unknown field '{key}' (kept as it is)"
            )
    _check_field_case(data, keys.top, out)
    if kind is None:
        return None
    doc = Document(
        path=path,
        id=str(data["id"]),
        title=str(data["title"]),
        kind=kind,
        front_text=front_text,
        body=body,
        field_lines=dict(keys.top),
    )
    doc.__dict__["front"] = data  # already parsed: prime the cached property
    _set_status(doc, data, keys.top, out)
    _set_fields(doc, data, keys.top, out)
    if "steps" in data:
        # Imported here: the steps' rules (conditions, commands, runs) are a tenth of a
        # second of imports that a listing, which reads heads only, never needs.
        from sopvault.core.steps import build_steps

        doc.steps = build_steps(data["steps"], keys, _line(keys.top, "steps"), out)
    return doc


def _check_field_case(data: dict[str, Any], top: dict[str, int], out: FileFindings) -> None:
    """Hugo reads front-matter keys in any case (``Title`` is its ``title``) while
    sopvault's fields are lower case: a known field written otherwise, or two keys that
    differ only in case, would give the two readers different fields, so each is an error."""
    seen: dict[str, str] = {}
    for key in data:
        lower = key.lower()
        if lower in seen:
            message = f"'{seen[lower]}' and '{key}' are one field to Hugo (keys in any case)"
            out.error(_line(top, key), "field-case", message + "; keep one")
            continue
        seen[lower] = key
        if key != lower and lower in KNOWN_FIELDS:
            message = f"field '{key}' must be written '{lower}' (Hugo reads it as '{lower}')"
            out.error(_line(top, key), "field-case", message)


def _line(top: dict[str, int], key: str) -> int:
    """The file line of a top-level key, or the opening ``+++`` line where a missing one
    would go."""
    return top.get(key, 1)


def _identity_of(data: dict[str, Any], top: dict[str, int], out: FileFindings) -> Kind | None:
    """The document's kind when the required fields (id, title, kind) are usable, else None."""
    usable = True
    for key in REQUIRED:
        value = data.get(key)
        if key not in data:
            out.error(1, "missing-field", f"required field '{key}' is missing")
            usable = False
        elif not isinstance(value, str) or not value.strip():
            out.error(_line(top, key), "wrong-type", f"'{key}' must be a non-empty string")
            usable = False
    doc_id = data.get("id")
    if isinstance(doc_id, str) and doc_id.strip() and not is_valid_id(doc_id):
        out.error(
            _line(top, "id"),
            "bad-id",
            f"id {doc_id!r} must match [A-Za-z0-9][A-Za-z0-9._-]* with no '..'",
        )
        usable = False
    kind_value = data.get("kind")
    kind: Kind | None = None
    if isinstance(kind_value, str):
        kind = _KINDS.get(kind_value)  # Kind(value), without the call's cost
        if kind is None:
            choices = ", ".join(k.value for k in Kind)
            message = f"kind {kind_value!r} is not one of: {choices}"
            out.error(_line(top, "kind"), "bad-kind", message)
    return kind if usable else None


def _set_status(
    doc: Document, data: dict[str, Any], top: dict[str, int], out: FileFindings
) -> None:
    status = data.get("status")
    if status is None:
        return
    if isinstance(status, str) and status in _STATUSES:
        doc.status = _STATUSES[status]
    else:
        choices = ", ".join(s.value for s in Status)
        message = f"status {status!r} is not one of: {choices}"
        out.error(_line(top, "status"), "bad-status", message)


def _set_fields(
    doc: Document, data: dict[str, Any], top: dict[str, int], out: FileFindings
) -> None:
    """The optional text, list and date fields, each checked for its TOML type."""
    for key in TEXT_FIELDS:
        if key in data:
            if isinstance(data[key], str):
                setattr(doc, key, data[key])
            else:
                hint = ' (quote it: version = "1.2")' if key == "version" else ""
                out.error(_line(top, key), "wrong-type", f"'{key}' must be a string{hint}")
    if doc.review_every is not None and not REVIEW_EVERY.match(doc.review_every.strip()):
        out.error(
            _line(top, "review_every"),
            "bad-value",
            f"review_every {doc.review_every!r} must read like '12 months' or '2 years'",
        )
    for key in LIST_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(doc, key, list(value))
            else:
                out.error(_line(top, key), "wrong-type", f"'{key}' must be a list of strings")
    for key in DATE_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, date) and not isinstance(value, datetime):
                setattr(doc, key, value)
            else:
                message = f"'{key}' must be a bare TOML date such as 2026-01-31 (no quotes)"
                out.error(_line(top, key), "wrong-type", message)


def with_changes(text: str, changes: dict[str, Any], *, body: str | None = None) -> str:
    """Set front-matter fields in a file's text (and its body, when given), keeping unknown
    fields intact; read back before it returns (``frontmatter.update``), so it raises
    FrontMatterError rather than return text that would not read as intended."""
    return frontmatter.update(text, changes, body=body)


def front_of(doc: Document) -> dict[str, Any]:
    """The front matter that holds ``doc``'s typed fields: the inverse of
    ``build_document`` (what ``render`` writes for a document made in code)."""
    front: dict[str, Any] = {"id": doc.id, "title": doc.title, "kind": doc.kind.value}
    if doc.status is not None:
        front["status"] = doc.status.value
    for key in TEXT_FIELDS:
        value = getattr(doc, key)
        if value is not None:
            front[key] = value
    for key in LIST_FIELDS:
        values = getattr(doc, key)
        if values:
            front[key] = list(values)
    for key in DATE_FIELDS:
        value = getattr(doc, key)
        if value is not None:
            front[key] = value
    if doc.steps:
        front["steps"] = [_step_front(step) for step in doc.steps]
    return front


def _step_front(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"action": step.action}
    for key in ("role", "duration", "details", "instruction", "when", "due"):
        value = getattr(step, key)
        if value is not None:
            data[key] = value
    if step.control_point:
        data["critical"] = True
    if step.evidence is not None:
        spec = step.evidence
        evidence: dict[str, Any] = {"type": spec.type.value}
        if spec.label is not None:
            evidence["label"] = spec.label
        for key in ("min", "max"):
            value = getattr(spec, key)
            if value is not None:
                evidence[key] = value
        if spec.unit is not None:
            evidence["unit"] = spec.unit
        if spec.choices:
            evidence["choices"] = list(spec.choices)
        data["record"] = evidence
    if step.substeps:
        data["substeps"] = list(step.substeps)
    return data


def render(doc: Document) -> str:
    """A whole file for ``doc``: TOML front matter from its fields, then its body."""
    return frontmatter.compose(front_of(doc), doc.body)
