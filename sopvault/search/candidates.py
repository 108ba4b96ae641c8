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

import re
from collections.abc import Callable, Iterable, Iterator

from whoosh import query as wq

from sopvault.model.document import Document
from sopvault.search import query as squery
from sopvault.search.schema import STEMMED, body_text, steps_text

_WORD = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's RegexTokenizer default, so "2.1" is one word
_FILE_WORD = re.compile(r"[A-Za-z0-9]+")  # the ``file`` field's tokenizer
_STEMMED_FIELDS = frozenset({"title", "steps", "body"})
_KNOWN = (wq.And, wq.Or, wq.DisjunctionMax)


def candidates(documents: Iterable[Document], parsed: squery.ParsedQuery) -> list[Document]:
    """The documents that could match ``parsed`` (its main or its looser fallback query):
    all of them when the query is not one the word test can judge."""
    docs = list(documents)
    queries = [q for q in (parsed.main, parsed.fallback) if q is not None]
    if not all(_judgeable(q) for q in queries):
        return docs
    tests = [_test(leaf) for q in queries for leaf in q.leaves()]
    stems: dict[str, str | None] = {}  # each distinct word stemmed once, for all documents
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
        if node.fieldname not in (*_STEMMED_FIELDS, "raw", "id", "file"):
            return False
    return True


class _Words:
    """One document's words, per field kind, computed on first use."""

    def __init__(self, doc: Document, stems: dict[str, str | None]) -> None:
        self.doc = doc
        self._stems = stems
        self._raw: set[str] | None = None
        self._stemmed: set[str] | None = None

    def raw(self) -> set[str]:
        """The lower-case words of title, steps and body (the ``raw`` field's)."""
        if self._raw is None:
            doc = self.doc
            text = "\n".join((doc.title, steps_text(doc), body_text(doc))).lower()
            self._raw = set(_WORD.findall(text))
        return self._raw

    def stemmed(self) -> set[str]:
        """The same words as the stemmed fields hold them (stop words dropped)."""
        if self._stemmed is None:
            found = set()
            for word in self.raw():
                if word not in self._stems:
                    tokens = [t.text for t in STEMMED(word)]
                    self._stems[word] = tokens[0] if len(tokens) == 1 else None
                stem = self._stems[word]
                if stem is not None:
                    found.add(stem)
            self._stemmed = found
        return self._stemmed

    def of(self, field: str) -> set[str]:
        """The words of ``field``."""
        if field in _STEMMED_FIELDS:
            return self.stemmed()
        if field == "id":
            return {self.doc.id.lower()}
        if field == "file":
            return {w.lower() for w in _FILE_WORD.findall(self.doc.path)}
        return self.raw()


def _test(leaf: wq.Query) -> Callable[[_Words], bool]:
    """Whether a document's words hold ``leaf`` (a phrase: all its words)."""
    field = leaf.fieldname
    if isinstance(leaf, wq.Phrase):
        return lambda words: all(w in words.of(field) for w in leaf.words)
    if isinstance(leaf, wq.Prefix):
        return lambda words: any(w.startswith(leaf.text) for w in words.of(field))
    return lambda words: leaf.text in words.of(field)
