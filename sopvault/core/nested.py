"""A work instruction run in place inside a step (issue 15): how its steps are addressed
(``3.2``), how the fold opens them and derives the parent step from them, and why the
parent is not answered by hand once they are open.

Pure data rules, used by the fold (``core.runlog``) and the run rules
(``core.checklist``, ``core.nestedrun``). The parent step's state is *derived*: it is done
when every nested step is dealt with (done, skipped or n/a), and pending again when one of
them is undone. No event records it, so the log stays the single truth: an undo of a
nested step reopens the parent with nothing else to keep in step, and two clones whose
logs are joined derive the same parent.
"""

from __future__ import annotations

from sopvault.core.wording import numbered
from sopvault.errors import RunError
from sopvault.model.instruction import Pin
from sopvault.model.run import Event, StepEntry, StepState


def address(text: str) -> tuple[int, int | None]:
    """A step as people write it: ``3`` is ``(3, None)``, ``3.2`` (step 2 of the work
    instruction run inside step 3) is ``(2, 3)``: ``(number, within)``. RunError for
    anything else."""
    parts = text.strip().split(".")
    if len(parts) > 2 or not all(p.isdigit() and p.isascii() for p in parts):
        raise RunError(f"a step is a number (3) or a work instruction's step (3.2), not {text!r}")
    numbers = [int(p) for p in parts]
    if min(numbers) < 1:
        raise RunError(f"steps are numbered from 1, not {text!r}")
    return (numbers[1], numbers[0]) if len(numbers) == 2 else (numbers[0], None)


def open_in(entry: StepEntry, event: Event) -> bool:
    """Open the work instruction ``event`` pins in step ``entry`` (the fold): its steps
    become ``entry.nested``, pending. The first opening counts; a step that is already
    open or answered by hand (only a joined log from another clone can hold one) keeps
    the event in its history and changes nothing. True when it opened."""
    entry.history.append(event)
    pin = event.pin
    if pin is None or entry.instruction is not None or entry.event or entry.auto:
        return False
    entry.instruction = pin
    entry.nested = fresh(pin, entry.number)
    derive_parent(entry)
    return True


def fresh(pin: Pin, parent: int) -> list[StepEntry]:
    """The pending entries of the steps ``pin`` copied, inside step ``parent``."""
    return [
        StepEntry(
            number=i,
            action=planned.action,
            control_point=planned.control_point,
            due_at=planned.due_at,
            when=planned.when,
            due_after=planned.due_after,
            within=parent,
        )
        for i, planned in enumerate(pin.steps, start=1)
    ]


def derive_parent(entry: StepEntry) -> None:
    """The parent step as its nested steps make it: done (by whoever answered last, at
    that time) when every one is dealt with, else pending; a deviation in force on a
    nested step is the parent's too ("step 3.4: froth depth 18 cm is above 15"), and a
    failed control point that stops the work stops it at the parent. A parent its own
    condition made n/a stays so."""
    if entry.instruction is None or entry.auto:
        return
    times = [(s.at, s.by) for s in entry.nested if s.at is not None]
    dealt = all(s.state is not StepState.PENDING for s in entry.nested)
    entry.state = StepState.DONE if dealt else StepState.PENDING
    entry.at, entry.by = max(times) if dealt and times else (None, "")
    departing = [s for s in entry.nested if s.deviation]
    entry.deviation = "; ".join(f"step {s.label}: {s.deviation}" for s in departing)
    entry.stops = any(s.stops for s in entry.nested)


def pending(entry: StepEntry) -> list[str]:
    """The labels of ``entry``'s nested steps still pending (``["3.2", "3.4"]``)."""
    return [s.label for s in entry.nested if s.state is StepState.PENDING]


def refusal(entry: StepEntry, action: str) -> str | None:
    """Why ``action`` may not be recorded by hand on parent step ``entry`` (None when it
    may): once its work instruction is open, the step is answered by its nested steps
    only. A note is always welcome. Before anything is opened the step may be answered
    directly, as any step: running the instruction in place is a choice, not a duty."""
    if entry.instruction is None or action == "note":
        return None
    waiting = pending(entry)
    left = (
        f"{numbered('step', waiting)} {'is' if len(waiting) == 1 else 'are'} still pending"
        if waiting
        else "every one of its steps is dealt with"
    )
    return (
        f"step {entry.number} runs {entry.instruction.doc_id} in place: it is answered by"
        f" that instruction's steps ({left}); mark {entry.number}.N instead"
    )


def inside(entry: StepEntry, number: int) -> StepEntry:
    """Nested step ``number`` of parent ``entry``; RunError when the instruction is not
    open in it or has no such step."""
    if entry.instruction is None:
        raise RunError(
            f"step {entry.number} has no work instruction open in it: open it first"
            f" (step {entry.number}.{number} does not exist yet)"
        )
    if not 1 <= number <= len(entry.nested):
        raise RunError(
            f"step {entry.number}.{number} does not exist: {entry.instruction.doc_id} has"
            f" steps {entry.number}.1 to {entry.number}.{len(entry.nested)}"
        )
    return entry.nested[number - 1]
