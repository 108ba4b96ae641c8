"""The structured diff of a proposal: each controlled file it changes, compared as two
revisions of a document (``core.redline``), with git's own diff of that file kept for
``--raw`` and for a side that is missing or unreadable (ISO 9001 §7.5.3.2 c)."""

from __future__ import annotations

from sopvault.core.redline import compare
from sopvault.model.control import Proposal, TextAt
from sopvault.model.redline import DocumentDiff
from sopvault.services.review.common import Scope
from sopvault.store.git import diffs


class Redlines(Scope):
    """Reading what a proposal changes, file by file; changes nothing."""

    def proposal(self, prop: Proposal) -> list[DocumentDiff]:
        """One DocumentDiff per controlled file the proposal changes (documents and the
        vault's rules), in path order, from the main it was made from to its commit. A
        new or deleted document, or one that does not parse on a side, falls back to
        git's diff of that file and says why. Raises GitError when git cannot answer."""
        changed = diffs.changed_between(self.repo, prop.base, prop.commit)
        paths = sorted(p for p in changed if self.ws.is_controlled(p))
        before = self.repo.blobs([f"{prop.base}:{p}" for p in paths])
        after = self.repo.blobs([f"{prop.commit}:{p}" for p in paths])
        found = []
        for path, old, new in zip(paths, before, after, strict=True):
            rel = self.ws.vault_path(path) or path
            main = f"{self.ws.main} ({prop.base[:8]})"
            mine = f"proposal {prop.number} ({prop.commit[:8]})"
            raw = diffs.text_diff(self.repo, prop.base, prop.commit, [path])
            found.append(compare(_text(main, old, rel), _text(mine, new, rel), raw))
        return found


def _text(label: str, data: bytes | None, path: str) -> TextAt | None:
    return None if data is None else TextAt(label, data.decode("utf-8", "replace"), path)
