"""The approval rules of document control, free of git: who may sign off a change.

Git records the facts (who committed what, with which trailers, read by ``core.trailers``);
``judge`` here is the ONE place that decides what those facts mean, so ``approve`` refuses
and ``verify`` reports by the same rules (four eyes: the author never approves their own
change; ISO 9001 §7.5.2 c, 21 CFR Part 11 §11.50 and §11.70 for what a signature states).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sopvault.core import frontmatter
from sopvault.core.delimiters import has_front_matter
from sopvault.core.parse import with_changes
from sopvault.model.config import Person, ReviewRules
from sopvault.model.control import Identity, Refusal, Vote

# What ``judge`` finds wrong: the refusal and a one-line reason naming who and which commit.
Problem = tuple[Refusal, str]


@dataclass(frozen=True)
class Rules:
    """The approval rules in force for one change: the vault's, narrowed by the documents."""

    approvals: int
    require_signatures: bool
    # Per document: the handles and ``role:`` entries allowed to approve it (empty: anyone).
    allowed: tuple[tuple[str, ...], ...]
    people: tuple[Person, ...]

    @classmethod
    def for_change(
        cls,
        review: ReviewRules,
        people: Iterable[Person],
        document_reviewers: Iterable[Iterable[str]],
    ) -> Rules:
        """A document that names its own ``reviewers`` is approved by them; the others by the
        vault's ``[review] approvers`` (nobody named means anyone but the author)."""
        allowed = tuple(tuple(r) or review.approvers for r in document_reviewers)
        return cls(
            review.approvals,
            review.require_signatures,
            allowed or (review.approvers,),
            tuple(people),
        )

    def person(self, who: Identity) -> Person | None:
        """The vault's person (``[[people]]`` in sopvault.toml) with ``who``'s e-mail, or None."""
        return next(
            (p for p in self.people if p.email and p.email.lower() == who.email.lower()), None
        )

    def may_approve(self, who: Identity) -> bool:
        """Whether ``who`` is allowed for every document in the change."""
        person = self.person(who)
        for entries in self.allowed:
            if not entries:
                continue
            if person is None or not any(_entry_matches(e, person) for e in entries):
                return False
        return True

    def who_may(self) -> str:
        """A readable list of who may approve, for refusal messages."""
        named = sorted({e for entries in self.allowed for e in entries})
        return ", ".join(named) if named else "anyone but the author"


def _entry_matches(entry: str, person: Person) -> bool:
    if entry.startswith("role:"):
        role = entry[len("role:") :].strip().lower()
        return role in (r.lower() for r in person.roles)
    return entry.strip().lower() == person.handle.lower()


def judge(
    author: Identity,
    votes: Iterable[Vote],
    rules: Rules,
    landing: Vote | None = None,
) -> list[Problem]:
    """Everything wrong with a change's sign-off: ``(refusal, one-line reason)`` pairs,
    empty when it is valid.

    The ONE place sign-offs are judged: ``approve`` and ``sync`` refuse to land, and
    ``verify`` reports, with it. Every vote is judged, not counted: the commit that
    records it must have been committed by the reviewer it names (else it is forged);
    with ``rules.require_signatures`` it must be signed by a key listed for that reviewer;
    never the author (four eyes); only people the rules allow; each person counts once,
    and ``rules.approvals`` of them are needed (ISO 9001 §7.5.2 c; 21 CFR Part 11 §11.50,
    a signature names who signed and what it means, §11.70, it is linked to its record).
    ``landing``, when given, is the commit that put the change on main: its committer
    must be one of the counted reviewers, and signed as one when signatures are required.
    """
    votes = list(votes)
    if not votes:
        return [(Refusal.UNREVIEWED, "no Reviewed-by trailer")]
    problems: list[Problem] = []
    counted: list[Identity] = []
    for vote in votes:
        who = vote.reviewer
        problem = _recorded_wrongly(vote, rules)
        if problem is not None:
            problems.append(problem)
        elif who.same_as(author):
            problems.append((Refusal.SELF_APPROVED, f"{who} approved their own change"))
        elif not rules.may_approve(who):
            problems.append(
                (Refusal.NOT_ALLOWED, f"{who} may not approve (allowed: {rules.who_may()})")
            )
        elif not any(who.same_as(c) for c in counted):
            counted.append(who)
    if len(counted) < rules.approvals and not problems:
        problems.append((Refusal.TOO_FEW, f"{len(counted)} of {rules.approvals} approvals needed"))
    if landing is not None:
        problems += _landed_wrongly(landing, counted, rules)
    return problems


