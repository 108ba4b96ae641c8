"""Which notifications a person gets (issue 15, reminders that reach people): from what is
due for them (``core.due``'s rules, gathered by ``services.due`` for that person), the
things to act on now, each named by an event key so it is sent once.

Pure. An event key is kind, ids, revision and state: ``step-late:RUN:3@1.2`` is another
event than ``step-actionable:RUN:3@1.2``, and a periodic review due on another date or an
acknowledgement of a new revision is a new event too (ISO 9001 §7.5.3 keeps documents
reviewed, §7.2 people trained on the current revision; §9.1 asks that work is monitored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sopvault.model.config import Person
from sopvault.model.due import DueReport, ProposalDue, ReviewDue, RunDue, StepDue
from sopvault.model.notify import NoticeKind, Notification


def page_url(site_url: str, doc_id: str) -> str:
    """The document's page in the HTML export (issue 16 writes ``docs/<ID>.html``), or ""
    when no ``site_url`` is set."""
    return f"{site_url.rstrip('/')}/docs/{doc_id}.html" if site_url else ""


def notifications(
    report: DueReport,
    person: Person,
    site_url: str = "",
    versions: Mapping[str, str | None] | None = None,
) -> list[Notification]:
    """What ``person`` must act on now, from ``report`` (what is due for them, ``mine``):
    their steps that are actionable (the previous ones answered) or late, proposals they
    may approve and have not, acknowledgements they owe, and periodic reviews of the
    documents they own coming up or late. ``versions`` gives a document's current
    revision (for a periodic review). In a stable order (runs, proposals,
    acknowledgements, reviews); each ``key`` is unique."""
    versions = versions or {}
    found: list[Notification] = []
    for run in report.runs:
        found += _steps(run, run.my_steps, person, site_url)
    found += [_proposal(p, person, site_url) for p in report.proposals if p.for_me]
    for ack in report.acknowledgements or []:
        found.append(
            Notification(
                person,
                NoticeKind.ACK_OWED,
                f"{NoticeKind.ACK_OWED}:{ack.doc_id}@{ack.version}",
                ack.doc_id,
                ack.title,
                ack.version,
                f"sopvault ack {ack.doc_id}",
                page_url(site_url, ack.doc_id),
            )
        )
    found += [_review(r, person, site_url, versions.get(r.doc_id)) for r in report.reviews]
    return found


def _proposal(prop: ProposalDue, person: Person, site_url: str) -> Notification:
    """A proposal ``person`` may approve: its key names the proposed revisions, so a
    proposal that moves to other versions is told again."""
    proposed = ",".join(f"{d}@{v}" for d, v in sorted(prop.documents.items()))
    doc_id = prop.label.split("/")[0]
    return Notification(
        person,
        NoticeKind.REVIEW_WAITING,
        f"{NoticeKind.REVIEW_WAITING}:{prop.number}:{proposed}",
        doc_id,
        prop.summary,
        prop.documents.get(doc_id),
        f"sopvault reviews show {prop.number}",
        page_url(site_url, doc_id),
        proposal=prop.label,
        summary=prop.summary,
        due=prop.deadline,
        late=prop.overdue,
    )


def _review(review: ReviewDue, person: Person, site_url: str, version: str | None) -> Notification:
    """A periodic review coming up or late: its key names the date, so a new
    ``next_review`` (after the review) is a new event, and lateness another."""
    kind = NoticeKind.REVIEW_LATE if review.overdue else NoticeKind.REVIEW_DUE
    return Notification(
        person,
        kind,
        f"{kind}:{review.doc_id}:{review.next_review.isoformat()}",
        review.doc_id,
        review.title,
        version,
        f"sopvault show {review.doc_id}",
        page_url(site_url, review.doc_id),
        due_date=review.next_review.isoformat(),
        late=review.overdue,
    )


def _steps(
    run: RunDue, steps: Iterable[StepDue], person: Person, site_url: str
) -> list[Notification]:
    """A run's steps that fall to ``person`` and need them now: late ones (past their
    deadline), else actionable ones; a step waiting behind an earlier one is not told."""
    found = []
    for step in steps:
        if not (step.overdue or step.actionable):
            continue
        kind = NoticeKind.STEP_LATE if step.overdue else NoticeKind.STEP_ACTIONABLE
        found.append(
            Notification(
                person,
                kind,
                f"{kind}:{run.run_id}:{step.label}@{run.version or '-'}",
                run.doc_id,
                run.title,
                run.version,
                f"sopvault run --resume {run.run_id}",
                page_url(site_url, run.doc_id),
                run_id=run.run_id,
                step=step.number,
                within=step.within,
                action=step.action,
                role=step.role,
                due=step.due_at,
                late=step.overdue,
            )
        )
    return found
