"""The run rules: which event an action makes, or why it is refused.

Pure rules on ``model.run`` data, no git and no disk. Every action (``mark``, ``accept``,
``complete``, ``abort``, ``assign``...) checks the run as derived from its log and returns
the one new ``Event`` to append; ``core.runlog.apply`` then derives what it changes. The
Runs service appends and commits; the CLI, the line prompt and the TUI all act through
here, so the rules are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from sopvault.core.assignment import assignee
from sopvault.core.conditions import evaluate, parse_condition, parse_due
from sopvault.core.evidence import accept as accepted_value
from sopvault.core.evidence import deviation
from sopvault.core.nested import refusal as parent_refusal
from sopvault.core.runlog import apply, apply_conditions, outcomes
from sopvault.core.wording import numbered
from sopvault.errors import RunError
from sopvault.model.config import Person
from sopvault.model.document import Document, Step
from sopvault.model.run import (
    Event,
    EventType,
    Run,
    RunState,
    RunSummary,
    StepEntry,
    StepState,
    check_run_id,
    new_event_id,
)


class NoteRequired(RunError):
    """An answer that is a deviation, recorded without the note that must explain it; the
    message says what departs. Runners catch it to ask for the note."""


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
            (s.number, inner.due_at)  # a nested step's deadline counts for its parent
            for s in run.steps
            for inner in (s, *s.nested)
            if inner.state is StepState.PENDING and inner.due_at is not None
        ),
        late_done=tuple(
            s.number
            for s in run.steps
            if any(
                inner.state is StepState.DONE
                and inner.due_at is not None
                and inner.at is not None
                and inner.at > inner.due_at
                for inner in (s, *s.nested)
            )
        ),
        deviations=len(run.deviation_log),
        outcome=run.outcome,
        legacy=run.legacy,
        after_close=len(run.late_events),
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
    """A fresh open run of ``doc`` following the text at ``commit``/``blob``, its log
    holding the start event.

    Each step's ``due`` (``"30m"``) becomes a deadline from ``now`` and its ``when`` is
    copied, so the log alone derives the run; steps whose condition is already false
    start as n/a. RunError when the id is malformed or the document has no steps.
    """
    if not doc.steps:
        raise RunError(f"{doc.id} has no steps to run")
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
        steps=fresh_steps(doc, now),
    )
    apply(run, Event(new_event_id(), EventType.START, who, now))
    apply_conditions(run, now)
    return run


def fresh_steps(doc: Document, started: datetime) -> list[StepEntry]:
    """The pending entries of ``doc``'s steps for a run started at ``started``: a ``due``
    from the start becomes a deadline now, one after another step (``"30m after 3"``) is
    kept as ``due_after`` and derived by the fold once that step is answered."""
    entries = []
    for i, step in enumerate(doc.steps, start=1):
        due = parse_due(step.due) if step.due else None
        entries.append(
            StepEntry(
                number=i,
                action=step.action,
                control_point=step.control_point,
                due_at=started + timedelta(seconds=due.seconds)
                if due is not None and due.after is None
                else None,
                due_after=(due.after, due.seconds)
                if due is not None and due.after is not None
                else None,
                when=step.when,
            )
        )
    return entries


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
) -> Event:
    """The event that records ``action`` on step ``number``.

    ``action`` is ``done`` (with its evidence), ``skip`` or ``na`` (a control point needs a
    ``reason``), ``note`` (adds a note, state unchanged) or ``undo`` (takes back the answer
    in force, which stays in the log). An answer on a step already answered corrects it:
    the new event names the one it replaces. A value outside its range, a failing answer
    and a skipped control point are deviations: NoteRequired when no note says what
    happened. RunError when the run is closed or the rules refuse; EvidenceError when the
    value is no answer of the step's type.
    """
    _must_be_open(run)
    entry = run.step(number)
    step = doc.steps[number - 1]
    note, reason = note.strip(), reason.strip()
    refused = parent_refusal(entry, action)  # a work instruction runs in it (issue 15)
    if refused:
        raise RunError(refused)
    made = Event(new_event_id(), EventType.NOTE, who, now, step=number)
    if action == "note":
        if not note:
            raise RunError("write the note to add")
        return replace(made, note=note)
    if entry.deviation and action != "note" and not (note or reason):
        raise NoteRequired(
            f"step {entry.label} not recorded: its answer is a deviation ({entry.deviation});"
            " correcting it needs a note saying why (--note); it stays in the record"
        )
    if action == "undo":
        if not entry.event:
            raise RunError(f"step {entry.label} has no answer to undo")
        return replace(made, type=EventType.UNDO, corrects=entry.event, note=note)
    if action == "done":
        value_kept, departs = _done(run, entry, step, value)
        made = replace(made, type=EventType.DONE, value=value_kept, deviation=departs)
        made = replace(made, stops=bool(departs) and step.stops_work and value_kept is not None)
    elif action in ("skip", "na"):
        made = replace(made, type=_skip_or_na(entry, step, action, value, reason), reason=reason)
        if step.control_point:
            said = "skipped" if made.type is EventType.SKIP else "marked n/a"
            made = replace(made, deviation=f"control point {said}")
    else:
        raise RunError(f"unknown step action {action!r}: use done, skip, na, note or undo")
    if made.deviation and made.type is EventType.DONE and not note:
        raise NoteRequired(
            f"step {entry.label} not recorded: {made.deviation} is a deviation;"
            " record it with a note saying what happened (--note)"
        )
    return replace(made, note=note, corrects=entry.event)


def _done(
    run: Run, entry: StepEntry, step: Step, value: str | None
) -> tuple[str | float | None, str]:
    """The value ``done`` records for ``entry`` and its deviation ("" when none), if the
    step's condition lets it apply."""
    if step.command:  # its evidence is what ran (issue 15): core.commandrun
        raise RunError(
            f"step {entry.number} runs a command: it is done by running it"
            f" (`sopvault runs exec {run.id} {entry.number}`, or r in the runner)"
        )
    if entry.auto:
        raise RunError(
            f"step {entry.label} does not apply: its condition ({step.when}) is false;"
            " change the step it looks at to make it apply"
        )
    if step.when and evaluate(parse_condition(step.when), outcomes(run)) is None:
        raise RunError(
            f"step {entry.label} applies only when {step.when}: record the steps it looks at first"
        )
    if step.evidence is not None:
        stored: str | float = accepted_value(step.evidence, value or "")
        return stored, deviation(step, stored)
    if value is not None and value.strip():
        return value.strip(), ""
    return None, ""


