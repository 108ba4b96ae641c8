"""Snippets of where a document matched: one passage of one field, cut at word boundaries.

A hit's snippet says where the words were found (``step 3``, ``purpose``, ``body``) and
shows the passage as written, as (text, matched) segments any front end can mark up. The
passage never runs two fields together and is cut between words, never inside one (in
CJK text, which has no spaces, between two characters). Matched words are found by the
same analyzer as the index, so ``cafe`` marks ``café`` and a CJK word marks its
characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sopvault.model.document import Document, Step
from sopvault.search.cjk import Script, joins, script_of
from sopvault.search.schema import STEMMED

Segments = tuple[tuple[str, bool], ...]
SNIPPET_CHARS = 160
# How much of the text before the first matched word a passage shows, in characters.
LEAD_CHARS = 40

# Markdown that reads as noise in a one-line snippet: heading marks, emphasis, code
# ticks, table pipes and rules.
_MARKUP = re.compile(r"(?m)^\s{0,3}#{1,6}\s|\*\*|__|`|\||(?<=\s)-{3,}(?=\s)")

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
Span = tuple[int, int, str]  # start, end, the matched term


def stem_all(words: Iterable[str]) -> set[str]:
    """Bring matched words of any field to the stemmed form the highlighter compares
    (stop words dropped: "what" matching in a file name is no reason to mark every "what")."""
    stems: set[str] = set()
    for word in words:
        stems.update(token.text for token in STEMMED(word))
    return stems


def sections(doc: Document) -> list[tuple[str, str]]:
    """The fields a snippet may come from, as (label, text), in the order of the page:
    purpose, scope, trigger, hazards, PPE, regulations, tags, each step (``step 3``), the
    body's parts under their headings."""
    found: list[tuple[str, str]] = [
        (label, text)
        for label, text in (
            ("purpose", doc.purpose or ""),
            ("scope", doc.scope or ""),
            ("trigger", doc.trigger or ""),
            ("hazards", "; ".join(doc.hazards)),
            ("PPE", "; ".join(doc.ppe)),
            ("regulations", "; ".join(doc.regulations)),
            ("tags", ", ".join(doc.tags)),
        )
        if text
    ]
    found.extend((f"step {n}", _step_text(step)) for n, step in enumerate(doc.steps, start=1))
    found.extend(_body_parts(doc))
    return found


def _body_parts(doc: Document) -> list[tuple[str, str]]:
    """The Markdown body cut at its headings, each part labelled with its heading ("body"
    before the first; a heading repeating the title adds no label)."""
    parts: list[tuple[str, str]] = []
    label, lines = "body", []
    for line in doc.body.splitlines():
        heading = _HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        parts.append((label, "\n".join(lines)))
        title = heading.group(1).strip().rstrip("#").strip()
        label, lines = ("body" if title == doc.title else title or "body"), []
    parts.append((label, "\n".join(lines)))
    return [(label, text) for label, text in parts if text.strip()]


def _step_text(step: Step) -> str:
    """The action, its role in brackets, the sub-steps and the details, as the index has
    them in the ``steps`` field."""
    parts = [f"{step.action} ({step.role})" if step.role else step.action, *step.substeps]
    if step.details:
        parts.append(step.details)
    return " ".join(parts)


def best_passage(doc: Document, terms: set[str]) -> tuple[str, Segments]:
    """The label and segments of the passage holding most of ``terms`` (stemmed, folded
    words, as ``stem_all`` gives them); the opening of the first field when none holds
    any; ("", ()) for a document with no text besides its title."""
    best: tuple[tuple[int, int], str, str, list[Span]] | None = None
    for label, raw in sections(doc):
        text = " ".join(_MARKUP.sub(" ", raw).split())
        if not text:
            continue
        spans = _matches(text, terms) if terms else []
        score = (len({term for _, _, term in spans}), len(spans))
        if best is None or score > best[0]:
            best = (score, label, text, spans)
    if best is None:
        return "", ()
    _, label, text, spans = best
    return label, passage(text, spans)


def _matches(text: str, terms: set[str]) -> list[Span]:
    return [
        (token.startchar, token.endchar, token.text)
        for token in STEMMED(text, chars=True)
        if token.text in terms
    ]


def passage(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> Segments:
    """At most about ``width`` characters of ``text`` around the most distinct matched
    terms of ``spans``, cut at word boundaries, "…" where text was left out."""
    start, end = _window(text, spans, width)
    start, end = snap(text, start, end)
    inside = sorted((s, e) for s, e, _ in spans if start <= s and e <= end)
    out: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    index = start
    for s, e in inside:
        if e <= index:
            continue  # within a span already marked (CJK bigrams overlap)
        s = max(s, index)
        if s > index:
            out.append((text[index:s], False))
        if out and out[-1][1] and s == index:
            out[-1] = (out[-1][0] + text[s:e], True)  # overlapping bigrams: one mark
        else:
            out.append((text[s:e], True))
        index = e
    if end > index:
        out.append((text[index:end], False))
    if end < len(text):
        out.append(("…", False))
    return tuple(out)


def _window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    """The ``width`` characters starting a little before the match that puts the most
    distinct terms in view (the earliest such), or the opening."""
    if len(text) <= width or not spans:
        return 0, min(len(text), width)
    best, best_count = 0, -1
    for s, _, _ in spans:
        start = max(0, s - LEAD_CHARS)
        count = len({t for s2, e2, t in spans if start <= s2 and e2 <= start + width})
        if count > best_count:
            best, best_count = start, count
    start = max(0, min(best, len(text) - width))
    return start, start + width


def cuttable(text: str, at: int) -> bool:
    """Whether a passage may start or end at ``at``: at a space (never inside a word, nor
    between a word and the punctuation on it), or beside a CJK character, which has no
    spaces around it; never before a combining mark."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if joins(after):
        return False
    if before.isspace() or after.isspace():
        return True
    return script_of(before) is not Script.OTHER or script_of(after) is not Script.OTHER


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move ``start`` forward and ``end`` back to the nearest boundaries (``cuttable``),
    then past spaces; a word filling the whole window is kept whole rather than cut."""
    cut_start = start
    while cut_start < end and not cuttable(text, cut_start):
        cut_start += 1
    if cut_start >= end:  # the window lies inside one word: take the whole word
        cut_start = start
        while not cuttable(text, cut_start):
            cut_start -= 1
    cut_end = end
    while cut_end > cut_start and not cuttable(text, cut_end):
        cut_end -= 1
    if cut_end <= cut_start:
        cut_end = end
        while not cuttable(text, cut_end):
            cut_end += 1
    while cut_start < cut_end and text[cut_start].isspace():
        cut_start += 1
    while cut_end > cut_start and text[cut_end - 1].isspace():
        cut_end -= 1
    return cut_start, cut_end
