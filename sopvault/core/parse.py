"""One file <-> one Document: parsing with findings that name file and line, and writing back."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sopvault.core import frontmatter
from sopvault.core.conditions import ConditionError, due_seconds, parse_condition
from sopvault.core.frontmatter import FrontMatterError, KeyLines
from sopvault.model.document import (
    Document,
    EvidenceSpec,
    EvidenceType,
    Kind,
    Status,
    Step,
    is_valid_id,
)
from sopvault.model.finding import Finding, ParseResult, Severity

REQUIRED = ("id", "title", "kind")
TEXT_FIELDS = ("version", "owner", "department", "purpose", "scope", "trigger", "review_every")
LIST_FIELDS = ("parents", "related", "roles", "tags", "hazards", "ppe", "regulations", "reviewers")
DATE_FIELDS = ("effective", "next_review")
KNOWN_FIELDS = frozenset((*REQUIRED, "status", *TEXT_FIELDS, *LIST_FIELDS, *DATE_FIELDS, "steps"))
STEP_FIELDS = frozenset(
    (
        "action",
        "role",
        "duration",
        "details",
        "instruction",
        "critical",
        "record",
        "substeps",
        "when",
        "due",
    )
)
RECORD_FIELDS = frozenset(("type", "label", "min", "max", "unit", "choices"))
DURATION = re.compile(r"^\d+(?:\.\d+)?\s*(?:s|m|min|h|d)$")
REVIEW_EVERY = re.compile(r"^\d+\s+(?:day|week|month|year)s?$")


class _Collector:
    """Gathers findings for one file so each check is one short call."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def error(self, line: int, code: str, message: str) -> None:
        self.findings.append(Finding(self.path, line, Severity.ERROR, code, message))

    def warn(self, line: int, code: str, message: str) -> None:
        self.findings.append(Finding(self.path, line, Severity.WARNING, code, message))


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
    """Parse a file's bytes; a document is returned whenever id, title and kind are usable."""
    if b"\x00" in raw[:8192]:
        finding = Finding(path, 1, Severity.ERROR, "binary", "binary file, not a text document")
        return ParseResult(path, None, [finding])
    text, problem = decode(path, raw)
    if text is None:
        return ParseResult(path, None, [problem] if problem else [])
    return parse_text(path, text)


def looks_like_document(text: str) -> bool:
    """Whether a Markdown file is meant as a document (it opens with front matter) rather
    than a README or notes, which the vault leaves alone."""
    return text.lstrip("\ufeff").startswith(("+", "-"))


def parse_text(path: str, text: str) -> ParseResult:
    """Parse a document's text into the model, collecting every problem found on the way."""
    if not looks_like_document(text):
        return ParseResult(path, None, [], ignored=True)  # a README, notes: not a document
    out = _Collector(path)
    try:
        parts = frontmatter.split(text)
        data = frontmatter.parse_toml(parts.front, parts.front_start)
    except FrontMatterError as err:
        out.error(err.line, "front-matter", err.message)
        return ParseResult(path, None, out.findings)
    _check_conflict_markers(text, out)
    keys = frontmatter.locate_keys(parts.front, parts.front_start)
    document = build_document(path, data, parts.front, parts.body, keys, out)
    return ParseResult(path, document, out.findings)


_CONFLICT_MARKER = re.compile(r"^(?:<<<<<<<|>>>>>>>)(?: |\r?$)", re.M)


def _check_conflict_markers(text: str, out: _Collector) -> None:
    found = _CONFLICT_MARKER.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        out.error(line, "conflict-marker", "unresolved git merge conflict marker")


