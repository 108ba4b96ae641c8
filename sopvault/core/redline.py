"""The structured diff of two revisions of a document: metadata as ``field: old -> new``
(version and date noise last), steps paired by similarity (``core.stepmatch``) with the
rules that changed called out, and the body as a word-level redline.

ISO 9001 §7.5.3.2 c (changes identified) and 21 CFR Part 11 §11.10(e) (an audit trail a
person can read). Either side may be missing (a new or deleted document) or unreadable (a
front-matter error): the diff then falls back to the unified diff of the texts and says
why in one line, never raising.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sopvault.core.parse import parse_text
from sopvault.core.stepmatch import step_changes
from sopvault.core.wordiff import redline, redline_lines, unified_diff
from sopvault.model.control import TextAt
from sopvault.model.document import Document
from sopvault.model.redline import DocumentDiff, FieldChange

# Fields every approval rewrites: shown last and compactly, after what a person changed.
NOISE = ("version", "status", "effective", "next_review")
NO_FRONT_MATTER = "no front matter"
# A string value of more words than this is prose: shown as a redline, not old -> new.
PROSE_WORDS = 4


def compare(old: TextAt | None, new: TextAt | None, raw: str | None = None) -> DocumentDiff:
    """The structured diff from ``old`` to ``new`` (None: the document is not on that
    side). ``raw`` is the unified diff to keep for ``--raw`` (git's, for a proposal);
    by default the two texts are diffed here. Never raises: a missing or unreadable side
    gives a DocumentDiff whose ``fallback`` says why and whose ``raw`` is what to show."""
    if raw is None:
        raw = unified_diff(
            old.label if old else "/dev/null",
            old.text if old else "",
            new.label if new else "/dev/null",
            new.text if new else "",
        )
    old_label = old.label if old else "(none)"
    new_label = new.label if new else "(none)"
    a, why_a = _parsed(old)
    b, why_b = _parsed(new)
    either = b or a
    doc_id = either.id if either is not None else _name(new or old)
    base = DocumentDiff(doc_id, old_label, new_label, raw)
    if old is None:
        return _fallback(base, f"{doc_id} is new in {new_label}: no earlier text to compare")
    if new is None:
        return _fallback(base, f"{doc_id} is deleted in {old_label}: no later text to compare")
    if a is None and b is None and why_a == why_b == NO_FRONT_MATTER:
        return _fallback(base, f"{doc_id} is not a document (the vault's rules, a note)")
    if a is None or b is None:
        label, why = (old_label, why_a) if a is None else (new_label, why_b)
        return _fallback(base, f"{label} cannot be read as a document ({why})")
    found = DocumentDiff(
        doc_id,
        old_label,
        new_label,
        raw,
        metadata=metadata_changes(a, b),
        steps=step_changes(a.steps, b.steps),
        body=redline_lines(a.body, b.body) if a.body != b.body else (),
    )
    if found.in_words or _without_noise(a.front_text) == _without_noise(b.front_text):
        return found
    return replace(found, unshown=True)


_NOISE_LINE = re.compile(rf"^\s*(?:{'|'.join(NOISE)})\s*=.*$", re.M)


def _without_noise(front_text: str) -> str:
    return _NOISE_LINE.sub("", front_text)


def _fallback(diff: DocumentDiff, why: str) -> DocumentDiff:
    return DocumentDiff(
        diff.doc_id, diff.old_label, diff.new_label, diff.raw, f"{why}; showing the text diff"
    )


def _name(text: TextAt | None) -> str:
    return text.path.rsplit("/", 1)[-1] if text is not None else "?"


def _parsed(text: TextAt | None) -> tuple[Document | None, str]:
    """The document a text parses to, or None and the first reason it does not."""
    if text is None:
        return None, "missing"
    result = parse_text(text.path, text.text)  # findings, never an exception
    doc = result.document
    if doc is None:
        first = result.findings[0].message if result.findings else NO_FRONT_MATTER
        return None, first
    return doc, ""


def metadata_changes(a: Document, b: Document) -> tuple[FieldChange, ...]:
    """The front-matter fields that differ (steps aside), in the new file's order, then
    those only in the old one, then the noise fields (``NOISE``) marked as such."""
    old, new = a.front, b.front
    keys = [k for k in new if k != "steps"] + [k for k in old if k not in new and k != "steps"]
    keys = [k for k in keys if k not in NOISE] + [k for k in NOISE if k in old or k in new]
    found = []
    for key in keys:
        before, after = _shown(old.get(key)), _shown(new.get(key))
        if before == after:
            continue
        prose = _is_prose(before) or _is_prose(after)
        words = redline(before, after) if prose and before and after else ()
        found.append(FieldChange(key, before, after, words, noise=key in NOISE))
    return tuple(found)


def _is_prose(value: str | None) -> bool:
    return value is not None and len(value.split()) > PROSE_WORDS


def _shown(value: Any) -> str | None:
    """A front-matter value as one string: lists joined by ``, ``, dates in ISO form,
    tables as ``key = value`` pairs; None when not set."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_shown(v) or "" for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_shown(v)}" for k, v in value.items())
    return str(value)
