"""Issue 15 (time): the TUI shows times in ``[vault] timezone`` (else the user's zone) with
the zone's name: the open runs, the runner's title, deadline and step history, and the
dashboard. The process runs in Tokyo while the vault says New York."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from sopvault.services.clock import stopped_at
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.run import RunScreen
from tests.timezones import STARTED, process_zone, set_vault_zone, start_sop10
from tests.tui.helpers import loaded, plain, settle

SIZE = (120, 40)


@pytest.fixture
def tokyo() -> Iterator[None]:
    """The process's own zone is Tokyo (a user far from the team's zone)."""
    with process_zone("Asia/Tokyo"):
        yield None


def text_of(pilot: Pilot[None], selector: str) -> str:
    return " ".join(plain(pilot.app.screen.query_one(selector, Static)).split())


def app_at(root: Path, **kwargs: str) -> SopVaultApp:
    """The app 40 minutes after the run started (step 2, due at +30m, is late)."""
    clock = stopped_at(STARTED + timedelta(minutes=40))
    return SopVaultApp(Workspace.open(root, clock=clock), **kwargs)  # type: ignore[arg-type]


async def test_runner_and_open_runs_show_the_vault_zone(sample_path: Path, tokyo: None) -> None:
    """Issue 15 (time): the open runs list and the runner show 09:30 EST (14:30 UTC), the
    step's deadline 10:00 EST and its history in EST, never Tokyo's JST."""
    set_vault_zone(sample_path, "America/New_York")
    run_id = start_sop10(sample_path)
    app = app_at(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == run_id
        assert str(table.get_row_at(0)[4]) == "2026-11-25 09:30 EST"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        assert "started 2026-11-25 09:30 EST by Dmitri Volkov" in text_of(pilot, "#run-title")
        detail = text_of(pilot, "#run-detail")
        assert "30m after the start (10:00 EST) LATE" in detail
        await pilot.press("up")  # step 1, done at 14:35 UTC
        await settle(pilot)
        detail = text_of(pilot, "#run-detail")
        assert "done 09:35:00 EST by Dmitri Volkov" in detail
        assert "history (times in EST)" in detail
        assert "JST" not in detail + text_of(pilot, "#run-title")


async def test_dashboard_shows_deadlines_in_the_vault_zone(sample_path: Path, tokyo: None) -> None:
    """Issue 15 (time): the dashboard's open run and my step show their deadline as
    10:00 EST."""
    set_vault_zone(sample_path, "America/New_York")
    run_id = start_sop10(sample_path)
    app = app_at(sample_path, first="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#due-runs", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:3] == ["LATE", "2026-11-25 10:00 EST", run_id]


async def test_without_the_key_the_runner_shows_the_users_zone(
    sample_path: Path, tokyo: None
) -> None:
    """Issue 15 (time): no ``[vault] timezone``: the runner's times are Tokyo's, named."""
    start_sop10(sample_path)
    app = app_at(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "started 2026-11-25 23:30 JST" in text_of(pilot, "#run-title")
        assert "(2026-11-26 00:00 JST)" in text_of(pilot, "#run-detail")
