"""Times as people read them: every moment is recorded in UTC (runs, acknowledgements,
sign-offs) and shown in one time zone, ``[vault] timezone`` when the vault sets one, else
the user's own local zone (the ``TZ`` environment variable, else the system's).

Pure: the zone database is the standard library's ``zoneinfo`` (IANA names such as
``Europe/Berlin``), read from the system or the ``tzdata`` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Files of the zone database that are no zone a person would name: the machine's own
# setting, a default rule file, and a placeholder; ``posix/`` and ``right/`` are copies.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def zone_of(name: str | None) -> tzinfo | None:
    """The zone an IANA ``name`` names; None for None, an empty name or one the zone
    database does not know (the caller then uses the local zone or reports the name)."""
    if not name or name in NOT_ZONES or name.startswith(("posix/", "right/")):
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
    return f"{text} {zone_name(moment, zone)}".strip()


def clock(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """``10:30 CET``: the time of day alone, for a deadline within today (``10:30:05 CET``
    with ``seconds``)."""
    here = local(moment, zone)
    text = here.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{text} {zone_name(moment, zone)}".strip()


def zone_name(moment: datetime, zone: tzinfo | None = None) -> str:
    """The abbreviation of ``zone`` (None: the local zone) at ``moment``: ``CET`` in
    winter, ``CEST`` in summer; the UTC offset (``+0530``) for a zone without one. For a
    heading such as "times in CET" above lines that show the time alone."""
    here = local(moment, zone)
    return here.tzname() or here.strftime("%z")


def day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The calendar date ``moment`` falls on in ``zone`` (None: the local zone): a UTC
    evening in New York is the same day there, the next day in Tokyo. Shown as
    ``2026-11-25`` (ISO 8601) where only the day matters (acknowledged on, approved on)."""
    return local(moment, zone).date()


def moment_of(iso: str) -> datetime | None:
    """An ISO 8601 time as git and the logs write it (``2026-11-20T09:00:00+01:00``,
    ``...Z``) as an aware datetime (a naive one is UTC); None when ``iso`` is not one, so
    the caller shows the text as it is rather than fail on a strange commit date."""
    try:
        moment = datetime.fromisoformat(iso.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def shown_iso(iso: str, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """``shown`` for a time written as ISO 8601 text (a git author date); the text as it
    is when it is not one."""
    moment = moment_of(iso)
    return iso if moment is None else shown(moment, zone, seconds=seconds)


def day_iso(iso: str, zone: tzinfo | None = None) -> str:
    """``2026-11-25``: the day an ISO 8601 time falls on in ``zone`` (a git author date
    in a listing); the text's first ten characters when it is not one."""
    moment = moment_of(iso)
    return iso[:10] if moment is None else day(moment, zone).isoformat()
