"""A checklist run as data: what one execution of a procedure recorded, step by step.

No I/O and no rules: ``core.checklist`` changes a run, ``store.runfile`` reads and writes its
file (``runs/<ID>/<run-id>.toml``), ``render.runs`` shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sopvault.errors import RunError

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
RUNS_DIR = "runs"


class RunState(StrEnum):
    """Where a run stands: open until it is completed or aborted, then closed for good."""

    OPEN = "open"
    COMPLETED = "completed"
    ABORTED = "aborted"


class StepState(StrEnum):
    """Where one step entry stands; the value is the word written in the run file."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    NA = "n/a"


@dataclass
class StepEntry:
    """What was recorded for one step of a run (a deviation is a skip or n/a with a reason).

    ``number`` is 1-based; ``at``/``due_at`` are aware datetimes; ``value`` is the evidence
    as accepted (a number as float, yes/no or text); ``auto`` marks an n/a that the step's
    condition decided, re-evaluated on every change.
    """

    number: int
    action: str
    control_point: bool = False
    state: StepState = StepState.PENDING
    by: str = ""
    at: datetime | None = None
    value: str | float | None = None
    note: str = ""
    reason: str = ""
    due_at: datetime | None = None
    auto: bool = False


@dataclass
class Run:
    """One run of a document: the exact text followed (commit, blob, path) and its entries.

    ``commit`` is the main commit whose text is followed ("" outside git), ``blob`` the blob
    id of that text and ``path`` the document's vault-relative path in that commit.
    """

    id: str
    doc_id: str
    title: str
    version: str | None
    commit: str
    blob: str
    path: str
    started_by: str
    started_at: datetime
    state: RunState = RunState.OPEN
    roles: dict[str, str] = field(default_factory=dict)
    steps: list[StepEntry] = field(default_factory=list)
    ended_by: str = ""
    ended_at: datetime | None = None
    reason: str = ""

    @property
    def file(self) -> str:
        """Vault-relative path of the run file."""
        return run_file(self.doc_id, self.id)

    def step(self, number: int) -> StepEntry:
        """The entry of step ``number`` (1-based); RunError names the valid range."""
        if not 1 <= number <= len(self.steps):
            raise RunError(f"step {number} does not exist: the steps are 1 to {len(self.steps)}")
        return self.steps[number - 1]

    def current(self) -> StepEntry | None:
        """The first step still pending: where a runner resumes (None when none is)."""
        return next((s for s in self.steps if s.state is StepState.PENDING), None)

    def progress(self) -> tuple[int, int]:
        """Steps dealt with (done, skipped or n/a) out of all: ``(dealt, total)``."""
        return sum(1 for s in self.steps if s.state is not StepState.PENDING), len(self.steps)

    def late(self, now: datetime) -> list[int]:
        """Numbers of the steps past their ``due``: still pending after it, or done after it."""
        return [
            s.number
            for s in self.steps
            if s.due_at is not None
            and (
                (s.state is StepState.PENDING and self.state is RunState.OPEN and now > s.due_at)
                or (s.state is StepState.DONE and s.at is not None and s.at > s.due_at)
            )
        ]


@dataclass(frozen=True)
class RunSummary:
    """What a listing shows of a run, small enough to cache for ten thousand runs.

    ``pending_due`` holds ``(step number, deadline)`` for pending steps that have one;
    ``late_done`` the numbers of steps done after their deadline.
    """

    id: str
    doc_id: str
    title: str
    version: str | None
    state: RunState
    started_at: datetime
    started_by: str
    done: int
    total: int
    pending_due: tuple[tuple[int, datetime], ...]
    late_done: tuple[int, ...]

    @property
    def file(self) -> str:
        """Vault-relative path of the run file."""
        return run_file(self.doc_id, self.id)

    def progress(self) -> tuple[int, int]:
        """``(dealt, total)``, as ``Run.progress``."""
        return self.done, self.total

    def late(self, now: datetime) -> list[int]:
        """The same answer as ``Run.late``, from the summary alone."""
        waiting = {n for n, due in self.pending_due if self.state is RunState.OPEN and now > due}
        return sorted(waiting | set(self.late_done))


def run_file(doc_id: str, run_id: str) -> str:
    """The vault-relative path of a run's file: ``runs/<doc id>/<run id>.toml``."""
    return f"{RUNS_DIR}/{doc_id}/{run_id}.toml"


def check_run_id(run_id: str) -> str:
    """``run_id`` itself when it is well formed (``20261125-093000-1a2b``), else RunError."""
    if not RUN_ID.match(run_id):
        raise RunError(
            f"{run_id!r} is not a run id (like 20261125-093000-1a2b; see `sopvault runs`)"
        )
    return run_id
