"""Whoosh analyzers that fold every word to one form and index CJK runs as bigrams.

The schema's analyzers are built from these parts, and the query parser runs the same
analyzers on what people type, so a word is always compared in one form
(``search.normalize``). Offsets stay those of the text as written: the highlighter cuts
snippets from the original text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, IDTokenizer, StemFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import CommaSeparatedTokenizer
from whoosh.lang.porter import stem

from sopvault.search.cjk import has_cjk
from sopvault.search.normalize import fold, words


class WordTokenizer(Tokenizer):  # type: ignore[misc]
    """Words as ``normalize.words`` cuts and folds them (``names``: a file name's words).

    Each token says whether it was written with other than ASCII (``token.accented``):
    the French ``thé`` folds to ``the`` but is no English stop word. With
    ``tokenize=False`` (the query parser's prefix and wildcard text) the whole text is one
    token, folded.
    """

    def __init__(self, names: bool = False) -> None:
        self.names = names

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.names == self.names

    def __hash__(self) -> int:
        return hash((type(self), self.names))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        found = words(value, names=self.names) if tokenize else [(0, len(value), fold(value))]
        ascii_text = value.isascii()
        for pos, (start, end, text) in enumerate(found, start=start_pos):
            token.text = text
            token.accented = not ascii_text and not value[start:end].isascii()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class FoldFilter(Filter):  # type: ignore[misc]
    """Each token brought to its one form (``normalize.fold``): for ids, handles, tags."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


def kept(word: str, accented: bool, minsize: int = 2) -> bool:
    """Whether a folded word is indexed in the stemmed fields: English stop words and
    one-letter words are not, unless written with an accent (``thé``, folded ``the``) or
    CJK (one character is a word there)."""
    if len(word) < minsize:
        return has_cjk(word)
    return accented or word not in STOP_WORDS


def stem_of(word: str, accented: bool) -> str | None:
    """What the stemmed fields hold for one folded word (None: not indexed there)."""
    return stem(word) if kept(word, accented) else None


class StopFilter(Filter):  # type: ignore[misc]
    """Whoosh's stop filter (English stop words and one-letter words dropped, positions
    renumbered), with ``kept`` deciding: accented and CJK words stay."""

    def __init__(self, minsize: int = 2) -> None:
        self.min = minsize

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StopFilter) and other.min == self.min

    def __hash__(self) -> int:
        return hash((type(self), self.min))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos: int | None = None
        for token in tokens:
            if kept(token.text, getattr(token, "accented", False), self.min):
                if token.positions:
                    pos = token.pos if pos is None else pos + 1
                    token.pos = pos
                token.stopped = False
                yield token
            elif not token.removestops:
                token.stopped = True
                yield token


def stemming_analyzer() -> CompositeAnalyzer:
    """Folded words, stop words dropped, English stems (bigrams pass through unchanged)."""
    return WordTokenizer() | StopFilter() | StemFilter(cachesize=50000)


def plain_analyzer() -> CompositeAnalyzer:
    """Folded words as written: every word kept, nothing stemmed."""
    return CompositeAnalyzer(WordTokenizer())


def file_analyzer() -> CompositeAnalyzer:
    """A file name's words: letters and digits (``float_halite.md``: float, halite, md)."""
    return CompositeAnalyzer(WordTokenizer(names=True))


def exact_analyzer() -> CompositeAnalyzer:
    """The whole value as one folded term (ids, owner handles)."""
    return IDTokenizer() | FoldFilter()


def keyword_analyzer() -> CompositeAnalyzer:
    """Comma-separated values, each one folded term (tags, roles, parents)."""
    return CommaSeparatedTokenizer() | FoldFilter()
