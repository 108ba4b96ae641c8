"""A step's history as the runner shows it, and what changed in a run since it was last
shown (events made elsewhere).

Every answer, undo and note about a step stays in the run's log, and the runner shows
them all, numbered as people refer to them (``#4``), so a corrected value stays visible
beside its correction (21 CFR Part 11 §11.10(e): changes must not obscure what was
recorded before). The log keeps times in UTC; they are shown in the vault's time zone
(``[vault] timezone``, else the user's), named once in the history's heading.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text

from sopvault.core import localtime
from sopvault.core.evidence import shown
from sopvault.core.wording import name_of
from sopvault.model.document import Step
from sopvault.model.run import Event, EventType, Run, StepEntry
from sopvault.render.safetext import inert_line

# What an event does to its step, as the history says it.
VERBS = {
    EventType.DONE: "done",
    EventType.SKIP: "skipped",
    EventType.NA: "n/a",
    EventType.NOTE: "note",
    EventType.UNDO: "undo",
}

# What a notice says of an event made elsewhere, about step ``{n}`` or the run.
ELSEWHERE = {
    EventType.DONE: "step {n} recorded",
    EventType.SKIP: "step {n} skipped",
    EventType.NA: "step {n} marked n/a",
    EventType.NOTE: "a note on step {n} added",
    EventType.UNDO: "step {n} reopened",
    EventType.ASSIGN: "a role assigned",
    EventType.ACCEPT: "the deviations accepted",
    EventType.COMPLETE: "the run completed",
    EventType.ABORT: "the run aborted",
    EventType.INSTRUCTION: "the work instruction of step {n} opened",
}


def local(moment: datetime, day: datetime | None = None, zone: tzinfo | None = None) -> str:
    """``moment`` (aware) in ``zone`` (None: the local zone), without the zone's name (a
    heading names it): ``10:30:12`` when it falls on the date of ``day`` (the run's start)
    there, else ``2026-11-26 10:30:12``."""
    here = localtime.local(moment, zone)
    if day is not None and here.date() == localtime.day(day, zone):
        return f"{here:%H:%M:%S}"
    return f"{here:%Y-%m-%d %H:%M:%S}"


def named(moment: datetime, day: datetime | None = None, zone: tzinfo | None = None) -> str:
    """``local`` with the zone's name: ``10:30:12 CET``, for a time shown on its own."""
    return f"{local(moment, day, zone)} {localtime.zone_name(moment, zone)}"


def history_lines(run: Run, step: Step, entry: StepEntry, zone: tzinfo | None = None) -> list[Text]:
    """``history`` and one line per event about ``entry``'s step, oldest first: ``#4``,
    when (in ``zone``, named in the heading), what (value, the event an undo takes back),
    who, then its note or reason on the next line. An answer no longer in force says
    which event took it back or replaced it, and is dimmed, never struck out. [] when
    nothing was recorded."""
    if not entry.history:
        return []
    later = _superseded(run, entry.history)
    heading = f"history (times in {localtime.zone_name(run.started_at, zone)})"
    lines = [Text(""), Text(heading, style="dim")]
    for event in entry.history:
        number = run.number_of(event.id)
        line = Text(f"#{number:<3}", style="bold")
        line.append(f" {local(event.at, run.started_at, zone)}  ")
        what = inert_line(_what(run, step, event))
        line.append(what, style="bold" if event.id == entry.event else "")
        line.append(f"  {inert_line(name_of(event.by))}", style="cyan")
        if event.id in later:
            line.append(f"  ({later[event.id]})", style="dim")
            line.stylize("dim", 0, len(line))
        lines.append(line)
        for label, text in (("reason", event.reason), ("note", event.note)):
            if text:
                lines.append(Text(f"      {label}: {inert_line(text)}", style="italic"))
    return lines


def _what(run: Run, step: Step, event: Event) -> str:
    """``done = 80 °C``, ``undo of #4``, ``note``..."""
    what = VERBS.get(event.type, event.type.value)
    if event.type is EventType.UNDO:
        return f"undo of #{run.number_of(event.corrects)}"
    if event.value is not None:
        what += f" = {shown(event.value, step.evidence)}"
    if event.deviation:
        what += "  ! deviation"
    return what


def _superseded(run: Run, history: list[Event]) -> dict[str, str]:
    """For each answer of ``history`` taken back or replaced: ``undone by #N`` or
    ``replaced by #N``."""
    said: dict[str, str] = {}
    for event in history:
        if not event.corrects:
            continue
        verb = "undone" if event.type is EventType.UNDO else "replaced"
        said[event.corrects] = f"{verb} by #{run.number_of(event.id)}"
    return said


def news(old: Run, new: Run, me: str = "") -> list[str]:
    """What ``new`` (the run as its file now holds it) has that ``old`` (as shown) had not:
    one line per event made elsewhere (another terminal, the CLI, a sync), such as ``step 3
    recorded by Erin Walsh elsewhere``. ``me`` is left out of the name ("by you")."""
    known = {e.id for e in old.events}
    lines = []
    for event in new.events:
        if event.id in known or event.type not in ELSEWHERE:
            continue
        where = f"{event.within}.{event.step}" if event.within is not None else event.step
        what = ELSEWHERE[event.type].format(n=where)
        who = "you" if me and event.by == me else name_of(event.by)
        lines.append(f"{what} by {who} elsewhere")
    return lines
