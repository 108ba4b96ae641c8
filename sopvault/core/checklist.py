"""A checklist run: what one execution of a procedure recorded, the rules for changing it,
and its TOML file (``runs/<ID>/<run-id>.toml``).

Pure data and rules, no git and no disk: the Runs service reads and writes the files and
commits them; the CLI, the line prompt and the TUI all change a run through ``mark``,
``complete`` and ``abort`` here, so the rules are the same everywhere.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import tomli_w

from sopvault.core.conditions import Outcome, due_seconds, evaluate, parse_condition
from sopvault.core.evidence import accept, shown
from sopvault.core.frontmatter import toml_error
from sopvault.errors import SopvaultError
from sopvault.model.document import Document, is_valid_id

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
RUNS_DIR = "runs"


class RunState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    ABORTED = "aborted"


class StepState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    NA = "n/a"


BOXES = {
    StepState.DONE: "[x]",
    StepState.SKIPPED: "[-]",
    StepState.NA: "[/]",
    StepState.PENDING: "[ ]",
}


class RunError(SopvaultError):
    """An action the rules refuse; the message is the one line a user sees."""


class RunFileError(SopvaultError):
    """A run file that cannot be read (hand-edited into invalid TOML, wrong types)."""


@dataclass
class StepEntry:
    number: int
    action: str
    control_point: bool = False
    state: StepState = StepState.PENDING
    by: str = ""
    at: datetime | None = None
    value: str | float | None = None
    note: str = ""
    reason: str = ""
    due_at: datetime | None = None
    auto: bool = False  # n/a because its condition is false; re-evaluated on every change


@dataclass
class Run:
    id: str
    doc_id: str
    title: str
    version: str | None
    commit: str  # the main commit whose text is followed ("" outside git)
    blob: str  # the blob id of that text
    path: str  # the document's vault-relative path in that commit
    started_by: str
    started_at: datetime
    state: RunState = RunState.OPEN
    roles: dict[str, str] = field(default_factory=dict)
    steps: list[StepEntry] = field(default_factory=list)
    ended_by: str = ""
    ended_at: datetime | None = None
    reason: str = ""

    @property
    def file(self) -> str:
        """Vault-relative path of the run file."""
        return run_file(self.doc_id, self.id)

    def step(self, number: int) -> StepEntry:
        if not 1 <= number <= len(self.steps):
            raise RunError(f"step {number} does not exist: the steps are 1 to {len(self.steps)}")
        return self.steps[number - 1]

    def current(self) -> StepEntry | None:
        """The first step still pending: where a runner resumes."""
        return next((s for s in self.steps if s.state is StepState.PENDING), None)

    def progress(self) -> tuple[int, int]:
        """Steps dealt with (done, skipped or n/a) out of all."""
        return sum(1 for s in self.steps if s.state is not StepState.PENDING), len(self.steps)

    def late(self, now: datetime) -> list[int]:
        """Steps past their ``due``: still pending after it, or done after it."""
        return [
            s.number
            for s in self.steps
            if s.due_at is not None
            and (
                (s.state is StepState.PENDING and self.state is RunState.OPEN and now > s.due_at)
                or (s.state is StepState.DONE and s.at is not None and s.at > s.due_at)
            )
        ]


@dataclass(frozen=True)
class RunSummary:
    """What a listing shows of a run, small enough to cache for ten thousand runs."""

    id: str
    doc_id: str
    title: str
    version: str | None
    state: RunState
    started_at: datetime
    started_by: str
    done: int
    total: int
    pending_due: tuple[tuple[int, datetime], ...]  # pending steps that have a deadline
    late_done: tuple[int, ...]  # steps done after their deadline

    @property
    def file(self) -> str:
        return run_file(self.doc_id, self.id)

    def progress(self) -> tuple[int, int]:
        return self.done, self.total

    def late(self, now: datetime) -> list[int]:
        """The same answer as ``Run.late``."""
        waiting = {n for n, due in self.pending_due if self.state is RunState.OPEN and now > due}
        return sorted(waiting | set(self.late_done))


def summarize(run: Run) -> RunSummary:
    done, total = run.progress()
    return RunSummary(
        id=run.id,
        doc_id=run.doc_id,
        title=run.title,
        version=run.version,
        state=run.state,
        started_at=run.started_at,
        started_by=run.started_by,
        done=done,
        total=total,
        pending_due=tuple(
            (s.number, s.due_at)
            for s in run.steps
            if s.state is StepState.PENDING and s.due_at is not None
        ),
        late_done=tuple(
            s.number
            for s in run.steps
            if s.state is StepState.DONE
            and s.due_at is not None
            and s.at is not None
            and s.at > s.due_at
        ),
    )


def run_file(doc_id: str, run_id: str) -> str:
    return f"{RUNS_DIR}/{doc_id}/{run_id}.toml"


def check_run_id(run_id: str) -> str:
    if not RUN_ID.match(run_id):
        raise RunError(
            f"{run_id!r} is not a run id (like 20261125-093000-1a2b; see `sopvault runs`)"
        )
    return run_id


# ---- starting and changing a run ---------------------------------------------------------


def new_run(
    run_id: str,
    doc: Document,
    *,
    commit: str,
    blob: str,
    who: str,
    now: datetime,
    roles: dict[str, str] | None = None,
) -> Run:
    if not doc.steps:
        raise RunError(f"{doc.id} has no steps to run")
    steps = [
        StepEntry(
            number=i,
            action=step.action,
            control_point=step.control_point,
            due_at=now + timedelta(seconds=due_seconds(step.due)) if step.due else None,
        )
        for i, step in enumerate(doc.steps, start=1)
    ]
    run = Run(
        id=check_run_id(run_id),
        doc_id=doc.id,
        title=doc.title,
        version=doc.version,
        commit=commit,
        blob=blob,
        path=doc.path,
        started_by=who,
        started_at=now,
        roles=dict(roles or {}),
        steps=steps,
    )
    apply_conditions(run, doc, now)
    return run


def mark(
    run: Run,
    doc: Document,
    number: int,
    action: str,
    *,
    who: str,
    now: datetime,
    value: str | None = None,
    note: str = "",
    reason: str = "",
) -> StepEntry:
    """Record one step: ``done`` (with its evidence), ``skip``, ``na``, ``note`` (adds a
    note, state unchanged) or ``undo`` (back to pending)."""
    _must_be_open(run)
    record = run.step(number)
    step = doc.steps[number - 1]
    note, reason = note.strip(), reason.strip()
    if action == "note":
        if not note:
            raise RunError("write the note to add")
        record.note = f"{record.note}; {note}" if record.note else note
        return record
    if action == "undo":
        record.state, record.by, record.at, record.value = StepState.PENDING, "", None, None
        record.note, record.reason, record.auto = "", "", False
        apply_conditions(run, doc, now)
        return record
    if record.auto and action == "done":
        raise RunError(
            f"step {number} does not apply: its condition ({step.when}) is false;"
            " change the step it looks at to make it apply"
        )
    if step.when and action == "done":
        decided = evaluate(parse_condition(step.when), outcomes(run))
        if decided is None:
            raise RunError(
                f"step {number} applies only when {step.when}: record the steps it looks at first"
            )
    if action == "done":
        stored: str | float | None = None
        if step.evidence is not None:
            stored = accept(step.evidence, value or "")
        elif value is not None and value.strip():
            stored = value.strip()
        record.state, record.value, record.reason = StepState.DONE, stored, ""
    elif action in ("skip", "na"):
        if value:
            raise RunError(f"a value is recorded with done, not with {action}")
        if step.control_point and not reason:
            raise RunError(
                f"step {number} is a control point: say why it is "
                f"{'skipped' if action == 'skip' else 'not applicable'} (--reason)"
            )
        record.state = StepState.SKIPPED if action == "skip" else StepState.NA
        record.value, record.reason = None, reason
    else:
        raise RunError(f"unknown step action {action!r}: use done, skip or na")
    record.by, record.at, record.note, record.auto = who, now, note or record.note, False
    apply_conditions(run, doc, now)
    return record


def outcomes(run: Run) -> dict[int, Outcome]:
    return {s.number: Outcome(s.state.value, s.value) for s in run.steps}


def apply_conditions(run: Run, doc: Document, now: datetime) -> None:
    """Mark steps whose ``when`` is false as n/a by themselves, and bring them back to
    pending when an earlier answer changes. Earlier steps first, so chains settle."""
    for record, step in zip(run.steps, doc.steps, strict=False):
        if not step.when:
            continue
        decided = evaluate(parse_condition(step.when), outcomes(run))
        if decided is False and record.state is StepState.PENDING:
            record.state, record.auto, record.at, record.by = StepState.NA, True, now, "sopvault"
            record.reason = f"condition false: {step.when}"
        elif decided is not False and record.auto:
            record.state, record.auto, record.at, record.by = StepState.PENDING, False, None, ""
            record.reason = ""


def completion_problem(run: Run, doc: Document) -> str | None:
    """Why the run cannot be completed yet, or None."""
    if run.state is not RunState.OPEN:
        return f"run {run.id} is already {run.state.value}"
    critical = [
        s.number
        for s, step in zip(run.steps, doc.steps, strict=False)
        if step.control_point and s.state is StepState.PENDING
    ]
    if critical:
        listed = ", ".join(map(str, critical))
        return f"control point(s) {listed} still lack their evidence: record them first"
    pending = [s.number for s in run.steps if s.state is StepState.PENDING]
    if pending:
        listed = ", ".join(map(str, pending))
        return f"step(s) {listed} are still pending: mark each done, skip or na"
    return None


def complete(run: Run, doc: Document, *, who: str, now: datetime) -> None:
    problem = completion_problem(run, doc)
    if problem:
        raise RunError(problem)
    run.state, run.ended_by, run.ended_at = RunState.COMPLETED, who, now


def abort(run: Run, *, who: str, now: datetime, reason: str) -> None:
    _must_be_open(run)
    if not reason.strip():
        raise RunError("say why the run is aborted (--reason)")
    run.state, run.ended_by, run.ended_at, run.reason = RunState.ABORTED, who, now, reason.strip()


def _must_be_open(run: Run) -> None:
    if run.state is not RunState.OPEN:
        raise RunError(f"run {run.id} is {run.state.value}; it can no longer change")


# ---- the file ----------------------------------------------------------------------------


def dumps(run: Run) -> str:
    data: dict[str, Any] = {
        "run": run.id,
        "document": run.doc_id,
        "title": run.title,
        "version": run.version or "",
        "commit": run.commit,
        "blob": run.blob,
        "path": run.path,
        "state": run.state.value,
        "started_by": run.started_by,
        "started_at": run.started_at,
    }
    if run.ended_at is not None:
        data["ended_by"] = run.ended_by
        data["ended_at"] = run.ended_at
    if run.reason:
        data["reason"] = run.reason
    if run.roles:
        data["roles"] = dict(run.roles)
    data["steps"] = [_step_data(s) for s in run.steps]
    return tomli_w.dumps(data)


def _step_data(record: StepEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"number": record.number, "action": record.action}
    if record.control_point:
        data["critical"] = True
    data["state"] = record.state.value
    optional: dict[str, Any] = {
        "by": record.by,
        "at": record.at,
        "value": record.value,
        "note": record.note,
        "reason": record.reason,
        "due_at": record.due_at,
    }
    data.update({k: v for k, v in optional.items() if v not in (None, "")})
    if record.auto:
        data["auto"] = True
    return data


def loads(text: str, where: str) -> Run:
    """A run from its file's text; RunFileError names the file, line and problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problem, line = toml_error(err)
        raise RunFileError(f"not valid TOML: {problem}", path=where, line=line) from None
    except RecursionError:
        raise RunFileError("not a run record: nested far too deeply", path=where) from None
    try:
        return _run_from(data)
    except (KeyError, TypeError, ValueError) as err:
        raise RunFileError(f"not a run record: {_problem(err)}", path=where) from None


