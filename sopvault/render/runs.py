"""A run as text: the full report (``runs show``) and the one-line-per-step summary that the
line prompt and the TUI runner show before completing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sopvault.core.approval import name_of
from sopvault.core.evidence import shown
from sopvault.model.document import Document
from sopvault.model.run import Run, RunState, RunSummary, StepEntry, StepState

BOXES = {
    StepState.DONE: "[x]",
    StepState.SKIPPED: "[-]",
    StepState.NA: "[/]",
    StepState.PENDING: "[ ]",
}


def report_lines(run: Run, doc: Document | None, now: datetime) -> list[str]:
    """The run as a readable report, one string per line: who did what when, evidence,
    deviations, times. ``doc`` (the text followed) formats evidence with its unit; None
    when it cannot be read. ``now`` dates what is late and the elapsed time of an open run."""
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
    for entry in run.steps:
        lines += _entry_lines(entry, doc, entry.number in late, took.get(entry.number))
    end = run.ended_at or (now if run.state is RunState.OPEN else None)
    if end is not None:
        label = "total time" if run.ended_at else "elapsed so far"
        lines.append("")
        lines.append(f"{label}: {span(end - run.started_at)}")
    return lines


def _entry_lines(
    entry: StepEntry, doc: Document | None, late: bool, took: timedelta | None
) -> list[str]:
    """One step of the report: its box line, then when, value, reason and note."""
    known = doc is not None and entry.number <= len(doc.steps)
    spec = doc.steps[entry.number - 1].evidence if doc is not None and known else None
    flag = "  CONTROL POINT" if entry.control_point else ""
    flag += "  LATE" if late else ""
    lines = [f"{BOXES[entry.state]} {entry.number:>2}. {entry.action}{flag}"]
    if entry.at is not None:
        spent = f", took {span(took)}" if took is not None else ""
        lines.append(f"       {entry.state.value} {_when(entry.at)} by {entry.by}{spent}")
    if entry.value is not None:
        lines.append(f"       value: {shown(entry.value, spec)}")
    if entry.reason:
        lines.append(f"       reason: {entry.reason}")
    if entry.note:
        lines.append(f"       note: {entry.note}")
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
    for entry in recorded:
        assert entry.at is not None
        took[entry.number] = entry.at - previous
        previous = max(previous, entry.at)
    return took


def open_run_line(summary: RunSummary) -> str:
    """One open run as the second-run question shows it: ``run 20261125-093000-ab12,
    started by Dmitri Volkov on 2026-11-25 09:30 UTC, 2 of 5 steps done``."""
    when = summary.started_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    return (
        f"run {summary.id}, started by {name_of(summary.started_by)} on {when},"
        f" {summary.done} of {summary.total} steps done"
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


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
        value = f" = {shown(entry.value)}" if entry.value is not None else ""
        why = f" ({entry.reason})" if entry.reason else ""
        lines.append(f"{boxes[entry.state]} {entry.number:>2}. {entry.action}{value}{why}")
    return lines
