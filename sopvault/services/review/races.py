"""Lost races: a compare-and-swap of a proposal's refs (or of main) failed because someone
else moved them first. Read their new state and say who won, in one line, instead of
git's "cannot lock ref"; nothing was changed by the loser (the updates are one
transaction)."""

from __future__ import annotations

from sopvault.core.trailers import (
    PROPOSAL,
    PROPOSAL_COMMIT,
    REVIEWED_BY,
    SOP_ID,
    has_trailer,
    pairs_of,
    versions_of,
)
from sopvault.core.versioning import number_taken
from sopvault.errors import Conflict, SopvaultError
from sopvault.model.control import Proposal, ProposalState
from sopvault.services.review.common import RevisionError, Scope
from sopvault.store.git.refs import ProposalRef
from sopvault.store.git.repo import Commit

APPROVED, REJECTED = ProposalState.APPROVED, ProposalState.REJECTED
NOTHING = "nothing was changed here"


class LostRace(Conflict):
    """Someone else approved, rejected, voted on or moved main first; says who."""


def landing_of(scope: Scope, prop: Proposal) -> Commit | None:
    """The commit on main that landed ``prop``, or None. Named by the proposal's commit
    (``SOP-Proposal-Commit``); a landing made before that trailer existed is found by its
    number and documents."""
    tip = scope.repo.rev(scope.ws.main_ref)
    if tip is None or tip == prop.base:
        return None
    span = f"{prop.base}..{tip}"
    for commit in scope.repo.log(span, first_parent=True, trailer=(PROPOSAL_COMMIT, prop.commit)):
        if has_trailer(commit.trailers, REVIEWED_BY):
            return commit
    for commit in scope.repo.log(span, first_parent=True, trailer=(PROPOSAL, str(prop.number))):
        if _lands(commit, prop):
            return commit
    return None


def _lands(commit: Commit, prop: Proposal) -> bool:
    """Whether a landing commit found by number is this proposal's."""
    named = pairs_of(commit.trailers, PROPOSAL_COMMIT)
    if named:
        return named[0] == prop.commit
    return versions_of(commit.trailers).keys() == prop.documents.keys() and has_trailer(
        commit.trailers, REVIEWED_BY
    )


def explain(
    scope: Scope, prop: Proposal, main_was: str | None, err: SopvaultError
) -> SopvaultError:
    """Why a ref update about ``prop`` failed: who approved, rejected or voted on it, or
    moved main (``main_was``: main before, None when main was not being moved), a moment
    ago; ``err`` itself when nobody did (then git's own words are the truth)."""
    from sopvault.services.review.proposals import read_proposal  # it imports this module

    repo, key = scope.repo, ProposalRef(prop.first_id, prop.number, ProposalState.OPEN)
    main_now = repo.rev(scope.ws.main_ref)
    landing = landing_of(scope, prop)
    if landing is not None or repo.rev(key.moved_to(APPROVED).name) is not None:
        who = landing.committer.name if landing is not None else "another reviewer"
        return LostRace(f"proposal {prop.number} was approved by {who} a moment ago; {NOTHING}")
    rejected = repo.rev(key.moved_to(REJECTED).name)
    if rejected is not None:
        closed = read_proposal(repo, key.moved_to(REJECTED), rejected)
        who = closed.rejected_by.name if closed.rejected_by else "another reviewer"
        return LostRace(f"proposal {prop.number} was rejected by {who} a moment ago; {NOTHING}")
    now = repo.rev(prop.ref)
    if now is None:
        return LostRace(
            f"proposal {prop.number} is no longer open under that number (renumbered by a"
            f" sync a moment ago?); {NOTHING}: see `sopvault reviews`"
        )
    if now != prop.tip:
        newer = read_proposal(repo, key, now)
        new = [v for v in newer.approvals if not any(v.same_as(o) for o in prop.approvals)]
        who = ", ".join(v.name for v in new) or "another reviewer"
        return LostRace(
            f"proposal {prop.number} was approved by {who} a moment ago (a vote); {NOTHING}:"
            " look at it again and retry"
        )
    if main_was is not None and main_now != main_was:
        moved = repo.log(f"{main_was}..{main_now}", first_parent=True) if main_now else []
        by = f" ({moved[0].subject}, by {moved[0].committer.name})" if moved else ""
        return LostRace(
            f"{scope.ws.main} moved a moment ago{by}; {NOTHING}: approve proposal"
            f" {prop.number} again"
        )
    return err


def refuse_taken_numbers(scope: Scope, prop: Proposal, main_tip: str) -> None:
    """Raise RevisionError when a landing on main since ``prop`` was made gave one of its
    documents the proposed version number or a later one: a number is never given twice
    (ISO 9001 §7.5.3.2 c). The number is fixed at propose, from main then; this is where a
    race is caught (most such races also conflict in the text, and say so first). LostRace
    when it was this very proposal that landed a moment ago."""
    if prop.base == main_tip:
        return
    span = f"{prop.base}..{main_tip}"
    for doc_id, proposed in prop.documents.items():
        for commit in scope.repo.log(span, first_parent=True, trailer=(SOP_ID, doc_id)):
            held = versions_of(commit.trailers).get(doc_id)
            if has_trailer(commit.trailers, REVIEWED_BY) and number_taken(proposed, held):
                taken = RevisionError(
                    f"{doc_id} {proposed} is taken: {scope.ws.main} holds {doc_id} {held} since"
                    f" proposal {prop.number} was made (another proposal of it landed first);"
                    " the author should propose again, or reject this one"
                )
                raise explain(scope, prop, None, taken)