def _problem(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing {err.args[0]!r}"
    return str(err)


def _str(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default) if default is not None else data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string")
    return value


def _time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{key!r} must be a date and time")
    return value


def _run_from(data: dict[str, Any]) -> Run:
    doc_id = _str(data, "document")
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
    steps = []
    for index, raw in enumerate(raw_steps, start=1):
        value = raw.get("value")
        if value is not None and not isinstance(value, str | int | float):
            raise TypeError(f"step {index}: 'value' must be text or a number")
        steps.append(
            StepEntry(
                number=index,
                action=_str(raw, "action", ""),
                control_point=bool(raw.get("critical", False)),
                state=StepState(_str(raw, "state", "pending")),
                by=_str(raw, "by", ""),
                at=_time(raw, "at"),
                value=float(value) if isinstance(value, int | float) else value,
                note=_str(raw, "note", ""),
                reason=_str(raw, "reason", ""),
                due_at=_time(raw, "due_at"),
                auto=bool(raw.get("auto", False)),
            )
        )
    return Run(
        id=check_run_id(_str(data, "run")),
        doc_id=doc_id,
        title=_str(data, "title", ""),
        version=_str(data, "version", "") or None,
        commit=_str(data, "commit", ""),
        blob=_str(data, "blob", ""),
        path=_str(data, "path", ""),
        started_by=_str(data, "started_by", ""),
        started_at=started_at,
        state=RunState(_str(data, "state", "open")),
        roles=dict(roles),
        steps=steps,
        ended_by=_str(data, "ended_by", ""),
        ended_at=_time(data, "ended_at"),
        reason=_str(data, "reason", ""),
    )


# ---- the report --------------------------------------------------------------------------


def report_lines(run: Run, doc: Document | None, now: datetime) -> list[str]:
    """The run as a readable report: who did what when, evidence, skips, times."""
    lines = [
        f"run {run.id}: {run.doc_id} {run.title} (version {run.version or '?'})",
        f"followed: commit {run.commit[:10] or '(not in git)'} blob {run.blob[:10]} {run.path}",
        f"started:  {_when(run.started_at)} by {run.started_by}",
        f"state:    {run.state.value}",
    ]
    if run.ended_at is not None:
        verb = "completed" if run.state is RunState.COMPLETED else "aborted"
        lines.append(f"{verb + ':':<9} {_when(run.ended_at)} by {run.ended_by}")
    if run.reason:
        lines.append(f"reason:   {run.reason}")
    for role, person in run.roles.items():
        lines.append(f"role:     {role}: {person}")
    done, total = run.progress()
    lines.append(f"progress: {done} of {total} steps")
    late = set(run.late(now))
    took = _time_per_step(run)
    lines.append("")
    for record in run.steps:
        known = doc is not None and record.number <= len(doc.steps)
        spec = doc.steps[record.number - 1].evidence if doc is not None and known else None
        flag = "  CONTROL POINT" if record.control_point else ""
        flag += "  LATE" if record.number in late else ""
        lines.append(f"{BOXES[record.state]} {record.number:>2}. {record.action}{flag}")
        if record.at is not None:
            spent = f", took {span(took[record.number])}" if record.number in took else ""
            lines.append(f"       {record.state.value} {_when(record.at)} by {record.by}{spent}")
        if record.value is not None:
            lines.append(f"       value: {shown(record.value, spec)}")
        if record.reason:
            lines.append(f"       reason: {record.reason}")
        if record.note:
            lines.append(f"       note: {record.note}")
    end = run.ended_at or (now if run.state is RunState.OPEN else None)
    if end is not None:
        label = "total time" if run.ended_at else "elapsed so far"
        lines.append("")
        lines.append(f"{label}: {span(end - run.started_at)}")
    return lines


def _time_per_step(run: Run) -> dict[int, timedelta]:
    """For each step a person recorded: the time since the one recorded before it (or the
    start), in the order they were recorded."""
    recorded = sorted(
        (s for s in run.steps if s.at is not None and not s.auto),
        key=lambda s: s.at or run.started_at,
    )
    took: dict[int, timedelta] = {}
    previous = run.started_at
    for record in recorded:
        assert record.at is not None
        took[record.number] = record.at - previous
        previous = max(previous, record.at)
    return took


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def span(delta: timedelta) -> str:
    """``12m 05s``, ``2h 03m``: step times and elapsed time, read at a glance."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def summary_lines(run: Run, boxes: dict[StepState, str] = BOXES) -> list[str]:
    """One line per step: box, number, action, value and reason (before completing)."""
    lines = []
    for record in run.steps:
        value = f" = {shown(record.value)}" if record.value is not None else ""
        why = f" ({record.reason})" if record.reason else ""
        lines.append(f"{boxes[record.state]} {record.number:>2}. {record.action}{value}{why}")
    return lines
