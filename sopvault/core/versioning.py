"""Revision numbers and periodic review dates (ISO 9001 §7.5.3: documents are reviewed and
kept current): drafts are 0.x, the first approval 1.0, minor changes 1.1, major 2.0.

The number is fixed when a change is proposed (the proposal carries the version the
document has once approved, in its text and its ``SOP-Version`` trailer) and checked
again when the approval lands it (``number_taken``)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_REVIEW_EVERY = re.compile(r"^(\d+)\s+(day|week|month|year)s?$")


FIRST_DRAFT = "0.1"  # what ``sopvault new`` writes: a draft, never approved
FIRST_APPROVED = "1.0"  # what the first approval makes any document, minor or major


def parse_version(text: str | None) -> tuple[int, int] | None:
    """``"2.1"`` as ``(2, 1)``; None when ``text`` is not ``X.Y`` (absent, ``"3"``, ``"A"``)."""
    match = _VERSION.match((text or "").strip())
    return (int(match[1]), int(match[2])) if match else None


def was_approved(on_main: str | None) -> bool:
    """Whether a document whose version on main is ``on_main`` has been approved before: its
    number is ``X.Y`` with X at least 1. A draft is ``0.x`` (or has no number, or is not on
    main at all); quality people count drafts as 0.x and approved revisions from 1.0
    (ISO 9001 §7.5.3.2 c: changes identified)."""
    parsed = parse_version(on_main)
    return parsed is not None and parsed[0] >= 1


def next_version(on_main: str | None, major: bool) -> str:
    """The number a proposal gives a document: the version it has once approved.

    ``on_main`` is the version the document has on main now (None when main does not hold
    it). A document never approved (``was_approved`` is False: a draft 0.x, or new) becomes
    ``1.0`` whatever ``major`` says; an approved one ``1.2`` becomes ``1.3`` (minor) or
    ``2.0`` (major). Derived from main alone, so a rejected proposal takes no number: the
    next proposal of the document is given the same one again."""
    parsed = parse_version(on_main)
    if parsed is None or parsed[0] < 1:
        return FIRST_APPROVED
    high, low = parsed
    return f"{high + 1}.0" if major else f"{high}.{low + 1}"


def next_version_after(on_main: str | None, approved: Iterable[str], major: bool) -> str:
    """``next_version`` counted from the highest of the version on main and every version
    ``approved`` before (``history``), so no number is ever given twice: a commit made past
    sopvault that set main's version back (``0.9``) or to something unreadable (``abc``,
    ``2``) would otherwise make the next approval a second ``1.0``."""
    known = [p for p in (parse_version(v) for v in (on_main, *approved)) if p is not None]
    highest = max(known, default=None)
    return next_version(f"{highest[0]}.{highest[1]}" if highest else on_main, major)


def number_taken(proposed: str, on_main: str | None) -> bool:
    """Whether ``proposed`` can no longer land because main already holds that number or a
    later one for the document (another proposal of it landed first): versions on main
    only ever go up. False when either is not ``X.Y`` (nothing to compare)."""
    new, now = parse_version(proposed), parse_version(on_main)
    return new is not None and now is not None and was_approved(on_main) and new <= now


def next_review(today: date, review_every: str | None) -> date:
    """When the document is next due for review: ``review_every`` from today, one year by
    default (ISO 9001 asks for periodic review; a year is the common choice)."""
    match = _REVIEW_EVERY.match((review_every or "1 year").strip())
    if match is None:
        match = _REVIEW_EVERY.match("1 year")
        assert match is not None
    count, unit = int(match[1]), match[2]
    if unit == "day":
        return date.fromordinal(today.toordinal() + count)
    if unit == "week":
        return date.fromordinal(today.toordinal() + 7 * count)
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(today.month - 1 + months, 12)
    year += today.year
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)
