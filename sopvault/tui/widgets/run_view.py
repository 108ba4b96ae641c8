"""What the checklist runner draws: the title, one line per step, the highlighted step's
details and the summary shown before completing. Pure functions of the run, so the screen
only decides when to redraw.

A deviation (a value out of range, a failing answer, a skipped control point) is marked
with ``!`` in magenta wherever a step is shown, with what departs, so it is never hidden
among the steps that went to plan (issue 13; ISO 9001 §8.7: nonconforming outputs are
identified).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.console import Group, RenderableType
from rich.text import Text

from sopvault.core import localtime
from sopvault.core.commandstep import shown as shown_command
from sopvault.core.evidence import shown
from sopvault.core.wording import counted, name_of
from sopvault.model.document import Document, Step
from sopvault.model.run import Outcome, Run, StepEntry, StepState
from sopvault.render.runcommand import entry_command_lines
from sopvault.render.runs import span
from sopvault.render.safetext import inert_line
from sopvault.services.runs import Resumed
from sopvault.tui.widgets.step_history import history_lines, named

# The box and style of each step state, in the list and in the run's summary.
BOXES = {
    StepState.PENDING: ("☐", ""),
    StepState.DONE: ("☑", "green"),
    StepState.SKIPPED: ("⊘", "yellow"),
    StepState.NA: ("–", "dim"),
}
DEVIATION = ("!", "bold magenta")  # the mark of a deviation, beside the step's box
STOPS = "bold red"  # a failed control point that stops the work
OUTCOME_STYLES = {
    Outcome.PASSED: "bold green",
    Outcome.PASSED_WITH_DEVIATIONS: "bold magenta",
    Outcome.FAILED: "bold red",
}


def run_title(run: Run, zone: tzinfo | None = None) -> Text:
    """Two lines: the run, its document and version; what it follows, when (in ``zone``,
    None: the local zone) and who."""
    text = Text("Run ", style="bold")
    text.append(inert_line(run.id), style="bold")
    text.append("  ")
    text.append(inert_line(run.doc_id), style="bold cyan")
    text.append(f"  {inert_line(run.title)}", style="bold")
    if run.version:
        text.append(f"  v{inert_line(run.version)}", style="cyan")
    pinned = f"commit {run.commit[:8]}" if run.commit else "the working copy (not in git)"
    text.append(f"\nfollowing {pinned}, started {localtime.shown(run.started_at, zone)} by ")
    text.append(inert_line(run.started_by))
    return text


def run_status(run: Run, now: datetime) -> Text:
    """The status line: progress, elapsed time (``now`` in UTC), late steps, the keys."""
    done, total = run.progress()
    status = Text(f"{done} of {total} steps", style="bold")
    status.append(f"  ·  elapsed {span(now - run.started_at)}")
    late = run.late(now)
    if late:
        status.append(f"  ·  LATE: step {', '.join(map(str, late))}", style="bold red")
    stopped = run.stopped()
    if stopped is not None:
        status.append(f"  ·  STOPPED at step {stopped.number}: c completes as failed", style=STOPS)
    elif run.recorded_deviations():
        status.append(
            f"  ·  {DEVIATION[0]} {counted(len(run.recorded_deviations()), 'deviation')}",
            DEVIATION[1],
        )
    status.append(
        "  ·  Enter: done (evidence first when asked)  s skip  a n/a  n note", style="dim"
    )
    return status


def revised_notices(resumed: Resumed) -> list[str]:
    """What to say when a resumed run's procedure was revised since it began (or [])."""
    if not resumed.changed_since:
        return []
    return [
        f"{resumed.run.doc_id} was revised since this run began (now"
        f" {resumed.changed_since}); this run keeps following"
        f" {resumed.run.version or 'its revision'}. v shows what changed."
    ]


def step_line(entry: StepEntry, late: bool, who: str = "") -> Text:
    """One line of the step list: box, number, action, ◆ on a control point, the value,
    and ``who`` fills the step's role ("" when nobody is assigned); ``▸ WI-001 2/6`` on a
    step running its work instruction in place (issue 15)."""
    box, style = BOXES[entry.state]
    line = Text(f"{box} ", style=style or "bold")
    line.append(f"{entry.label:>2}. ", style="bold")
    line.append(inert_line(entry.action), style=style)
    if entry.control_point:
        line.append(" ◆", style="bold red")
    if entry.instruction is not None:
        dealt = sum(1 for s in entry.nested if s.state is not StepState.PENDING)
        where = f" ▸ {inert_line(entry.instruction.doc_id)} {dealt}/{len(entry.nested)}"
        line.append(where, style="bold cyan")
    if entry.value is not None:
        line.append(f" = {inert_line(shown(entry.value))}", style="cyan")
    if entry.deviation:
        line.append(f"  {DEVIATION[0]} {inert_line(brief(entry.deviation))}", DEVIATION[1])
    if entry.stops:
        line.append(" STOPS THE WORK", style=STOPS)
    if late:
        line.append(" LATE", style="bold red")
    if who:
        line.append(f"  → {inert_line(who)}", style="dim cyan")
    return line


def brief(deviation: str) -> str:
    """A deviation as the step list has room for it: ``80 °C above the maximum`` for
    ``80 °C is above the maximum (allowed 55 to 65 °C)`` (the detail shows it whole)."""
    short = deviation.split(" (", 1)[0]
    return short.replace(" is above ", " above ").replace(" is below ", " below ")


class _Rows:
    """Label-and-value lines, the label in a fixed column."""

    def __init__(self, lines: list[Text]) -> None:
        self.lines = lines

    def add(self, label: str, value: str, style: str = "") -> None:
        line = Text(f"{label:<12}", style="dim")
        line.append(inert_line(value), style=style)
        self.lines.append(line)


