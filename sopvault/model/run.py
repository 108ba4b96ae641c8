"""A checklist run as data: the log of what happened in one execution of a procedure, and
the state derived from it step by step.

A run is its events (``Event``), appended and never rewritten (21 CFR Part 11 §11.10(e):
changes must not obscure what was recorded before); the ``StepEntry`` list and the run's
state are derived from them by ``core.runlog``. No I/O and no rules here: ``core.checklist``
decides which event an action makes, ``store.runlog`` reads and writes the file
(``runs/<ID>/<run-id>.jsonl``), ``render.runs`` shows it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sopvault.errors import RunError
from sopvault.model.instruction import Pin

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
EVENT_ID = re.compile(r"^[0-9a-f]{8}$")
RUNS_DIR = "runs"
LOG_SUFFIX = ".jsonl"  # a run's log of events (format 2)
LEGACY_SUFFIX = ".toml"  # a run file written before runs were logs (format 1), read only


class RunState(StrEnum):
    """Where a run stands: open until it is completed or aborted, then closed for good."""

    OPEN = "open"
    COMPLETED = "completed"
    ABORTED = "aborted"


class Outcome(StrEnum):
    """How a completed run went: every control point passed, passed with deviations, or
    failed (a control point failed whose step says the work stops there)."""

    PASSED = "passed"
    PASSED_WITH_DEVIATIONS = "passed with deviations"
    FAILED = "failed"


class EventType(StrEnum):
    """What one event of a run's log records; the value is the word written in the file."""

    START = "start"
    DONE = "done"
    SKIP = "skip"
    NA = "na"
    NOTE = "note"
    UNDO = "undo"
    ASSIGN = "assign"
    RESUME = "resume"
    REVISION = "revision"
    ACCEPT = "accept"
    COMPLETE = "complete"
    ABORT = "abort"
    INSTRUCTION = "instruction"  # a step's work instruction opened in place (issue 15)


# The events that record an answer for a step (and so can be undone or corrected).
ANSWERS = (EventType.DONE, EventType.SKIP, EventType.NA)


@dataclass(frozen=True)
class Event:
    """One action in a run, as appended to its log: who (``Name <email>``), when (aware,
    UTC) and what. Never changed once written.

    ``id`` is 8 hex digits, unique in the run (two clones never make the same one).
    ``step`` is the 1-based step an answer, note or undo is about. ``corrects`` names the
    event an undo takes back, or the answer a new answer for the same step replaces.
    ``deviation`` says in one line why an answer departs from the procedure ("" when it
    does not); ``stops`` marks a failed control point after which the work stops.
    ``role``/``person``/``handle`` belong to an assignment (``person`` is ``Name
    <email>``, ``handle`` the ``[people]`` entry; older logs hold free text and no
    handle), ``accepts`` to an acceptance (the deviation events it accepts),
    ``outcome`` to a completion, ``seen`` to a revision change (the newer version main
    holds). ``imported`` marks events converted from a
    format 1 run file. ``entered_by`` is who typed an event recorded for someone else
    (``--as``): they may not accept its deviation either. ``within`` is the parent step
    of an event about a step of a work instruction run in place (``step`` is then the
    instruction's own step: ``3.2``); ``pin`` is what an ``instruction`` event opens.
    ``command`` is the argument list a command step ran, with its ``exit_status`` (None
    when ``timed_out``), the last lines of its ``output`` as text (shown inert, never
    raw) and the ``seconds`` it took.
    """

    id: str
    type: EventType
    by: str
    at: datetime
    step: int | None = None
    value: str | float | None = None
    note: str = ""
    reason: str = ""
    corrects: str = ""
    deviation: str = ""
    stops: bool = False
    role: str = ""
    person: str = ""
    handle: str = ""
    accepts: tuple[str, ...] = ()
    outcome: str = ""
    seen: str = ""
    imported: bool = False
    entered_by: str = ""
    within: int | None = None
    pin: Pin | None = None
    command: tuple[str, ...] = ()
    exit_status: int | None = None
    timed_out: bool = False
    output: str = ""
    seconds: float | None = None


def new_event_id() -> str:
    """A fresh event id: 8 random hex digits."""
    return os.urandom(4).hex()  # as secrets.token_hex(4), without importing hmac


