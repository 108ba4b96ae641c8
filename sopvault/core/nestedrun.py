"""The run rules for a work instruction run in place inside a step (issue 15): the event
that opens it, and the events its steps' answers make.

A nested step is answered by exactly the rules of a top-level step (``checklist.mark``:
evidence, control points, deviations with their note, notes, undo), applied to the
instruction's own checklist; the event then names its parent (``within``). One level
only: a work instruction is the lowest layer of a document set (it says *how* one step
is done), so a step of a work instruction that names another instruction is answered
as a plain step there, its instruction shown, never opened in place; nothing can loop.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sopvault.core.checklist import fresh_steps
from sopvault.core.checklist import mark as mark_step
from sopvault.core.nested import inside
from sopvault.errors import RunError
from sopvault.model.document import Document
from sopvault.model.instruction import Pin, PlannedStep
from sopvault.model.run import Event, EventType, Run, RunState, new_event_id


def named_instruction(run: Run, doc: Document, number: int) -> str:
    """The id of the work instruction step ``number`` of ``run`` (following ``doc``) names;
    RunError when the step does not exist or names none."""
    run.step(number)
    instruction = doc.steps[number - 1].instruction
    if not instruction:
        raise RunError(f"step {number} names no work instruction to run in place")
    return instruction


def open_instruction(
    run: Run,
    doc: Document,
    number: int,
    wi: Document,
    *,
    commit: str,
    blob: str,
    who: str,
    now: datetime,
) -> Event:
    """The ``instruction`` event that opens ``wi`` (the text at ``commit``/``blob`` on
    main) in step ``number`` of ``run``: its steps copied with their deadlines counted
    from ``now``, so the log alone derives them. RunError when the run is closed, the
    step names another instruction or none, it is open there already, the step was
    answered by hand (undo it first) or does not apply, or ``wi`` has no steps."""
    if run.state is not RunState.OPEN:
        raise RunError(f"run {run.id} is {run.state.value}; it can no longer change")
    named = named_instruction(run, doc, number)
    entry = run.step(number)
    if named != wi.id:
        raise RunError(f"step {number} names {named}, not {wi.id}")
    if entry.instruction is not None:
        raise RunError(f"step {number} already runs {named} in place: mark {number}.N")
    if entry.auto:
        raise RunError(f"step {number} does not apply: its condition ({entry.when}) is false")
    if entry.event:
        raise RunError(
            f"step {number} is already {entry.state.value}: undo it first to run {named} in place"
        )
    if not wi.steps:
        raise RunError(f"{wi.id} has no steps to run")
    planned = tuple(
        PlannedStep(s.action, s.control_point, s.due_at, s.when, s.due_after)
        for s in fresh_steps(wi, now)
    )
    pin = Pin(wi.id, wi.title, wi.version, commit, blob, wi.path, planned)
    return Event(new_event_id(), EventType.INSTRUCTION, who, now, step=number, pin=pin)


def mark_at(
    run: Run,
    doc: Document,
    number: int,
    action: str,
    *,
    within: int | None,
    who: str,
    now: datetime,
    value: str | None = None,
    note: str = "",
    reason: str = "",
) -> Event:
    """The event recording ``action`` on step ``number`` of ``run`` (``doc`` the text it
    follows: ``checklist.mark``), or, with ``within``, on step ``number`` of the work
    instruction open in that step (``doc`` its text): the same rules on the instruction's
    checklist, the event naming its parent. Raises as ``checklist.mark``; RunError when
    the parent does not exist, has no instruction open or does not apply."""
    checklist = run
    if within is not None:
        parent = run.step(within)
        inside(parent, number)
        if parent.auto:
            raise RunError(f"step {within} does not apply: its condition ({parent.when}) is false")
        checklist = replace(run, steps=parent.nested)  # the same rules on its steps
    event = mark_step(
        checklist, doc, number, action, who=who, now=now, value=value, note=note, reason=reason
    )
    return replace(event, within=within)


def pin_of(run: Run, within: int) -> Pin:
    """The pin of the work instruction open in step ``within``; RunError when none is."""
    entry = run.step(within)
    if entry.instruction is None:
        raise RunError(f"step {within} has no work instruction open in it")
    return entry.instruction
