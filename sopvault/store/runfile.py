"""The run files of format 1 (``runs/<ID>/<run-id>.toml``, written before runs were logs
of events): read, converted on read into the events they imply, never rewritten.

Each answer the file holds becomes one event (imported, at its own time, by its own
person, with an id derived from the run id and step so two reads agree); the end of the
run becomes a complete or abort event. What a format 1 file never kept (answers that
were later changed or undone) cannot be recovered, and the detailed view says the run
was converted. An open format 1 run is continued in a new log (``store.runlog``) the
first time something is recorded on it: see ``services.runs``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import tomli

from sopvault.core.frontmatter import toml_error
from sopvault.model.document import is_valid_id
from sopvault.model.run import Event, EventType, Run, StepEntry, check_run_id
from sopvault.store.logfields import field_problem, text_field
from sopvault.store.runlog import RunFileError, derive, followed

# A format 1 entry's state word, as the event type that records it.
_ANSWER = {"done": EventType.DONE, "skipped": EventType.SKIP, "n/a": EventType.NA}


def loads(text: str, where: str) -> Run:
    """The run a format 1 file records, converted to events; ``where`` is the path named
    in errors. RunFileError names the file, the line (for TOML syntax) and the problem.
    """
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as err:
        problem, line = toml_error(err)
        raise RunFileError(f"not valid TOML: {problem}", path=where, line=line) from None
    except RecursionError:
        raise RunFileError("not a run record: nested far too deeply", path=where) from None
    try:
        return _run_from(data)
    except (KeyError, TypeError, ValueError) as err:
        raise RunFileError(f"not a run record: {field_problem(err)}", path=where) from None


def _time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{key!r} must be a date and time")
    if value.tzinfo is None:
        raise ValueError(f"{key!r} must say its time zone (UTC: end it with Z)")
    return value


def _entry_from(run_id: str, index: int, raw: dict[str, Any]) -> tuple[StepEntry, Event | None]:
    """A fresh step entry, and the imported event of what it recorded (None: pending)."""
    value = raw.get("value")
    if value is not None and not isinstance(value, str | int | float):
        raise TypeError(f"step {index}: 'value' must be text or a number")
    entry = StepEntry(
        number=index,
        action=text_field(raw, "action", ""),
        control_point=bool(raw.get("critical", False)),
        due_at=_time(raw, "due_at"),
    )
    state = text_field(raw, "state", "pending")
    if state == "pending":
        return entry, None
    if state not in _ANSWER:
        raise ValueError(f"step {index}: state {state!r} is not pending, done, skipped or n/a")
    at = _time(raw, "at")
    if at is None:
        raise KeyError(f"steps[{index}].at")
    failed = entry.control_point and state == "done" and value == "no"
    event = Event(
        id=_event_id(run_id, index),
        type=_ANSWER[state],
        deviation="failed control point: answered 'no' (passes: yes)" if failed else "",
        by=text_field(raw, "by", "") or "unknown",
        at=at,
        step=index,
        value=float(value) if isinstance(value, int | float) else value,
        note=text_field(raw, "note", ""),
        reason=text_field(raw, "reason", ""),
        imported=True,
    )
    return entry, event


def _event_id(run_id: str, index: int) -> str:
    """A stable id for the ``index``-th event converted from run ``run_id``."""
    digest = hashlib.sha256(f"{run_id}/{index}".encode(), usedforsecurity=False)
    return digest.hexdigest()[:8]


def _run_from(data: dict[str, Any]) -> Run:
    doc_id = text_field(data, "document")
    if not is_valid_id(doc_id):
        raise ValueError(f"document {doc_id!r} is not a valid id")
    started_at = _time(data, "started_at")
    if started_at is None:
        raise KeyError("started_at")
    roles = data.get("roles", {})
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        raise TypeError("'roles' must be a table of names")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise TypeError("'steps' must be an array of tables")
    run_id = check_run_id(text_field(data, "run"))
    started_by = text_field(data, "started_by", "")
    converted = [_entry_from(run_id, i, raw) for i, raw in enumerate(raw_steps, start=1)]
    run = Run(
        id=run_id,
        doc_id=doc_id,
        **followed(data),
        started_by=started_by,
        started_at=started_at,
        roles=dict(roles),
        steps=[entry for entry, _ in converted],
        legacy=True,
    )
    start = Event(_event_id(run_id, 0), EventType.START, started_by, started_at, imported=True)
    events = [start, *(event for _, event in converted if event is not None)]
    end = _end_event(run_id, data, len(raw_steps) + 1)
    return derive(run, events + ([end] if end is not None else []))


def _end_event(run_id: str, data: dict[str, Any], index: int) -> Event | None:
    """The completion or abort a format 1 file records, as an imported event."""
    state = text_field(data, "state", "open")
    if state == "open":
        return None
    if state not in ("completed", "aborted"):
        raise ValueError(f"state {state!r} is not open, completed or aborted")
    at = _time(data, "ended_at")
    if at is None:
        raise KeyError("ended_at")
    kind = EventType.COMPLETE if state == "completed" else EventType.ABORT
    by = text_field(data, "ended_by", "") or "unknown"
    reason = text_field(data, "reason", "")
    return Event(_event_id(run_id, index), kind, by, at, reason=reason, imported=True)