def _skip_or_na(
    entry: StepEntry, step: Step, action: str, value: str | None, reason: str
) -> EventType:
    """A skip or n/a of ``entry``; a control point must say why."""
    if value:
        raise RunError(f"a value is recorded with done, not with {action}")
    if step.control_point and not reason:
        raise RunError(
            f"step {entry.label} is a control point: say why it is "
            f"{'skipped' if action == 'skip' else 'not applicable'} (--reason)"
        )
    return EventType.SKIP if action == "skip" else EventType.NA


def completion_problem(run: Run) -> str | None:
    """Why the run cannot be completed yet (one line), or None when it can.

    Control points come first: their evidence is what an auditor asks for. A failed
    control point that stops the work lets the run complete (as failed) with the steps
    after it left pending; the control points before it must still be answered.
    """
    if run.state is not RunState.OPEN:
        return f"run {run.id} is already {run.state.value}"
    stopped = run.stopped()
    last = stopped.number if stopped is not None else len(run.steps) + 1
    control_points = [
        s.number
        for s in run.steps
        if s.control_point and s.state is StepState.PENDING and s.number < last
    ]
    if control_points:
        lack = "lacks its" if len(control_points) == 1 else "still lack their"
        return f"{numbered('control point', control_points)} {lack} evidence: record it first"
    pending = [s.number for s in run.steps if s.state is StepState.PENDING]
    if pending and stopped is None:
        verb = "is" if len(pending) == 1 else "are"
        return f"{numbered('step', pending)} {verb} still pending: mark each done, skip or na"
    return None


def complete(run: Run, *, who: str, now: datetime) -> Event:
    """The completion event, with the run's outcome; RunError with ``completion_problem``
    when the run cannot be completed. (Whether its deviations must first be accepted is
    the Runs service's question: it knows the vault's rules.)"""
    problem = completion_problem(run)
    if problem:
        raise RunError(problem)
    return Event(new_event_id(), EventType.COMPLETE, who, now, outcome=run.judged_outcome().value)


def abort(run: Run, *, who: str, now: datetime, reason: str) -> Event:
    """The abort event; RunError when the run is closed already or ``reason`` is blank."""
    _must_be_open(run)
    if not reason.strip():
        raise RunError("say why the run is aborted (--reason)")
    return Event(new_event_id(), EventType.ABORT, who, now, reason=reason.strip())


def accept(run: Run, waiting: list[Event], *, who: str, now: datetime, note: str = "") -> Event:
    """The acceptance of the deviations ``waiting`` (events of ``run``), by ``who``;
    RunError when there is none. Which are waiting, and whether ``who`` may accept them,
    is judged by the Runs service (``core.approval.judge``, the same four-eyes rule as
    approvals)."""
    if not waiting:
        raise RunError(f"run {run.id} has no deviation waiting to be accepted")
    return Event(
        new_event_id(),
        EventType.ACCEPT,
        who,
        now,
        note=note.strip(),
        accepts=tuple(e.id for e in waiting),
    )


def assign(
    run: Run,
    doc: Document,
    role: str,
    person: str,
    *,
    people: Mapping[str, Person],
    who: str,
    now: datetime,
) -> Event:
    """The assignment of ``role`` to ``person`` (a handle, e-mail or name from
    ``people``, the vault's ``[people]``), recorded with the handle and ``Name <email>``;
    RunError when the run is closed, the document names no such role or the person is
    not listed (``core.assignment``: the one rule, with the valid choices)."""
    _must_be_open(run)
    role, chosen = assignee(doc, role, person, people)
    return Event(
        new_event_id(),
        EventType.ASSIGN,
        who,
        now,
        role=role,
        person=chosen.person,
        handle=chosen.handle,
    )


def assign_all(
    run: Run,
    doc: Document,
    roles: Mapping[str, str],
    *,
    people: Mapping[str, Person],
    who: str,
    now: datetime,
) -> list[Event]:
    """The assign events of ``roles`` (role to person) at a run's start, each judged by
    ``assign``: RunError at the first refused, before anything is recorded."""
    return [assign(run, doc, r, p, people=people, who=who, now=now) for r, p in roles.items()]


def taken_up(run: Run, *, who: str, now: datetime, seen: str = "") -> Event:
    """The event a resumed run records: ``resume``, or ``revision`` when main holds a newer
    text (``seen``, its version) and the run keeps following its own."""
    _must_be_open(run)
    kind = EventType.REVISION if seen else EventType.RESUME
    return Event(new_event_id(), kind, who, now, seen=seen)


def _must_be_open(run: Run) -> None:
    if run.state is not RunState.OPEN:
        raise RunError(f"run {run.id} is {run.state.value}; it can no longer change")
