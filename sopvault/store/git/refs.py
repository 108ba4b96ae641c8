"""Proposal ref namespaces as one typed object: parse, build and list review refs.

A proposal lives at ``refs/heads/review/<ID>/<N>`` while open, then moves to
``refs/heads/approved/<ID>/<N>`` or ``refs/heads/rejected/<ID>/<N>``; a remote's copy is
``refs/remotes/<remote>/<kind>/<ID>/<N>``. Every caller goes through ``ProposalRef``, so
the names on disk are spelled in one place (after dulwich's ``refs.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sopvault.model.control import ProposalState
from sopvault.store.git.repo import Repo

HEADS = "refs/heads/"
REMOTES = "refs/remotes/"
CLAIMS = "refs/sopvault/proposal-numbers/"
# The folder under refs/heads/ for each state; the names on disk, never to change.
KIND = {
    ProposalState.OPEN: "review",
    ProposalState.APPROVED: "approved",
    ProposalState.REJECTED: "rejected",
}
_STATE_OF_KIND = {kind: state for state, kind in KIND.items()}
_LOCAL = re.compile(r"^refs/heads/(?P<kind>review|approved|rejected)/(?P<id>[^/]+)/(?P<n>\d+)$")


@dataclass(frozen=True, order=True)
class ProposalRef:
    """One proposal's place: its state, the document id it is filed under, its number."""

    doc_id: str
    number: int
    state: ProposalState

    @property
    def name(self) -> str:
        """The local ref name, e.g. ``refs/heads/review/SOP-003/7``."""
        return f"{namespace(self.state)}{self.doc_id}/{self.number}"

    @property
    def key(self) -> str:
        """``ID/N``: what names one proposal whatever its state."""
        return f"{self.doc_id}/{self.number}"

    def moved_to(self, state: ProposalState) -> ProposalRef:
        """The same proposal in another state (where it is kept once closed)."""
        return ProposalRef(self.doc_id, self.number, state)

    def tracking(self, remote: str) -> str:
        """The name of the remote's copy as fetched: ``refs/remotes/<remote>/...``."""
        return f"{REMOTES}{remote}/{self.name.removeprefix(HEADS)}"

    @classmethod
    def parse(cls, ref: str, remote: str | None = None) -> ProposalRef | None:
        """The proposal a local ref names (or, with ``remote``, a tracking ref names);
        None for any other ref."""
        if remote is not None:
            prefix = f"{REMOTES}{remote}/"
            if not ref.startswith(prefix):
                return None
            ref = HEADS + ref[len(prefix) :]
        match = _LOCAL.match(ref)
        if match is None:
            return None
        return cls(match["id"], int(match["n"]), _STATE_OF_KIND[match["kind"]])


def namespace(state: ProposalState) -> str:
    """The local ref prefix of a state, e.g. ``refs/heads/review/``."""
    return f"{HEADS}{KIND[state]}/"


def listing(
    repo: Repo, *states: ProposalState, remote: str | None = None
) -> list[tuple[ProposalRef, str]]:
    """Proposal refs in ``states`` (all when none given) with their tips: local ones, or
    the copies fetched from ``remote``. Raises GitError when git fails."""
    wanted = states or tuple(ProposalState)
    base = HEADS if remote is None else f"{REMOTES}{remote}/"
    prefixes = [f"{base}{KIND[s]}/" for s in wanted]
    found = []
    for ref, tip in repo.refs(*prefixes):
        parsed = ProposalRef.parse(ref, remote)
        if parsed is not None:
            found.append((parsed, tip))
    return found


def claim(number: int) -> str:
    """The local ref that claims a proposal number on this clone (created with the
    proposal's ref in one transaction, so two processes here never file the same number
    under two documents). Never pushed: numbers are agreed between clones by sync."""
    return f"{CLAIMS}{number}"


def numbers_in_use(repo: Repo) -> list[int]:
    """Every proposal number here (filed or claimed) or on any remote last fetched (so a
    fresh clone does not hand out a number the server already uses)."""
    numbers = [ref.number for ref, _ in listing(repo)]
    numbers += [int(n) for ref, _ in repo.refs(CLAIMS) if (n := ref[len(CLAIMS) :]).isdigit()]
    for ref, _ in repo.refs(REMOTES):
        parts = ref.split("/", 3)
        if len(parts) == 4:
            parsed = ProposalRef.parse(ref, parts[2])
            if parsed is not None:
                numbers.append(parsed.number)
    return numbers
