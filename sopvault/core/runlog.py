"""A run's state, derived from its log of events: the one fold every view uses.

``replay`` applies a run's events in the order they were appended (the file's order; sync
joins two clones' logs into one order that both then hold) to its fresh steps; ``apply`` adds
one more. The fold never refuses: the rules that refuse an action live in
``core.checklist`` and are applied when it is recorded. What the fold cannot apply (an
answer recorded on another clone after the run was closed here) is kept aside in
``Run.late_events``, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from sopvault.core.conditions import Condition, Outcome, evaluate, parse_condition
from sopvault.core.nested import derive_parent, open_in
from sopvault.model.run import (
    ANSWERS,
    Event,
    EventType,
    RunState,
    StepEntry,
    StepState,
)
from sopvault.model.run import (
    Outcome as RunOutcome,
)
from sopvault.model.run import (
    Run as RunRecord,
)

_STATES = {
    EventType.DONE: StepState.DONE,
    EventType.SKIP: StepState.SKIPPED,
    EventType.NA: StepState.NA,
}
# Who decides an n/a that a step's condition made (never a person).
AUTO_BY = "sopvault"


def ordered(events: Iterable[Event]) -> list[Event]:
    """The events in the order they are applied: the start first, then the order they
    were appended in (the file's order). Never by their times: a clock that is wrong on
    one machine must not move an answer before the one it corrects."""
    return sorted(events, key=lambda e: e.type is not EventType.START)


def replay(run: RunRecord, events: Iterable[Event]) -> RunRecord:
    """``run`` (its header and fresh, pending steps) with ``events`` applied in order; the
    same run object, returned for convenience."""
    for event in ordered(events):
        apply(run, event)
    return run


def apply(run: RunRecord, event: Event) -> None:
    """Add ``event`` to ``run``'s log and derive what it changes.

    An answer, note or undo naming a step the run does not have is kept in the log and
    changes nothing (a hand-edited file; ``check`` is where it is reported)."""
    run.events.append(event)
    kind = event.type
    if kind is EventType.START:
        run.started_by, run.started_at = event.by, event.at
        return
    if run.state is not RunState.OPEN and kind is not EventType.ACCEPT:
        run.late_events.append(event)
        if kind in ANSWERS and event.deviation:  # recorded elsewhere before it heard of
            run.deviation_log.append(event)  # the close: it still counts, and is accepted
            if run.outcome is RunOutcome.PASSED:
                run.outcome = RunOutcome.PASSED_WITH_DEVIATIONS
        return
    if kind in ANSWERS or kind in (EventType.UNDO, EventType.NOTE):
        _apply_to_step(run, event)
    elif kind is EventType.INSTRUCTION and event.step is not None:
        if 1 <= event.step <= len(run.steps) and open_in(run.steps[event.step - 1], event):
            apply_conditions(run, event.at)
    elif kind is EventType.ASSIGN and event.role:
        run.roles[event.role] = event.person
    elif kind is EventType.ACCEPT:
        for accepted in event.accepts:
            run.accepted.setdefault(accepted, []).append(event)
    elif kind is EventType.COMPLETE:
        run.state, run.ended_by, run.ended_at = RunState.COMPLETED, event.by, event.at
        run.outcome = run.judged_outcome()  # derived, never taken from the line's word
    elif kind is EventType.ABORT:
        run.state, run.ended_by, run.ended_at = RunState.ABORTED, event.by, event.at
        run.reason = event.reason


def _apply_to_step(run: RunRecord, event: Event) -> None:
    if event.step is None:
        if event.type is EventType.NOTE:
            run.notes.append(event)
        return
    steps = _steps_of(run, event.within)
    if not 1 <= event.step <= len(steps):
        return
    entry = steps[event.step - 1]
    entry.history.append(event)
    if event.type is EventType.NOTE:
        entry.note = f"{entry.note}; {event.note}" if entry.note else event.note
        return
    if entry.instruction is not None:
        return  # answered by its work instruction's steps (a joined log's hand answer)
    if event.type is EventType.UNDO:
        if event.corrects and event.corrects == entry.event:
            _clear(entry)
    else:
        entry.state = _STATES[event.type]
        entry.by, entry.at, entry.event, entry.auto = event.by, event.at, event.id, False
        entry.value, entry.note, entry.reason = event.value, event.note, event.reason
        entry.deviation, entry.stops = event.deviation, event.stops
        if event.deviation:
            run.deviation_log.append(event)
    apply_conditions(run, event.at)


def _steps_of(run: RunRecord, within: int | None) -> list[StepEntry]:
    """The checklist an event's ``step`` counts in: the run's own steps, or those of the
    work instruction opened in step ``within`` (none when it is not open there)."""
    if within is None:
        return run.steps
    return run.steps[within - 1].nested if 1 <= within <= len(run.steps) else []


def _clear(entry: StepEntry) -> None:
    entry.state, entry.by, entry.at, entry.value = StepState.PENDING, "", None, None
    entry.note, entry.reason, entry.auto, entry.event = "", "", False, ""
    entry.deviation, entry.stops = "", False


def _outcome(word: str) -> RunOutcome | None:
    try:
        return RunOutcome(word)
    except ValueError:
        return None


@lru_cache(maxsize=512)
def _condition(text: str) -> Condition:
    return parse_condition(text)


def outcomes(run: RunRecord) -> dict[int, Outcome]:
    """What the conditions look at: each step number's state word and value."""
    return outcomes_of(run.steps)


def outcomes_of(steps: list[StepEntry]) -> dict[int, Outcome]:
    """Each of ``steps``' numbers with its state word and value (one checklist's)."""
    return {s.number: Outcome(s.state.value, s.value) for s in steps}


def apply_conditions(run: RunRecord, now: datetime) -> None:
    """Mark steps whose ``when`` is false as n/a by themselves, and bring them back to
    pending when an earlier answer changes. Earlier steps first, so chains settle; a work
    instruction run inside a step first, its conditions on its own steps, so the parent
    it derives is settled before the steps whose conditions look at it. Then derive the
    deadlines that count from another step's answer (``apply_deadlines``).

    Raises ConditionError (from ``core.conditions``) for a condition that does not parse:
    a run file that names one was not written by sopvault."""
    opened = [e for e in run.steps if e.instruction is not None]
    for parent in opened:
        _settle(parent.nested, now)
        derive_parent(parent)
    _settle(run.steps, now)
    for parent in opened:
        derive_parent(parent)
    apply_deadlines(run)


def _settle(steps: list[StepEntry], now: datetime) -> None:
    for entry in steps:
        if not entry.when:
            continue
        decided = evaluate(_condition(entry.when), outcomes_of(steps))
        if decided is False and entry.state is StepState.PENDING:
            entry.state, entry.auto, entry.at, entry.by = StepState.NA, True, now, AUTO_BY
            entry.reason = f"condition false: {entry.when}"
        elif decided is not False and entry.auto:
            entry.state, entry.auto, entry.at, entry.by = StepState.PENDING, False, None, ""
            entry.reason = ""


def apply_deadlines(run: RunRecord) -> None:
    """Each step due a span after another (``due = "30m after 3"``, kept as
    ``due_after``) is due that long after the answer in force on that step (done,
    skipped or n/a); it has no deadline while that step is pending, again after an undo.
    A step of a work instruction run in place counts from the instruction's own steps
    (``30m after 2`` inside step 3 is after step 3.2)."""
    _deadlines(run.steps)
    for entry in run.steps:
        if entry.instruction is not None:
            _deadlines(entry.nested)


def _deadlines(steps: list[StepEntry]) -> None:
    for entry in steps:
        if entry.due_after is None:
            continue
        number, seconds = entry.due_after
        base = steps[number - 1] if 1 <= number <= len(steps) else None
        if base is None or base.state is StepState.PENDING or base.at is None:
            entry.due_at = None
        else:
            try:
                entry.due_at = base.at + timedelta(seconds=seconds)
            except OverflowError:  # a log whose span leaves the calendar: no deadline
                entry.due_at = None
