"""The auditor's question about one document on one date: which revision was in force, who
approved it, and which runs followed it (ISO 9001 §7.5.3.2: the version in force is
retrievable; 21 CFR Part 11 §11.10(e): the audit trail says who did what and when).

The text in force is the document's file in main's commit in force at that date
(``services.asof``); its approval is the newest revision on main's line by then (found by
its ``SOP-Id`` trailer, as ``history`` finds it) whose landed blob is that very text; the
runs are the run logs whose followed blob is that text. The document is looked up without
loading the whole vault when its revisions or its file name say where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.errors import DocumentNotFound, InvalidId
from sopvault.model.control import Revision
from sopvault.model.document import Document, is_valid_id
from sopvault.model.run import Run
from sopvault.services.asof import AsOf
from sopvault.services.review.history import History
from sopvault.services.runlist import list_runs
from sopvault.store.git.repo import Commit


@dataclass
class InForce:
    """One document as of a date: the ``document`` parsed from the text in force (its
    vault ``path`` and ``blob`` id); ``revision`` the approval that landed exactly that
    text (None when none did); ``changed_by`` the commit that last changed the file when
    that commit is not such an approval (a plain commit: nobody signed the text); and
    ``runs`` every run that followed that text, oldest first (started before or after
    the date: a revision is followed for as long as it stays in force)."""

    document: Document
    path: str
    blob: str
    revision: Revision | None
    changed_by: Commit | None
    runs: list[Run] = field(default_factory=list)


def in_force(asof: AsOf, doc_id: str) -> InForce:
    """What was in force for ``doc_id`` at ``asof``'s moment. Raises InvalidId for a
    malformed id, DocumentNotFound (naming the date) when it did not exist then."""
    if not is_valid_id(doc_id):
        raise InvalidId(f"{doc_id!r} is not a valid document id")
    history = History(asof.ws)
    revisions = history.revisions(doc_id, tip=asof.commit.sha)
    path, doc = _locate(asof, doc_id, revisions)
    blob = asof.blobs[path]
    approval = _approval(asof, revisions, blob)
    changed_by = None
    if approval is None:
        repo_path = asof.ws.repo_path(path)
        last = asof.repo.log(asof.commit.sha, first_parent=True, paths=(repo_path,), limit=1)
        changed_by = last[0] if last else None
    runs = [r for r in list_runs(asof.ws.vault, doc_id, full=True).full if r.blob == blob]
    runs.sort(key=lambda r: (r.started_at, r.id))
    return InForce(doc, path, blob, approval, changed_by, runs)


def _locate(asof: AsOf, doc_id: str, revisions: list[Revision]) -> tuple[str, Document]:
    """The vault path and parsed document of ``doc_id`` then: first where its revisions
    put it, then files named after it (``SOP-003-....md``), then the whole vault loaded."""
    named = [
        rel for rel in asof.blobs if rel.rsplit("/", 1)[-1].startswith((f"{doc_id}-", f"{doc_id}."))
    ]
    for rel in dict.fromkeys([*(r.path for r in revisions if r.path), *named]):
        if rel in asof.blobs:
            doc = asof.document_at(rel)
            if doc is not None and doc.id == doc_id:
                return rel, doc
    doc = asof.get(doc_id)  # the whole vault then: any file may hold the id
    if doc.path not in asof.blobs:
        raise DocumentNotFound(f"no document with id '{doc_id}' as of {asof.moment.asked}")
    return doc.path, doc


def _approval(asof: AsOf, revisions: list[Revision], blob: str) -> Revision | None:
    """The newest revision by then whose landing put exactly ``blob`` on main."""
    for rev in revisions:
        if not rev.path:
            continue
        there = asof.ws.repo_path(rev.path)
        if asof.repo.blob_ids(rev.commit, [there]).get(there) == blob:
            return rev
    return None
