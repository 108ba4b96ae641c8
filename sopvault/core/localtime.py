"""Times as people read them: every moment is recorded in UTC (runs, acknowledgements,
sign-offs) and shown in one time zone, ``[vault] timezone`` when the vault sets one, else
the user's own local zone (the ``TZ`` environment variable, else the system's).

Pure: the zone database is the standard library's ``zoneinfo`` (IANA names such as
``Europe/Berlin``), read from the system or the ``tzdata`` package.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_of(name: str | None) -> tzinfo | None:
    """The zone an IANA ``name`` names; None for None, an empty name or one the zone
    database does not know (the caller then uses the local zone or reports the name)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a path-like or malformed key
        return None


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """``moment`` (aware; a naive one is taken as UTC, as the logs record) in ``zone``, or
    in the user's local zone when ``zone`` is None."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def shown(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """``2026-11-25 10:30 CET``: ``moment`` in ``zone`` (None: the local zone) with the
    zone's abbreviation, to the minute (or the second with ``seconds``)."""
    here = local(moment, zone)
    text = here.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    name = here.tzname() or here.strftime("%z")
    return f"{text} {name}".strip()


def clock(moment: datetime, zone: tzinfo | None = None) -> str:
    """``10:30 CET``: the time of day alone, for a deadline within today."""
    here = local(moment, zone)
    return f"{here:%H:%M} {here.tzname() or here.strftime('%z')}".strip()