def _recorded_wrongly(vote: Vote, rules: Rules) -> Problem | None:
    """Why a vote's record does not prove its reviewer gave it, or None."""
    who, sha = vote.reviewer, vote.commit[:10]
    if not vote.legacy and not vote.recorded_by.same_as(who):
        return (
            Refusal.FORGED_VOTE,
            f"vote {sha} names {who} but was committed by {vote.recorded_by}",
        )
    if rules.require_signatures and (vote.signer or "").lower() != who.email.lower():
        return (Refusal.UNSIGNED, f"vote {sha} for {who} is {_signed_by(vote.signer)}")
    return None


def _landed_wrongly(landing: Vote, counted: list[Identity], rules: Rules) -> list[Problem]:
    """Why the commit that landed the change does not belong to a reviewer, if it does not."""
    who = landing.recorded_by
    if not any(who.same_as(c) for c in counted):
        return [(Refusal.LANDED_BY_OTHER, f"landed by {who}, who has no valid vote on it")]
    if rules.require_signatures and (landing.signer or "").lower() != who.email.lower():
        return [(Refusal.UNSIGNED, f"landing commit by {who} is {_signed_by(landing.signer)}")]
    return []


def _signed_by(signer: str | None) -> str:
    """How a sign-off that needed the reviewer's own signature was signed, in words."""
    if signer is None:
        return "not signed by a key the allowed-signers file lists"
    return f"signed by the key listed for {signer}, not by the reviewer's"


# The front-matter keys ``approve`` sets on every approved document, and nothing else.
EFFECTIVE_KEYS = ("status", "effective", "next_review")


def landed_as_reviewed(reviewed: bytes | None, landed: bytes | None, document: bool) -> str | None:
    """Why the content a landing commit put on main is not the content reviewed, or None
    when it is (21 CFR Part 11 §11.70: a sign-off is linked to its record).

    ``reviewed`` and ``landed`` are one file's bytes in the proposal and on main (None:
    deleted). A rule file must land byte for byte; a document must land as the reviewed
    text plus exactly ``approve``'s front-matter edit: ``status = "effective"`` and the
    ``effective`` and ``next_review`` dates (their values are read from what landed). A
    retirement (the reviewed text says ``status = "retired"``) lands byte for byte: approval
    makes nothing effective (ISO 9001 §7.5.3.2 d)."""
    note = reviewed is not None and not has_front_matter(reviewed.decode("utf-8", "replace"))
    if reviewed is None or landed is None or not document or note:  # a note lands as it is
        return None if reviewed == landed else "differs from the reviewed text"
    try:
        if _front(reviewed).get("status") == "retired":
            return None if reviewed == landed else "differs from the reviewed retirement"
        front = _front(landed)
        if front.get("status") != "effective":
            return "did not land as effective"
        changes = {key: front[key] for key in EFFECTIVE_KEYS if key in front}
        expected = with_changes(reviewed.decode("utf-8"), changes).encode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return "cannot be read as the reviewed document"
    return None if expected == landed else "differs from the reviewed text beyond approval's edit"


def _front(data: bytes) -> dict[str, Any]:
    """A document's front matter; raises ValueError (FrontMatterError) when it is broken."""
    parts = frontmatter.split(data.decode("utf-8"))
    return frontmatter.parse_toml(parts.front, parts.front_start)
