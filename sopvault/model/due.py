"""What is due, as data: periodic reviews, proposals waiting, acknowledgements owed and open
runs with their deadlines (ISO 9001 §7.5.3 keeps documents reviewed and current, §9.1
monitors that the work is done). No I/O and no rules: ``core.due`` decides what is due,
``services.due`` gathers it, the CLI and the TUI show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sopvault.model.control import Identity


@dataclass(frozen=True)
class ReviewDue:
    """An effective document whose periodic review falls due within the window (or has
    passed: ``overdue``). ``days`` counts from today to ``next_review`` (negative: late)."""

    doc_id: str
    title: str
    owner: str | None
    next_review: date
    overdue: bool
    days: int


@dataclass(frozen=True)
class ProposalDue:
    """An open proposal waiting for a decision.

    ``proposed`` is when it was made (aware UTC); ``deadline`` is ``proposed`` plus the
    stale span, and it is ``overdue`` (stale) once it has waited longer than that.
    ``for_me`` says the acting person may approve it and has not (never the author).
    """

    number: int
    label: str  # ``SOP-003/7``: what ``reviews show`` takes
    documents: dict[str, str]
    summary: str
    author: Identity
    proposed: datetime
    deadline: datetime
    for_me: bool
    overdue: bool
    waiting_days: int


@dataclass(frozen=True)
class AckDue:
    """A revision the acting person must still acknowledge (read and understood, ISO 9001
    §7.2); ``since`` is when the revision became effective, when known. The vault sets
    no deadline for reading, so it is never ``overdue``."""

    doc_id: str
    title: str
    version: str | None
    since: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class StepDue:
    """A pending step of an open run that falls to the acting person (through the role
    assigned to them), with its deadline (aware UTC) when the procedure sets one."""

    number: int
    action: str
    role: str
    due_at: datetime | None
    overdue: bool
    # No earlier step is pending: the previous steps are answered, so it can be done now
    # (what a notification tells its person, issue 15).
    actionable: bool = False
    # The parent step of a step of a work instruction run in place (``3.2``: within 3).
    within: int | None = None

    @property
    def label(self) -> str:
        """How people name the step: ``3``, or ``3.2`` inside step 3."""
        return f"{self.within}.{self.number}" if self.within is not None else str(self.number)


@dataclass(frozen=True)
class RunDue:
    """An open run: its earliest pending deadline (``deadline``), whether a pending step is
    past its deadline (``overdue``, with ``late`` the step numbers), and the steps that
    fall to the acting person (``my_steps``)."""

    run_id: str
    doc_id: str
    title: str
    started_at: datetime
    started_by: str
    done: int
    total: int
    deadline: datetime | None
    overdue: bool
    late: tuple[int, ...] = ()
    my_steps: tuple[StepDue, ...] = ()
    mine: bool = False  # started by me or a role assigned to me
    version: str | None = None  # the revision the run follows


@dataclass
class DueReport:
    """The four lists of ``sopvault due`` and the dashboard, with what they were asked.

    ``acknowledgements`` is None while acknowledgements cannot be read here (the note
    says why). ``me`` is the acting identity (None outside git); ``notes`` say what could
    not be listed and why, one line each.
    """

    today: date
    now: datetime
    within_days: int
    stale_days: int
    mine: bool
    me: Identity | None
    reviews: list[ReviewDue] = field(default_factory=list)
    proposals: list[ProposalDue] = field(default_factory=list)
    acknowledgements: list[AckDue] | None = None
    runs: list[RunDue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def overdue(self) -> int:
        """How many items are overdue, over all four lists (what exit status 1 means)."""
        items: list[ReviewDue | ProposalDue | AckDue | RunDue] = [
            *self.reviews,
            *self.proposals,
            *(self.acknowledgements or []),
            *self.runs,
        ]
        return sum(1 for item in items if item.overdue)  # a late step makes its run late

    def counts(self) -> dict[str, int]:
        """Items per list: ``reviews``, ``proposals``, ``acknowledgements``, ``runs``,
        ``steps`` (mine) and ``overdue``; what the status line and the headings show."""
        return {
            "reviews": len(self.reviews),
            "proposals": len(self.proposals),
            "acknowledgements": len(self.acknowledgements or []),
            "runs": len(self.runs),
            "steps": sum(len(r.my_steps) for r in self.runs),
            "overdue": self.overdue(),
        }
