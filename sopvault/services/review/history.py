"""A document's approved revisions on main, its text at any of them, and pairs to diff.

An auditor asks for the approved version in force at a date (ISO 9001 §7.5.3.2); the
``SOP-Id`` trailer finds it even after the file was renamed.
"""

from __future__ import annotations

from dataclasses import replace

from sopvault.core.parse import parse_text
from sopvault.core.trailers import (
    APPROVED_AT,
    PROPOSAL,
    REVIEWED_BY,
    SOP_ID,
    counts_as_approval,
    identities_of,
    pairs_of,
    retirements_of,
    versions_of,
)
from sopvault.core.versioning import next_version_after
from sopvault.core.wording import counted
from sopvault.errors import InvalidId, SopvaultError
from sopvault.model.control import Revision, Standing, TextAt, WorkingCopy
from sopvault.model.document import Document, is_valid_id
from sopvault.services.review.common import RevisionError, Scope, front_text
from sopvault.store.git.repo import Commit


class History(Scope):
    """Reading the past of documents on main; changes nothing."""

    def revisions(self, doc_id: str, tip: str | None = None) -> list[Revision]:
        """Every approved revision of the document on main (or on main's line up to commit
        ``tip``: those in force by then, for ``--as-of``), newest first.

        Found by the ``SOP-Id`` trailer, so a renamed file keeps its history; run records
        and unreviewed commits are left out. Raises InvalidId for a malformed id."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        if self.repo.rev(tip or self.ws.main_ref) is None:
            return []
        commits = self.repo.log(
            tip or self.ws.main_ref, first_parent=True, trailer=(SOP_ID, doc_id), names=True
        )
        return self.approvals_in(commits, tip or self.ws.main_ref, only={doc_id})

    def approvals_in(
        self, commits: list[Commit], tip: str, only: set[str] | None = None
    ) -> list[Revision]:
        """The revisions ``commits`` made effective (commits of main's own line up to
        ``tip``, read with ``names``; newest first), in their order: one per document a
        commit that counts as an approval names (``only`` those ids when given). The one
        rule ``verify`` judges by (``counts_as_approval``); each commit's files are read
        once, however many documents it approved (the evidence pack, issue 16)."""
        first = self.repo.first_voted_landing(tip) if commits else None
        cut = set(self.repo.shallow_cuts()) if commits else set()
        found = []
        for commit in commits:
            trailers = commit.trailers
            parents = None if commit.sha in cut else len(commit.parents)
            kept = (
                parents == 1 and first is not None and self.repo.is_ancestor(first, commit.sha)
            )  # a Reviewed-by typed after votes were kept proves nothing (verify's rule)
            if not counts_as_approval(trailers, parents, kept):
                continue
            versions = versions_of(trailers)
            wanted = [d for d in versions if only is None or d in only]
            paths = self._paths_in(commit, set(wanted)) if wanted else {}
            for doc_id in wanted:
                found.append(self._revision(commit, doc_id, versions[doc_id], paths.get(doc_id)))
        return found

    def next_number(self, doc_id: str, on_main: str | None, major: bool, tip: str) -> str:
        """The number a proposal of ``doc_id`` gives it: above main's version ``on_main``
        and above every revision approved up to ``tip`` (``versioning.next_version_after``)."""
        approved = [rev.version for rev in self.revisions(doc_id, tip)]
        return next_version_after(on_main, approved, major)

    def incomplete(self) -> str | None:
        """Why main's history here is not all of it (a shallow clone, grafts), one line
        with how to fetch the rest; None when it is whole or main has no commits. A
        listing of revisions is then partial, and says so (Trust §5)."""
        tip = self.repo.rev(self.ws.main_ref)
        return None if tip is None else self.repo.history_cut(tip)

    def _revision(self, commit: Commit, doc_id: str, version: str, path: str | None) -> Revision:
        trailers = commit.trailers
        retired = retirements_of(trailers)
        return Revision(
            id=doc_id,
            version=version,
            commit=commit.sha,
            date=(pairs_of(trailers, APPROVED_AT) or [commit.commit_date])[0],
            author=commit.author,
            approvers=tuple(identities_of(trailers, REVIEWED_BY)),
            summary=commit.subject,
            path=path or "",
            proposal=(pairs_of(trailers, PROPOSAL) or [""])[0],
            retired=doc_id in retired,
            superseded_by=retired.get(doc_id, ""),
        )

    def _paths_in(self, commit: Commit, ids: set[str]) -> dict[str, str]:
        """Which of the commit's changed files is each document of ``ids`` (vault paths):
        the one document file it changed, else the files whose front matter names the id
        (each file read once)."""
        candidates = [p for p in commit.paths if self.ws.is_document(p)]
        if len(candidates) == 1:
            rel = self.ws.vault_path(candidates[0])
            return {doc_id: rel for doc_id in ids} if rel is not None else {}
        found: dict[str, str] = {}
        for path, data in zip(
            candidates, self.repo.blobs([f"{commit.sha}:{p}" for p in candidates]), strict=True
        ):
            doc_id = front_text(data, "id") if data is not None else None
            rel = self.ws.vault_path(path)
            if doc_id in ids and doc_id not in found and rel is not None:
                found[doc_id] = rel
        return found

    def current_path(self, doc_id: str, tip: str) -> str | None:
        """The document's repository path at commit ``tip`` of main (None when absent)."""
        for rev in self.revisions(doc_id):
            if rev.path and self.repo.blob(tip, self.ws.repo_path(rev.path)) is not None:
                return self.ws.repo_path(rev.path)
        try:
            doc = self.ws.vault.get(doc_id)
        except SopvaultError:
            return None
        path = self.ws.repo_path(doc.path)
        return path if self.repo.blob(tip, path) is not None else None

    def revision_text(self, rev: Revision) -> TextAt | None:
        """The text one approved revision put on main (None when its file is unknown)."""
        data = self.repo.blob(rev.commit, self.ws.repo_path(rev.path)) if rev.path else None
        if data is None:
            return None
        label = f"{rev.id} {rev.version} ({rev.commit[:8]})"
        return TextAt(label, data.decode("utf-8", "replace"), rev.path)

    def text_at(self, doc_id: str, spec: str) -> TextAt:
        """The document's text at a version (``1.2``) or any git revision; raises
        RevisionError when there is no such version, revision or document there."""
        revisions = self.revisions(doc_id)
        for rev in revisions:
            if rev.version == spec:
                found = self.revision_text(rev)
                if found is not None:
                    return found
        commit = self.repo.rev(spec) if not spec.startswith("-") else None
        if commit is None:
            known = ", ".join(r.version for r in revisions) or "none approved yet"
            raise RevisionError(f"{doc_id} has no version or revision {spec!r} (versions: {known})")
        paths = [r.path for r in revisions if r.path]
        try:
            paths.append(self.ws.vault.get(doc_id).path)
        except SopvaultError:
            pass
        for path in dict.fromkeys(paths):
            data = self.repo.blob(commit, self.ws.repo_path(path))
            if data is not None and front_text(data, "id") == doc_id:
                text = data.decode("utf-8", "replace")
                return TextAt(f"{doc_id} at {spec} ({commit[:8]})", text, path)
        raise RevisionError(f"{doc_id} does not exist at {spec}")

    def document_at(self, doc_id: str, spec: str) -> Document:
        """An old revision parsed like the working copy, for display; raises
        RevisionError when it is not there or does not parse."""
        old = self.text_at(doc_id, spec)
        result = parse_text(old.path, old.text)
        if result.document is None:
            problem = result.findings[0].message if result.findings else "not a document"
            raise RevisionError(f"{doc_id} at {spec} cannot be read: {problem}")
        return result.document

    def worktree_differs(self, doc_id: str, rev: Revision | None) -> bool:
        """Whether the working copy of ``doc_id`` differs from revision ``rev`` (True
        without one), compared as ``git status`` compares: a CRLF checkout of the same
        text is the same (Trust §7). Raises DocumentNotFound for an unknown id."""
        if rev is None or not rev.path:
            return True
        here, there = self.ws.repo_path(self.ws.vault.get(doc_id).path), self.ws.repo_path(rev.path)
        approved = self.repo.blob_ids(rev.commit, [there]).get(there)
        return self.repo.worktree_ids([here]).get(here) != approved

    def standing(self, doc_id: str) -> Standing:
        """How the document's working copy stands against main: the approved text, edited
        (not approved), on main but never approved, or not on main; with the latest
        approved revision. Files are compared as git compares them (filters and line
        endings applied). Raises DocumentNotFound for an unknown id."""
        doc = self.ws.vault.get(doc_id)
        tip = self.repo.rev(self.ws.main_ref)
        path = self.current_path(doc_id, tip) if tip is not None else None
        if tip is None or path is None:
            return Standing(WorkingCopy.NOT_ON_MAIN)
        revisions = self.revisions(doc_id)
        approved = revisions[0] if revisions else None
        mine = self.ws.repo_path(doc.path)
        here = self.repo.worktree_ids([mine]).get(mine)  # as git status: filters applied
        if path != mine or here != self.repo.blob_ids(tip, [path]).get(path):
            return Standing(WorkingCopy.EDITED, approved)
        if approved is None:
            return Standing(WorkingCopy.UNAPPROVED)
        return Standing(WorkingCopy.APPROVED, approved)

    def approved_document(self, doc_id: str) -> Document:
        """The latest approved revision of the document as main holds it, parsed for
        display (``show --approved``); raises RevisionError when it has none."""
        revisions = self.revisions(doc_id)
        if not revisions:
            raise RevisionError(
                f"{doc_id} has no approved revision on {self.ws.main} yet: nothing to show"
            )
        return self.document_at(doc_id, revisions[0].version)

    def worktree_text(self, doc_id: str) -> TextAt:
        """The working copy's text; raises DocumentNotFound for an unknown id."""
        doc = self.ws.vault.get(doc_id)
        data = (self.ws.root / doc.path).read_bytes()
        return TextAt(f"{doc_id} (working copy)", data.decode("utf-8", "replace"), doc.path)

    def main_text(self, doc_id: str) -> TextAt:
        """The text on main now; raises RevisionError when main does not hold it."""
        tip = self.main_tip()
        path = self.current_path(doc_id, tip)
        if path is None:
            raise RevisionError(f"{doc_id} is not on {self.ws.main} yet")
        data = self.repo.blob(tip, path) or b""
        return TextAt(
            f"{doc_id} on {self.ws.main} ({tip[:8]})",
            data.decode("utf-8", "replace"),
            self.ws.vault_path(path) or path,
        )

    def diff_texts(
        self, doc_id: str, a: str | None = None, b: str | None = None, *, worktree: bool = False
    ) -> tuple[TextAt, TextAt]:
        """The two texts to compare: by default the last two approved revisions; ``a`` and
        ``b`` name versions or revisions; ``worktree`` compares with the working copy.
        Raises RevisionError when fewer than two revisions exist and none is named."""
        if worktree:
            old = self.text_at(doc_id, a) if a else self.main_text(doc_id)
            new = self.worktree_text(doc_id)
            # compared as git diff compares: the committed text as checked out (a CRLF
            # checkout is not an edit of every line, Trust §7)
            data = self.repo.as_checked_out(self.ws.repo_path(new.path), old.text.encode())
            return replace(old, text=data.decode("utf-8", "replace")), new
        if a and b:
            return self.text_at(doc_id, a), self.text_at(doc_id, b)
        if a:
            return self.text_at(doc_id, a), self.main_text(doc_id)
        revisions = self.revisions(doc_id)
        if len(revisions) < 2:
            raise RevisionError(
                f"{doc_id} has {counted(len(revisions), 'approved revision')}; name two to compare,"
                " or use --worktree for your unsaved edits"
            )
        return self.text_at(doc_id, revisions[1].version), self.text_at(
            doc_id, revisions[0].version
        )
