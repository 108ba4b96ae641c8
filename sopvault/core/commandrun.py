"""What a run records once a step's command ran (issue 15): the one ``done`` event, its
exit status and the end of its output being the step's evidence, and a non-zero exit or
a timeout a deviation (21 CFR Part 11 §11.10(e): the record says exactly what ran); and
the run rules that say whether the command may run now. Reading the step itself is
``core.commandstep``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sopvault.core.commandstep import span
from sopvault.core.conditions import evaluate, parse_condition
from sopvault.core.runlog import outcomes
from sopvault.errors import RunError
from sopvault.model.document import Step
from sopvault.model.run import Event, EventType, Run, RunState, StepEntry, new_event_id

OUTPUT_LINES = 20  # the end of the output kept as evidence...
OUTPUT_CHARS = 4096  # ...and never more than this many characters of it


@dataclass(frozen=True)
class Ran:
    """What a command did, as the run records it: ``status`` None when the time limit
    (``limit`` seconds) ended it; ``output`` the last lines of its output as text."""

    argv: tuple[str, ...]
    status: int | None
    output: str
    seconds: float
    limit: int
    timed_out: bool = False


def departure(ran: Ran) -> str:
    """Why the command's result departs from the procedure ("" when it exited 0)."""
    if ran.timed_out:
        return f"timed out after {span(ran.limit)}"
    if ran.status is not None and ran.status < 0:
        return f"ended by signal {-ran.status}"
    return f"exit status {ran.status}" if ran.status else ""


def kept_output(lines: list[str]) -> str:
    """The evidence kept of the output: its last ``OUTPUT_LINES`` lines, at most
    ``OUTPUT_CHARS`` characters (the end, where a failure is said)."""
    return "\n".join(lines[-OUTPUT_LINES:])[-OUTPUT_CHARS:]


def result_event(
    run: Run, step: Step, number: int, ran: Ran, *, who: str, now: datetime, note: str = ""
) -> Event:
    """The ``done`` event of step ``number`` after its command ran: the command, its exit
    status, output and time, a deviation for a non-zero exit or a timeout (stopping the
    work when the step says ``on_fail = "stop"``), correcting the answer in force if any.
    RunError as ``must_be_runnable``."""
    entry = must_be_runnable(run, step, number, note)
    departs = departure(ran)
    return Event(
        new_event_id(),
        EventType.DONE,
        who,
        now,
        step=number,
        note=note.strip(),
        corrects=entry.event,
        deviation=departs,
        stops=bool(departs) and step.stops_work,
        command=ran.argv,
        exit_status=ran.status,
        timed_out=ran.timed_out,
        output=kept_output(ran.output.split("\n")) if ran.output else "",
        seconds=round(ran.seconds, 3),
    )


def must_be_runnable(run: Run, step: Step, number: int, note: str = "") -> StepEntry:
    """Step ``number``'s entry when its command may run in ``run`` by the run rules: the
    run is open, the step runs a command and applies (its ``when``), and an answer in
    force that is a deviation is corrected only with a ``note`` (as ``checklist.mark``).
    RunError says which rule refuses."""
    if run.state is not RunState.OPEN:
        raise RunError(f"run {run.id} is {run.state.value}; it can no longer change")
    entry = run.step(number)
    if not step.command:
        raise RunError(f"step {number} runs no command: mark it done, skip or na")
    if entry.auto:
        raise RunError(f"step {number} does not apply: its condition ({step.when}) is false")
    if step.when and evaluate(parse_condition(step.when), outcomes(run)) is None:
        raise RunError(
            f"step {number} applies only when {step.when}: record the steps it looks at first"
        )
    if entry.deviation and not note.strip():
        raise RunError(
            f"step {number}'s answer is a deviation ({entry.deviation}); running its command"
            " again needs a note saying why (--note); the first result stays in the record"
        )
    return entry
