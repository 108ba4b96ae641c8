"""The rules of document control, free of git: versions, who may approve, the trailers.

Git records the facts (who committed what, with which trailers); this module decides
what those facts mean, so ``approve`` refuses and ``verify`` reports by the same rules.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sopvault.model.config import Person, ReviewRules
from sopvault.model.control import Identity as Identity
from sopvault.model.control import Refusal as Refusal

# Trailer keys. ``git interpret-trailers --parse`` reads all of them.
SOP_ID = "SOP-Id"
SOP_VERSION = "SOP-Version"
PROPOSAL = "SOP-Proposal"
PROPOSED_BY = "Proposed-by"
REVIEWED_BY = "Reviewed-by"
APPROVED_AT = "Approved-at"
APPROVES = "Approves"
REJECTED_BY = "Rejected-by"
REJECTED_AT = "Rejected-at"
RUN_ID = "Run-Id"
RUN_STATE = "Run-State"

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_REVIEW_EVERY = re.compile(r"^(\d+)\s+(day|week|month|year)s?$")


def bump_version(current: str | None, major: bool) -> str:
    """The next version: ``1.2`` becomes ``1.3`` (minor) or ``2.0`` (major).

    A document without a version, or with one that is not ``X.Y``, starts at ``1.0``
    for a major change and ``0.1`` for a minor one, so the first approved text of a new
    document is ``1.0`` when proposed with ``--major``.
    """
    match = _VERSION.match((current or "").strip())
    if match is None:
        return "1.0" if major else "0.1"
    high, low = int(match[1]), int(match[2])
    return f"{high + 1}.0" if major else f"{high}.{low + 1}"


def next_review(today: date, review_every: str | None) -> date:
    """When the document is next due for review: ``review_every`` from today, one year by
    default (ISO 9001 asks for periodic review; a year is the common choice)."""
    match = _REVIEW_EVERY.match((review_every or "1 year").strip())
    if match is None:
        match = _REVIEW_EVERY.match("1 year")
        assert match is not None
    count, unit = int(match[1]), match[2]
    if unit == "day":
        return date.fromordinal(today.toordinal() + count)
    if unit == "week":
        return date.fromordinal(today.toordinal() + 7 * count)
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(today.month - 1 + months, 12)
    year += today.year
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


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
    """Everything wrong with a change's sign-off (empty when it is valid)."""
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


def trailer_block(pairs: Iterable[tuple[str, str]]) -> str:
    """Trailers as git writes them: ``Key: value`` lines, values on one line each."""
    lines = []
    for key, value in pairs:
        flat = " ".join(value.split())
        lines.append(f"{key}: {flat}")
    return "\n".join(lines)


def message(summary: str, body: str, trailers: Iterable[tuple[str, str]]) -> str:
    """A commit message: one summary line, an optional body, then the trailer block."""
    subject = " ".join(summary.split()) or "Update documents"
    parts = [subject]
    if body.strip():
        parts.append(body.strip())
    parts.append(trailer_block(trailers))
    return "\n\n".join(parts) + "\n"


def pairs_of(trailers: Iterable[tuple[str, str]], key: str) -> list[str]:
    return [value for k, value in trailers if k.lower() == key.lower()]


def has_trailer(trailers: Iterable[tuple[str, str]], key: str) -> bool:
    return any(k.lower() == key.lower() for k, _ in trailers)


def identities_of(trailers: Iterable[tuple[str, str]], key: str) -> list[Identity]:
    """The people named by a trailer (``Reviewed-by``), skipping values that name nobody."""
    return [who for value in pairs_of(trailers, key) if (who := Identity.parse(value))]


def document_trailers(versions: dict[str, str]) -> list[tuple[str, str]]:
    """``SOP-Id`` / ``SOP-Version`` pairs, in the order ``versions_of`` reads them back."""
    pairs: list[tuple[str, str]] = []
    for doc_id, version in versions.items():
        pairs += [(SOP_ID, doc_id), (SOP_VERSION, version)]
    return pairs


def versions_of(trailers: list[tuple[str, str]]) -> dict[str, str]:
    """Each ``SOP-Id`` with the ``SOP-Version`` that follows it (a change may hold several)."""
    result: dict[str, str] = {}
    current: str | None = None
    for key, value in trailers:
        if key.lower() == SOP_ID.lower():
            current = value.strip()
            result.setdefault(current, "")
        elif key.lower() == SOP_VERSION.lower() and current is not None:
            result[current] = value.strip()
            current = None
    return result


def versions_label(documents: dict[str, str]) -> str:
    """``SOP-003 2.1, WI-004 1.1``: what a proposal changes, as every listing shows it."""
    return ", ".join(f"{doc_id} {version}" for doc_id, version in documents.items())


def name_of(person: str) -> str:
    """The name in ``Name <email>`` (or the text itself), for lists that are read by name."""
    ident = Identity.parse(person)
    return ident.name if ident is not None and ident.name else person
