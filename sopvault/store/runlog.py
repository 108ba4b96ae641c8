"""The run log (``runs/<ID>/<run-id>.jsonl``, format 2): one JSON object per line, one
line per event, appended and never rewritten.

The first line is the start event, which also carries the run's header: the document and
the exact text followed (commit, blob, path), and each step as it was at the start
(action, control point, deadline, condition), so the log alone derives the run. Every
other line is one ``model.run.Event``. One event per line is what lets git's ``union``
merge, and ``sopvault sync``'s own merge by event id, join two clones' records of one
run without a conflict. docs/runs.md documents every field.

Text in, text out: the Runs service appends under the run's lock and reads back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from sopvault.core.runlog import replay
from sopvault.errors import Invalid
from sopvault.model.document import is_valid_id
from sopvault.model.instruction import Pin, PlannedStep
from sopvault.model.run import (
    EVENT_ID,
    Event,
    EventType,
    Run,
    StepEntry,
    check_run_id,
)
from sopvault.store.logfields import (
    command_result,
    departing,
    field_problem,
    text_field,
    time_field,
)

FORMAT = 2
# Event fields written only when they hold something, in this order after the fixed ones.
_OPTIONAL = tuple(
    f.name for f in fields(Event) if f.name not in ("id", "type", "by", "at", "imported", "pin")
)


class RunFileError(Invalid):
    """A run file that cannot be read (hand-edited into invalid JSON or TOML, wrong types)."""


def start_line(run: Run) -> str:
    """The first line of a new run's log: its start event and header (ends in a newline)."""
    start = run.events[0]
    data: dict[str, Any] = {
        "type": EventType.START.value,
        "event": start.id,
        "at": _time_text(start.at),
        "by": start.by,
        "format": FORMAT,
        "run": run.id,
        "document": run.doc_id,
        "title": run.title,
        "version": run.version or "",
        "commit": run.commit,
        "blob": run.blob,
        "path": run.path,
        "roles": dict(run.roles),
        "steps": [_step_data(s) for s in run.steps],
    }
    return _line(data)


def _step_data(entry: StepEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"action": entry.action}
    if entry.control_point:
        data["critical"] = True
    if entry.due_at is not None:
        data["due_at"] = _time_text(entry.due_at)
    if entry.when:
        data["when"] = entry.when
    if entry.due_after is not None:
        data["due_after"] = {"step": entry.due_after[0], "seconds": entry.due_after[1]}
    return data


def _pin_data(pin: Pin) -> dict[str, Any]:
    """The text an ``instruction`` event opens, keyed as the start line keys the run's."""
    steps = [StepEntry(i, s.action, s.control_point, due_at=s.due_at, when=s.when,
                       due_after=s.due_after)
             for i, s in enumerate(pin.steps, start=1)]  # fmt: skip
    return {"document": pin.doc_id, "title": pin.title, "version": pin.version or "",
            "commit": pin.commit, "blob": pin.blob, "path": pin.path,
            "steps": [_step_data(s) for s in steps]}  # fmt: skip


def _pin_from(raw: object) -> Pin:
    """A pin from its object in an ``instruction`` line; TypeError or ValueError."""
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        raise TypeError("'instruction' must be an object with a list of 'steps'")
    if not is_valid_id(text_field(raw, "document")):
        raise ValueError(f"instruction {raw['document']!r} is not a valid id")
    if not all(isinstance(one, dict) for one in raw["steps"]):
        raise TypeError("the instruction's 'steps' must be objects")
    entries = [_step_from(i, one) for i, one in enumerate(raw["steps"], start=1)]
    planned = tuple(
        PlannedStep(e.action, e.control_point, e.due_at, e.when, e.due_after) for e in entries
    )
    return Pin(doc_id=raw["document"], **followed(raw), steps=planned)


