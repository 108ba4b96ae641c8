"""The index's words as written, each with its stem: what fuzzy and prefix terms and
"did you mean" are matched against.

The combined field holds stems, and typos and prefixes need the words as written
(``respirtor~`` cannot reach the stem ``respir``; no stem starts with ``reorderin``). The
index used to keep a second, unstemmed copy of every text for them (``raw``: half the
postings of a build, issue 17). Instead the distinct words of the indexed texts are kept
once, beside the index, each mapped to the stem the index holds: ``reorderin*`` finds the
written words ``reordering``, whose stem ``reorder`` is then searched.

The file, ``vocabulary.marshal`` in the index folder (the user's cache folder, never the
vault), is a header line and ``marshal`` of two lists of strings (nothing in it can name a
class or run code): ``sopvault-vocabulary 1 <BLAKE2b of the payload>``; a file whose
payload does not match is not used (the index is then rebuilt).
"""

from __future__ import annotations

import bisect
import fnmatch
import hashlib
import marshal
import os
import re
from collections.abc import Iterable
from pathlib import Path

from whoosh.automata import fsa, lev

from sopvault.search.analysis import stem_of
from sopvault.search.normalize import words

VOCABULARY_NAME = "vocabulary.marshal"
_MAGIC = b"sopvault-vocabulary 1"
_ASCII_WORD = re.compile(r"\w+(?:\.?\w+)*")  # normalize.words on ASCII text


class VocabularyUnreadable(Exception):
    """The vocabulary file is missing, damaged or not ours: the index is rebuilt."""


class Vocabulary:
    """Written words (folded, as ``normalize.words`` cuts them) mapped to their stems.

    Only words the stemmed analyzer keeps are here (English stop words are not indexed,
    so they cannot be found through a typo or a prefix either)."""

    def __init__(self, stems: dict[str, str] | None = None) -> None:
        self.stems: dict[str, str] = dict(stems or {})
        self._sorted: list[str] | None = None
        self._pending: set[str] = set()
        self._pending_marked: set[tuple[str, bool]] = set()

    def add_text(self, text: str) -> None:
        """Collect the words of one text (stemmed later, each distinct word once)."""
        if text.isascii():
            self._pending.update(_ASCII_WORD.findall(text.lower()))
            return
        self._pending_marked.update(
            (word, not text[start:end].isascii()) for start, end, word in words(text)
        )

    def _settle(self) -> None:
        """Stem what ``add_text`` collected and not yet stemmed."""
        if not self._pending and not self._pending_marked:
            return
        known = self.stems
        for word in self._pending - known.keys():
            stem = stem_of(word, False)
            if stem is not None:
                known[word] = stem
        for word, accented in self._pending_marked:
            if word not in known and (stem := stem_of(word, accented)) is not None:
                known[word] = stem
        self._pending.clear()
        self._pending_marked.clear()
        self._sorted = None

    def settled(self) -> dict[str, str]:
        """Every word with its stem (what a builder process sends to the parent)."""
        self._settle()
        return self.stems

    def update(self, stems: dict[str, str]) -> None:
        """Take in the words and stems of another vocabulary (a builder's ``settled``)."""
        self._settle()
        self.stems.update(stems)
        self._sorted = None

    def __contains__(self, word: str) -> bool:
        self._settle()
        return word in self.stems

    def __len__(self) -> int:
        self._settle()
        return len(self.stems)

    def sorted_words(self) -> list[str]:
        """Every word, sorted (made once)."""
        self._settle()
        if self._sorted is None:
            self._sorted = sorted(self.stems)
        return self._sorted

    def prefixed(self, prefix: str) -> list[str]:
        """The words that start with ``prefix``."""
        ordered = self.sorted_words()
        found = []
        for word in ordered[bisect.bisect_left(ordered, prefix) :]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def matching(self, pattern: str) -> list[str]:
        """The words matching a wildcard pattern (``*`` any letters, ``?`` one)."""
        regex = re.compile(fnmatch.translate(pattern))
        return [word for word in self.sorted_words() if regex.match(word)]

    def within(self, word: str, maxdist: int, prefixlength: int = 0) -> list[str]:
        """The words within ``maxdist`` edits of ``word`` whose first ``prefixlength``
        letters are the same: Whoosh's own Levenshtein automaton (a transposition counts
        as two edits), run over the sorted words as ``FuzzyTerm`` runs it over a field."""
        ordered = self.sorted_words()
        dfa = lev.levenshtein_automaton(word, maxdist, prefixlength).to_dfa()

        def first_at_least(key: str) -> str | None:
            at = bisect.bisect_left(ordered, key)
            return ordered[at] if at < len(ordered) else None

        return list(fsa.find_all_matches(dfa, first_at_least))

    def stems_of(self, found: Iterable[str]) -> list[str]:
        """The distinct stems of ``found`` (words of this vocabulary), sorted."""
        self._settle()
        return sorted({self.stems[word] for word in found if word in self.stems})

    def save(self, directory: Path) -> None:
        """Write the vocabulary into an index folder, atomically (``VOCABULARY_NAME``).
        Raises OSError when it cannot be written (a full disk)."""
        ordered = self.sorted_words()
        payload = marshal.dumps((ordered, [self.stems[word] for word in ordered]))
        target = directory / VOCABULARY_NAME
        tmp = target.with_suffix(".tmp")
        try:
            tmp.write_bytes(_header(payload) + b"\n" + payload)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            raise

    @classmethod
    def load(cls, directory: Path) -> Vocabulary:
        """The vocabulary saved in an index folder; VocabularyUnreadable when it is
        missing, damaged or not what was written."""
        try:
            data = (directory / VOCABULARY_NAME).read_bytes()
        except OSError as err:
            raise VocabularyUnreadable(str(err)) from None
        header, _, payload = data.partition(b"\n")
        if header != _header(payload):
            raise VocabularyUnreadable("the vocabulary does not match its digest")
        try:
            ordered, stems = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            raise VocabularyUnreadable("the vocabulary cannot be read") from None
        if not isinstance(ordered, list) or not isinstance(stems, list):
            raise VocabularyUnreadable("the vocabulary is not two lists")
        vocabulary = cls(dict(zip(ordered, stems, strict=True)))
        vocabulary._sorted = ordered
        return vocabulary


def _header(payload: bytes) -> bytes:
    check = hashlib.blake2b(payload, digest_size=20).hexdigest()
    return _MAGIC + b" " + check.encode()
