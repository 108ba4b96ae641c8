"""The rules of what is due: when a periodic review is due or late, when a proposal has
waited too long, which open runs and steps are late, and who "I" am in owner and
assignment fields. Pure: documents, proposals and runs come in, due items go out.

ISO 9001 §7.5.3 asks that documented information stay suitable and current (a periodic
review at ``next_review``; ``check`` reports the same date as ``review-overdue``), and
§9.1 that the work is monitored: these rules say what a person must act on and by when.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from sopvault.errors import Invalid
from sopvault.model.config import Person
from sopvault.model.control import Identity, Proposal
from sopvault.model.document import Document, Status
from sopvault.model.due import ProposalDue, ReviewDue, RunDue, StepDue
from sopvault.model.run import Run, RunState, RunSummary, StepEntry, StepState

_SPAN = re.compile(r"^(\d+)\s*(d|day|days|w|week|weeks)?$")


MAX_DAYS = 36_525


def parse_days(text: str, what: str = "--within") -> int:
    """``"30d"``, ``"2w"`` or ``"30"`` as a number of days (``what`` names the option in
    the message); Invalid for anything else, and for more than MAX_DAYS."""
    match = _SPAN.match(text.strip().lower())
    if match is None:
        raise Invalid(f"{what} wants a number of days like 30d or 2w, not {text!r}")
    count = int(match[1])
    days = count * 7 if (match[2] or "d").startswith("w") else count
    if days > MAX_DAYS:  # beyond any calendar date arithmetic can reach (OverflowError)
        raise Invalid(f"{what} {text!r} is more than {MAX_DAYS} days (100 years)")
    return days


def review_due(
    doc_id: str,
    title: str,
    owner: str | None,
    next_review: date | None,
    today: date,
    within: int,
) -> ReviewDue | None:
    """The periodic review of an effective document (the caller passes only those) when
    ``next_review`` is at most ``within`` days away (or past); None otherwise. Late from
    the day after ``next_review``, as ``check``'s ``review-overdue`` counts (ISO 9001
    §7.5.3)."""
    if next_review is None:
        return None
    days = (next_review - today).days
    if days > within:
        return None
    return ReviewDue(doc_id, title, owner, next_review, days < 0, days)


def in_force(docs: Iterable[Document]) -> list[Document]:
    """The effective documents: those whose periodic review is due (a draft is not
    reviewed yet, a retired one no more)."""
    return [d for d in docs if d.status is Status.EFFECTIVE]


def names_person(text: str | None, person: Person | None, me: Identity | None) -> bool:
    """Whether a free-text name from a file (a document's ``owner``, a run's assigned
    person) names the acting person: their handle or name from ``[people]``, their e-mail,
    or ``Name <email>`` with their e-mail; case is ignored. Without a ``[people]`` entry
    the git identity's name and e-mail are what count."""
    if not text or not text.strip():
        return False
    said = text.strip().lower()
    known: set[str] = set()
    emails: set[str] = set()
    if person is not None:
        known |= {person.handle.lower(), person.name.lower()}
        emails |= {person.email.lower()} if person.email else set()
    if me is not None:
        known.add(me.name.lower())
        emails.add(me.email.lower())
    ident = Identity.parse(text)
    if ident is not None:
        return ident.email.lower() in emails
    return said in known or said in emails


def proposal_due(
    prop: Proposal, proposed: datetime, now: datetime, stale: int, for_me: bool
) -> ProposalDue:
    """An open proposal as a due item: its deadline is ``stale`` days after it was made,
    and it is overdue once it has waited longer (``for_me``: the acting person may
    approve it and has not, decided by ``Approvals.check_approver``)."""
    deadline = proposed + timedelta(days=stale)
    return ProposalDue(
        number=prop.number,
        label=f"{prop.first_id}/{prop.number}",
        documents=dict(prop.documents),
        summary=prop.summary,
        author=prop.author,
        proposed=proposed,
        deadline=deadline,
        for_me=for_me,
        overdue=now > deadline,
        waiting_days=max(0, (now - proposed).days),
    )


