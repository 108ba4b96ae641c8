"""Scripts written without spaces: CJK runs cut into overlapping character bigrams.

Japanese and Chinese put no space between words (``ボイラーの圧力を点検する``), so a word
tokenizer sees one long "word" and a search for ``圧力`` finds nothing. Without a
dictionary, the standard answer (Lucene's CJKBigramFilter, Elasticsearch's ``cjk``
analyzer) is to index every pair of neighbouring characters: ``ボイ イラ ラー ーの の圧 圧力
力を ...``. Any word of two characters is then a term, and a longer one a phrase of its
bigrams in order (``圧力を点検``: ``圧力 力を を点 点検``). A run of one character is
indexed as itself. Korean (Hangul) is cut the same way, in runs of its own, since its
particles are written onto the word (``압력을``). Latin text inside the same "word"
(``ABC株式会社``) stays one word, folded as any other.

A character and the marks that follow it (combining marks, decomposed Hangul vowels and
finals, half-width kana voicing marks) are one unit, brought to NFKC together: the
decomposed ``が`` or ``점`` is the same bigram as the composed one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from enum import Enum
from functools import cache


class Script(Enum):
    """How a character is indexed: in words, or in bigrams of its own kind of run."""

    OTHER = "other"
    HAN_KANA = "han_kana"  # Chinese characters, hiragana, katakana: one run
    HANGUL = "hangul"


_HAN_KANA = (
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3040, 0x30FF),  # hiragana, katakana (ー included)
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width katakana
    (0x1B000, 0x1B16F),  # kana supplement and extended
    (0x20000, 0x3134F),  # extensions B to G
)
_HANGUL = (
    (0x1100, 0x11FF),  # jamo
    (0x3130, 0x318F),  # compatibility jamo
    (0xA960, 0xA97F),  # jamo extended A
    (0xAC00, 0xD7FF),  # syllables, jamo extended B
    (0xFFA0, 0xFFDC),  # half-width jamo
)
# Parts that belong to the character before them.
_JOINING = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF), (0xFF9E, 0xFF9F))

Unit = tuple[int, int, Script]  # start, end (offsets into the word), script


@cache  # a vault uses a few thousand distinct characters: a lookup beats the range scan
def script_of(char: str) -> Script:
    """Which kind of run ``char`` belongs to."""
    code = ord(char)
    if code < 0x1100:
        return Script.OTHER
    if any(low <= code <= high for low, high in _HAN_KANA):
        return Script.HAN_KANA
    if any(low <= code <= high for low, high in _HANGUL):
        return Script.HANGUL
    return Script.OTHER


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a character indexed in bigrams."""
    return not text.isascii() and any(script_of(c) is not Script.OTHER for c in text)


@cache
def joins(char: str) -> bool:
    """Whether ``char`` belongs to the character before it: a combining mark, a decomposed
    Hangul vowel or final, a half-width kana voicing mark."""
    code = ord(char)
    if any(low <= code <= high for low, high in _JOINING):
        return True
    return unicodedata.category(char)[0] == "M"


def units(word: str) -> list[Unit]:
    """The characters of ``word`` with the marks that follow each, and their scripts."""
    found: list[Unit] = []
    for i, char in enumerate(word):
        if found and joins(char):
            start, _, script = found[-1]
            found[-1] = (start, i + 1, script)
        else:
            found.append((i, i + 1, script_of(char)))
    return found


def split_word(word: str, fold: Callable[[str], str]) -> Iterator[tuple[int, int, str]]:
    """The terms of one tokenizer word as (start, end, text), offsets into ``word``.

    Runs of other scripts are one term each, folded by ``fold`` (dots at their ends, left
    where a CJK run was cut out of ``設定.txt``, dropped); CJK runs are bigrams.
    """
    cut = units(word)
    i = 0
    while i < len(cut):
        script = cut[i][2]
        j = i
        while j < len(cut) and cut[j][2] is script:
            j += 1
        if script is Script.OTHER:
            yield from _plain(word, cut[i][0], cut[j - 1][1], fold)
        else:
            yield from bigrams(word, cut[i:j])
        i = j


def _plain(
    word: str, start: int, end: int, fold: Callable[[str], str]
) -> Iterator[tuple[int, int, str]]:
    while start < end and word[start] == ".":
        start += 1
    while end > start and word[end - 1] == ".":
        end -= 1
    if start < end:
        yield start, end, fold(word[start:end])


def bigrams(word: str, run: list[Unit]) -> Iterator[tuple[int, int, str]]:
    """Overlapping pairs of the units of one CJK run (NFKC each), or the one unit alone."""
    texts = [_nfkc(word[start:end]) for start, end, _ in run]
    if len(run) == 1:
        yield run[0][0], run[0][1], texts[0]
        return
    for k in range(len(run) - 1):
        yield run[k][0], run[k + 1][1], texts[k] + texts[k + 1]


@cache
def _nfkc(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit)
