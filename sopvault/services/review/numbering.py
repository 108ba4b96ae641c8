"""Proposal numbers: short, typeable, and never the same for two proposals.

A proposal *is* its commit (the one with the ``SOP-Proposal`` trailer); votes, rejections
and the landing on main name that commit in ``SOP-Proposal-Commit``. The number is what
people type: the next one after every number this clone knows (its own, claimed ones, and
the server's as last fetched), claimed on this clone in the same transaction that files
the proposal, so two processes here never hand out one number twice. Two clones offline
can still pick the same number; ``sopvault sync`` gives the one the server does not hold
yet the next free number (``renumber``), whatever documents the two change, and because
a vote names the commit and sits on it, renumbering never invalidates a vote.
"""

from __future__ import annotations

from collections.abc import Sequence

from sopvault.core.trailers import PROPOSAL
from sopvault.model.control import Proposal, ProposalState
from sopvault.services.review.common import RevisionError
from sopvault.store.git import refs
from sopvault.store.git.refs import ProposalRef
from sopvault.store.git.repo import ZERO, GitError, Repo

# How often to take the next number when another process here took it a moment ago.
TRIES = 5
Move = tuple[str, str | None, str | None]


def next_number(repo: Repo) -> int:
    """One more than any proposal number here (filed or claimed, in any state) or on any
    remote last fetched."""
    return max([0, *refs.numbers_in_use(repo)]) + 1


def file_proposal(
    repo: Repo, ref: ProposalRef, tip: str, commit: str, reason: str, also: Sequence[Move] = ()
) -> bool:
    """File a proposal (``commit``, votes up to ``tip``) under ``ref`` and claim its number
    on this clone, with ``also`` (more ref moves), in one transaction. False when another
    process here took the number a moment ago (then nothing changed); raises GitError for
    any other failure."""
    claim = refs.claim(ref.number)
    try:
        repo.update_refs([(ref.name, tip, ZERO), (claim, commit, ZERO), *also], reason)
    except GitError:
        if repo.rev(ref.name) is None and repo.rev(claim) is None:
            raise
        return False
    return True


def renumber(repo: Repo, prop: Proposal, sign: bool) -> tuple[ProposalRef, str]:
    """Give an open proposal the next free number (another clone gave its number to
    another proposal while this one was offline); returns its new ref and tip.

    Nobody voted yet: its commit is made again with the new ``SOP-Proposal`` number.
    Votes cast: only the ref is renamed and no commit is rewritten, so the votes (they sit
    on the proposal's commit and name it) and their signatures stay valid; the proposal's
    own trailer then keeps the number it was first given. The old ref goes in the same
    transaction. Raises RevisionError when no number could be had, GitError when git
    refuses."""
    for _ in range(TRIES):
        number = next_number(repo)
        if prop.tip == prop.commit:
            tip = commit = _renumbered_commit(repo, prop, number, sign)
        else:
            tip, commit = prop.tip, prop.commit
        ref = ProposalRef(prop.first_id, number, ProposalState.OPEN)
        drop: list[Move] = [(prop.ref, None, prop.tip)]
        if file_proposal(repo, ref, tip, commit, f"sopvault renumber {prop.number}", drop):
            return ref, tip
    raise RevisionError(f"could not find a free number for proposal {prop.number}; sync again")


def _renumbered_commit(repo: Repo, prop: Proposal, number: int, sign: bool) -> str:
    """The proposal's commit made again with ``number`` in its ``SOP-Proposal`` trailer
    (same tree, parent, author and date)."""
    text = repo.message_of(prop.commit).replace(
        f"\n{PROPOSAL}: {prop.number}\n", f"\n{PROPOSAL}: {number}\n", 1
    )
    parents = [prop.base] if prop.base != ZERO else []
    return repo.commit_tree(
        repo.tree_of(prop.commit),
        parents,
        text,
        author=prop.author,
        author_date=prop.date,
        sign=sign,
    )
