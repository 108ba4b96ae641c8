"""The query language: checked first for clear errors, then parsed by Whoosh's own parser.

Words, "phrases", AND / OR / NOT and parentheses, prefixes (``reord*``), fuzzy terms
(``recieve~``, ``recieve~1``), and fields (``kind:procedure role:"warehouse lead"``).
A query without operators is read as a question: documents holding all its words rank
first, then those holding most of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    MultifieldPlugin,
    OrGroup,
    QueryParser,
)
from whoosh.qparser import syntax as wsyntax

from sopvault.errors import Invalid
from sopvault.search.cjk import has_cjk
from sopvault.search.combined import Within
from sopvault.search.normalize import fold
from sopvault.search.schema import (
    FIELD_ALIASES,
    FILTER_FIELDS,
    PARSE_SCHEMA,
    TEXT,
    TEXT_FIELDS,
    UNSTEMMED,
)
from sopvault.search.vocabulary import Vocabulary

# The parts of the combined field a query may name: searched as ``text`` within the part.
PARTS = frozenset({"steps", "body"})
# Stemmed fields: prefix, wildcard and fuzzy terms on them are matched against the written
# words (the vocabulary) instead.
STEMMED_FIELDS = frozenset({"title", TEXT})
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_FIELD_NAMES = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases} | {
    name: name for name in FIELD_ALIASES
}
_TOKEN = re.compile(r'\s*(\(|\)|[^\s()"]*"[^"]*"[^\s()]*|[^\s()]+)')
_FIELD_PREFIX = re.compile(r"^[-+]?([A-Za-z_]+):(?=\S)")
_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]*$")


class QueryError(Invalid):
    """A query that cannot be understood; the message says what to change."""


@dataclass
class ParsedQuery:
    """What the searcher runs: ranking query, required filter, excluded mask, plain words.

    ``fallback`` (questions only) ranks the documents holding some of the words; it runs
    only when ``main`` (all the words) finds fewer hits than asked for.
    """

    main: wq.Query
    fallback: wq.Query | None = None
    filter: wq.Query | None = None
    mask: wq.Query | None = None
    words: list[str] = field(default_factory=list)
    free_text: str = ""


def tokenize(text: str) -> list[str]:
    """Split on spaces, keeping quoted phrases (with any ``field:`` prefix) whole."""
    if text.count('"') % 2:
        raise QueryError('unbalanced quote: close the phrase with another "')
    tokens = [m.group(1) for m in _TOKEN.finditer(text) if m.group(1)]
    depth = 0
    for token in tokens:
        depth += token == "("
        depth -= token == ")"
        if depth < 0:
            raise QueryError("unbalanced parentheses: a ')' has no '('")
    if depth:
        raise QueryError("unbalanced parentheses: a '(' is not closed")
    for token in tokens:
        match = _FIELD_PREFIX.match(token)
        if match and match.group(1).lower() not in _FIELD_NAMES:
            known = ", ".join(sorted(_FIELD_NAMES))
            raise QueryError(
                f"unknown field '{match.group(1)}:' (known: {known});"
                ' put text holding a colon in "quotes"'
            )
    return tokens


def parse(text: str, *, kind: str | None = None, status: str | None = None) -> ParsedQuery:
    """Turn the user's text into Whoosh queries, or raise QueryError saying what is wrong."""
    tokens = tokenize(text)
    filters: list[str] = []
    masks: list[str] = []
    free: list[str] = []
    nested = "(" in tokens
    for token in tokens:
        match = _FIELD_PREFIX.match(token)
        name = _FIELD_NAMES.get(match.group(1).lower()) if match else None
        if name in FILTER_FIELDS and not nested:
            body = token[match.end() - len(match.group(1)) - 1 :] if match else token
            body = f"{name}:{body.split(':', 1)[1]}"
            (masks if token.startswith("-") else filters).append(body)
        else:
            free.append(token)
    if kind:
        filters.append(f"kind:{kind}")
    if status:
        filters.append(f"status:{status}")
    free_text = " ".join(free)
    if not free_text.strip() and not filters:
        raise QueryError("type some words to search for, or a field such as kind:procedure")
    boolean = nested or any(t in OPERATORS or t[:1] in "+-" for t in free)
    main, fallback = _ranking_query(free_text, boolean)
    words = [t for t in free if _WORD.match(t) and t not in OPERATORS]
    return ParsedQuery(
        main=main,
        fallback=fallback,
        filter=_combine(filters),
        mask=_combine(masks, any_of=True),
        words=words,
        free_text=free_text,
    )


def _ranking_query(free_text: str, boolean: bool) -> tuple[wq.Query, wq.Query | None]:
    """The query, and for a question the looser one that ranks partial matches.

    Two searches rather than one ``Or`` with a bonus for holding every word: the
    intersection is cheap (Whoosh skips through the postings), while scoring the union
    touches nearly every document for common words (250 ms on 10k documents for
    "inspect damaged carton"), so the union runs only when the intersection is short."""
    if not free_text.strip():
        return wq.Every(), None
    every_word = _retarget(_parser(False).parse(free_text))
    if boolean:
        return every_word, None
    any_word = _retarget(_parser(True).parse(free_text))
    return every_word, (None if any_word == every_word else any_word)


def _combine(clauses: list[str], any_of: bool = False) -> wq.Query | None:
    if not clauses:
        return None
    parser = _filter_parser()
    parts = [parser.parse(clause) for clause in clauses]
    return wq.Or(parts) if any_of else wq.And(parts)


