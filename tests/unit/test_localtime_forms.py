"""Issue 15 (time): the forms ``core.localtime`` gives besides ``shown``: the day a moment
falls on in a zone, the zone's name, the time of day to the second, and git's ISO 8601
dates read and shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sopvault.core.localtime import clock, day, day_iso, moment_of, shown_iso, zone_of
from sopvault.core.localtime import zone_name as name_of_zone

NEW_YORK = zone_of("America/New_York")
TOKYO = zone_of("Asia/Tokyo")
LATE_UTC = datetime(2026, 11, 26, 2, 0, 5, tzinfo=UTC)  # 21:00 EST on the 25th, 11:00 JST


def test_the_day_depends_on_the_zone() -> None:
    """Issue 15 (time): 02:00 UTC on the 26th is still the 25th in New York."""
    assert day(LATE_UTC, NEW_YORK) == date(2026, 11, 25)
    assert day(LATE_UTC, TOKYO) == date(2026, 11, 26)
    assert clock(LATE_UTC, NEW_YORK, seconds=True) == "21:00:05 EST"


def test_zone_names_follow_daylight_saving() -> None:
    """Issue 15 (time): New York is EDT in July and EST in November; a zone with no
    abbreviation is named by its offset."""
    july = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert name_of_zone(july, NEW_YORK) == "EDT"
    assert name_of_zone(LATE_UTC, NEW_YORK) == "EST"
    assert name_of_zone(LATE_UTC, zone_of("Asia/Kolkata")) == "IST"
    assert name_of_zone(LATE_UTC, zone_of("America/Sao_Paulo")) == "-03"


def test_git_dates_are_read_and_shown_in_the_zone() -> None:
    """Issue 15 (time): a git author date (its own offset, or Z) is one moment, shown in
    the vault's zone; text that is not a date is shown as it is."""
    assert moment_of("2026-11-20T09:00:00+01:00") == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert moment_of("2026-11-20T08:00:00Z") == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert moment_of("2026-11-20T08:00:00") == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert moment_of("yesterday") is None
    assert shown_iso("2026-11-26T02:00:00Z", NEW_YORK) == "2026-11-25 21:00 EST"
    assert day_iso("2026-11-26T02:00:00Z", NEW_YORK) == "2026-11-25"
    assert shown_iso("not a date", NEW_YORK) == "not a date"
    assert day_iso("not a date at all") == "not a date"
