"""Which documents of a past date could match a query, before any of them is indexed.

Indexing a document costs milliseconds; a search as of a date far back would index
thousands of texts that changed since, most of which hold none of the words asked for.
A query without negation matches a document only if at least one of its terms is in it,
so each text is cut into words once (the schema's own tokenizer and stemmer, each
distinct word stemmed once) and only documents holding a term of the query are indexed.
Anything the test cannot judge exactly (``NOT``, fuzzy or wildcard terms, a field other
than the text fields, a query of filters only) keeps every document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from whoosh import query as wq

from sopvault.model.document import Document
from sopvault.search import query as squery
from sopvault.search.analysis import stem_of
from sopvault.search.normalize import fold, words
from sopvault.search.schema import TEXT, written_text

_STEMMED_FIELDS = frozenset({"title", TEXT})
_KNOWN = (wq.And, wq.Or, wq.DisjunctionMax)


def candidates(documents: Iterable[Document], parsed: squery.ParsedQuery) -> list[Document]:
    """The documents that could match ``parsed`` (its main or its looser fallback query):
    all of them when the query is not one the word test can judge."""
    docs = list(documents)
    queries = [q for q in (parsed.main, parsed.fallback) if q is not None]
    if not all(_judgeable(q) for q in queries):
        return docs
    tests = [_test(leaf) for q in queries for leaf in q.leaves()]
    stems: dict[tuple[str, bool], str | None] = {}  # each distinct word stemmed once
    kept = []
    for doc in docs:
        words = _Words(doc, stems)  # cut into words once, whatever the number of terms
        if any(test(words) for test in tests):
            kept.append(doc)
    return kept


def _nodes(q: wq.Query) -> Iterator[wq.Query]:
    yield q
    for child in q.children():
        yield from _nodes(child)


def _judgeable(q: wq.Query) -> bool:
    """Whether every node is an And/Or of exact terms, phrases or prefixes on text fields."""
    for node in _nodes(q):
        if isinstance(node, _KNOWN):
            continue
        if type(node) not in (wq.Term, wq.Phrase, wq.Prefix):
            return False
        if node.fieldname not in (*_STEMMED_FIELDS, "id", "file"):
            return False
    return True


class _Words:
    """One document's words, per field kind, computed on first use."""

    def __init__(self, doc: Document, stems: dict[tuple[str, bool], str | None]) -> None:
        self.doc = doc
        self._stems = stems
        self._written: set[tuple[str, bool]] | None = None
        self._raw: set[str] | None = None
        self._stemmed: set[str] | None = None

    def written(self) -> set[tuple[str, bool]]:
        """The folded words of title, steps and body (CJK bigrams), each with whether it
        was written with other than ASCII (``analysis.kept``: ``thé`` is no stop word)."""
        if self._written is None:
            text = written_text(self.doc)
            plain = text.isascii()
            self._written = {
                (word, not plain and not text[start:end].isascii())
                for start, end, word in words(text)
            }
        return self._written

    def raw(self) -> set[str]:
        """The written words (what prefix terms are matched against)."""
        if self._raw is None:
            self._raw = {word for word, _ in self.written()}
        return self._raw

    def stemmed(self) -> set[str]:
        """The same words as the stemmed fields hold them (stop words dropped)."""
        if self._stemmed is None:
            found = set()
            for pair in self.written():
                if pair not in self._stems:
                    self._stems[pair] = stem_of(*pair)
                stem = self._stems[pair]
                if stem is not None:
                    found.add(stem)
            self._stemmed = found
        return self._stemmed

    def of(self, field: str) -> set[str]:
        """The terms of ``field`` (title and the combined field: the stems of title,
        steps and body, a superset of either)."""
        if field in _STEMMED_FIELDS:
            return self.stemmed()
        if field == "id":
            return {fold(self.doc.id)}
        return {word for _, _, word in words(self.doc.path, names=True)}


def _test(leaf: wq.Query) -> Callable[[_Words], bool]:
    """Whether a document's words hold ``leaf`` (a phrase: all its words)."""
    field = leaf.fieldname
    if isinstance(leaf, wq.Phrase):
        return lambda words: all(w in words.of(field) for w in leaf.words)
    if isinstance(leaf, wq.Prefix):  # matched against the written words (the vocabulary)
        if field in _STEMMED_FIELDS:
            return lambda words: any(w.startswith(leaf.text) for w in words.raw())
        return lambda words: any(w.startswith(leaf.text) for w in words.of(field))
    return lambda words: leaf.text in words.of(field)
