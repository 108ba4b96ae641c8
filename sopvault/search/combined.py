"""One combined text field for everything a plain word is searched in.

A word used to be searched in five fields (id, title, steps, body, file): Whoosh then
decoded the postings of every field and scored each in Python (issue 17). The index now
holds those texts in one field, ``text``: each part's words carry the part's weight in
their postings (title 5, id 4, steps 1.5, body and file name 1, the boosts the five fields
had), so one term lookup and one BM25F score per document answer a word.

Each part starts at its own position (``SECTIONS``), far from the others: a phrase never
runs from one part into the next, and a query naming a field (``title:shipment``,
``step:"press start"``) keeps the matches whose positions lie in that part (``Within``).
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
from whoosh.searching import Searcher

# The first position of each part of the combined field. A part longer than the gap
# (16 million words) would run into the next one's range; no document comes close.
GAP = 1 << 24
SECTIONS: dict[str, int] = {"title": 0, "id": GAP, "steps": 2 * GAP, "body": 3 * GAP, "file": 4 * GAP}
# The weight of one word of each part: the field boosts of the five fields it replaces.
WEIGHTS: dict[str, float] = {"title": 5.0, "id": 4.0, "steps": 1.5, "body": 1.0, "file": 1.0}

# A value of the combined field: (part, text) pairs, in the order of ``SECTIONS``.
Parts = tuple[tuple[str, str], ...]


class CombinedText(fields.TEXT):  # type: ignore[misc]
    """A TEXT field (positions, stemmed) whose value is ``Parts``: each part analysed with
    its own analyzer from its own first position, each word weighted by its part.

    Whoosh adds a posting's weight from its tokens' boosts (``Positions.word_values``), so
    the weight of a word in a document is the sum of its parts' weights: a title word
    counts five times a body word, as the title's field boost did.
    """

    def __init__(self, analyzers: dict[str, CompositeAnalyzer]) -> None:
        super().__init__(analyzer=analyzers["body"], phrase=True)
        self.analyzers = analyzers

    def index(self, value: Parts, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) for each distinct word of the parts;
        the document's length in this field is the number of words."""
        positions: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, float] = defaultdict(float)
        fmt: Positions = self.format
        for part, text in value:
            if not text:
                continue
            weight = WEIGHTS[part]
            tokens = self.analyzers[part](
                text, positions=True, start_pos=SECTIONS[part], mode="index"
            )
            for token in tokens:
                positions[token.text].append(token.pos)
                weights[token.text] += weight
        for word, found in positions.items():
            yield word.encode("utf-8"), len(found), weights[word], fmt.encode(found)


def section_of(position: int) -> str:
    """The part a position of the combined field lies in."""
    index = min(position // GAP, len(SECTIONS) - 1)
    return list(SECTIONS)[index]


class Within(SpanQuery):  # type: ignore[misc]
    """``q`` (a term, phrase or expanded term on the combined field) matched only in one
    part (``title``, ``steps``, ``body``, ``file``, ``id``): what a field-named query
    means."""

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
        return False

    def children(self) -> Iterable[Query]:
        return iter([self.q])

    def apply(self, fn: Any) -> Within:
        return Within(fn(self.q), self.part)

    def field(self) -> str:
        return str(self.q.field())

    def estimate_size(self, ixreader: Any) -> int:
        return int(self.q.estimate_size(ixreader))  # at most the child's documents

    def estimate_min_size(self, ixreader: Any) -> int:
        return 0  # the part may hold none of them

    def matcher(self, searcher: Searcher, context: Any = None) -> Matcher:
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
