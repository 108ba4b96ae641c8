""" "My work" as data: the pending steps of open runs that fall to the acting person, by the
role assigned to them or because they started the run (issue 15). No I/O and no rules:
``core.due`` decides what falls to whom, ``services.mywork`` gathers it, the CLI
(``runs --mine``) and the TUI's "My work" screen show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sopvault.model.control import Identity


@dataclass(frozen=True)
class WorkItem:
    """One pending step of an open run that is mine: where it is (``run_id``, ``doc_id``,
    ``title``, step ``number`` and ``action``), why it is mine (``role``; "" for a step
    that falls to me as the run's starter), its deadline (aware UTC, None when the
    procedure sets none or it counts from a step not answered yet) and whether it has
    passed (``overdue``). ``within`` is the parent step of a step of a work instruction
    run in place (``3.2``: ``number`` 2 within 3)."""

    run_id: str
    doc_id: str
    title: str
    number: int
    action: str
    role: str
    due_at: datetime | None
    overdue: bool
    within: int | None = None

    @property
    def label(self) -> str:
        """How people name the step: ``3``, or ``3.2`` inside step 3."""
        return f"{self.within}.{self.number}" if self.within is not None else str(self.number)

    @property
    def order(self) -> tuple[int, int]:
        """Where the step comes in its run: ``(3, 0)`` for step 3, ``(3, 2)`` for 3.2."""
        return (self.within, self.number) if self.within is not None else (self.number, 0)

    @property
    def command(self) -> str:
        """The command that opens the run at this step: ``sopvault run --resume RUN``."""
        return f"sopvault run --resume {self.run_id}"


@dataclass
class MyWork:
    """The steps that are mine across open runs, by deadline (none last), then run and
    step; ``me`` is who asked (None outside git: then nothing is mine); ``notes`` say what
    could not be read, one line each."""

    now: datetime
    me: Identity | None
    items: list[WorkItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def overdue(self) -> int:
        """How many of the steps are past their deadline."""
        return sum(1 for item in self.items if item.overdue)