def event_line(event: Event) -> str:
    """One event as its line of the log (ends in a newline), read back before it is
    returned (Trust §1): RunFileError, and nothing to write, when the line would not
    parse to the same event (a value that is not a finite number, say)."""
    data: dict[str, Any] = {
        "type": event.type.value,
        "event": event.id,
        "at": _time_text(event.at),
        "by": event.by,
    }
    for name in _OPTIONAL:
        value = getattr(event, name)
        if not _empty(value):
            data[name] = list(value) if isinstance(value, tuple) else value
    if event.imported:
        data["imported"] = True
    if event.pin is not None:
        data["instruction"] = _pin_data(event.pin)
    try:
        line = _line(data)
        same = event_from(json.loads(line)) == event
    except (ValueError, TypeError, KeyError) as err:
        line, same = "", False
        problem = str(err)
    else:
        problem = "it would not read back as the same event"
    if not same:
        raise RunFileError(f"the run record is refused: {problem}; nothing written")
    return line


def dumps(run: Run) -> str:
    """The whole log of ``run``: its start line, then every other event in log order."""
    return start_line(run) + "".join(event_line(e) for e in run.events[1:])


def merged(first: str, second: str, where: str) -> str:
    """Two texts of one run's log joined: ``first`` exactly as it is (the text already
    shared: the one the branch or the server holds), then every event of ``second`` that
    ``first`` lacks, in ``second``'s order. Nothing recorded on either side is lost, and
    what was committed stays a prefix of the log. RunFileError when either cannot be read,
    they are logs of different runs, or one event id holds different content in each (a
    line changed after it was shared)."""
    base, extra = loads(first, where), loads(second, where)
    if (base.id, base.doc_id) != (extra.id, extra.doc_id):
        raise RunFileError(f"cannot join logs of runs {base.id} and {extra.id}", path=where)
    known = {e.id: e for e in base.events}
    for event in extra.events:
        if event.id in known and known[event.id] != event:
            raise RunFileError(
                f"event {event.id} differs between two copies of this log: a line was"
                " changed after it was shared; restore it from git (`git checkout`)",
                path=where,
            )
    whole = first[: first.rfind("\n") + 1]  # a torn last line was never recorded
    new = [e for e in extra.events if e.id not in known and e.type is not EventType.START]
    return whole + "".join(event_line(e) for e in new)


def _empty(value: object) -> bool:
    """Whether a field holds nothing worth a key (a number, even 0, always counts)."""
    return value is None or value is False or value == "" or value == ()


def _line(data: dict[str, Any]) -> str:
    """Compact JSON on one line; non-ASCII kept readable, control characters escaped."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")) + "\n"


def _time_text(moment: datetime) -> str:
    """An aware datetime as UTC with microseconds: ``2026-11-30T14:02:11.123456Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def loads(text: str, where: str) -> Run:
    """The run a log's text derives; ``where`` is the path named in errors.

    RunFileError names the file, the line and the problem. A last line without its newline
    is an append that was cut short (the machine stopped mid-write): it was never reported
    as recorded, and is left out. A line repeating an event id already read is left out
    too: git's ``union`` merge of two logs that both gained that event keeps both copies."""
    lines = text.split("\n")
    if lines and lines[-1] != "":
        lines = lines[:-1]  # torn last line: never acknowledged
    events: list[Event] = []
    seen: dict[str, Event] = {}
    run: Run | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise TypeError("a line must be one JSON object")
            if run is None:
                run = _header(data)
            elif data.get("type") == EventType.START.value:
                raise ValueError("a run has one start event, on its first line")
            event = event_from(data)
            if event.id in seen:  # a union merge may hold one event twice: it counts once
                if seen[event.id] != event:
                    raise ValueError(f"event {event.id} appears twice with different content")
                continue
            seen[event.id] = event
            events.append(event)
        except json.JSONDecodeError as err:
            raise RunFileError(
                f"not valid JSON: {err.msg.lower()} (column {err.colno})", path=where, line=number
            ) from None
        except RecursionError:
            raise RunFileError("nested far too deeply", path=where, line=number) from None
        except (KeyError, TypeError, ValueError) as err:
            raise RunFileError(
                f"not a run event: {field_problem(err)}", path=where, line=number
            ) from None
    if run is None:
        raise RunFileError("empty: a run log starts with its start event", path=where, line=1)
    return derive(run, events)


def derive(run: Run, events: Iterable[Event]) -> Run:
    """``run`` (header and fresh steps) with ``events`` applied; RunFileError (no line)
    when a condition copied into the header does not parse."""
    try:
        return replay(run, events)
    except Invalid as err:
        raise RunFileError(f"not a run record: {err.message}", path=run.file) from None


