"""One form for every word indexed or asked for: NFKC, case folded, accents folded.

The same word reaches the index in many spellings: composed (``café``, NFC, what most
editors write) or decomposed (``cafe`` and a combining acute, NFD, what macOS file names
and some copy-pastes give), in compatibility forms (full-width ``ＳＯＰ``, the ligature
``ﬁ``), in capitals, with or without accents. Every analyzer and the query parser bring a
word to one form with ``fold`` so that any spelling finds any other; snippets are cut from
the text as written, so people still read what they wrote.

``words`` cuts a text into words as Whoosh's own tokenizer does (``\\w+(\\.?\\w+)*``: "2.1"
is one word), except that combining marks stay inside their word (NFD text is not split at
the accent) and runs of CJK script become overlapping bigrams (``search.cjk``). ASCII text,
most of any vault, takes the same path as before: one regular expression, ``lower``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from whoosh.support.charset import accent_map

from sopvault.search.cjk import split_word

# Whoosh's table of accented letters (``é`` to ``e``, ``ł`` to ``l``, full-width letters)
# without its seven entries for combining marks, which map a lone mark to a letter
# (COMBINING TILDE to "p": a bug in the table's source); marks of the Combining Diacritical
# Marks block left over after NFKC (a letter with no composed form) are dropped instead.
_FOLD: dict[int, str | None] = {
    code: letter for code, letter in accent_map.items() if not 0x300 <= code < 0x370
}
_FOLD.update(dict.fromkeys(range(0x300, 0x370)))

_ASCII_WORD = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's default tokenizer pattern
_ASCII_NAME = re.compile(r"[A-Za-z0-9]+")  # a file name's words: letters and digits only

# Where combining marks live in the Basic Multilingual Plane (Latin, Greek, Cyrillic,
# Hebrew, Arabic, the Indic scripts, Thai, Tibetan, kana voicing marks, variation
# selectors): scanned once, on the first text that is not ASCII.
_MARK_BLOCKS = ((0x0300, 0x3100), (0xA600, 0xAC00), (0xFB1E, 0xFE30), (0xE0100, 0xE01F0))


def fold(text: str) -> str:
    """The one form of a word in the index and in queries.

    NFKC (compatibility forms to plain letters, decomposed accents composed), case folded
    (``Straße`` to ``strasse``), NFKC again (case folding may decompose), then accents
    folded with Whoosh's ``accent_map`` (``é`` to ``e``) and any combining diacritical
    mark left over dropped. CJK text keeps its marks (kana voicing marks are not in that
    block). ASCII text is only lower-cased, exactly as before this normalisation.
    """
    if text.isascii():
        return text.lower()
    once = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", once).translate(_FOLD)


def words(text: str, *, names: bool = False) -> Iterator[tuple[int, int, str]]:
    """Each word of ``text`` as (start, end, folded word), offsets into ``text`` as written.

    ``names`` cuts as the ``file`` field does: letters and digits only (``float_halite``
    is two words). CJK runs come as bigrams (one character alone as itself), each with the
    offsets of its two characters, so that a phrase of bigrams matches in order.
    """
    if text.isascii():
        for match in (_ASCII_NAME if names else _ASCII_WORD).finditer(text):
            yield match.start(), match.end(), match.group().lower()
        return
    for match in _unicode_pattern(names).finditer(text):
        word = match.group()
        if word.isascii():
            yield match.start(), match.end(), word.lower()
            continue
        for start, end, piece in _split(word):
            yield match.start() + start, match.start() + end, piece


@lru_cache(maxsize=1 << 16)  # words repeat: each distinct one is cut and folded once
def _split(word: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(split_word(word, fold))


@cache
def _unicode_pattern(names: bool) -> re.Pattern[str]:
    """The word pattern with combining marks as word characters."""
    marks = _mark_class()
    letter = rf"(?:[^\W_]|[{marks}])" if names else rf"[\w{marks}]"
    return re.compile(rf"{letter}+" if names else rf"{letter}+(?:\.?{letter}+)*")


@cache
def _mark_class() -> str:
    """A regular expression character class body of the combining marks (categories Mn,
    Mc, Me) in ``_MARK_BLOCKS``: Python's ``\\w`` does not count them as word characters."""
    category = unicodedata.category
    ranges: list[tuple[int, int]] = []
    for low, high in _MARK_BLOCKS:
        for code in range(low, high):
            if category(chr(code))[0] != "M":
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)
