"""What a person means by "as of": a date or a moment, read as the last instant that counts.

An auditor asks for "the procedure in force on 3 March" (ISO 9001 §7.5.3.2: the version in
force must be retrievable). A bare date means the whole of that day in the asker's time
zone: what was approved by the end of it counts. A full ISO 8601 timestamp means that
instant (without an offset, in the asker's time zone). Pure: no clock, no git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sopvault.errors import Invalid

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORMS = "a date (2026-03-03) or an ISO timestamp (2026-03-03T14:30, 2026-03-03T14:30:00Z)"


class AsOfError(Invalid):
    """An ``--as-of`` value that is neither a date nor an ISO timestamp."""


@dataclass(frozen=True)
class AsOfMoment:
    """A moment asked for: ``asked`` as typed (trimmed), ``until`` the last instant that
    counts (aware; a bare date's is 23:59:59 of that day), ``day`` the date in the asker's
    zone (what review dates are counted from) and ``whole_day`` for a bare date."""

    asked: str
    until: datetime
    day: date
    whole_day: bool

    @property
    def epoch(self) -> int:
        """``until`` in whole Unix seconds, as git compares commit dates."""
        return int(self.until.timestamp())

    def is_future(self, now: datetime) -> bool:
        """Whether the moment is after ``now`` (aware): a bare date later than today's
        date in the same zone, a timestamp later than ``now``."""
        if self.whole_day:
            return self.day > now.astimezone(self.until.tzinfo).date()
        return self.until > now


def _in_zone(naive: datetime, zone: tzinfo | None) -> datetime:
    """A wall-clock time in ``zone``; None is the system's local time, with its daylight
    saving rules for that very date (not today's offset)."""
    return naive.astimezone() if zone is None else naive.replace(tzinfo=zone)


def read_moment(text: str, zone: tzinfo | None = None, option: str = "--as-of") -> AsOfMoment:
    """``text`` as an AsOfMoment in time zone ``zone`` (default: the user's local time),
    unless a timestamp names its own offset. Raises AsOfError for anything else, naming
    the two forms accepted and the ``option`` it was typed after (``--since``)."""
    given = text.strip()
    if _DATE.match(given):
        try:
            day = date.fromisoformat(given)
        except ValueError:
            raise AsOfError(f"{option} {given!r} is not a real date; give {FORMS}") from None
        try:
            end = _in_zone(datetime.combine(day + timedelta(days=1), time(0)), zone)
            end -= timedelta(seconds=1)
        except (OverflowError, ValueError):
            raise AsOfError(f"{option} {given!r} is out of range; give {FORMS}") from None
        return AsOfMoment(given, end, day, whole_day=True)
    try:
        moment = datetime.fromisoformat(given) if "T" in given or " " in given else None
    except ValueError:
        moment = None
    if moment is None:
        raise AsOfError(f"{option} {given!r} is not a date; give {FORMS}")
    try:
        if moment.tzinfo is None:
            moment = _in_zone(moment, zone)
        local = moment.astimezone(zone) if zone is not None else moment.astimezone()
        moment.timestamp()
    except (OverflowError, ValueError, OSError):
        raise AsOfError(f"{option} {given!r} is out of range; give {FORMS}") from None
    return AsOfMoment(given, moment, local.date(), whole_day=False)
