"""What is due, as the CLI and the dashboard both show it: four sections of rows (plain
cells, a key saying what Enter opens, whether the row is overdue) and the JSON form.
Dates are days; deadlines with a time are kept in UTC and shown in ``zone`` (``[vault]
timezone``; None: the user's local zone) with the zone's name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sopvault.core.localtime import shown
from sopvault.core.trailers import versions_label
from sopvault.core.wording import counted, name_of
from sopvault.model.due import AckDue, DueReport, ProposalDue, ReviewDue, RunDue

# What Enter opens, as the first part of a row's key: ``doc:SOP-001``, ``proposal:7``,
# ``run:20261125-093000-1a2b``.
DOC, PROPOSAL, RUN = "doc", "proposal", "run"
ACK_PENDING = "not available here"


@dataclass(frozen=True)
class Row:
    """One line of a section: ``key`` is ``kind:ref`` (what the line opens)."""

    key: str
    cells: tuple[str, ...]
    overdue: bool = False


@dataclass
class Section:
    """One of the four lists: its name, column headers and rows; ``pending`` says why
    the list cannot be shown ("" when it can)."""

    name: str
    headers: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    pending: str = ""
    count: int = 0  # items (a run's steps are rows, not items)
    late: int = 0  # items overdue

    def heading(self) -> str:
        """``Reviews (3, 1 overdue)``, or the reason the list is pending."""
        if self.pending:
            return f"{self.name}: {self.pending}"
        late = f", {self.late} overdue" if self.late else ""
        return f"{self.name} ({self.count}{late})"


def when(moment: date | datetime | None, zone: tzinfo | None = None) -> str:
    """A deadline as shown: ``2026-11-01`` for a day, ``2026-11-25 14:30 CET`` for a
    moment (in ``zone``, None: the local zone), ``-`` for none."""
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        return shown(moment, zone)
    return moment.isoformat()


def _late(items: Sequence[ReviewDue | ProposalDue | AckDue | RunDue]) -> int:
    return sum(1 for item in items if item.overdue)


def _days(days: int) -> str:
    if days < 0:
        return f"{counted(-days, 'day')} late"
    return "today" if days == 0 else f"in {counted(days, 'day')}"


def sections(report: DueReport, zone: tzinfo | None = None) -> list[Section]:
    """The four lists in order: reviews, proposals, acknowledgements, runs; deadlines with
    a time in ``zone`` (None: the local zone)."""
    return [
        _reviews(report.reviews),
        _proposals(report.proposals, zone),
        _acks(report.acknowledgements),
        _runs(report.runs, zone),
    ]


def _reviews(items: list[ReviewDue]) -> Section:
    headers = ("DUE", "DOCUMENT", "TITLE", "OWNER", "NOTE")
    section = Section("Reviews", headers, count=len(items), late=_late(items))
    for r in items:
        cells = (when(r.next_review), r.doc_id, r.title, r.owner or "-", _days(r.days))
        section.rows.append(Row(f"{DOC}:{r.doc_id}", cells, r.overdue))
    return section


def _proposals(items: list[ProposalDue], zone: tzinfo | None) -> Section:
    headers = ("WAITS UNTIL", "PROPOSAL", "DOCUMENTS", "BY", "NOTE")
    section = Section("Proposals", headers, count=len(items), late=_late(items))
    for p in items:
        note = f"waiting {counted(p.waiting_days, 'day')}"
        note += "; yours to review" if p.for_me else "; waiting for a reviewer"
        cells = (when(p.deadline, zone), p.label, versions_label(p.documents), p.author.name, note)
        section.rows.append(Row(f"{PROPOSAL}:{p.label}", cells, p.overdue))
    return section


def _acks(items: list[AckDue] | None) -> Section:
    headers = ("SINCE", "DOCUMENT", "VERSION", "TITLE")
    if items is None:
        return Section("Acknowledgements I owe", headers, pending=ACK_PENDING)
    section = Section("Acknowledgements I owe", headers, count=len(items), late=_late(items))
    for a in items:
        cells = (when(a.since), a.doc_id, a.version or "-", a.title)
        section.rows.append(Row(f"{DOC}:{a.doc_id}", cells, a.overdue))
    return section


def _runs(items: list[RunDue], zone: tzinfo | None) -> Section:
    headers = ("NEXT DEADLINE", "RUN", "DOCUMENT", "STEPS", "NOTE")
    section = Section("Open runs", headers, count=len(items), late=_late(items))
    for r in items:
        note = f"started by {name_of(r.started_by)}"
        if r.late:
            note += f"; late: step{'s' if len(r.late) > 1 else ''} {', '.join(map(str, r.late))}"
        cells = (when(r.deadline, zone), r.run_id, r.doc_id, f"{r.done}/{r.total}", note)
        section.rows.append(Row(f"{RUN}:{r.run_id}", cells, r.overdue))
        for s in r.my_steps:
            cells = (when(s.due_at, zone), f"step {s.label}", s.role, "yours", s.action)
            section.rows.append(Row(f"{RUN}:{r.run_id}", cells, s.overdue))
    return section


def summary_line(report: DueReport) -> str:
    """One line of counts: ``2 reviews · 1 proposal · 0 acknowledgements · 1 open run ·
    3 overdue`` (the dashboard's status line, the CLI's last line)."""
    counts = report.counts()
    acks = (
        counted(counts["acknowledgements"], "acknowledgement")
        if report.acknowledgements is not None
        else "acknowledgements pending"
    )
    parts = [
        counted(counts["reviews"], "review"),
        counted(counts["proposals"], "proposal"),
        acks,
        counted(counts["runs"], "open run"),
        f"{counts['overdue']} overdue",
    ]
    return " · ".join(parts)


def _stamp(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def as_json(report: DueReport) -> dict[str, Any]:
    """The report for scripts: keys in a fixed order, times in UTC (``...Z``), dates as
    ``YYYY-MM-DD``; the same clock gives the same bytes."""
    return {
        "today": report.today.isoformat(),
        "within_days": report.within_days,
        "stale_days": report.stale_days,
        "mine": report.mine,
        "me": str(report.me) if report.me else None,
        "counts": report.counts(),
        "reviews": [
            {
                "document": r.doc_id,
                "title": r.title,
                "owner": r.owner,
                "next_review": _stamp(r.next_review),
                "days": r.days,
                "overdue": r.overdue,
            }
            for r in report.reviews
        ],
        "proposals": [
            {
                "number": p.number,
                "label": p.label,
                "documents": p.documents,
                "summary": p.summary,
                "author": str(p.author),
                "proposed": _stamp(p.proposed),
                "deadline": _stamp(p.deadline),
                "waiting_days": p.waiting_days,
                "for_me": p.for_me,
                "overdue": p.overdue,
            }
            for p in report.proposals
        ],
        "acknowledgements": None
        if report.acknowledgements is None
        else [
            {
                "document": a.doc_id,
                "title": a.title,
                "version": a.version,
                "since": _stamp(a.since),
                "overdue": a.overdue,
            }
            for a in report.acknowledgements
        ],
        "runs": [_run_json(r) for r in report.runs],
        "notes": list(report.notes),
    }


def _run_json(r: RunDue) -> dict[str, Any]:
    return {
        "run": r.run_id,
        "document": r.doc_id,
        "title": r.title,
        "started_at": _stamp(r.started_at),
        "started_by": r.started_by,
        "steps_done": r.done,
        "steps": r.total,
        "deadline": _stamp(r.deadline),
        "late_steps": list(r.late),
        "overdue": r.overdue,
        "mine": r.mine,
        "my_steps": [
            {
                "step": s.number,
                **({"within": s.within} if s.within is not None else {}),
                "action": s.action,
                "role": s.role,
                "due_at": _stamp(s.due_at),
                "overdue": s.overdue,
            }
            for s in r.my_steps
        ],
    }
