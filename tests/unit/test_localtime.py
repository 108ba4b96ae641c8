"""Issue 15 (time): times recorded in UTC are shown in ``[vault] timezone`` or the user's
local zone, with the zone's name; a zone the database does not know is a config error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sopvault.core.config import parse_config
from sopvault.core.localtime import clock, local, shown, zone_of
from sopvault.errors import ConfigError

MOMENT = datetime(2026, 11, 25, 9, 30, 5, tzinfo=UTC)


def test_a_named_zone_shows_its_local_time_and_abbreviation() -> None:
    """Issue 15 (time): 09:30 UTC in late November is 10:30 CET in Berlin."""
    berlin = zone_of("Europe/Berlin")
    assert shown(MOMENT, berlin) == "2026-11-25 10:30 CET"
    assert shown(MOMENT, berlin, seconds=True) == "2026-11-25 10:30:05 CET"
    assert clock(MOMENT, zone_of("America/New_York")) == "04:30 EST"


def test_without_a_zone_the_process_local_zone_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 (time): no ``[vault] timezone`` means the user's own zone (TZ)."""
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert shown(MOMENT) == "2026-11-25 18:30 JST"
        assert local(MOMENT.replace(tzinfo=None)).hour == 18  # naive is read as UTC
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_unknown_or_hostile_zone_names_are_no_zone() -> None:
    """Issue 15 (time): only names of the zone database count, never a path."""
    for name in ("Mars/Olympus", "../../etc/passwd", "", None, "localtime", "Factory",
                 "posixrules", "right/Europe/Berlin"):  # fmt: skip
        assert zone_of(name) is None


def test_vault_timezone_is_read_and_checked() -> None:
    """Issue 15 (time): ``[vault] timezone`` is kept; an unknown one names the key."""
    assert parse_config('name = "x"\n[vault]\ntimezone = "Europe/Berlin"\n').timezone == (
        "Europe/Berlin"
    )
    assert parse_config('name = "x"\n').timezone is None
    with pytest.raises(ConfigError, match=r"\[vault\] 'timezone'"):
        parse_config('name = "x"\n[vault]\ntimezone = "Mars/Olympus"\n')
