"""Snippets of where a document matched, as (text, matched) segments for any front end."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from whoosh import highlight

from sopvault.search.schema import STEMMED

Segments = tuple[tuple[str, bool], ...]
SNIPPET_CHARS = 160


class _SegmentFormatter(highlight.Formatter):  # type: ignore[misc]
    """Keeps the best fragment as segments instead of marked-up text."""

    def format(self, fragments: list[Any], replace: bool = False) -> Segments:
        if not fragments:
            return ()
        fragment = fragments[0]
        text, index = fragment.text, fragment.startchar
        out: list[tuple[str, bool]] = []
        if index > 0:
            out.append(("…", False))
        ordered = sorted(fragment.matches, key=lambda t: (t.startchar, -(t.endchar - t.startchar)))
        for token in ordered:
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                out.append((text[index : token.startchar], False))
            out.append((text[token.startchar : token.endchar], True))
            index = token.endchar
        out.append((text[index : fragment.endchar], False))
        if fragment.endchar < len(text):
            out.append(("…", False))
        return tuple(_squash(out))


def _squash(segments: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Fold line breaks and runs of spaces so a snippet reads as one line."""
    result: list[tuple[str, bool]] = []
    for text, matched in segments:
        flat = " ".join(text.split())
        if text[:1].isspace():
            flat = " " + flat
        if text[-1:].isspace() and not flat.endswith(" "):
            flat += " "
        if flat:
            result.append((flat, matched))
    return result


def stem_all(words: Iterable[str]) -> set[str]:
    """Bring matched words of any field to the stemmed form the highlighter compares
    (stop words dropped: "what" matching in a file name is no reason to mark every "what")."""
    stems: set[str] = set()
    for word in words:
        stems.update(token.text for token in STEMMED(word))
    return stems


# Markdown that reads as noise in a one-line snippet: heading marks, emphasis, code
# ticks, table pipes and rules.
_MARKUP = re.compile(r"(?m)^\s{0,3}#{1,6}\s|\*\*|__|`|\||(?<=\s)-{3,}(?=\s)")


def snippet(text: str, terms: set[str]) -> Segments:
    """The best passage of ``text`` around the matched terms, or its opening when none."""
    text = _MARKUP.sub(" ", text)
    if terms:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        found = highlight.highlight(
            text, terms, STEMMED, fragmenter, _SegmentFormatter(), top=1, minscore=1
        )
        if found:
            return found  # type: ignore[no-any-return]
    opening = " ".join(text.split())[:SNIPPET_CHARS]
    return ((opening + ("…" if len(text) > SNIPPET_CHARS else ""), False),) if opening else ()
