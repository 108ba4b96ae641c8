"""Issue 17 (speed: the TUI's first screen): the dashboard reads what is due with the
cyclic garbage collector paused, and the collector is on again once every reader is done."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from sopvault.services.due import Due
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.dashboard import DashboardScreen
from sopvault.tui.workers import collector_paused
from tests.conftest import workspace_at


def test_overlapping_pauses_are_counted_and_an_off_collector_stays_off() -> None:
    """Issue 17 (speed: the TUI's first screen): the collector is off while any worker
    holds a pause (two overlapping: on again only after the second ends), and a collector
    that was off before stays off."""
    assert gc.isenabled()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_dashboard_reads_with_the_collector_paused(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: the TUI's first screen): the report is made off the UI thread with
    the collector paused; once the dashboard shows, the collector is on again."""
    seen: list[tuple[bool, bool]] = []
    report = Due.report

    def spy(self: Due, **options: object) -> object:
        seen.append((gc.isenabled(), threading.current_thread() is threading.main_thread()))
        return report(self, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Due, "report", spy)
    app = SopVaultApp(workspace_at(demo_path), first="dashboard")
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, DashboardScreen) and app.screen.shown):
            await pilot.pause(0.01)
        assert seen == [(False, False)]
        assert gc.isenabled()