def run_due(
    summary: RunSummary, now: datetime, my_steps: Iterable[StepDue] = (), *, mine: bool = False
) -> RunDue:
    """An open run as a due item: its earliest pending deadline, and the pending steps
    past theirs (what makes it overdue); ``mine`` when the acting person started it or
    fills one of its roles."""
    pending = sorted(summary.pending_due, key=lambda p: p[1])
    late = tuple(n for n, due in pending if now > due)
    return RunDue(
        run_id=summary.id,
        doc_id=summary.doc_id,
        title=summary.title,
        started_at=summary.started_at,
        started_by=summary.started_by,
        done=summary.done,
        total=summary.total,
        deadline=pending[0][1] if pending else None,
        overdue=bool(late),
        late=tuple(sorted(late)),
        my_steps=tuple(my_steps),
        mine=mine,
        version=summary.version,
    )


def my_roles(run: Run, person: Person | None, me: Identity | None) -> set[str]:
    """The roles of ``run`` assigned to the acting person (assign events, latest wins)."""
    return {role for role, who in run.roles.items() if names_person(who, person, me)}


def person_of(me: Identity | None, people: Iterable[Person]) -> Person | None:
    """The ``[people]`` entry with ``me``'s e-mail (None when I am not listed)."""
    if me is None:
        return None
    mail = me.email.lower()
    return next((p for p in people if p.email and p.email.lower() == mail), None)


def steps_for(
    run: Run,
    step_roles: dict[int, str],
    roles: set[str],
    now: datetime,
    *,
    starter: bool = False,
    nested_roles: Mapping[int, Mapping[int, str]] | None = None,
) -> list[StepDue]:
    """The pending steps of an open ``run`` whose role (``step_roles``: step number to the
    role the followed text gives it) is one of ``roles``, with their deadlines; a step is
    ``actionable`` when no earlier step is pending (the previous steps are answered). With
    ``starter`` (the acting person started the run), also the steps without a role and
    those whose role nobody fills yet: someone must answer for them (issue 15).

    A step running its work instruction in place is listed as the instruction's pending
    steps (``3.2``), their roles in ``nested_roles`` (parent step to the instruction's
    step roles) and filled by the run's assignments (``nested_role``)."""
    if run.state is not RunState.OPEN or not (roles or starter):
        return []
    first = min((e.number for e in run.steps if e.state is StepState.PENDING), default=0)

    def falls_to_me(role: str | None) -> bool:
        return role in roles or (starter and (role is None or role not in run.roles))

    found: list[StepDue] = []
    for entry in run.steps:
        if entry.state is not StepState.PENDING:
            continue
        parent_role = step_roles.get(entry.number)
        if entry.instruction is None:
            if falls_to_me(parent_role):
                found.append(_step_due(entry, parent_role, now, entry.number == first))
            continue
        own = (nested_roles or {}).get(entry.number, {})
        waiting = min((s.number for s in entry.nested if s.state is StepState.PENDING), default=0)
        for step in entry.nested:
            role = nested_role(own.get(step.number), parent_role, run)
            if step.state is StepState.PENDING and falls_to_me(role):
                ready = entry.number == first and step.number == waiting
                found.append(_step_due(step, role, now, ready))
    return found


def nested_role(own: str | None, parent: str | None, run: Run) -> str | None:
    """The role a step of a work instruction run in place falls to: its own role when the
    run assigns it (the run's roles are filled by one set of assignments, whichever
    document names them), else the parent step's role: a work instruction says how its
    parent step is done, so whoever does that step does its steps, even when the
    instruction names roles of its own that the procedure does not."""
    return own if own and own in run.roles else parent


def _step_due(entry: StepEntry, role: str | None, now: datetime, actionable: bool) -> StepDue:
    overdue = entry.due_at is not None and now > entry.due_at
    return StepDue(
        entry.number, entry.action, role or "", entry.due_at, overdue, actionable, entry.within
    )
