"""Word-level diffs: a redline of two texts, how alike two texts are, and the unified
diff of whole files (the raw diff shown with ``--raw`` and as the fallback).

All three rest on Python's ``difflib.SequenceMatcher`` (the standard library's, kept
with Python), run on word tokens: a word is a run of letters and digits in any script
(``\\w``, Unicode-aware), and each punctuation mark is a token of its own, so a comma
added after a word redlines only the comma. Whitespace is not compared, as with
``git diff --word-diff``: reflowing a paragraph is not a change in words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from sopvault.model.redline import Mark, Redline, Words

# A word or one punctuation mark, then the whitespace after it.
_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)")
_LEADING = re.compile(r"\s*")


def _tokens(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text's leading whitespace and its (word, whitespace after it) pairs."""
    lead = _LEADING.match(text)
    start = lead.end() if lead else 0
    return text[:start], [(m.group(1), m.group(2)) for m in _TOKEN.finditer(text, start)]


def words_of(text: str) -> list[str]:
    """The text's word tokens, lower-cased: what similarity is measured on."""
    return [word.lower() for word, _ in _tokens(text)[1]]


def _joined(tokens: Iterable[tuple[str, str]]) -> str:
    return "".join(word + space for word, space in tokens)


def redline(old: str, new: str) -> Redline:
    """The words of ``new`` with those of ``old`` that are gone marked REMOVED and the new
    ones ADDED, in reading order; () when both are empty.

    Where words are the same the new text's whitespace is kept (its line breaks too), so
    the SAME and ADDED runs read as the new text; the whitespace after a changed run is
    left outside its marks, as ``git diff --word-diff`` shows ``a [-b-] c``."""
    old_lead, a = _tokens(old)
    new_lead, b = _tokens(new)
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    out: list[Words] = [Words(Mark.SAME, new_lead or old_lead)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Words(Mark.SAME, _joined(b[j1:j2])))
            continue
        removed, added = _joined(a[i1:i2]), _joined(b[j1:j2])
        gap = (added or removed)[len((added or removed).rstrip()) :]
        out.append(Words(Mark.REMOVED, removed.rstrip()))
        out.append(Words(Mark.ADDED, added.rstrip()))
        out.append(Words(Mark.SAME, gap))
    return _merged(out)


def redline_lines(old: str, new: str) -> Redline:
    """``redline`` for long texts (a body): lines are matched first and words only within
    the lines that changed, so a one-word edit in a long body costs one line's diff, and a
    paragraph is never matched with words scattered through another."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[Words] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Words(Mark.SAME, "".join(b[j1:j2])))
        else:
            out.extend(redline("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _merged(out)


def _merged(runs: list[Words]) -> Redline:
    """Empty runs dropped and neighbours with the same mark joined."""
    merged: list[Words] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].mark is run.mark:
            merged[-1] = Words(run.mark, merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def changed(line: Redline) -> bool:
    """True when a redline strikes or inserts anything."""
    return any(run.mark is not Mark.SAME for run in line)


def only(mark: Mark, text: str) -> Redline:
    """A redline of one text wholly added or removed (an added or removed step)."""
    return (Words(mark, text),) if text else ()


def similarity(a: list[str], b: list[str], floor: float = 0.0) -> float:
    """How alike two lists of word tokens are, 0..1: ``SequenceMatcher.ratio``, twice the
    words in common over all the words (1.0 when both are empty). Below ``floor`` the
    answer is 0.0, found by the matcher's cheap upper bounds first, so most pairs of
    unrelated steps cost little."""
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= floor else 0.0


def unified_diff(old_label: str, old_text: str, new_label: str, new_text: str) -> str:
    """A unified diff of two texts of a document (they may sit at different paths), as
    ``git diff`` prints one; "" when they are the same."""
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
