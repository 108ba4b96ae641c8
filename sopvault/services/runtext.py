"""The text a run follows: chosen at its start (main's, pinned by commit and blob id),
read back for as long as the run lives, and compared with main's text when it resumes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sopvault.core.parse import parse_text
from sopvault.errors import RunError
from sopvault.model.control import TextAt
from sopvault.model.document import Document
from sopvault.model.instruction import Pin
from sopvault.model.run import Run
from sopvault.services.review.common import RevisionError
from sopvault.services.review.history import History
from sopvault.services.workspace import Workspace


@dataclass(frozen=True)
class Resumed:
    """A run taken up again with the document it follows; ``old``/``new`` are
    (label, text) pairs when main moved on since it started."""

    run: Run
    document: Document
    # Set when main holds a newer text than the one the run follows: its version (or
    # commit), and both texts with labels, for a diff.
    changed_since: str | None = None
    old: tuple[str, str] = ("", "")
    new: tuple[str, str] = ("", "")


class FollowedTexts:
    """The texts runs of one workspace follow, parsed once per blob id."""

    def __init__(self, ws: Workspace, history: History | None) -> None:
        self.ws = ws
        self.repo = ws.repo
        self.history = history
        self.known: dict[str, Document] = {}  # parsed pinned texts, by blob id

    def to_follow(self, doc_id: str, warnings: list[str]) -> tuple[str, str, str, str]:
        """The document's text on main with its commit and blob id; the working copy (not
        pinned to a commit) when there is no git or main does not hold it yet."""
        working = self.ws.vault.get(doc_id)
        working_bytes = (self.ws.vault.root / working.path).read_bytes()
        on_main = self.main_text(doc_id)
        if self.history is None or on_main is None:
            where = (
                "the vault is not in git" if self.history is None else f"{doc_id} is not on main"
            )
            warnings.append(f"{where}: the run follows the working copy, pinned to no commit")
            blob = _blob_id(working_bytes)
            return working_bytes.decode("utf-8", "replace"), working.path, "", blob
        main = self.ws.main
        tip, blob = self.on_main(on_main.path)
        here = self.ws.repo_path(working.path)  # compared as git compares (filters applied)
        if self.ws.git().worktree_ids([here]).get(here) != blob:
            warnings.append(
                f"your working copy of {doc_id} differs from {main}: the run follows {main}'s text"
            )
        revisions = self.history.revisions(doc_id)
        newest = self.history.revision_text(revisions[0]) if revisions else None
        if newest is None or newest.text != on_main.text:
            warnings.append(
                f"{doc_id}'s text on {main} carries no sign-off (see `sopvault verify`)"
            )
        return on_main.text, on_main.path, tip, blob

    def main_text(self, doc_id: str) -> TextAt | None:
        """The document's text on main; None without git or when main lacks it."""
        if self.history is None:
            return None
        try:
            return self.history.main_text(doc_id)
        except RevisionError:
            return None

    def on_main(self, path: str) -> tuple[str, str]:
        """Main's commit and the blob id it holds at vault path ``path`` ("" when absent)."""
        assert self.repo is not None
        tip = self.repo.rev(self.ws.main_ref) or ""
        repo_path = self.ws.repo_path(path)
        return tip, self.repo.blob_ids(tip, [repo_path]).get(repo_path, "")

    def document(self, run: Run) -> Document:
        """The exact text the run follows, parsed: from git by blob id when pinned."""
        return self.pinned(run.blob, run.commit, run.path, f"run {run.id}", run.doc_id)

    def instruction(self, run: Run, pin: Pin) -> Document:
        """The exact text of the work instruction ``pin`` names, open inside a step of
        ``run`` (issue 15), parsed: read by blob id exactly as the run's own text."""
        return self.pinned(pin.blob, pin.commit, pin.path, f"run {run.id}", pin.doc_id)

    def pinned(self, blob: str, commit: str, path: str, reader: str, doc_id: str) -> Document:
        """The text with blob id ``blob`` (at vault path ``path``), parsed: from git when
        it was pinned to a ``commit``, else the working copy when it still holds exactly
        that text. RunError (naming ``reader`` and ``doc_id``) when it is gone or does
        not parse."""
        if blob in self.known:
            return self.known[blob]
        data: bytes | None = None
        if self.repo is not None and commit:
            data = self.repo.blobs([blob])[0]
        if data is None:
            where = self.ws.vault.root / path
            current = where.read_bytes() if where.is_file() else b""
            if _blob_id(current) != blob:
                raise RunError(
                    f"{reader} follows a text of {doc_id} that is no longer"
                    " available (it was not committed)"
                )
            data = current
        result = parse_text(path, data.decode("utf-8", "replace"))
        if result.document is None:
            raise RunError(f"the text of {doc_id} {reader} follows cannot be read any more")
        self.known[blob] = result.document
        return result.document

    def resume(self, run: Run) -> Resumed:
        """The run and its pinned document, and whether main has moved on since."""
        doc = self.document(run)
        now = self.main_text(run.doc_id) if run.commit else None
        if now is None or self.repo is None:
            return Resumed(run, doc)
        tip, blob = self.on_main(now.path)
        if blob == run.blob:
            return Resumed(run, doc)
        old = self.repo.blobs([run.blob])[0] or b""
        new_version = parse_text(now.path, now.text).document
        label = new_version.version if new_version and new_version.version else tip[:8]
        followed = f"{run.doc_id} {run.version or ''} (followed by this run)"
        return Resumed(
            run, doc, label, (followed, old.decode("utf-8", "replace")), (now.label, now.text)
        )


def _blob_id(data: bytes) -> str:
    """git's blob id of ``data``, so an unpinned run still names the exact text."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
