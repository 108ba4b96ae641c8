"""Searching the vault as it was on a date without indexing it all again.

The live index holds today's working copy. For a past date most documents hold the same
text as today; only the others (changed since, or gone) need indexing. So a search as of
a date runs the query twice with the same parser and schema: on the live index with the
files that differ masked out, and on a small index in memory (Whoosh's ``RamStorage``,
never written to disk) of the texts as they were, then merges the hits by score.
BM25 scores from two indexes are close but not identical (each has its own term
statistics), which moves ranks a little, never what matches.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.searching import Searcher

from sopvault.model.document import Document
from sopvault.model.search import SearchResponse
from sopvault.search import query as squery
from sopvault.search.candidates import candidates
from sopvault.search.hits import (
    FEW_HITS,
    DocumentLoader,
    apply_fixes,
    corrections,
    expanded,
    hit,
    matched_words,
    run,
)
from sopvault.search.index import IndexUnavailable, SearchIndex
from sopvault.search.schema import SCHEMA, index_fields, written_text
from sopvault.search.vocabulary import Vocabulary

Found = list[tuple[dict[str, Any], float]]


def search_overlay(
    index: SearchIndex,
    then: Iterable[Document],
    hidden: Collection[str],
    text: str,
    *,
    kind: str | None = None,
    status: str | None = None,
    limit: int = 20,
    load: DocumentLoader | None = None,
    notices: tuple[str, ...] = (),
) -> SearchResponse:
    """Search the live ``index`` without the paths in ``hidden`` (files whose text then
    differs from today's, or that did not exist then) together with ``then`` (the
    documents as they were, where they differ), as one search: same query language,
    "did you mean" and snippets (``load`` gives a hit's document by path).

    Raises QueryError for a malformed query, IndexUnavailable when the live index cannot
    be read (the caller rebuilds it and asks again)."""
    parsed = squery.parse(text, kind=kind, status=status)
    docs = list(then)
    with _memory(docs, parsed).searcher() as past, _live(index) as live:
        words = _vocabulary(index, docs)
        found = _merged((live, past), expanded(parsed, words), hidden, limit)
        terms = _words((live, past), expanded(parsed, words))
        did_you_mean: str | None = None
        corrected = False
        fixes = corrections(live, index.vocabulary(), parsed.words) if len(found) < FEW_HITS else {}
        if fixes:  # today's words suggest the fix, as a search of today would
            did_you_mean = apply_fixes(text, fixes)
            retry = squery.parse(did_you_mean, kind=kind, status=status)
            seen = {fields["path"] for fields, _ in found}
            with _memory(docs, retry).searcher() as again:
                both = (live, again)
                retry = expanded(retry, words)
                more = [h for h in _merged(both, retry, hidden, limit) if h[0]["path"] not in seen]
                if more:
                    found += more[: limit - len(found)]
                    terms |= _words(both, retry)
                    corrected = True
    hits = tuple(hit(fields, score, terms, load) for fields, score in found[:limit])
    return SearchResponse(
        query=text, hits=hits, did_you_mean=did_you_mean, corrected=corrected, notices=notices
    )


def _vocabulary(index: SearchIndex, docs: list[Document]) -> Callable[[], Vocabulary]:
    """The written words of today's index and of the texts as they were, made when a
    query first needs them (a prefix, wildcard or fuzzy term)."""
    made: list[Vocabulary] = []

    def words() -> Vocabulary:
        if not made:
            merged = Vocabulary(index.vocabulary().stems)
            for doc in docs:
                merged.add_text(written_text(doc))
            made.append(merged)
        return made[0]

    return words


def _memory(docs: list[Document], parsed: squery.ParsedQuery) -> Index:
    """An index in memory (never on disk) of those of ``docs`` that could match."""
    memory = RamStorage().create_index(SCHEMA)
    writer = memory.writer()
    for doc in candidates(docs, parsed):  # only texts holding a word asked for
        writer.add_document(**index_fields(doc))
    writer.commit()
    return memory


@contextmanager
def _live(index: SearchIndex) -> Iterator[Searcher]:
    """The live index's kept searcher, held under its lock (as ``SearchIndex.search``
    holds it); any damage found while searching reads as IndexUnavailable."""
    with index._lock:
        try:
            yield index._current_searcher()
        except squery.QueryError:
            raise
        except IndexUnavailable:
            raise
        except Exception as err:  # noqa: BLE001 - a damaged index reads as unavailable
            index.close()
            raise IndexUnavailable(
                f"the search index is unreadable ({type(err).__name__})"
            ) from None


def _merged(
    searchers: tuple[Searcher, Searcher],
    parsed: squery.ParsedQuery,
    hidden: Collection[str],
    limit: int,
) -> Found:
    """The best ``limit`` hits of the live searcher (``hidden`` paths masked) and of the
    one in memory, by score."""
    live, past = searchers
    masks = [wq.Term("path", path) for path in hidden]
    if parsed.mask is not None:
        masks.append(parsed.mask)
    masked = replace(parsed, mask=wq.Or(masks) if masks else None)
    found = run(live, masked, limit) + run(past, parsed, limit)
    found.sort(key=lambda hit: -hit[1])
    return found[:limit]


def _words(searchers: tuple[Searcher, Searcher], parsed: squery.ParsedQuery) -> set[str]:
    """Every word a hit may contain, from both indexes' vocabularies."""
    return matched_words(searchers[0], parsed) | matched_words(searchers[1], parsed)
