"""Proposals: local edits, proposing them, restoring an old text, reading, rejecting.

A proposal is a commit on ``refs/heads/review/<ID>/<N>`` whose parent is main, built with
a private index so the user's index and files are never touched (except the proposed
files' ``version`` and ``status``). Rejecting moves it under ``rejected/`` with the
reason in a commit; nothing is deleted (21 CFR Part 11 §11.10(e)).
"""

from __future__ import annotations

from pathlib import Path

from sopvault.core.parse import with_changes
from sopvault.core.trailers import (
    PROPOSAL,
    PROPOSAL_COMMIT,
    PROPOSED_BY,
    REJECTED_AT,
    REJECTED_BY,
    document_trailers,
    has_trailer,
    identities_of,
    message,
    retirements_of,
    versions_of,
)
from sopvault.core.wording import counted
from sopvault.model.control import Identity, LocalEdit, Proposal, ProposalState
from sopvault.model.document import Status
from sopvault.model.finding import Severity
from sopvault.services.review import numbering
from sopvault.services.review.common import (
    ProposalNotFound,
    RevisionError,
    Scope,
    body_text,
    front_text,
    refuse_link,
)
from sopvault.services.review.history import History
from sopvault.services.review.races import explain, landing_of
from sopvault.services.review.signoff import proposal_line, reviewers, vote_commits, votes_in
from sopvault.services.workspace import Workspace
from sopvault.store.fs import write_atomic
from sopvault.store.git import diffs, refs
from sopvault.store.git.refs import ProposalRef
from sopvault.store.git.repo import ZERO, GitError, Repo

OPEN = ProposalState.OPEN
Refs = list[tuple[ProposalRef, str]]  # proposal refs with their tips, as refs.listing gives them


