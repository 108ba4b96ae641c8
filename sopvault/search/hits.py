"""From a parsed query to hits: running it on a searcher, the words to mark in snippets,
"did you mean" corrections, and each hit with its snippet. Shared by the live index
(``search.index``) and a search of a past date (``search.overlay``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from whoosh.searching import Searcher

from sopvault.model.document import Document
from sopvault.model.search import SearchHit
from sopvault.search import query as squery
from sopvault.search.schema import SCHEMA, TEXT
from sopvault.search.snippets import best_passage
from sopvault.search.vocabulary import Vocabulary

# Below this many hits, words the index has never seen are checked for typos.
FEW_HITS = 3
_STOP_WORDS = frozenset(
    "a an and are as at be by can do does for from have how i if in is it of on or so that the"
    " this to was we what when where which who why will with you your".split()
)

# Fields whose words (stems) appear in the text a snippet is cut from.
_TEXT_OF_HITS = frozenset({"title", TEXT})
DocumentLoader = Callable[[str], Document | None]
Found = list[tuple[dict[str, Any], float]]


def run(
    searcher: Searcher, parsed: squery.ParsedQuery, limit: int
) -> list[tuple[dict[str, Any], float]]:
    """Hits holding all the words first; then, for a question, those holding some."""
    results = searcher.search(parsed.main, filter=parsed.filter, mask=parsed.mask, limit=limit)
    found = [(hit.fields(), float(hit.score or 0.0)) for hit in results]
    if parsed.fallback is None or len(found) >= limit:
        return found
    seen = {fields["path"] for fields, _ in found}
    more = searcher.search(
        parsed.fallback, filter=parsed.filter, mask=parsed.mask, limit=limit + len(found)
    )
    found += [(h.fields(), float(h.score or 0.0)) for h in more if h["path"] not in seen]
    return found[:limit]


def expanded(
    parsed: squery.ParsedQuery, vocabulary: Callable[[], Vocabulary]
) -> squery.ParsedQuery:
    """``parsed`` with its prefix, wildcard and fuzzy terms matched against the written
    words (``query.expand``; the vocabulary is read only when a query has such a term)."""
    main = squery.expand(parsed.main, vocabulary)
    fallback = None if parsed.fallback is None else squery.expand(parsed.fallback, vocabulary)
    return replace(parsed, main=main, fallback=fallback)


def matched_words(searcher: Searcher, parsed: squery.ParsedQuery) -> set[str]:
    """Every word a hit may contain, stemmed as the highlighter compares them: the query's
    terms on the combined field, with prefixes and fuzzy terms expanded.

    (Whoosh's own ``Query.existing_terms`` reuses its ``fieldname`` argument as a loop
    variable and skips most leaves, so the walk is done here.)
    """
    reader = searcher.reader()
    words: set[str] = set()
    for leaf in parsed.main.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname not in _TEXT_OF_HITS:
                continue
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            if (fieldname, SCHEMA[fieldname].to_bytes(word)) in reader:
                words.add(word)  # a stem: what the highlighter compares
    return words


def corrections(searcher: Searcher, vocabulary: Vocabulary, words: list[str]) -> dict[str, str]:
    """For words the index has never seen, the closest written word it has (edit distance
    1-2, the first letter kept; of those at the least distance, the one whose stem is in
    the most documents)."""
    reader = searcher.reader()
    fixes: dict[str, str] = {}
    for word in words:
        lower = word.lower()
        if len(lower) < 4 or lower in _STOP_WORDS or lower in vocabulary:
            continue
        for distance in range(1, (2 if len(lower) >= 6 else 1) + 1):
            near = [w for w in vocabulary.within(lower, distance, 1) if w != lower]
            if near:
                fixes[word] = max(
                    sorted(near),
                    key=lambda w: _frequency(reader, vocabulary.stems[w]),
                )
                break
    return fixes


def _frequency(reader: Any, stem: str) -> int:
    """In how many documents' texts or titles a stem is (counting a document twice when
    it is in both): how likely a correction is what was meant."""
    return int(reader.doc_frequency(TEXT, stem) + reader.doc_frequency("title", stem))


def apply_fixes(text: str, fixes: dict[str, str]) -> str:
    """``text`` with each wrong word replaced by its correction (whole words only,
    never inside a field name, a prefix or a fuzzy term)."""
    for wrong, right in fixes.items():
        text = re.sub(rf"(?<![\w:]){re.escape(wrong)}(?![\w*~:])", right, text)
    return text


def hit(
    fields: dict[str, Any], score: float, stems: set[str], load: DocumentLoader | None
) -> SearchHit:
    """A search hit from its stored fields and score, its snippet cut from the document
    as ``load`` reads it now (none when it cannot be read)."""
    doc = load(fields["path"]) if load is not None else None
    label, segments = best_passage(doc, stems) if doc is not None else ("", ())
    status = fields.get("status")
    return SearchHit(
        id=fields["id"],
        title=fields["title"],
        kind=fields["kind"],
        status=None if status in (None, "none") else status,
        path=fields["path"],
        score=score,
        snippet=segments,
        snippet_field=label,
    )
