"""Issue 15 (time): the vault's "today" and a bare ``--as-of`` date are days in ``[vault]
timezone``, whatever the process's own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sopvault.core.localtime import day, zone_of
from sopvault.services.asof import AsOf
from sopvault.services.clock import stopped_at
from sopvault.services.workspace import Workspace
from tests.timezones import process_zone, set_vault_zone

LATE_UTC = datetime(2026, 11, 26, 2, 0, 5, tzinfo=UTC)  # 21:00 EST on the 25th, 11:00 JST


def test_today_is_the_vaults_day(sample_path: Path) -> None:
    """Issue 15 (time): with ``[vault] timezone`` the vault's "today" (review due dates,
    what is due) is its zone's date, whatever the process's zone."""
    with process_zone("Asia/Tokyo"):
        moment = stopped_at(LATE_UTC)
        assert Workspace.open(sample_path, clock=moment).today == date(2026, 11, 26)
        set_vault_zone(sample_path, "America/New_York")
        ws = Workspace.open(sample_path, clock=moment)
        assert ws.zone is not None and ws.today == date(2026, 11, 25)
        assert ws.today + timedelta(days=1) == day(LATE_UTC, zone_of("Asia/Tokyo"))


def test_a_bare_as_of_date_is_the_vaults_day(sample_path: Path) -> None:
    """Issue 15 (time): ``--as-of 2026-11-20`` is the end of that day in New York, and
    the banner shows main's commit (09:00 UTC) as 04:00 EST, from a Tokyo process."""
    set_vault_zone(sample_path, "America/New_York")
    with process_zone("Asia/Tokyo"):
        ws = Workspace.open(sample_path, clock=stopped_at(LATE_UTC))
        asof = AsOf.open(ws, "2026-11-20")
        assert asof.moment.until == datetime(2026, 11, 21, 4, 59, 59, tzinfo=UTC)
        assert "(2026-11-20 04:00 EST, Alice Moreno: " in asof.banner()
