"""Search as of a date: the words in the texts as they were approved then.

The live index (today's working copy) answers for every file whose text then is the text
now, compared by git blob id (``git hash-object`` through the file's filters, as ``git
status`` compares); only the other documents, as they were, are parsed and indexed in
memory (``search.overlay``), and files that did not exist then are left out. Nothing is
written but the live index's usual update.
"""

from __future__ import annotations

from sopvault.core.parse import parse_bytes
from sopvault.errors import ReadOnly
from sopvault.model.document import Document
from sopvault.model.search import SearchResponse
from sopvault.services.asof import AsOf
from sopvault.services.indexing import Progress
from sopvault.store.fs import scan_documents


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
    report = vault.refresh_index(progress=progress)
    then = asof.blobs
    stamps, _ = scan_documents(vault.root)
    today = [stamp.rel for stamp in stamps]
    now_ids = asof.repo.worktree_ids([asof.ws.repo_path(rel) for rel in today])
    same = {rel for rel, sha in then.items() if now_ids.get(asof.ws.repo_path(rel)) == sha}
    changed = sorted(rel for rel in then if rel not in same)
    contents = asof.repo.read_blobs([then[rel] for rel in changed])
    past: dict[str, Document] = {}
    for rel in changed:
        data = contents.get(then[rel])
        doc = parse_bytes(rel, data).document if data is not None else None
        if doc is not None:
            past[rel] = doc

    def load(rel: str) -> Document | None:
        return past[rel] if rel in past else vault.document_in_file(rel) if rel in same else None

    index = SearchIndex(vault.index_dir)
    hidden = set(today) - same
    notices = tuple(report.notices)
    try:
        return search_overlay(
            index,
            past.values(),
            hidden,
            text,
            kind=kind,
            status=status,
            limit=limit,
            load=load,
            notices=notices,
        )
    except IndexUnavailable:
        rebuilt = vault.refresh_index(rebuild=True, progress=progress)
        if rebuilt.failed:
            raise ReadOnly(f"cannot write the search index: {rebuilt.failed}") from None
        return search_overlay(
            index,
            past.values(),
            hidden,
            text,
            kind=kind,
            status=status,
            limit=limit,
            load=load,
            notices=("the search index was unreadable; rebuilt it",),
        )
    finally:
        index.close()
