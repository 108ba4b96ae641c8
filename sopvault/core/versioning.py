"""Revision numbers and periodic review dates (ISO 9001 §7.5.3: documents are reviewed and
kept current): drafts are 0.x, the first approval 1.0, minor changes 1.1, major 2.0."""

from __future__ import annotations

import calendar
import re
from datetime import date

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_REVIEW_EVERY = re.compile(r"^(\d+)\s+(day|week|month|year)s?$")


def bump_version(current: str | None, major: bool) -> str:
    """The next version: ``1.2`` becomes ``1.3`` (minor) or ``2.0`` (major).

    A document without a version, or with one that is not ``X.Y``, starts at ``1.0``
    for a major change and ``0.1`` for a minor one, so the first approved text of a new
    document is ``1.0`` when proposed with ``--major``.
    """
    match = _VERSION.match((current or "").strip())
    if match is None:
        return "1.0" if major else "0.1"
    high, low = int(match[1]), int(match[2])
    return f"{high + 1}.0" if major else f"{high}.{low + 1}"


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
