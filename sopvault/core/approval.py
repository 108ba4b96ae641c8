"""The approval rules of document control, free of git: who may sign off a change.

Git records the facts (who committed what, with which trailers, read by ``core.trailers``);
``judge`` here is the ONE place that decides what those facts mean, so ``approve`` refuses
and ``verify`` reports by the same rules (four eyes: the author never approves their own
change; ISO 9001 §7.5.2 c, 21 CFR Part 11 §11.50 and §11.70 for what a signature states).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sopvault.model.config import Person, ReviewRules
from sopvault.model.control import Identity, Refusal


@dataclass(frozen=True)
class Rules:
    """The approval rules in force for one change: the vault's, narrowed by the documents."""

    approvals: int
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
        return cls(review.approvals, allowed or (review.approvers,), tuple(people))

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
    author: Identity, reviewers: Iterable[Identity], rules: Rules
) -> list[tuple[Refusal, str]]:
    """Everything wrong with a change's sign-off: ``(refusal, one-line reason)`` pairs,
    empty when it is valid.

    The ONE place sign-offs are judged (``approve`` refuses and ``verify`` reports with
    it): at least one ``Reviewed-by``; never the author (four eyes); only people the rules
    allow; ``rules.approvals`` distinct people (ISO 9001 §7.5.2 c, review and approval
    for suitability; Part 11 §11.50, a signature names who signed and what it means).
    """
    reviewers = list(reviewers)
    if not reviewers:
        return [(Refusal.UNREVIEWED, "no Reviewed-by trailer")]
    problems: list[tuple[Refusal, str]] = []
    counted: list[Identity] = []
    for who in reviewers:
        if who.same_as(author):
            problems.append((Refusal.SELF_APPROVED, f"{who} approved their own change"))
        elif not rules.may_approve(who):
            problems.append(
                (Refusal.NOT_ALLOWED, f"{who} may not approve (allowed: {rules.who_may()})")
            )
        elif not any(who.same_as(c) for c in counted):
            counted.append(who)
    if len(counted) < rules.approvals and not problems:
        problems.append((Refusal.TOO_FEW, f"{len(counted)} of {rules.approvals} approvals needed"))
    return problems


def name_of(person: str) -> str:
    """The name in ``Name <email>`` (or the text itself), for lists that are read by name."""
    ident = Identity.parse(person)
    return ident.name if ident is not None and ident.name else person