def build_document(
    path: str, data: dict[str, Any], front_text: str, body: str, keys: KeyLines, out: _Collector
) -> Document | None:
    """Validate front matter into a Document; ``None`` when a required field is unusable."""
    top = keys.top
    start = 1  # the opening +++ line: where a missing key would go

    def line(key: str) -> int:
        return top.get(key, start)

    usable = True
    for key in REQUIRED:
        value = data.get(key)
        if key not in data:
            out.error(start, "missing-field", f"required field '{key}' is missing")
            usable = False
        elif not isinstance(value, str) or not value.strip():
            out.error(line(key), "wrong-type", f"'{key}' must be a non-empty string")
            usable = False
    doc_id = data.get("id")
    if isinstance(doc_id, str) and doc_id.strip() and not is_valid_id(doc_id):
        out.error(
            line("id"),
            "bad-id",
            f"id {doc_id!r} must match [A-Za-z0-9][A-Za-z0-9._-]* with no '..'",
        )
        usable = False
    kind_value = data.get("kind")
    kind: Kind | None = None
    if isinstance(kind_value, str):
        try:
            kind = Kind(kind_value)
        except ValueError:
            choices = ", ".join(k.value for k in Kind)
            out.error(line("kind"), "bad-kind", f"kind {kind_value!r} is not one of: {choices}")
            usable = False
    for key in data:
        if key not in KNOWN_FIELDS:
            out.warn(line(key), "unknown-field", f"unknown field '{key}' (kept as it is)")
    if not usable or kind is None:
        return None
    doc = Document(
        path=path,
        id=str(doc_id),
        title=str(data["title"]),
        kind=kind,
        front_text=front_text,
        body=body,
        field_lines=dict(top),
    )
    doc.__dict__["front"] = data  # already parsed: prime the cached property
    status = data.get("status")
    if status is not None:
        if isinstance(status, str) and status in Status._value2member_map_:
            doc.status = Status(status)
        else:
            choices = ", ".join(s.value for s in Status)
            out.error(line("status"), "bad-status", f"status {status!r} is not one of: {choices}")
    for key in TEXT_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, str):
                setattr(doc, key, value)
            else:
                hint = ' (quote it: version = "1.2")' if key == "version" else ""
                out.error(line(key), "wrong-type", f"'{key}' must be a string{hint}")
    if doc.review_every is not None and not REVIEW_EVERY.match(doc.review_every.strip()):
        out.error(
            line("review_every"),
            "bad-value",
            f"review_every {doc.review_every!r} must read like '12 months' or '2 years'",
        )
    for key in LIST_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(doc, key, list(value))
            else:
                out.error(line(key), "wrong-type", f"'{key}' must be a list of strings")
    for key in DATE_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, date) and not isinstance(value, datetime):
                setattr(doc, key, value)
            else:
                out.error(
                    line(key),
                    "wrong-type",
                    f"'{key}' must be a bare TOML date such as 2026-01-31 (no quotes)",
                )
    if "steps" in data:
        doc.steps = _build_steps(data["steps"], keys, line("steps"), out)
    return doc


def _build_steps(raw: Any, keys: KeyLines, fallback: int, out: _Collector) -> list[Step]:
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        out.error(fallback, "wrong-type", "'steps' must be an array of tables ([[steps]])")
        return []
    steps: list[Step] = []
    conditions: list[tuple[int, str, int]] = []  # step number, condition, line
    for index, item in enumerate(raw):
        header, step_keys = keys.steps[index] if index < len(keys.steps) else (fallback, {})
        step = _build_step(index + 1, item, header, step_keys, out)
        if step is not None:
            steps.append(step)
            if step.when is not None:
                conditions.append((len(steps), step.when, step_keys.get("when", header)))
    for number, text, line in conditions:
        problem = condition_problem(text, number, steps)
        if problem:
            out.error(line, "bad-condition", f"step {number}: {problem}")
    return steps


def condition_problem(text: str, number: int, steps: list[Step]) -> str | None:
    """What is wrong with step ``number``'s ``when``, or None: it must read, and look only
    at earlier steps, with values those steps can record."""
    try:
        condition = parse_condition(text)
    except ConditionError as err:
        return err.message
    for group in condition.groups:
        for clause in group:
            quoted = f'"{clause.describe()}"'
            if clause.step >= number:
                return f"{quoted} must look at an earlier step than {number}"
            spec = steps[clause.step - 1].evidence
            if clause.op == "is":
                continue
            if spec is None:
                return (
                    f"{quoted}: step {clause.step} records no value"
                    " (give it a record, or test 'step N is done')"
                )
            if clause.op in ("<", "<=", ">", ">=") and spec.type is not EvidenceType.NUMBER:
                return f"{quoted}: step {clause.step} records {spec.describe()}"
            allowed = spec.choices if spec.type is EvidenceType.CHOICE else ()
            if spec.type is EvidenceType.YESNO:
                allowed = ("yes", "no")
            if allowed and str(clause.value).casefold() not in {a.casefold() for a in allowed}:
                return (
                    f"{quoted}: step {clause.step} records"
                    f" {', '.join(allowed)}, never {clause.value!r}"
                )
    return None