def events_of(text: str, where: str) -> list[Event]:
    """Every complete event line of a log's text, in file order (for merging two logs);
    RunFileError as ``loads``."""
    return loads(text, where).events


def _header(data: dict[str, Any]) -> Run:
    if data.get("type") != EventType.START.value:
        raise ValueError("the first line must be the start event")
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
    doc_id = text_field(data, "document")
    if not is_valid_id(doc_id):
        raise ValueError(f"document {doc_id!r} is not a valid id")
    roles = data.get("roles", {})
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        raise TypeError("'roles' must be an object of names")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise TypeError("'steps' must be a list of objects")
    return Run(
        id=check_run_id(text_field(data, "run")),
        doc_id=doc_id,
        **followed(data),
        started_by=text_field(data, "by"),
        started_at=time_field(data, "at"),
        roles=dict(roles),
        steps=[_step_from(i, raw) for i, raw in enumerate(raw_steps, start=1)],
    )


def followed(data: dict[str, Any]) -> dict[str, Any]:
    """The header fields naming the text a run follows (both formats keep them alike):
    ``title``, ``version`` (None when empty), ``commit``, ``blob`` and ``path``."""
    return {
        "title": text_field(data, "title", ""),
        "version": text_field(data, "version", "") or None,
        **{key: text_field(data, key, "") for key in ("commit", "blob", "path")},
    }


def _step_from(number: int, raw: dict[str, Any]) -> StepEntry:
    due = raw.get("due_at")
    when = raw.get("when")
    if when is not None and not isinstance(when, str):
        raise TypeError(f"step {number}: 'when' must be a string")
    return StepEntry(
        number=number,
        action=text_field(raw, "action", ""),
        control_point=raw.get("critical") is True,
        due_at=time_field(raw, "due_at") if due is not None else None,
        when=when or None,
        due_after=_due_after(number, raw.get("due_after")),
    )


def _due_after(number: int, raw: object) -> tuple[int, int] | None:
    """A step's deadline relative to another step, ``{"step": 3, "seconds": 1800}``."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError(f"step {number}: 'due_after' must be an object")
    step, seconds = raw.get("step"), raw.get("seconds")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (step, seconds)):
        raise TypeError(f"step {number}: 'due_after' needs whole numbers 'step' and 'seconds'")
    assert isinstance(step, int) and isinstance(seconds, int)
    return step, seconds


def event_from(data: dict[str, Any]) -> Event:
    """One event from its parsed line; KeyError, TypeError or ValueError say what is wrong."""
    event_id = text_field(data, "event")
    if not EVENT_ID.match(event_id):
        raise ValueError(f"event id {event_id!r} is not 8 hex digits")
    step = data.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        raise TypeError("'step' must be a whole number")
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise TypeError("'value' must be text or a number")
    if isinstance(value, int | float) and not math.isfinite(value):
        raise ValueError("'value' must be a finite number")
    within = data.get("within")
    if within is not None and (isinstance(within, bool) or not isinstance(within, int)):
        raise TypeError("'within' must be a whole number")
    accepts = data.get("accepts", [])
    if not isinstance(accepts, list) or not all(isinstance(a, str) for a in accepts):
        raise TypeError("'accepts' must be a list of event ids")
    event = Event(
        id=event_id,
        type=EventType(text_field(data, "type")),
        by=text_field(data, "by"),
        at=time_field(data, "at"),
        step=step,
        value=float(value) if isinstance(value, int | float) else value,
        note=text_field(data, "note", ""),
        reason=text_field(data, "reason", ""),
        corrects=text_field(data, "corrects", ""),
        deviation=text_field(data, "deviation", ""),
        stops=data.get("stops") is True,
        role=text_field(data, "role", ""),
        person=text_field(data, "person", ""),
        handle=text_field(data, "handle", ""),
        accepts=tuple(accepts),
        outcome=text_field(data, "outcome", ""),
        seen=text_field(data, "seen", ""),
        imported=data.get("imported") is True,
        entered_by=text_field(data, "entered_by", ""),
        within=within,
        pin=_pin_from(data["instruction"]) if "instruction" in data else None,
        **command_result(data),
    )
    return departing(event)
