"""One combined text field for the long texts of a document: its steps and its body.

A word used to be searched in five fields (id, title, steps, body, file), two of them
long: Whoosh decoded the postings of each and scored each in Python (issue 17). Steps and
body are now one field, ``text``: each part's words carry the part's weight in their
postings (steps 1.5, body 1, the boosts the two fields had), so one term lookup and one
score per document answer what two did. Title, id and file name stay fields of their own:
they are a few words a document, cheap to search, and a word in the title or the file name
is worth its own score (its rarity among titles), which keeps the ranking people expect.

Each part starts at its own position (``SECTIONS``), far from the other: a phrase never
runs from one part into the next, and a query naming a part (``step:"press start"``,
``body:invoice``) keeps the matches whose positions lie in that part (``Within``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import fields
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Positions
from whoosh.matching import Matcher
from whoosh.query import Query
from whoosh.query.spans import Span, SpanQuery, SpanWrappingMatcher
from whoosh.scoring import BM25F, BaseScorer
from whoosh.searching import Searcher

# The first position of each part of the combined field. A part longer than the gap
# (16 million words) would run into the next one's range; no document comes close.
GAP = 1 << 24
SECTIONS: dict[str, int] = {"steps": 0, "body": GAP}
# The weight of one word of each part: the field boosts of the two fields it replaces.
WEIGHTS: dict[str, float] = {"steps": 1.5, "body": 1.0}

# BM25's parameters (Whoosh's defaults) and the typical length of each part in words:
# the average a field's length was compared with.
K1 = 1.2
B = 0.75
AVERAGE: dict[str, float] = {"steps": 60.0, "body": 150.0}

# A value of the combined field: (part, text) pairs, in the order of ``SECTIONS``.
Parts = tuple[tuple[str, str], ...]


class CombinedText(fields.TEXT):  # type: ignore[misc]
    """A TEXT field (positions, stemmed) whose value is ``Parts``: each part analysed with
    its own analyzer from its own first position, each word weighted by its part.

    Whoosh adds a posting's weight from its tokens' boosts (``Positions.word_values``), so
    the weight of a word in a document is the sum of its parts' weights: a word of a step
    counts one and a half times a word of the body, as the steps' field boost did.
    """

    def __init__(self, analyzers: dict[str, CompositeAnalyzer]) -> None:
        super().__init__(analyzer=analyzers["body"], phrase=True)
        self.analyzers = analyzers

    def index(self, value: Parts, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) for each distinct word of the parts;
        the document's length in this field is the number of words. The weight is the sum
        over the parts of the word's BM25 term-frequency factor in that part (``part_weight``),
        so that ``PartsScorer`` gives what BM25F gave the parts as fields of their own."""
        positions: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, float] = defaultdict(float)
        fmt: Positions = self.format
        for part, text in value:
            if not text:
                continue
            counts: dict[str, int] = defaultdict(int)
            tokens = self.analyzers[part](
                text, positions=True, start_pos=SECTIONS[part], mode="index"
            )
            length = 0
            for token in tokens:
                positions[token.text].append(token.pos)
                counts[token.text] += 1
                length += 1
            for word, count in counts.items():
                weights[word] += part_weight(part, count, length)
        for word, found in positions.items():
            yield word.encode("utf-8"), len(found), weights[word], fmt.encode(found)


def part_weight(part: str, count: int, length: int) -> float:
    """BM25's term-frequency factor of a word found ``count`` times in a part of
    ``length`` words, the part's boost applied as a field boost is (to the frequency):
    ``w (K1 + 1) / (w + K1 (1 - B + B length / average))`` with ``w = count * boost``."""
    boosted = count * WEIGHTS[part]
    norm = (1 - B) + B * length / AVERAGE[part]
    return boosted * (K1 + 1) / (boosted + K1 * norm)


def section_of(position: int) -> str:
    """The part a position of the combined field lies in."""
    index = min(position // GAP, len(SECTIONS) - 1)
    return list(SECTIONS)[index]


class Within(SpanQuery):  # type: ignore[misc]
    """``q`` (a term, phrase or expanded term on the combined field) matched only in one
    part (``steps`` or ``body``): what a query naming the part means."""

    def __init__(self, q: Query, part: str) -> None:
        self.q = q
        self.part = part
        self.start = SECTIONS[part]
        self.end = self.start + GAP

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Within) and self.q == other.q and self.part == other.part

    def __hash__(self) -> int:
        return hash((type(self), self.q, self.part))

    def __repr__(self) -> str:
        return f"Within({self.q!r}, {self.part!r})"

    def is_leaf(self) -> bool:
        """Not a leaf: ``q`` is its child (query rewrites reach into it)."""
        return False

    def children(self) -> Iterable[Query]:
        """The wrapped query alone."""
        return iter([self.q])

    def apply(self, fn: Any) -> Within:
        """The same part around ``fn(q)``: how Whoosh rewrites a query tree."""
        return Within(fn(self.q), self.part)

    def field(self) -> str:
        """The field searched: the combined field."""
        return str(self.q.field())

    def estimate_size(self, ixreader: Any) -> int:
        """At most as many documents as the wrapped query."""
        return int(self.q.estimate_size(ixreader))

    def estimate_min_size(self, ixreader: Any) -> int:
        """Possibly none: the part may hold none of the matches."""
        return 0

    def matcher(self, searcher: Searcher, context: Any = None) -> Matcher:
        """The wrapped query's matcher, keeping documents with a match inside the part."""
        child = self.q.matcher(searcher, context)
        if not child.is_active():
            return child
        return _WithinMatcher(child, self.start, self.end)


class _WithinMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    """The child's documents that have a span inside [start, end)."""

    def __init__(self, child: Matcher, start: int, end: int) -> None:
        self.start = start
        self.end = end
        super().__init__(child)

    def copy(self) -> _WithinMatcher:
        return _WithinMatcher(self.child.copy(), self.start, self.end)

    def _replacement(self, newchild: Matcher) -> _WithinMatcher:
        return _WithinMatcher(newchild, self.start, self.end)

    def _get_spans(self) -> list[Span]:
        return [s for s in self.child.spans() if self.start <= s.start and s.end < self.end]


class PartsScorer(BaseScorer):  # type: ignore[misc]
    """Scores a word of the combined field as BM25F scored it in the two fields it
    replaces: the word's inverse document frequency times its weight, which already holds
    each part's saturated term frequency (``part_weight``)."""

    def __init__(self, searcher: Searcher, fieldname: str, text: bytes) -> None:
        self.idf = searcher.get_parent().idf(fieldname, text)
        self.max_weight = searcher.term_info(fieldname, text).max_weight()

    def supports_block_quality(self) -> bool:
        """Yes: a block's best score follows from its highest weight."""
        return True

    def score(self, matcher: Matcher) -> float:
        """idf times the posting's weight."""
        return float(self.idf * matcher.weight())

    def max_quality(self) -> float:
        """The best score any document can have for this word."""
        return float(self.idf * self.max_weight)

    def block_quality(self, matcher: Matcher) -> float:
        """The best score within the matcher's current block."""
        return float(self.idf * matcher.block_max_weight())


class Weighting(BM25F):  # type: ignore[misc]
    """Whoosh's BM25F for every field, ``PartsScorer`` for the combined one."""

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1) -> Any:
        """``PartsScorer`` for the combined field, BM25F's scorer for any other."""
        if isinstance(searcher.schema[fieldname], CombinedText):
            return PartsScorer(searcher, fieldname, text)
        return super().scorer(searcher, fieldname, text, qf=qf)