def _build_step(
    number: int, item: dict[str, Any], header: int, step_keys: dict[str, int], out: _Collector
) -> Step | None:
    def line(key: str) -> int:
        return step_keys.get(key, header)

    action = item.get("action")
    if not isinstance(action, str) or not action.strip():
        out.error(
            header,
            "missing-field",
            f"step {number} needs an 'action' (a line starting with a verb)",
        )
        return None
    if "\n" in action.strip():
        out.error(line("action"), "bad-value", f"step {number}: 'action' must be one line")
    step = Step(action=action.strip(), line=header)
    for key in ("role", "duration", "details", "instruction", "when", "due"):
        if key in item:
            if isinstance(item[key], str):
                setattr(step, key, item[key])
            else:
                out.error(line(key), "wrong-type", f"step {number}: '{key}' must be a string")
    if step.duration is not None and not DURATION.match(step.duration.strip()):
        out.error(
            line("duration"),
            "bad-value",
            f"step {number}: duration {step.duration!r} must read like '15m', '2h' or '1d'",
        )
    if step.due is not None:
        try:
            due_seconds(step.due)
        except ConditionError as err:
            out.error(line("due"), "bad-value", f"step {number}: {err.message}")
    if "critical" in item:
        if isinstance(item["critical"], bool):
            step.control_point = item["critical"]
        else:
            out.error(
                line("critical"), "wrong-type", f"step {number}: 'critical' must be true or false"
            )
    if "substeps" in item:
        subs = item["substeps"]
        if isinstance(subs, list) and all(isinstance(s, str) for s in subs):
            step.substeps = list(subs)
        else:
            out.error(
                line("substeps"),
                "wrong-type",
                f"step {number}: 'substeps' must be a list of strings",
            )
    if "record" in item:
        step.evidence = _build_record(number, item["record"], line("record"), out)
    for key in item:
        if key not in STEP_FIELDS:
            out.warn(
                line(key), "unknown-field", f"step {number}: unknown field '{key}' (kept as it is)"
            )
    return step


def _build_record(number: int, raw: Any, line: int, out: _Collector) -> EvidenceSpec | None:
    """Accept ``record = "yesno"`` shorthand or a table with type and its options."""
    where = f"step {number}: record"
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict):
        out.error(line, "wrong-type", f"{where} must be a type name or a table")
        return None
    type_name = raw.get("type", "text")
    if type_name == "yes/no":
        type_name = "yesno"
    if type_name not in EvidenceType._value2member_map_:
        names = ", ".join(t.value for t in EvidenceType)
        out.error(line, "bad-value", f"{where} type {type_name!r} is not one of: {names}")
        return None
    kind = EvidenceType(type_name)
    for key in raw:
        if key not in RECORD_FIELDS:
            out.warn(line, "unknown-field", f"{where}: unknown field '{key}' (kept as it is)")
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.error(line, "wrong-type", f"{where} {key} must be a number")
        elif kind is not EvidenceType.NUMBER:
            out.error(line, "bad-value", f"{where} {key} only applies to type 'number'")
        else:
            bounds[key] = float(value)
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        out.error(line, "bad-value", f"{where} min {low:g} is greater than max {high:g}")
    choices: list[str] = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        out.error(line, "wrong-type", f"{where} choices must be a list of strings")
        choices = []
    if kind is EvidenceType.CHOICE and len(choices) < 2:
        out.error(line, "bad-value", f"{where} of type 'choice' needs at least two choices")
    label = raw.get("label")
    unit = raw.get("unit")
    return EvidenceSpec(
        type=kind,
        label=label if isinstance(label, str) else None,
        min=low,
        max=high,
        unit=unit if isinstance(unit, str) else None,
        choices=tuple(choices),
    )


def with_changes(text: str, changes: dict[str, Any]) -> str:
    """Set front-matter fields in a file's text, keeping the body and unknown fields intact."""
    return frontmatter.update(text, changes)


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
        record: dict[str, Any] = {"type": spec.type.value}
        if spec.label is not None:
            record["label"] = spec.label
        for key in ("min", "max"):
            value = getattr(spec, key)
            if value is not None:
                record[key] = value
        if spec.unit is not None:
            record["unit"] = spec.unit
        if spec.choices:
            record["choices"] = list(spec.choices)
        data["record"] = record
    if step.substeps:
        data["substeps"] = list(step.substeps)
    return data


def render(doc: Document) -> str:
    """A whole file for ``doc``: TOML front matter from its fields, then its body."""
    return frontmatter.compose(front_of(doc), doc.body)