class StepState(StrEnum):
    """Where one step entry stands; the value is the word written in the run file."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    NA = "n/a"


@dataclass
class StepEntry:
    """Where one step of a run stands, derived from the log.

    ``number`` is 1-based; ``at``/``due_at`` are aware datetimes; ``value`` is the evidence
    as accepted (a number as float, yes/no or text); ``auto`` marks an n/a that the step's
    condition (``when``, copied from the procedure at start) decided. ``due_after`` is a
    deadline relative to another step, ``(step number, seconds)``: ``due_at`` is derived
    from that step's answer and is None while it has none. ``event`` is the id
    of the answer in force ("" while pending or auto); ``deviation``/``stops`` are that
    answer's. ``history`` holds every answer, note and undo about the step, in order.
    ``within`` is the parent step of a step of a work instruction run in place; a parent
    holds the instruction it opened (``instruction``) and its steps (``nested``), and its
    own state is derived from theirs (``core.nested``).
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
    when: str | None = None
    due_after: tuple[int, int] | None = None
    event: str = ""
    deviation: str = ""
    stops: bool = False
    history: list[Event] = field(default_factory=list)
    within: int | None = None
    instruction: Pin | None = None
    nested: list[StepEntry] = field(default_factory=list)

    def is_late(self, now: datetime, running: bool) -> bool:
        """Whether the step is past its ``due``: still pending after it while the run is
        ``running`` (open), or done after it; a step whose work instruction runs in place
        is late when one of its nested steps is (issue 15)."""
        if any(inner.is_late(now, running) for inner in self.nested):
            return True
        if self.due_at is None:
            return False
        if self.state is StepState.PENDING:
            return running and now > self.due_at
        return self.state is StepState.DONE and self.at is not None and self.at > self.due_at

    @property
    def label(self) -> str:
        """How people name the step: ``3``, or ``3.2`` for step 2 of the work instruction
        run inside step 3."""
        return f"{self.within}.{self.number}" if self.within is not None else str(self.number)


@dataclass
class Run:
    """One run of a document: the exact text followed (commit, blob, path), its log of
    events and the state derived from them.

    ``commit`` is the main commit whose text is followed ("" outside git), ``blob`` the blob
    id of that text and ``path`` the document's vault-relative path in that commit.
    ``events`` is the whole log in the order it is applied (time, then file order; the
    start first); ``late_events`` the answers recorded after the run closed (kept, shown,
    not applied: they came from another clone). ``accepted`` maps a deviation's event id
    to the acceptance events that accept it. ``legacy`` marks a format 1 file, read
    through conversion and never rewritten.
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
    outcome: Outcome | None = None
    events: list[Event] = field(default_factory=list)
    late_events: list[Event] = field(default_factory=list)
    accepted: dict[str, list[Event]] = field(default_factory=dict)
    notes: list[Event] = field(default_factory=list)
    legacy: bool = False
    # Every answer recorded with a deviation while the run was open, in log order, whether
    # still in force or corrected since: a correction never makes a deviation go away.
    deviation_log: list[Event] = field(default_factory=list)

    @property
    def file(self) -> str:
        """Vault-relative path of the run file."""
        return run_file(self.doc_id, self.id, legacy=self.legacy)

    def number_of(self, event_id: str) -> int:
        """The 1-based position of event ``event_id`` in the log (0 when unknown): how
        people refer to an event (``#4``)."""
        return next((i for i, e in enumerate(self.events, start=1) if e.id == event_id), 0)

    def deviations(self) -> list[StepEntry]:
        """The steps whose answer in force is a deviation, in step order."""
        return [s for s in self.steps if s.deviation]

    def recorded_deviations(self) -> list[Event]:
        """Every answer recorded as a deviation, corrected since or not (what acceptance
        and the outcome count: an operator cannot make one go away alone)."""
        return list(self.deviation_log)

    def unaccepted(self) -> list[Event]:
        """The recorded deviations that no acceptance in the log names (whether each
        acceptance is genuine is the Runs service's question: ``services.runaccept``)."""
        return [e for e in self.deviation_log if e.id not in self.accepted]

    def stopped(self) -> StepEntry | None:
        """The failed control point that stops the work, when one is in force."""
        return next((s for s in self.steps if s.stops), None)

    def judged_outcome(self) -> Outcome:
        """What the run's outcome is now: failed when a stopping control point failed (and
        stands), passed with deviations when any answer was recorded as a deviation, else
        passed."""
        if self.stopped() is not None:
            return Outcome.FAILED
        return Outcome.PASSED_WITH_DEVIATIONS if self.deviation_log else Outcome.PASSED

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
        running = self.state is RunState.OPEN
        return [s.number for s in self.steps if s.is_late(now, running)]


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
    deviations: int = 0
    outcome: Outcome | None = None
    legacy: bool = False
    after_close: int = 0  # events that reached the run after it was closed (another clone)

    @property
    def file(self) -> str:
        """Vault-relative path of the run file."""
        return run_file(self.doc_id, self.id, legacy=self.legacy)

    def progress(self) -> tuple[int, int]:
        """``(dealt, total)``, as ``Run.progress``."""
        return self.done, self.total

    def late(self, now: datetime) -> list[int]:
        """The same answer as ``Run.late``, from the summary alone."""
        waiting = {n for n, due in self.pending_due if self.state is RunState.OPEN and now > due}
        return sorted(waiting | set(self.late_done))


def run_file(doc_id: str, run_id: str, *, legacy: bool = False) -> str:
    """The vault-relative path of a run's file: ``runs/<doc id>/<run id>.jsonl`` (``.toml``
    for a format 1 file)."""
    return f"{RUNS_DIR}/{doc_id}/{run_id}{LEGACY_SUFFIX if legacy else LOG_SUFFIX}"


def check_run_id(run_id: str) -> str:
    """``run_id`` itself when it is well formed (``20261125-093000-1a2b``), else RunError."""
    if not RUN_ID.match(run_id):
        raise RunError(
            f"{run_id!r} is not a run id (like 20261125-093000-1a2b; see `sopvault runs`)"
        )
    return run_id
