"""Every document's approved revisions on main's line, read in one ``git log`` for the
HTML export (issue 16): a site of 10,000 documents cannot ask git once per document.

The rule is ``History.revisions``'s (a revision counts by ``core.trailers.
counts_as_approval``, the rule ``verify`` judges: 21 CFR Part 11 §11.10(e), §11.70), applied
to each commit of main's first-parent line once, with each revision's landed blob (its
``SOP-Blob`` trailer) kept so a page can tell whether the text on main is still the text
that was signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.core.trailers import blobs_of, counts_as_approval, versions_of
from sopvault.model.control import Revision
from sopvault.services.asof import AsOf
from sopvault.services.review.history import History


@dataclass(frozen=True)
class Signed:
    """A revision and the blob id its landing put on main for the document's file (""
    when its commit carries no ``SOP-Blob`` trailer: older sign-offs, hand-made ones)."""

    revision: Revision
    landed: str


class AllRevisions(History):
    """The revisions of every document at once (a History that reads main's line once)."""

    def by_document(self, tip: str) -> dict[str, list[Signed]]:
        """{document id: its approved revisions up to commit ``tip`` of main, newest
        first}. One ``git log --first-parent`` with changed names; commits without an
        ``SOP-Id`` trailer (runs, acknowledgements, plain edits) are skipped."""
        line = self.repo.log(tip, first_parent=True, names=True)
        commits = [c for c in line if any(k.lower() == "sop-id" for k, _ in c.trailers)]
        if not commits:
            return {}
        first = self.repo.first_voted_landing(tip)
        # main's own line, newest first: the commits at or above ``first`` descend from it
        # (git merge-base --is-ancestor, without one process per commit)
        shas = [c.sha for c in line]
        since_first = set(shas[: shas.index(first) + 1]) if first in shas else set()
        cut = set(self.repo.shallow_cuts())
        found: dict[str, list[Signed]] = {}
        for commit in commits:
            parents = None if commit.sha in cut else len(commit.parents)
            kept = parents == 1 and commit.sha in since_first
            if not counts_as_approval(commit.trailers, parents, kept):
                continue
            landed = blobs_of(commit.trailers)
            versions = versions_of(commit.trailers)
            paths = self._paths_in(commit, set(versions))  # each changed file read once
            for doc_id, version in versions.items():
                revision = self._revision(commit, doc_id, version, paths.get(doc_id))
                blob = landed.get(revision.path, ("", ""))[1] if revision.path else ""
                found.setdefault(doc_id, []).append(Signed(revision, blob))
        return found


def approved_texts(source: AsOf, newest: dict[str, tuple[str, Signed]]) -> set[str]:
    """The ids in ``newest`` ({id: (its file's vault path in ``source``, its newest
    revision)}) whose text in ``source`` is the text that revision's landing put on main:
    the blob at the revision's path in the landing commit is main's blob now (the rule
    ``show --approved`` and ``services.inforce`` apply: the blob at the landing commit),
    and an ``SOP-Blob`` trailer, when the commit carries one, names that same blob. The
    landed blob ids are asked of git in one ``cat-file --batch-check``."""
    names = [
        f"{one.revision.commit}:{source.ws.repo_path(one.revision.path or path)}"
        for path, one in newest.values()
    ]
    landed_ids = source.repo.object_ids(names)
    found: set[str] = set()
    for (doc_id, (path, one)), landed in zip(newest.items(), landed_ids, strict=True):
        now = source.blobs.get(path, "")
        if landed is None or landed != now:
            continue
        if one.landed and one.landed != now:
            continue  # a trailer naming other text than the commit holds: not trusted
        found.add(doc_id)
    return found