class Proposals(Scope):
    """Making, reading and rejecting proposals on one workspace."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.history = History(ws)

    # ---- what may be proposed ------------------------------------------------------------

    def local_edits(self) -> list[LocalEdit]:
        """Documents whose working copy differs from main (edited, new or moved), by id."""
        tip = self.main_tip()
        scope = self.ws.prefix or "."
        changed = set(diffs.changed_since(self.repo, tip, scope))
        changed |= set(diffs.untracked(self.repo, scope))
        docs = [
            doc
            for doc in self.ws.vault.state.documents.values()
            if self.ws.repo_path(doc.path) in changed
        ]
        docs.sort(key=lambda d: d.id)
        on_main = self.repo.blobs([f"{tip}:{self.ws.repo_path(d.path)}" for d in docs])
        waiting = self.listing() if docs else []
        return [
            LocalEdit(
                doc.id,
                doc.title,
                doc.path,
                front_text(old, "version"),
                self._proposed_as(doc.id, doc.path, waiting),
            )
            for doc, old in zip(docs, on_main, strict=True)
        ]

    def _proposed_as(self, doc_id: str, path: str, waiting: list[Proposal]) -> int | None:
        """The open proposal whose text of the document is the working copy's."""
        if not any(doc_id in p.documents for p in waiting):
            return None
        repo_path = self.ws.repo_path(path)
        for prop in waiting:  # compared as git compares: filters, line endings
            if doc_id in prop.documents and not self.repo.differs_from(prop.commit, repo_path):
                return prop.number
        return None

    def _holding(
        self, doc_id: str, repo_path: str, data: bytes, waiting: list[Proposal]
    ) -> int | None:
        """The open proposal whose text of the document (at ``repo_path``) is ``data``."""
        for prop in waiting:
            if doc_id in prop.documents and self.repo.blob(prop.commit, repo_path) == data:
                return prop.number
        return None

    def refuse_duplicate(self, doc_id: str, repo_path: str, data: bytes) -> None:
        """Raise RevisionError when an open proposal already holds exactly ``data``: the
        one rule ``propose`` and ``restore`` share (two proposals of one text would be
        approved twice)."""
        already = self._holding(doc_id, repo_path, data, self.listing())
        if already is not None:
            raise _duplicate(doc_id, already)

    # ---- proposing -----------------------------------------------------------------------

    def propose(
        self, ids: list[str], summary: str, *, major: bool = False, body: str = ""
    ) -> Proposal:
        """Record the working copies of ``ids`` as one proposal against main.

        Only the proposed files change on disk (their ``version`` and ``status``); the
        index and every other file are left exactly as they were. Raises RevisionError
        when a document has errors, no changes, or is already proposed with this text;
        ReadOnly-style SopvaultError on a read-only vault.
        """
        self.ws.vault.must_be_writable("propose")
        if not ids:
            raise RevisionError("name at least one document to propose")
        if not summary.strip():
            raise RevisionError('say why in a summary: sopvault propose ID -m "why"')
        tip = self.main_tip()
        files: dict[str, bytes | None] = {}
        versions: dict[str, str] = {}
        writes: list[tuple[Path, bytes]] = []
        waiting = self.listing()
        for doc_id in dict.fromkeys(ids):
            path, data, version = self._proposed_text(tip, doc_id, waiting, files, major)
            files[self.ws.repo_path(path)] = data
            versions[doc_id] = version
            if data != (self.ws.root / path).read_bytes():
                writes.append((self.ws.root / path, data))
        proposal = self.record(tip, files, versions, summary, body, ids[0])
        for target, data in writes:
            write_atomic(target, data)
        self.ws.vault.reload()
        return proposal

    def _proposed_text(
        self,
        tip: str,
        doc_id: str,
        waiting: list[Proposal],
        files: dict[str, bytes | None],
        major: bool,
    ) -> tuple[str, bytes, str]:
        """One document's proposed bytes, as (vault path, bytes, version); a file moved
        away from main's path is marked deleted in ``files``."""
        doc = self.ws.vault.get(doc_id)
        errors = [
            f
            for f in self.ws.vault.state.findings
            if f.path == doc.path and f.severity is Severity.ERROR
        ]
        if errors:
            first = errors[0]
            raise RevisionError(
                f"{doc_id} has {counted(len(errors), 'error')}; fix them first:"
                f" {first.path}:{first.line}: {first.message}"
            )
        refuse_link(self.ws.root, doc_id, doc.path)
        disk = (self.ws.root / doc.path).read_bytes()
        old = self.repo.blob(tip, self.ws.repo_path(doc.path))
        if old is None:
            moved_from = self._moved_from(tip, doc_id)
            if moved_from is not None:
                files[moved_from] = None
                old = self.repo.blob(tip, moved_from)
        elif not self.repo.differs_from(tip, self.ws.repo_path(doc.path)):
            raise RevisionError(
                f"{doc_id} has no changes against {self.ws.main} to propose (edit {doc.path} first)"
            )
        already = self._proposed_as(doc_id, doc.path, waiting)
        if already is not None:
            raise _duplicate(doc_id, already)
        version = self.history.next_number(doc_id, front_text(old, "version"), major, tip)
        text = with_changes(
            disk.decode("utf-8"), {"version": version, "status": Status.IN_REVIEW.value}
        )
        return doc.path, text.encode("utf-8"), version

    def restore(self, doc_id: str, to: str, summary: str = "", *, major: bool = False) -> Proposal:
        """Propose bringing back the text of an old revision ``to`` (a version or git
        revision), as a new version; raises RevisionError when main lacks the document,
        already holds exactly that text, or an open proposal does (as ``propose`` does)."""
        self.ws.vault.must_be_writable("restore")
        refuse_link(self.ws.root, doc_id, self.ws.vault.get(doc_id).path)
        old = self.history.text_at(doc_id, to)
        tip = self.main_tip()
        current = self.history.current_path(doc_id, tip)
        if current is None:
            raise RevisionError(f"{doc_id} is not on {self.ws.main}; nothing to restore onto")
        now = self.repo.blob(tip, current)
        if now is not None and now.decode("utf-8", "replace") == old.text:
            raise RevisionError(
                f"{doc_id} at {to} is the text on {self.ws.main} now: nothing to restore"
            )
        version = self.history.next_number(doc_id, front_text(now, "version"), major, tip)
        text = with_changes(old.text, {"version": version, "status": Status.IN_REVIEW.value})
        data = text.encode("utf-8")
        self.refuse_duplicate(doc_id, current, data)
        summary = summary or f"Restore {doc_id} to {old.label}"
        return self.record(tip, {current: data}, {doc_id: version}, summary, "", doc_id)

    def record(
        self,
        tip: str,
        files: dict[str, bytes | None],
        versions: dict[str, str],
        summary: str,
        body: str,
        first_id: str,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Proposal:
        """File {repo path: bytes or None} on ``tip`` as a proposal; ``extra`` trailers too."""
        me = self.repo.identity()
        tree = self.repo.tree_with(tip, files)
        if tree == self.repo.tree_of(tip):
            raise RevisionError(f"nothing differs from {self.ws.main}: no proposal made")
        for _ in range(numbering.TRIES):
            number = self.next_number()
            trailers = document_trailers(versions) + list(extra)
            trailers += [(PROPOSAL, str(number)), (PROPOSED_BY, str(me))]
            commit = self.repo.commit_tree(tree, [tip], message(summary, body, trailers))
            ref = ProposalRef(first_id, number, OPEN)
            if numbering.file_proposal(self.repo, ref, commit, commit, f"propose {number}"):
                return self.get(ref.key)
        raise RevisionError(
            "other sopvault processes here kept taking the next proposal number; try again"
        )

    def next_number(self) -> int:
        """One more than any proposal number here (claimed, in any state) or on any remote
        last fetched."""
        return numbering.next_number(self.repo)

    def renumber(self, prop: Proposal) -> Proposal:
        """Give an open proposal the next free number; see ``numbering.renumber``."""
        ref, tip = numbering.renumber(self.repo, prop, self.signs())
        return read_proposal(self.repo, ref, tip)

    def _moved_from(self, tip: str, doc_id: str) -> str | None:
        """The path main has the document at, when the working copy moved it."""
        gone = diffs.changed_since(self.repo, tip, self.ws.prefix or ".", deleted=True)
        candidates = [p for p in gone if self.ws.is_document(p)]
        blobs = self.repo.blobs([f"{tip}:{p}" for p in candidates])
        for path, data in zip(candidates, blobs, strict=True):
            if front_text(data, "id") == doc_id:
                return path
        return None

    # ---- reading -------------------------------------------------------------------------

    def listing(
        self, state: ProposalState | str = OPEN, listed: Refs | None = None
    ) -> list[Proposal]:
        """Proposals in one state, oldest first (``listed``: that state's refs just read)."""
        listed = refs.listing(self.repo, ProposalState(state)) if listed is None else listed
        found = [read_proposal(self.repo, ref, tip) for ref, tip in listed]
        return sorted(found, key=lambda p: p.number)

    def get(self, label: str, state: ProposalState | str | None = None) -> Proposal:
        """A proposal by number (``7``) or document and number (``SOP-003/7``), in
        ``state`` or any; raises RevisionError when none or several match."""
        doc_id, _, number = label.rpartition("/")
        if not number.isdigit():
            raise RevisionError(f"{label!r} is not a proposal number (see `sopvault reviews`)")
        states = [ProposalState(state)] if state else list(ProposalState)
        matches = [
            (ref, tip)
            for ref, tip in refs.listing(self.repo, *states)
            if ref.number == int(number) and (not doc_id or ref.doc_id == doc_id)
        ]
        if not matches:
            if state == OPEN:
                self._refuse_closed(label)
            which = "open proposal" if state == OPEN else "proposal"
            raise ProposalNotFound(f"no {which} {label} (see `sopvault reviews`)")
        if len(matches) > 1:
            names = ", ".join(ref.key for ref, _ in matches)
            raise RevisionError(f"proposal {label} is ambiguous: name one of {names}")
        ref, tip = matches[0]
        return read_proposal(self.repo, ref, tip)

    def _refuse_closed(self, label: str) -> None:
        """Raise ProposalNotFound saying who closed proposal ``label`` when it is no
        longer open (approved or rejected, here or on another clone): the truth, rather
        than "no open proposal"."""
        try:
            prop = self.get(label)
        except RevisionError:
            return
        if prop.state is ProposalState.REJECTED:
            who = prop.rejected_by.name if prop.rejected_by else "another reviewer"
        else:
            landing = landing_of(self, prop)
            who = landing.committer.name if landing is not None else "another reviewer"
        raise ProposalNotFound(
            f"proposal {label} is no longer open: it was {prop.state.value} by {who}"
            f" (see `sopvault reviews show {label}`)"
        )

    def diff(self, prop: Proposal) -> str:
        """The change a proposal makes, against the main it was made from (unified diff)."""
        return diffs.text_diff(self.repo, prop.base, prop.commit)

    # ---- rejecting -----------------------------------------------------------------------

    def reject(self, label: str, reason: str) -> Proposal:
        """Close an open proposal with a reason, kept under ``rejected/``; raises
        RevisionError without a reason or for no such open proposal."""
        self.ws.vault.must_be_writable("reject")
        if not reason.strip():
            raise RevisionError('give a reason: sopvault reject N -m "why"')
        prop = self.get(label, OPEN)
        text = message(
            f"Reject proposal {prop.number}",
            reason,
            [
                (PROPOSAL, str(prop.number)),
                (PROPOSAL_COMMIT, prop.commit),
                (REJECTED_BY, str(self.repo.identity())),
                (REJECTED_AT, self.stamp()),
            ],
        )
        tree = self.repo.tree_of(prop.tip)
        closing = self.repo.commit_tree(tree, [prop.tip], text, sign=self.signs())
        closed = closed_ref(prop, ProposalState.REJECTED)
        moves = [(closed, closing, ZERO), (prop.ref, None, prop.tip)]
        try:  # closed and open together or not at all
            self.repo.update_refs(moves, f"sopvault reject {prop.number}")
        except GitError as err:
            raise explain(self, prop, None, err) from None
        return self.get(f"{prop.first_id}/{prop.number}", ProposalState.REJECTED)


def _duplicate(doc_id: str, number: int) -> RevisionError:
    """The refusal of a second open proposal of one text (propose and restore)."""
    return RevisionError(
        f"{doc_id} is already proposed as proposal {number} with this text; approve or"
        " reject that one, or edit it further to propose again"
    )


def ref_of(prop: Proposal) -> ProposalRef:
    """The typed ref a proposal is filed under."""
    return ProposalRef(prop.first_id, prop.number, prop.state)


def closed_ref(prop: Proposal, state: ProposalState) -> str:
    """Where the proposal is kept once approved or rejected (a full ref name)."""
    return ref_of(prop).moved_to(state).name


def read_proposal(repo: Repo, ref: ProposalRef, tip: str) -> Proposal:
    """Read a proposal: its own commit, and the votes or rejection above it (on the ref's
    first-parent line down to the proposal's own commit; votes on every line, as joined
    from two clones). Raises RevisionError when the ref holds no sopvault proposal,
    GitError when git fails."""
    above, origin = proposal_line(repo, tip)
    if origin is None:
        raise RevisionError(f"{ref.name} does not hold a sopvault proposal")
    rejected_by: Identity | None = None
    reason = ""
    for commit in above:
        if has_trailer(commit.trailers, REJECTED_BY):
            rejected_by = next(iter(identities_of(commit.trailers, REJECTED_BY)), None)
            reason = body_text(commit.body)
            break
    votes = votes_in(vote_commits(repo, origin.sha, tip))
    return Proposal(
        number=ref.number,
        ref=ref.name,
        state=ref.state,
        first_id=ref.doc_id,
        tip=tip,
        commit=origin.sha,
        base=origin.parents[0] if origin.parents else ZERO,
        author=origin.author,
        date=origin.author_date,
        summary=origin.subject,
        body=body_text(origin.body),
        documents=versions_of(origin.trailers),
        # a vote counts as an approval only when its reviewer recorded it (four eyes:
        # ``judge`` refuses the others; listings must not show them as approvals either)
        approvals=tuple(reviewers([v for v in votes if v.recorded_by.same_as(v.reviewer)])),
        retires=retirements_of(origin.trailers),
        votes=tuple(votes),
        rejected_by=rejected_by,
        reason=reason,
    )
