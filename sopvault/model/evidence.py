"""What an evidence pack holds (issue 16): the approved revisions, runs and
acknowledgements of a period, the audit of the whole history, and each file of the pack
with the git objects it came from (ISO 9001 §7.5.3, §9.2; 21 CFR Part 11 §11.10(b),(e)).

Plain data, no I/O: ``services.evidence`` gathers it from git, ``render.evidence`` turns
it into files, ``services.evidencepack`` writes them with their manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sopvault.model.ack import Ack
from sopvault.model.control import Identity, Revision, VerifyReport, Vote
from sopvault.model.document import Document
from sopvault.model.redline import DocumentDiff
from sopvault.model.run import Run


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (aware datetimes, both counted), with the words typed:
    ``since`` and ``until`` ("" when no end was given: the moment the pack was made)."""

    start: datetime
    end: datetime
    since: str
    until: str = ""

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) falls in the period, both ends counted."""
        return self.start <= moment <= self.end


@dataclass(frozen=True)
class Landing:
    """The main commit that made a revision effective: its id, first parent ("" for a
    root commit: never git's empty tree), committer date (ISO 8601, when it took effect
    on main) and every trailer, in message order."""

    commit: str
    parent: str
    date: str
    trailers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ApprovedRevision:
    """One revision approved in the period: the revision, its landing, the sign-offs as
    ``verify`` reads them (the proposal's vote commits; a legacy commit's own
    ``Reviewed-by`` names, marked ``legacy``), the structured diff from the text before
    it, and the blob ids before (None: a new document) and after."""

    revision: Revision
    landing: Landing
    votes: tuple[Vote, ...]
    diff: DocumentDiff
    old_blob: str | None
    new_blob: str
    repo_path: str
    text: bytes  # the approved text, exactly as the blob holds it


@dataclass(frozen=True)
class RunInPeriod:
    """A run with an event in the period, as main holds its log: the run derived from it,
    the log's bytes exactly as committed, its repository path and blob id, the procedure
    text followed (None when it cannot be read) and ``accepted`` (the deviation event ids
    an acceptance names)."""

    run: Run
    data: bytes
    repo_path: str
    blob: str
    doc: Document | None


@dataclass(frozen=True)
class UnreadableRun:
    """A run log on main that does not parse (a line of garbage, ``null``, a bad time):
    listed in the pack with the reason as ``sopvault runs`` words it (``file:line:
    problem``), and its bytes copied exactly as committed, never left out silently."""

    repo_path: str
    blob: str
    data: bytes
    reason: str


@dataclass(frozen=True)
class AckInPeriod:
    """An acknowledgement made in the period: the ack, its file's blob id, the main commit
    that brought the file (and its ``%G?`` signature letter: N unsigned, G good, E/U not
    checkable, B/R bad) and whether it counts as training (``MainView.counts``)."""

    ack: Ack
    blob: str
    commit: str
    signature: str
    counts: bool


@dataclass
class Evidence:
    """Everything gathered for one pack, read at main's commit ``tip``: who made it and
    when (aware UTC), the period, what it holds, and the audit of the whole history
    (``verify``: its report, or the one line saying why it could not judge)."""

    period: Period
    tip: str
    main: str
    made_by: Identity
    made_at: datetime
    vault_name: str
    revisions: list[ApprovedRevision] = field(default_factory=list)
    runs: list[RunInPeriod] = field(default_factory=list)
    unreadable: list[UnreadableRun] = field(default_factory=list)
    acks: list[AckInPeriod] = field(default_factory=list)
    verify: VerifyReport | None = None
    verify_error: str = ""
    partial: str = ""  # why main's history here is not whole ("" when it is)


@dataclass(frozen=True)
class PackFile:
    """One file of the pack: its path under OUT (``/``-separated, made only of validated
    ids), its bytes, and where it came from: the commits read and the blob ids read
    (``copy`` when the bytes are exactly one blob's, which ``git cat-file -p`` shows, and
    ``source`` where that blob is in a commit's tree)."""

    path: str
    data: bytes
    commits: tuple[str, ...] = ()
    blobs: tuple[str, ...] = ()
    copy: bool = False
    source: str = ""  # for a copy: ``<commit>:<repository path>``, as ``git show`` takes it
