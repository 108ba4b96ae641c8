"""Search as of a date: the words in the texts as they were approved then.

The live index (today's working copy) answers for every file whose text then is the text
now: its bytes hash to the blob id of then (``Repo.worktree_holds``; never through git's
filters, which give a smudged file the committed id back, nor git's index, which an
assume-unchanged or skip-worktree flag silences); only the other documents, as they
were, are parsed and indexed in memory (``search.overlay``), and files that did not
exist then are left out. Nothing is written but the live index's usual update.
"""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.core.parse import parse_bytes
from sopvault.errors import ReadOnly
from sopvault.model.document import Document
from sopvault.model.search import SearchResponse
from sopvault.services.asof import AsOf
from sopvault.services.indexing import Progress
from sopvault.store.fs import scan_documents


@dataclass
class Difference:
    """Today's files against the date's: ``past`` the documents whose text then differs
    from today's (or that are gone), parsed from then, by vault path; ``same`` the paths
    whose text is unchanged; ``hidden`` today's paths whose indexed text is not the text
    of then (changed, or added since)."""

    past: dict[str, Document]
    same: set[str]
    hidden: set[str]


def difference(asof: AsOf) -> Difference:
    """Compare today's document files with the date's by blob id (today's bytes hashed as
    git names blobs, the tree for then's) and parse the texts of then that differ, read in
    one ``cat-file --batch``."""
    then = asof.blobs
    today = [stamp.rel for stamp in scan_documents(asof.ws.root)[0]]
    # Today's index answers for a path only when today's scan indexes it (a file under a
    # symbolic link to a folder is readable through it, but never indexed) and its bytes
    # are the blob of then (hashed raw, never through git's filters, whose clean side
    # gives a smudged file the committed id back).
    indexed = set(today)
    paths = {rel: asof.ws.repo_path(rel) for rel in then if rel in indexed}
    holding = asof.repo.worktree_holds({path: then[rel] for rel, path in paths.items()})
    same = {rel for rel, path in paths.items() if path in holding}
    changed = sorted(rel for rel in then if rel not in same)
    contents = asof.repo.read_blobs([then[rel] for rel in changed])
    past: dict[str, Document] = {}
    for rel in changed:
        data = contents.get(then[rel])
        doc = parse_bytes(rel, data).document if data is not None else None
        if doc is not None:
            past[rel] = doc
    return Difference(past, same, indexed - same)


def search_as_of(
    asof: AsOf,
    text: str,
    *,
    kind: str | None = None,
    status: str | None = None,
    limit: int = 20,
    progress: Progress | None = None,
) -> SearchResponse:
    """Search the texts in force at ``asof``'s moment, as ``Vault.search`` searches today's
    (same query language, ranking, snippets; ``progress`` as there). Raises QueryError for
    a malformed query before any work, ReadOnly when no index exists and none can be
    written."""
    from sopvault.search import IndexUnavailable, SearchIndex, query
    from sopvault.search.overlay import search_overlay

    query.tokenize(text)
    vault = asof.ws.vault
    notices = tuple(vault.refresh_index(progress=progress).notices)
    diff = difference(asof)

    def load(rel: str) -> Document | None:
        if rel in diff.past:
            return diff.past[rel]
        return vault.document_in_file(rel) if rel in diff.same else None

    index = SearchIndex(vault.index_dir)

    def ask() -> SearchResponse:
        return search_overlay(
            index,
            diff.past.values(),
            diff.hidden,
            text,
            kind=kind,
            status=status,
            limit=limit,
            load=load,
        )

    try:
        try:
            found = ask()
        except IndexUnavailable:
            rebuilt = vault.refresh_index(rebuild=True, progress=progress)
            if rebuilt.failed:
                raise ReadOnly(f"cannot write the search index: {rebuilt.failed}") from None
            notices = ("the search index was unreadable; rebuilt it",)
            found = ask()
    finally:
        index.close()
    return SearchResponse(
        found.query, found.hits, found.did_you_mean, found.corrected, notices=notices
    )
