"""The one kind of clock every service reads: a callable giving an aware UTC datetime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, tzinfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC, to the second (run events and trailers carry whole seconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def local_date(clock: Clock, zone: tzinfo | None = None) -> date:
    """The clock's date in ``zone`` (``[vault] timezone``), or where the user is (their
    time zone) when None: what "today" means to a person setting an effective date or a
    review due date, as ``date.today()`` does."""
    return clock().astimezone(zone).date()


def running_from(moment: datetime | date) -> Clock:
    """A clock that starts at ``moment`` (a date starts at noon in the user's time zone, so
    it is that date everywhere) and runs in real time: fixes the day for tests and replays
    while keeping the order of events."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12)).astimezone()
    offset = moment - system_clock()
    return lambda: system_clock() + offset


def stopped_at(moment: datetime) -> Clock:
    """A clock that always answers ``moment``: a replay of a past event at its own time."""
    return lambda: moment