def step_detail(
    run: Run, step: Step, entry: StepEntry, now: datetime, zone: tzinfo | None = None
) -> RenderableType:
    """The highlighted step: what it asks (role, timing, control point, condition,
    evidence, work instruction, sub-steps, details), then what was recorded for it; times
    in ``zone`` (None: the local zone) with its name."""
    head = Text(f"Step {entry.label}  ", style="bold")
    head.append(inert_line(step.action), style="bold")
    lines: list[Text] = [head]
    rows = _Rows(lines)
    if step.role:
        person = run.roles.get(step.role)
        rows.add("role", f"{step.role}{f' ({person})' if person else ''}", "cyan")
    if step.duration:
        rows.add("takes", step.duration)
    if entry.due_at is not None:
        late = entry.number in run.late(now)
        when = f"{step.due} after the start ({_deadline(entry.due_at, run, zone)})"
        rows.add("due", when + ("  LATE" if late else ""), "bold red" if late else "")
    if step.control_point:
        rows.add("control", "CONTROL POINT: evidence or a reason is required", "bold red")
    if step.when:
        rows.add("only when", step.when, "magenta")
    if step.evidence is not None:
        rows.add("record", step.evidence.describe())
    if step.instruction:
        rows.add("instruction", instruction_row(step.instruction, entry), "underline")
    if step.command:
        rows.add("command", f"{shown_command(step.command)}  (r runs it, asks first)", "bold")
    for sub in step.substeps:
        lines.append(Text(f"  {'☑' if entry.state is StepState.DONE else '☐'} {inert_line(sub)}"))
    if step.details:
        lines.append(Text(""))
        lines.extend(Text(inert_line(x), style="italic") for x in step.details.strip().splitlines())
    lines.append(Text(""))
    _recorded(rows, run, step, entry, zone)
    return Group(*lines)


def instruction_row(instruction: str, entry: StepEntry) -> str:
    """What the detail says of a step's work instruction: how to read it or run it in
    place, or (once open) the version followed and how far it is."""
    pin = entry.instruction
    if entry.within is not None:
        return f"{instruction} (w shows it)"
    if pin is None:
        return f"{instruction} (w shows it, i runs it in place)"
    dealt = sum(1 for s in entry.nested if s.state is not StepState.PENDING)
    return (
        f"{pin.doc_id} {pin.version or ''} runs in place: {dealt} of {len(entry.nested)}"
        " steps dealt with (Enter or i opens it)"
    )


def _deadline(due_at: datetime, run: Run, zone: tzinfo | None) -> str:
    """``10:30 CET`` for a deadline on the day the run started (there), else the date too."""
    if localtime.day(due_at, zone) == localtime.day(run.started_at, zone):
        return localtime.clock(due_at, zone)
    return localtime.shown(due_at, zone)


def _recorded(
    rows: _Rows, run: Run, step: Step, entry: StepEntry, zone: tzinfo | None = None
) -> None:
    """What is in force for the step, its deviation, then every event about it."""
    state = Text(f"{'state':<12}", style="dim")
    state.append(entry.state.value, style=BOXES[entry.state][1] or "bold")
    if entry.at is not None:
        state.append(f"  {named(entry.at, run.started_at, zone)} by {inert_line(entry.by)}")
    rows.lines.append(state)
    if entry.value is not None:
        rows.add("value", shown(entry.value, step.evidence), "cyan")
    rows.lines.extend(Text(inert_line(x), style="cyan") for x in entry_command_lines(entry, ""))
    if entry.reason:
        rows.add("reason", entry.reason)
    if entry.note:
        rows.add("note", entry.note)
    if entry.deviation:
        rows.add("deviation", f"{DEVIATION[0]} {entry.deviation}", DEVIATION[1])
        accepted = run.accepted.get(entry.event, [])
        if accepted:
            who = ", ".join(name_of(e.by) for e in accepted)
            rows.add("accepted", f"by {who}", "green")
    if entry.stops:
        rows.add("stops", "this failed control point stops the work: c completes as failed", STOPS)
    rows.lines.extend(history_lines(run, step, entry, zone))


def summary(run: Run, doc: Document) -> Text:
    """What completing the run will record: one line per step (its box, value and any
    deviation), then the outcome it will have (passed, passed with deviations, failed)
    and how many deviations no one has accepted yet."""
    text = Text()
    for entry in [one for step in run.steps for one in (step, *step.nested)]:
        box, style = BOXES[entry.state]
        indent = "    " if entry.within is not None else ""  # a work instruction's step
        text.append(f"{indent}{box} {entry.label:>2}. ", style=style or "bold")
        text.append(inert_line(entry.action))
        if entry.value is not None:
            known = entry.within is None and entry.number <= len(doc.steps)
            spec = doc.steps[entry.number - 1].evidence if known else None
            text.append(f" = {inert_line(shown(entry.value, spec))}", style="cyan")
        if entry.reason:
            text.append(f" ({inert_line(entry.reason)})", style="dim")
        if entry.deviation and not entry.nested:  # a parent's are its steps'
            text.append(f"  {DEVIATION[0]} {inert_line(entry.deviation)}", DEVIATION[1])
        if entry.stops and not entry.nested:
            text.append(" STOPS THE WORK", style=STOPS)
        text.append("\n")
    outcome = run.judged_outcome()
    text.append("\noutcome: ", style="bold")
    text.append(outcome.value, style=OUTCOME_STYLES[outcome])
    stopped = run.stopped()
    if stopped is not None:
        text.append(f"  (control point {stopped.number} failed and stops the work)")
    waiting = run.unaccepted()
    if waiting:
        steps = ", ".join(sorted({str(e.step) for e in waiting}))
        text.append(f"\nnot yet accepted: the deviation(s) at step {steps}", style="magenta")
    return text