class _RawFuzzyPlugin(FuzzyTermPlugin):  # type: ignore[misc]
    """``word~`` matches the words as written (the vocabulary, ``expand``), by up to 2 edits
    for words of five letters or more (Whoosh counts a transposition as two), with the
    first letter fixed for speed."""

    class FuzzyTermNode(wsyntax.TextNode):  # type: ignore[misc]  # replaces the plugin's node
        def __init__(self, wordnode: wsyntax.WordNode, maxdist: int, prefixlength: int) -> None:
            self.fieldname = wordnode.fieldname
            self.text = wordnode.text
            self.boost = wordnode.boost
            self.startchar = wordnode.startchar
            self.endchar = wordnode.endchar
            self.maxdist = maxdist if maxdist >= 0 else (2 if len(self.text) >= 5 else 1)
            self.prefixlength = prefixlength

        def query(self, parser: QueryParser) -> wq.Query:
            return wq.FuzzyTerm(
                TEXT,  # matched against every written word (``expand``), as "raw" was
                fold(self.text),
                boost=self.boost,
                maxdist=self.maxdist,
                prefixlength=self.prefixlength,
            )

    def create(self, parser: QueryParser, match: re.Match[str]) -> wsyntax.SyntaxNode:
        given, prefix = match.group("maxdist"), match.group("prefix")
        return self.FuzzinessNode(
            int(given) if given else -1, int(prefix) if prefix else 1, match.group(0)
        )


def _retarget(q: wq.Query) -> wq.Query:
    """Run what names a part of the combined field on ``text`` within that part.

    CJK runs are indexed as bigrams, so a CJK prefix is no word's start: longer text is
    asked for as it would be without the ``*`` (a bigram, or a phrase of bigrams in its own
    field), and one CJK character, with or without ``*``, finds the bigrams it begins as
    well as the character standing alone. Prefix, wildcard and fuzzy terms are matched
    against the words as written when the query runs (``expand``)."""

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix) and has_cjk(node.text) and len(node.text) > 1:
            node = _as_words(node)
        elif type(node) is wq.Term and len(node.text) == 1 and has_cjk(node.text):
            node = wq.Prefix(node.fieldname, node.text, boost=node.boost)
        if node.is_leaf() and node.field() in PARTS:
            part = node.field()
            node = node.copy()
            node.fieldname = TEXT
            return Within(node, part)
        return node

    return q.accept(visit).normalize()


class Expanded(wq.MultiTerm):  # type: ignore[misc]
    """A prefix, wildcard or fuzzy term as the stems of the written words it matched
    (``expand``), scored as Whoosh scores those terms: a constant score."""

    def __init__(self, fieldname: str, text: str, stems: tuple[str, ...], boost: float = 1.0):
        self.fieldname = fieldname
        self.text = text
        self.stems = stems
        self.boost = boost
        self.constantscore = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expanded) and (
            self.fieldname,
            self.text,
            self.stems,
            self.boost,
        ) == (other.fieldname, other.text, other.stems, other.boost)

    def __hash__(self) -> int:
        return hash((type(self), self.fieldname, self.text, self.stems, self.boost))

    def __repr__(self) -> str:
        return f"Expanded({self.fieldname!r}, {self.text!r}, {self.stems!r})"

    def _btexts(self, ixreader: Any) -> Iterator[bytes]:
        for stem in self.stems:
            btext = stem.encode("utf-8")
            if (self.fieldname, btext) in ixreader:
                yield btext


def expand(q: wq.Query, vocabulary: Callable[[], Vocabulary]) -> wq.Query:
    """Replace each prefix, wildcard and fuzzy term on a stemmed field (title, text) by the
    stems of the written words it matches (``Expanded``): ``reorderin*`` finds
    ``reordering``, whose stem is ``reorder``. ``vocabulary`` is asked only when the query
    has such a term."""

    def visit(node: wq.Query) -> wq.Query:
        if not isinstance(node, wq.Prefix | wq.Wildcard | wq.FuzzyTerm):
            return node
        if node.field() not in STEMMED_FIELDS:
            return node
        words = vocabulary()
        if isinstance(node, wq.FuzzyTerm):
            found = words.within(node.text, node.maxdist, node.prefixlength)
        elif isinstance(node, wq.Prefix):
            found = words.prefixed(node.text)
        else:
            found = words.matching(node.text)
        stems = tuple(words.stems_of(found))
        return Expanded(node.field(), node.text, stems, boost=node.boost)

    return q.accept(visit)


def _as_words(node: wq.Prefix) -> wq.Query:
    texts = [token.text for token in UNSTEMMED(node.text)]
    if len(texts) == 1:
        return wq.Term(node.fieldname, texts[0], boost=node.boost)
    return wq.Phrase(node.fieldname, texts, boost=node.boost)


class _Parser(QueryParser):  # type: ignore[misc]
    """Whoosh's parser, except that a word the analyzer cuts into CJK bigrams becomes a
    phrase of them (in order, next to each other) whatever the group; other words split by
    the analyzer (``multi-factor``) are joined by the group as before."""

    def multitoken_query(
        self, spec: str, texts: list[str], fieldname: str, termclass: type, boost: float
    ) -> wq.Query:
        if any(has_cjk(text) for text in texts):
            return wq.Phrase(fieldname, texts, boost=boost)
        return super().multitoken_query(spec, texts, fieldname, termclass, boost)


@cache
def _parser(any_word: bool) -> QueryParser:
    group = OrGroup.factory(0.9) if any_word else AndGroup
    parser = _Parser(None, PARSE_SCHEMA, group=group)
    parser.add_plugin(MultifieldPlugin(list(TEXT_FIELDS)))
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(_RawFuzzyPlugin())
    return parser


@cache
def _filter_parser() -> QueryParser:
    parser = _Parser("kind", PARSE_SCHEMA)
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    return parser
