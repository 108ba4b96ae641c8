"""What a sync sends and tells: a typed plan of ref updates, the report, its error.

Each update says which ref, what the server must still hold for it to apply (the lease),
what it becomes and why; the push is built from the plan, so a ref and its lease can
never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.errors import Conflict


class SyncError(Conflict):
    """Sync stopped; the message says why and that nothing local was lost."""


@dataclass(frozen=True)
class RefUpdate:
    """One ref to change on the server: ``expected`` is the commit the server must hold
    now (None: the ref must not exist), ``new`` the commit it becomes (None: deleted)."""

    ref: str
    expected: str | None
    new: str | None
    why: str

    def refspec(self) -> str:
        """``new:ref`` as ``git push`` takes it (``:ref`` deletes)."""
        return f"{self.new or ''}:{self.ref}"

    def lease(self) -> str:
        """``ref:expected`` as ``--force-with-lease`` takes it (empty: must not exist)."""
        return f"{self.ref}:{self.expected or ''}"


@dataclass
class SyncPlan:
    """The ref updates to push together, atomically, in order."""

    updates: list[RefUpdate] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.updates)

    def add(self, ref: str, expected: str | None, new: str | None, why: str) -> None:
        """Plan one more update."""
        self.updates.append(RefUpdate(ref, expected, new, why))

    def add_first(self, ref: str, expected: str | None, new: str | None, why: str) -> None:
        """Plan an update that goes before all others (main, ahead of proposal refs)."""
        self.updates.insert(0, RefUpdate(ref, expected, new, why))

    def delete(self, ref: str, expected: str | None, why: str) -> None:
        """Delete ``ref`` on the server: an update already planned for it becomes the
        deletion (keeping its lease); else one is added when the server holds it
        (``expected`` not None)."""
        for i, update in enumerate(self.updates):
            if update.ref == ref:
                self.updates[i] = RefUpdate(ref, update.expected, None, why)
                return
        if expected is not None:
            self.add(ref, expected, None, why)

    def refspecs(self) -> list[str]:
        """The push's refspecs, in plan order."""
        return [u.refspec() for u in self.updates]

    def leases(self) -> list[str]:
        """The push's leases, one per refspec, in the same order."""
        return [u.lease() for u in self.updates]


@dataclass(frozen=True)
class Distance:
    """How the local main stands against the last fetched server main (commit counts)."""

    remote: str
    ahead: int
    behind: int


@dataclass
class SyncReport:
    """What a sync did, by section, as lines of text people read."""

    remote: str
    url: str
    revisions_in: list[str] = field(default_factory=list)
    runs_in: list[str] = field(default_factory=list)
    acks_in: list[str] = field(default_factory=list)
    waiting_for_me: list[str] = field(default_factory=list)
    decided_elsewhere: list[str] = field(default_factory=list)
    landed_here: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    runs_out: list[str] = field(default_factory=list)
    runs_held: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)

    def _sections(self) -> tuple[tuple[str, list[str]], ...]:
        return (
            ("new approved revisions", self.revisions_in),
            ("runs recorded by others", self.runs_in),
            ("acknowledged by others (read and understood)", self.acks_in),
            ("proposals waiting for your review", self.waiting_for_me),
            ("your proposals decided elsewhere", self.decided_elsewhere),
            ("landed by this sync (enough approvals met)", self.landed_here),
            ("your commits replayed on the server's main", self.replayed),
            ("dropped (the server already holds them)", self.dropped),
            ("kept your own edits in", self.kept_local),
            ("runs recorded here, taken to the team", self.runs_out),
            ("runs not taken", self.runs_held),
            ("sent", self.pushed),
        )

    @property
    def nothing(self) -> bool:
        """Whether the sync changed nothing either way (kept edits and runs not taken alone
        do not count)."""
        quiet = (self.kept_local, self.runs_held)
        return not any(items for _, items in self._sections() if all(items is not q for q in quiet))

    def lines(self) -> list[str]:
        """The report as people read it, most useful first."""
        out: list[str] = []
        for title, items in self._sections():
            if items:
                out.append(f"{title}:")
                out.extend(f"  {item}" for item in items)
        if not out:
            out.append("already up to date")
        return out
