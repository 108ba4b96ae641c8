"""The run rules: start a run, record a step, apply conditions, complete, abort, summarize.

Pure rules on ``model.run`` data, no git and no disk: the Runs service reads and writes
the files and commits them; the CLI, the line prompt and the TUI all change a run through
``mark``, ``complete`` and ``abort`` here, so the rules are the same everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sopvault.core.conditions import Outcome, due_seconds, evaluate, parse_condition
from sopvault.core.evidence import accept
from sopvault.core.wording import numbered
from sopvault.errors import RunError
from sopvault.model.document import Document, Step
from sopvault.model.run import (
    Run,
    RunState,
    RunSummary,
    StepEntry,
    StepState,
    check_run_id,
)


def summarize(run: Run) -> RunSummary:
    """The small listing form of ``run`` (what the runs cache keeps)."""
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
    """A fresh open run of ``doc`` following the text at ``commit``/``blob``.

    Each step's ``due`` (``"30m"``) becomes a deadline from ``now``; steps whose condition
    is already false start as n/a. RunError when the id is malformed or the document has
    no steps.
    """
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
    """Record one step and return its entry.

    ``action`` is ``done`` (with its evidence), ``skip`` or ``na`` (a deviation: a control
    point needs a ``reason``), ``note`` (adds a note, state unchanged) or ``undo`` (back to
    pending). RunError when the run is closed or the rules refuse; EvidenceError when the
    value does not fit the step's evidence spec.
    """
    _must_be_open(run)
    entry = run.step(number)
    step = doc.steps[number - 1]
    note, reason = note.strip(), reason.strip()
    if action == "note":
        if not note:
            raise RunError("write the note to add")
        entry.note = f"{entry.note}; {note}" if entry.note else note
        return entry
    if action == "undo":
        entry.state, entry.by, entry.at, entry.value = StepState.PENDING, "", None, None
        entry.note, entry.reason, entry.auto = "", "", False
    elif action == "done":
        _record_done(run, entry, step, value)
    elif action in ("skip", "na"):
        _record_deviation(entry, step, action, value, reason)
    else:
        raise RunError(f"unknown step action {action!r}: use done, skip or na")
    if action != "undo":
        entry.by, entry.at, entry.note, entry.auto = who, now, note or entry.note, False
    apply_conditions(run, doc, now)
    return entry


def _record_done(run: Run, entry: StepEntry, step: Step, value: str | None) -> None:
    """Mark ``entry`` done with its evidence, if its condition lets it apply."""
    if entry.auto:
        raise RunError(
            f"step {entry.number} does not apply: its condition ({step.when}) is false;"
            " change the step it looks at to make it apply"
        )
    if step.when and evaluate(parse_condition(step.when), outcomes(run)) is None:
        raise RunError(
            f"step {entry.number} applies only when {step.when}: record the steps it looks at first"
        )
    stored: str | float | None = None
    if step.evidence is not None:
        stored = accept(step.evidence, value or "")
    elif value is not None and value.strip():
        stored = value.strip()
    entry.state, entry.value, entry.reason = StepState.DONE, stored, ""


def _record_deviation(
    entry: StepEntry, step: Step, action: str, value: str | None, reason: str
) -> None:
    """Mark ``entry`` skipped or n/a; a control point must say why."""
    if value:
        raise RunError(f"a value is recorded with done, not with {action}")
    if step.control_point and not reason:
        raise RunError(
            f"step {entry.number} is a control point: say why it is "
            f"{'skipped' if action == 'skip' else 'not applicable'} (--reason)"
        )
    entry.state = StepState.SKIPPED if action == "skip" else StepState.NA
    entry.value, entry.reason = None, reason


def outcomes(run: Run) -> dict[int, Outcome]:
    """What the conditions look at: each step number's state word and value."""
    return {s.number: Outcome(s.state.value, s.value) for s in run.steps}


def apply_conditions(run: Run, doc: Document, now: datetime) -> None:
    """Mark steps whose ``when`` is false as n/a by themselves, and bring them back to
    pending when an earlier answer changes. Earlier steps first, so chains settle."""
    for entry, step in zip(run.steps, doc.steps, strict=False):
        if not step.when:
            continue
        decided = evaluate(parse_condition(step.when), outcomes(run))
        if decided is False and entry.state is StepState.PENDING:
            entry.state, entry.auto, entry.at, entry.by = StepState.NA, True, now, "sopvault"
            entry.reason = f"condition false: {step.when}"
        elif decided is not False and entry.auto:
            entry.state, entry.auto, entry.at, entry.by = StepState.PENDING, False, None, ""
            entry.reason = ""


def completion_problem(run: Run, doc: Document) -> str | None:
    """Why the run cannot be completed yet (one line), or None when it can.

    Control points come first: their evidence is what an auditor asks for.
    """
    if run.state is not RunState.OPEN:
        return f"run {run.id} is already {run.state.value}"
    control_points = [
        s.number
        for s, step in zip(run.steps, doc.steps, strict=False)
        if step.control_point and s.state is StepState.PENDING
    ]
    if control_points:
        lack = "lacks its" if len(control_points) == 1 else "still lack their"
        return f"{numbered('control point', control_points)} {lack} evidence: record it first"
    pending = [s.number for s in run.steps if s.state is StepState.PENDING]
    if pending:
        verb = "is" if len(pending) == 1 else "are"
        return f"{numbered('step', pending)} {verb} still pending: mark each done, skip or na"
    return None


def complete(run: Run, doc: Document, *, who: str, now: datetime) -> None:
    """Close the run as completed; RunError with ``completion_problem`` when it cannot."""
    problem = completion_problem(run, doc)
    if problem:
        raise RunError(problem)
    run.state, run.ended_by, run.ended_at = RunState.COMPLETED, who, now


def abort(run: Run, *, who: str, now: datetime, reason: str) -> None:
    """Close the run as aborted; RunError when it is closed already or ``reason`` is blank."""
    _must_be_open(run)
    if not reason.strip():
        raise RunError("say why the run is aborted (--reason)")
    run.state, run.ended_by, run.ended_at, run.reason = RunState.ABORTED, who, now, reason.strip()


def _must_be_open(run: Run) -> None:
    if run.state is not RunState.OPEN:
        raise RunError(f"run {run.id} is {run.state.value}; it can no longer change")
