"""Document control's facts: who, proposals and their states, revisions, audit findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_IDENTITY = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>\s*$")


@dataclass(frozen=True)
class Identity:
    """A person as git knows them; compared by e-mail, which is what git records reliably."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def same_as(self, other: Identity) -> bool:
        """Whether both name one person (e-mails equal, case ignored)."""
        return self.email.lower() == other.email.lower()

    @classmethod
    def parse(cls, text: str) -> Identity | None:
        """``Name <email>`` (as in a trailer or ``--as``), or None when it is not one."""
        match = _IDENTITY.match(text)
        if match is None:
            return None
        return cls(match["name"] or match["email"], match["email"])


class Refusal(StrEnum):
    """Why a sign-off does not count; the same words in ``approve`` and ``verify``."""

    UNREVIEWED = "unreviewed"
    SELF_APPROVED = "self-approved"
    NOT_ALLOWED = "approver not allowed"
    TOO_FEW = "too few approvals"
    BAD_SIGNATURE = "bad signature"
    FORGED_VOTE = "forged vote"
    UNSIGNED = "unsigned sign-off"
    NOT_REVIEWED_CONTENT = "content not as reviewed"
    LANDED_BY_OTHER = "landed by a non-reviewer"
    # a sign-off typed into a plain commit once votes are kept in history (Trust §4)
    VOTES_MISSING = "sign-off without its votes"
    TRACKED_STATE = "local state committed"  # a cache or index file on main (Trust §3)
    # Acknowledgements (issue 14): an ack file is added once, alone, by the person it names.
    FORGED_ACK = "forged acknowledgement"
    ACK_CHANGED = "acknowledgement changed"
    ACK_NOT_APPROVED = "acknowledged revision not approved"
    ACK_NOT_ALONE = "acknowledgement commit changes other files"
    ACK_UNREADABLE = "not an acknowledgement"


@dataclass(frozen=True)
class Vote:
    """One recorded sign-off: the commit that records it, the reviewer its ``Reviewed-by``
    names and the committer of that commit (who really recorded it, as far as git knows).

    ``signer`` is the allowed-signers principal (an e-mail) whose key made a good SSH
    signature on the commit, None when unsigned, not listed or not checked; ``legacy``
    marks a sign-off made before votes were kept in history, judged by its trailer alone.
    """

    commit: str
    reviewer: Identity
    recorded_by: Identity
    signer: str | None = None
    legacy: bool = False


class ProposalState(StrEnum):
    """Where a proposal stands: open for review, approved (on main) or rejected."""

    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Proposal:
    """A proposed change of one or more documents, and where it stands.

    ``ref`` is the full git ref it is filed under, ``first_id`` the document id in that
    ref; ``tip`` the ref's commit (votes included), ``commit`` the proposal's own commit,
    ``base`` the main commit it was made from; ``date`` is the author date (ISO 8601);
    ``documents`` maps each document id to its proposed version; ``votes`` are the
    recorded votes, oldest first, ``approvals`` the distinct reviewers they name.
    """

    number: int
    ref: str
    state: ProposalState
    first_id: str
    tip: str
    commit: str
    base: str
    author: Identity
    date: str
    summary: str
    body: str
    documents: dict[str, str]
    approvals: tuple[Identity, ...] = ()
    votes: tuple[Vote, ...] = ()
    rejected_by: Identity | None = None
    reason: str = ""


@dataclass(frozen=True)
class ApproveResult:
    """What one approval did: ``landed`` on main or recorded a vote (``approvals`` of
    ``needed``); ``commit`` is the landed or vote commit; ``kept_local`` the work tree
    files left alone because they hold the user's own edits."""

    proposal: Proposal
    landed: bool
    approvals: int
    needed: int
    commit: str
    kept_local: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revision:
    """One approved revision of a document on main; ``path`` is vault-relative and
    ``date`` the approval time (ISO 8601)."""

    id: str
    version: str
    commit: str
    date: str
    author: Identity
    approvers: tuple[Identity, ...]
    summary: str
    path: str
    proposal: str = ""


@dataclass(frozen=True)
class Violation:
    """A change to a controlled file on main whose sign-off does not count, and why."""

    commit: str
    date: str
    author: Identity
    paths: tuple[str, ...]
    reason: Refusal
    detail: str


@dataclass
class VerifyReport:
    """The audit of main: commits read, changes to controlled files checked, what failed,
    and how many signatures git could not verify (no key at hand); ``legacy`` counts
    sign-offs made before votes were kept in history, judged by their trailers alone;
    ``acks`` the acknowledgements checked."""

    commits: int = 0
    checked: int = 0
    violations: list[Violation] = field(default_factory=list)
    unverifiable_signatures: int = 0
    legacy: int = 0
    acks: int = 0  # acknowledgements checked (issue 14)


@dataclass(frozen=True)
class LocalEdit:
    """A document whose working copy differs from main: what may be proposed."""

    id: str
    title: str
    path: str
    version: str | None  # on main; None for a document main does not hold yet
    proposed_as: int | None = None  # the open proposal that holds exactly this text


@dataclass(frozen=True)
class TextAt:
    """A document's text at one point, with a label for diffs; ``path`` is vault-relative."""

    label: str
    text: str
    path: str


class WorkingCopy(StrEnum):
    """How a document's working copy stands against its approved revision on main."""

    APPROVED = "approved"  # the same text as the revision main holds, which was approved
    EDITED = "edited"  # differs from main's approved revision: not approved
    UNAPPROVED = "not yet approved"  # main holds it, but no sign-off ever landed it
    NOT_ON_MAIN = "not on main"  # new here: main does not hold it at all


@dataclass(frozen=True)
class Standing:
    """A document's working copy against main: ``approved`` is the latest approved
    revision on main (None when it has none)."""

    working_copy: WorkingCopy
    approved: Revision | None = None

    @property
    def differs(self) -> bool:
        """Whether what the reader sees is not the approved text (worth a warning)."""
        return self.working_copy is not WorkingCopy.APPROVED
