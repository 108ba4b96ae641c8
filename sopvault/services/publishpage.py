"""One document's page for the HTML export and the PDF (issue 16): its metadata, numbered
steps, body, revision history with sign-offs (who, when, meaning: 21 CFR Part 11 §11.50)
and the controlled-copy banner (ISO 9001 §7.5.3), as plain values (``model.publish``)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from sopvault.core.localtime import shown_iso
from sopvault.core.publishconfig import banner_text
from sopvault.core.tree import VaultTree
from sopvault.model.document import Document, Status, Step
from sopvault.model.publish import DocPage, PageLink, RevisionRow, SignOff, StepRow
from sopvault.services.asof import AsOf
from sopvault.services.publishrevs import Signed
from sopvault.services.workspace import Workspace

AUTHORED = "authored (proposed the change)"
APPROVED = "reviewed and approved"


@dataclass(frozen=True)
class Included:
    """What every page of one export links against: the included documents by id, their
    file names (for links written as paths), the tree, the source line and the day."""

    ids: dict[str, Document]
    names: dict[str, str]
    tree: VaultTree
    source: str
    exported: str


def page_of(
    ws: Workspace,
    source: AsOf,
    doc: Document,
    signed: list[Signed],
    at: Included,
    approved: bool,
) -> DocPage:
    """``doc``'s page; ``signed`` its revisions up to the source's commit, newest first;
    ``approved`` whether the text shown is the text the newest one landed
    (``publishrevs.approved_texts``). The revision, approvers and date shown come from
    that sign-off, never from the file's ``version`` field; text no sign-off covers is
    never called a controlled copy (ISO 9001 §7.5.3, 21 CFR Part 11 §11.10(b))."""
    current = signed[0] if signed else None
    approved = approved and current is not None
    return DocPage(
        id=doc.id,
        title=doc.title,
        kind=doc.kind.label,
        status=doc.status.value.replace("_", " ") if doc.status else "draft",
        version=current.revision.version if approved and current else "",
        banner=(
            _banner(ws, source, doc, current, at.exported) if approved else _unsigned(ws, current)
        ),
        marked=_marked(doc, current, approved),
        approved=approved,
        fields=_fields(source, doc),
        lists=_lists(doc),
        parents=tuple(link_to(at, p) for p in doc.parents),
        children=tuple(link_to(at, c) for c in at.tree.children_of(doc.id)),
        related=tuple(link_to(at, r) for r in at.tree.related.get(doc.id, [])),
        superseded_by=link_to(at, doc.superseded_by) if doc.superseded_by else None,
        steps=tuple(_step(at, n, s) for n, s in enumerate(doc.steps, 1)),
        body=doc.body,
        revisions=tuple(_row(ws, s) for s in signed),
        links=body_links(doc.body, at),
        source=at.source,
    )


def _who_when(ws: Workspace, current: Signed) -> tuple[str, str]:
    rev = current.revision
    names = " and ".join(who.name for who in rev.approvers) or "nobody on record"
    return names, shown_iso(rev.date, ws.zone)


def _unsigned(ws: Workspace, current: Signed | None) -> str:
    """The banner of a text no sign-off covers: never the controlled-copy wording."""
    if current is None:
        return "NOT APPROVED: no sign-off on record for this text. Not a controlled copy."
    names, when = _who_when(ws, current)
    return (
        f"NOT APPROVED: this text differs from revision {current.revision.version},"
        f" approved by {names} on {when}. Not a controlled copy."
    )


def _banner(ws: Workspace, source: AsOf, doc: Document, current: Signed | None, day: str) -> str:
    rev = current.revision if current else None
    names = [who.name for who in rev.approvers] if rev else []
    values = {
        "id": doc.id,
        "title": doc.title,
        "version": rev.version if rev else "(none)",
        "effective": doc.effective.isoformat() if doc.effective else "not set",
        "approved_by": " and ".join(names) if names else "nobody on record",
        "approved_at": shown_iso(rev.date, ws.zone) if rev else "never",
        "exported": day,
    }
    return banner_text(source.config.publish, values)


def _marked(doc: Document, current: Signed | None, approved: bool) -> str:
    """The warning a page carries when its text is not an approved revision in force."""
    if doc.status is Status.RETIRED:
        successor = f"; superseded by {doc.superseded_by}" if doc.superseded_by else ""
        return f"RETIRED: withdrawn from use, do not follow{successor}."
    if doc.status is not Status.EFFECTIVE:
        return "DRAFT: not approved, do not use for work."
    if current is None:
        return "NOT APPROVED: no sign-off on record for this text."
    if not approved:
        return (
            f"NOT APPROVED: the text on main differs from what revision"
            f" {current.revision.version} signed (changed by an unreviewed commit)."
        )
    return ""


def _fields(source: AsOf, doc: Document) -> tuple[tuple[str, str], ...]:
    people = source.config.people
    owner = doc.owner or ""
    if owner in people:
        owner = f"{people[owner].name} ({owner})"
    rows = [
        ("Version", doc.version or ""),
        ("Status", doc.status.value.replace("_", " ") if doc.status else "draft"),
        ("Effective", doc.effective.isoformat() if doc.effective else ""),
        ("Owner", owner),
        ("Department", doc.department or ""),
        ("Purpose", doc.purpose or ""),
        ("Scope", doc.scope or ""),
        ("Trigger", doc.trigger or ""),
        ("Review every", doc.review_every or ""),
        ("Next review", doc.next_review.isoformat() if doc.next_review else ""),
    ]
    return tuple((label, value) for label, value in rows if value)


def _lists(doc: Document) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = [
        ("Roles", doc.roles),
        ("Hazards", doc.hazards),
        ("PPE", doc.ppe),
        ("Regulations", doc.regulations),
        ("Tags", doc.tags),
    ]
    return tuple((label, tuple(str(v) for v in values)) for label, values in rows if values)


def _step(at: Included, number: int, step: Step) -> StepRow:
    return StepRow(
        number=number,
        action=step.action,
        role=step.role or "",
        duration=step.duration or "",
        due=step.due or "",
        details=step.details or "",
        evidence=step.evidence.describe() if step.evidence else "",
        condition=step.when or "",
        instruction=link_to(at, step.instruction) if step.instruction else None,
        substeps=tuple(step.substeps),
        command=tuple(step.command),
        control_point=step.control_point,
        stops_work=step.stops_work,
    )


def _row(ws: Workspace, one: Signed) -> RevisionRow:
    rev = one.revision
    when = shown_iso(rev.date, ws.zone)
    signoffs = [SignOff(rev.author.name, rev.author.email, when, AUTHORED)]
    signoffs += [SignOff(who.name, who.email, when, APPROVED) for who in rev.approvers]
    return RevisionRow(
        version=rev.version,
        when=when,
        summary=rev.summary,
        commit=rev.commit[:7],
        signoffs=tuple(signoffs),
        retired=rev.retired,
    )


_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")


def body_links(body: str, at: Included) -> tuple[tuple[str, str], ...]:
    """{href as written in ``body``: the page it means} for the Markdown links whose
    target is an included document, by id (``SOP-002``) or by file name
    (``../procedures/SOP-002-x.md``, a fragment kept); other links are left as written."""
    found: dict[str, str] = {}
    for target in _TARGET.findall(body):
        path, _, fragment = target.partition("#")
        doc_id = path if path in at.ids else at.names.get(posixpath.basename(path))
        if doc_id is not None:
            found[target] = f"{doc_id}.html" + (f"#{fragment}" if fragment else "")
    return tuple(sorted(found.items()))


def link_to(at: Included, doc_id: str) -> PageLink:
    """A link from one page in ``docs/`` to document ``doc_id`` (no href when it is not
    included in the export)."""
    doc = at.ids.get(doc_id)
    if doc is None:
        return PageLink(doc_id, doc_id)
    return PageLink(doc_id, doc.title, f"{doc_id}.html")
