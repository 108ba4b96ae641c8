"""Acknowledgements and training records: who has read and understood which approved
revision of a document (ISO 9001 §7.2 d, evidence of competence; §7.3, awareness; 21 CFR
Part 11 §11.50, a signature states its meaning). Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sopvault.model.config import Person
from sopvault.model.control import Identity
from sopvault.model.document import Kind

# What an acknowledgement's signature means, written in every record (Part 11 §11.50 b).
MEANING = "read and understood"


@dataclass(frozen=True)
class Ack:
    """One acknowledgement: ``person`` has read and understood ``version`` of ``doc_id``.

    ``blob`` is the git blob id of the approved text acknowledged and ``landed`` the main
    commit that made that revision effective, so the record is tied to the exact content
    (Part 11 §11.70); ``at`` is when (aware, UTC); ``path`` the ack file (vault-relative)
    and ``commit`` the commit that recorded it, when known ("" otherwise).
    """

    doc_id: str
    version: str
    blob: str
    landed: str
    person: Identity
    at: datetime
    meaning: str = MEANING
    path: str = ""
    commit: str = ""


@dataclass(frozen=True)
class Current:
    """A document's current revision: its version on main while its status there is
    effective. ``effective`` is the date it took effect (None when the front matter has
    none); ``roles`` and ``readers`` say who must read it (``core.readers.must_read``)."""

    doc_id: str
    title: str
    kind: Kind
    version: str
    path: str
    blob: str
    effective: date | None = None
    roles: tuple[str, ...] = ()
    readers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Owed:
    """An acknowledgement ``person`` still owes: ``version`` (the current revision) of
    ``doc_id``, effective since ``since`` (None when unknown). ``previous`` is the latest
    earlier version they acknowledged, None when they never acknowledged the document."""

    doc_id: str
    title: str
    version: str
    person: Person
    since: date | None = None
    previous: str | None = None


class AckState(StrEnum):
    """Where one person stands on one document's current revision."""

    DONE = "done"  # acknowledged the current revision
    OWED = "owed"  # must read it and has not acknowledged this revision
    NOT_REQUIRED = "not required"  # acknowledged, but the document does not ask them to


@dataclass(frozen=True)
class Standing:
    """One person against one document's current revision: their state and, when done,
    the acknowledgement of that revision."""

    person: Person
    state: AckState
    ack: Ack | None = None


@dataclass(frozen=True)
class AckStatus:
    """Who has acknowledged a document's current revision and who still must.

    ``current`` is None when the document has no effective revision on main: nobody owes
    anything yet. ``people`` holds everyone who must read it (done or owed) and anyone
    else in ``[people]`` who acknowledged it anyway, in handle order."""

    doc_id: str
    title: str
    current: Current | None
    people: tuple[Standing, ...] = ()

    @property
    def done(self) -> tuple[Standing, ...]:
        """Those who must read it and acknowledged the current revision."""
        return tuple(s for s in self.people if s.state is AckState.DONE)

    @property
    def owed(self) -> tuple[Standing, ...]:
        """Those who must read it and have not acknowledged the current revision."""
        return tuple(s for s in self.people if s.state is AckState.OWED)


@dataclass(frozen=True)
class TrainingEntry:
    """One line of a person's training record: a document, its current version (None when
    not effective on main), whether they must read it, and every acknowledgement they made
    of it, revision by revision, oldest first (earlier revisions' acknowledgements stay in
    the record)."""

    doc_id: str
    title: str
    current: str | None
    must_read: bool
    acks: tuple[Ack, ...] = ()

    @property
    def acknowledged(self) -> Ack | None:
        """Their first acknowledgement of the current revision, None when they owe it."""
        return next((a for a in self.acks if a.version == self.current), None)

    @property
    def state(self) -> AckState:
        """Done (current revision acknowledged), owed, or not required of them."""
        if self.current is not None and self.acknowledged is not None:
            return AckState.DONE if self.must_read else AckState.NOT_REQUIRED
        return AckState.OWED if self.must_read and self.current else AckState.NOT_REQUIRED


@dataclass(frozen=True)
class Reading:
    """The person acting (git's identity, one of ``[people]``) against one document's
    current revision, for the reader's prompt: whether they must read it and their first
    acknowledgement of that revision (None: not acknowledged)."""

    doc_id: str
    version: str
    person: Person
    must_read: bool
    ack: Ack | None = None
