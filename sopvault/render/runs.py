"""A run as text: the full report (``runs show``), its log of events (``runs show
--events``) and the one-line-per-step summary that the line prompt and the TUI runner show
before completing. Times are recorded in UTC and shown in ``zone`` (``[vault] timezone``,
None: the user's local zone) with the zone's name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from sopvault.core import localtime
from sopvault.core.evidence import shown
from sopvault.core.wording import name_of
from sopvault.model.document import Document, EvidenceSpec
from sopvault.model.run import (
    ANSWERS,
    Event,
    EventType,
    Run,
    RunState,
    RunSummary,
    StepEntry,
    StepState,
)
from sopvault.render.assignments import assign_text, role_lines
from sopvault.render.runcommand import entry_command_lines, event_command_text

BOXES = {
    StepState.DONE: "[x]",
    StepState.SKIPPED: "[-]",
    StepState.NA: "[/]",
    StepState.PENDING: "[ ]",
}


def report_lines(
    run: Run,
    doc: Document | None,
    now: datetime,
    zone: tzinfo | None = None,
    instructions: Mapping[int, Document] | None = None,
) -> list[str]:
    """The run as a readable report, one string per line: who did what when, evidence,
    deviations, times. ``doc`` (the text followed) formats evidence with its unit; None
    when it cannot be read. ``now`` dates what is late and the elapsed time of an open run;
    times are shown in ``zone`` (None: the local zone). A work instruction run inside a
    step (issue 15) is shown under it, its steps indented (``3.1``, ``3.2``), with the id,
    version and commit followed; ``instructions`` holds their texts by parent step
    (evidence units), when they can be read."""
    lines = [
        f"run {run.id}: {run.doc_id} {run.title} (version {run.version or '?'})",
        f"followed: commit {run.commit[:10] or '(not in git)'} blob {run.blob[:10]} {run.path}",
        f"started:  {_when(run.started_at, zone)} by {run.started_by}",
        f"state:    {run.state.value}",
    ]
    if run.outcome is not None:
        lines.append(f"outcome:  {run.outcome.value}")
    deviations = run.recorded_deviations()
    if deviations:
        waiting = len(run.unaccepted())
        accepted = f" ({waiting} not accepted by a second person)" if waiting else " (accepted)"
        lines.append(f"deviations: {len(deviations)}{accepted}")
    if run.legacy or any(e.imported for e in run.events):
        lines.append("format:   converted from a run file written before runs kept every event")
    if run.ended_at is not None:
        verb = "completed" if run.state is RunState.COMPLETED else "aborted"
        lines.append(f"{verb + ':':<9} {_when(run.ended_at, zone)} by {run.ended_by}")
    if run.reason:
        lines.append(f"reason:   {run.reason}")
    lines += role_lines(run, zone)
    done, total = run.progress()
    lines.append(f"progress: {done} of {total} steps")
    late = set(run.late(now))
    took = _time_per_step(run)
    lines.append("")
    for entry in run.steps:
        lines += _entry_lines(entry, doc, entry.number in late, took.get(entry.number), zone)
        lines += _correction_lines(run, entry, doc, zone)
        wi = (instructions or {}).get(entry.number)
        for nested in entry.nested if entry.instruction else ():
            if nested is entry.nested[0]:
                lines.append(f"       {_pin_text(entry)}")
            late_here = nested.is_late(now, run.state is RunState.OPEN)
            lines += _entry_lines(nested, wi, late_here, None, zone, indent="    ")
            lines += _correction_lines(run, nested, wi, zone, indent="    ")
    for note in run.notes:
        lines.append(f"note: {note.note} ({_when(note.at, zone)} by {note.by})")
    for event in run.late_events:
        lines.append(f"after the run closed: {event_text(run, event, doc)} (kept, not applied)")
    end = run.ended_at or (now if run.state is RunState.OPEN else None)
    if end is not None:
        label = "total time" if run.ended_at else "elapsed so far"
        lines.append("")
        lines.append(f"{label}: {span(end - run.started_at)}")
    return lines


def _entry_lines(
    entry: StepEntry,
    doc: Document | None,
    late: bool,
    took: timedelta | None,
    zone: tzinfo | None = None,
    indent: str = "",
) -> list[str]:
    """One step of the report: its box line, then when, value, reason and note
    (``indent``: a step of a work instruction run inside its parent)."""
    known = doc is not None and entry.number <= len(doc.steps)
    spec = doc.steps[entry.number - 1].evidence if doc is not None and known else None
    flag = "  CONTROL POINT" if entry.control_point else ""
    flag += "  LATE" if late else ""
    flag += "  FAILED, WORK STOPPED" if entry.stops else "  DEVIATION" if entry.deviation else ""
    lines = [f"{indent}{BOXES[entry.state]} {entry.label:>2}. {entry.action}{flag}"]
    pad = "       " + indent
    if entry.at is not None:
        spent = f", took {span(took)}" if took is not None else ""
        lines.append(f"{pad}{entry.state.value} {_when(entry.at, zone)} by {entry.by}{spent}")
    if entry.value is not None:
        lines.append(f"{pad}value: {shown(entry.value, spec)}")
    lines += entry_command_lines(entry, pad)
    if entry.deviation:
        lines.append(f"{pad}deviation: {entry.deviation}")
    if entry.reason:
        lines.append(f"{pad}reason: {entry.reason}")
    if entry.note:
        lines.append(f"{pad}note: {entry.note}")
    return lines


def _pin_text(entry: StepEntry) -> str:
    """The work instruction run inside ``entry`` and the exact text followed."""
    pin = entry.instruction
    assert pin is not None
    where = f"commit {pin.commit[:10]}" if pin.commit else "(not in git)"
    return (
        f"work instruction {pin.doc_id} {pin.title} (version {pin.version or '?'}),"
        f" followed: {where} blob {pin.blob[:10]} {pin.path}"
    )


def _correction_lines(
    run: Run,
    entry: StepEntry,
    doc: Document | None,
    zone: tzinfo | None = None,
    indent: str = "",
) -> list[str]:
    """What was recorded on the step before the answer in force, and acceptances of its
    deviation: a correction never hides what it corrects (21 CFR Part 11 §11.10(e))."""
    earlier = [
        e
        for e in entry.history
        if e.id != entry.event and e.type not in (EventType.NOTE, EventType.INSTRUCTION)
    ]
    pad = "       " + indent
    lines = [f"{pad}earlier: {event_text(run, e, doc)}" for e in earlier]
    for accepted in run.accepted.get(entry.event, []):
        lines.append(f"{pad}accepted: {_when(accepted.at, zone)} by {accepted.by}{_said(accepted)}")
    return lines


def event_lines(
    run: Run,
    doc: Document | None,
    zone: tzinfo | None = None,
    instructions: Mapping[int, Document] | None = None,
) -> list[str]:
    """The run's whole log, one line per event in the order applied: ``#N`` (how other
    events and people refer to it), the time in ``zone`` (None: local), who, and what; an
    event on a step of a work instruction run in place names it ``3.2`` (``instructions``:
    their texts by parent step, for units)."""
    width = len(str(len(run.events)))
    texts = instructions or {}
    return [
        f"#{n:<{width}} {_when(e.at, zone)}  {e.by}  "
        + event_text(run, e, texts.get(e.within) if e.within is not None else doc)
        for n, e in enumerate(run.events, start=1)
    ]


def event_text(run: Run, event: Event, doc: Document | None) -> str:
    """What one event records, in words: ``done step 3 = 80 °C (DEVIATION: ...)``, ``done
    step 3.2`` on a step of a work instruction run in place (``doc`` is then its text)."""
    kind = event.type
    inside = f"{event.within}." if event.within is not None else ""
    step = f" step {inside}{event.step}" if event.step is not None else ""
    text = f"{_VERBS.get(kind, kind.value)}{step}"
    if event.pin is not None:
        pin = event.pin
        text += f": runs {pin.doc_id} version {pin.version or '?'} in place"
        text += f" (commit {pin.commit[:10] or '(not in git)'} blob {pin.blob[:10]})"
    if event.value is not None:
        text += f" = {shown(event.value, _spec(doc, event.step))}"
    text += event_command_text(event)
    if event.deviation:
        text += f" (DEVIATION: {event.deviation}{', work stopped' if event.stops else ''})"
    if kind is EventType.UNDO:
        text += f" (takes back #{run.number_of(event.corrects)})"
    elif kind in ANSWERS and event.corrects:
        text += f" (corrects #{run.number_of(event.corrects)})"
    if kind is EventType.ASSIGN:
        text += f" {assign_text(run, event)}"
    if kind is EventType.ACCEPT:
        text += " deviations " + ", ".join(f"#{run.number_of(a)}" for a in event.accepts)
    if kind is EventType.COMPLETE and event.outcome:
        text += f": {event.outcome}"
    if kind is EventType.REVISION:
        text += f": main holds {event.seen}; the run keeps following {run.version or '?'}"
    if event.reason:
        text += f"; reason: {event.reason}"
    return text + _said(event) + (" [converted]" if event.imported else "")


_VERBS = {
    EventType.START: "started",
    EventType.NA: "n/a",
    EventType.SKIP: "skipped",
    EventType.NOTE: "note on",
    EventType.UNDO: "undo",
    EventType.ASSIGN: "assigned",
    EventType.RESUME: "resumed",
    EventType.REVISION: "revision change seen",
    EventType.ACCEPT: "accepted",
    EventType.COMPLETE: "completed",
    EventType.ABORT: "aborted",
    EventType.INSTRUCTION: "work instruction opened in",
}


def _said(event: Event) -> str:
    return f"; note: {event.note}" if event.note else ""


def _spec(doc: Document | None, number: int | None) -> EvidenceSpec | None:
    if doc is None or number is None or not 1 <= number <= len(doc.steps):
        return None
    return doc.steps[number - 1].evidence


def _time_per_step(run: Run) -> dict[int, timedelta]:
    """For each step a person recorded: the time since the one recorded before it (or the
    start), in the order they were recorded."""
    recorded = sorted(
        (s for s in run.steps if s.at is not None and not s.auto),
        key=lambda s: s.at or run.started_at,
    )
    took: dict[int, timedelta] = {}
    previous = run.started_at
    for entry in recorded:
        assert entry.at is not None
        took[entry.number] = entry.at - previous
        previous = max(previous, entry.at)
    return took


def open_run_line(summary: RunSummary, zone: tzinfo | None = None) -> str:
    """One open run as the second-run question shows it: ``run 20261125-093000-ab12,
    started by Dmitri Volkov on 2026-11-25 10:30 CET, 2 of 5 steps done`` (in ``zone``,
    None: the local zone)."""
    when = localtime.shown(summary.started_at, zone)
    return (
        f"run {summary.id}, started by {name_of(summary.started_by)} on {when},"
        f" {summary.done} of {summary.total} steps done"
    )


def _when(moment: datetime, zone: tzinfo | None) -> str:
    """A recorded time (UTC) in ``zone`` (None: the local zone), to the second, with the
    zone's name: ``2026-11-25 10:30:05 CET``."""
    return localtime.shown(moment, zone, seconds=True)


def span(delta: timedelta) -> str:
    """``12m 05s``, ``2h 03m``, ``5s``: step times and elapsed time, read at a glance
    (negative spans read as ``0s``)."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def summary_lines(run: Run, boxes: dict[StepState, str] = BOXES) -> list[str]:
    """One line per step: box, number, action, value and reason (shown before completing);
    ``boxes`` maps each state to its box (the TUI passes its own glyphs)."""
    lines = []
    for entry in run.steps:
        for one in [entry, *entry.nested]:
            value = f" = {shown(one.value)}" if one.value is not None else ""
            why = f" ({one.reason})" if one.reason else ""
            departs = f"  ! {one.deviation}" if one.deviation and one.event else ""
            indent = "    " if one.within is not None else ""
            lines.append(
                f"{indent}{boxes[one.state]} {one.label:>2}. {one.action}{value}{why}{departs}"
            )
    return lines
