"""The period an audit asks about: ``--since DATE`` to ``--until DATE`` (both days
whole), read in the vault's time zone as ``--as-of`` reads a date (``core.asof``).

An internal audit (ISO 9001 §9.2) looks at what happened between two dates: a bare date
``--since 2026-03-01`` starts at midnight of that day, ``--until 2026-03-31`` ends at
23:59:59 of that day; an ISO timestamp means that instant. Pure: no clock, no git.
"""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from sopvault.core.asof import read_moment
from sopvault.errors import Invalid
from sopvault.model.evidence import Period


class PeriodError(Invalid):
    """A period that ends before it starts, or starts after now."""


def read_period(since: str, until: str | None, zone: tzinfo | None, now: datetime) -> Period:
    """The period from ``since`` to ``until`` (None: ``now``, aware) in ``zone`` (None:
    the user's local zone). Raises AsOfError for a malformed date (naming the option) and
    PeriodError when the period ends before it starts or starts in the future."""
    first = read_moment(since, zone, "--since")
    if first.whole_day:
        midnight = datetime.combine(first.day, time(0))
        start = midnight.astimezone() if zone is None else midnight.replace(tzinfo=zone)
    else:
        start = first.until
    end = read_moment(until, zone, "--until").until if until else now
    if start > now:
        raise PeriodError(f"--since {since.strip()} is in the future: nothing happened then yet")
    if end < start:
        raise PeriodError(
            f"the period ends ({until or 'now'}) before it starts ({since.strip()}):"
            " give --until on or after --since"
        )
    return Period(start, end, since.strip(), (until or "").strip())
