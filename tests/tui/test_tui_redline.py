"""The structured diff in the TUI, driven headless with Pilot on the demo vault: the
history screen and the reviews inbox show the change in words, ``d`` shows git's diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.widgets.redline_view import RedlineView
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import loaded, open_document, plain, propose_rules_change, settle


def shown(pilot: Pilot[None], selector: str) -> str:
    """What the view shows, wrapped lines joined."""
    return " ".join(plain(pilot.app.screen.query_one(selector, RedlineView)).split())


async def test_history_shows_the_change_in_words_and_d_shows_gits_diff(
    demo_path: Path,
) -> None:
    """Issue 14 (what changed, in words): 2.2 against 2.1 in words by default (the
    reworded step, version noise last); ``d`` shows git's diff, ``d`` again the words."""
    async with SopVaultApp(workspace_at(demo_path)).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HistoryScreen)
        words = shown(pilot, "#history-diff")
        assert "1 step reworded" in words and "~ step 3 reworded" in words
        assert "lead time, usage or usage supplier changed" in words  # struck and added
        assert words.index("Steps") > words.index("version 2.1 -> 2.2")
        assert 'action = "' not in words

        await pilot.press("d")
        raw = shown(pilot, "#history-diff")
        assert "git's diff" in raw and '+version = "2.2"' in raw and "Steps" not in raw
        await pilot.press("down")  # the next row keeps the mode chosen
        await settle(pilot)
        assert '+version = "2.1"' in shown(pilot, "#history-diff")
        await pilot.press("d")
        assert "1 step reworded" in shown(pilot, "#history-diff")


async def test_the_inbox_calls_out_moved_steps_and_changed_rules(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (what changed, in words): a reviewer sees a moved step, a reworded one,
    a raised evidence minimum, on_fail and a control point turned on before approving."""
    act_as(monkeypatch, "Carmen Ruiz")
    number = propose_rules_change(demo_path)
    act_as(monkeypatch, "Bilal Okafor")
    async with SopVaultApp(workspace_at(demo_path)).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewsScreen)
        table = pilot.app.screen.query_one(DataTable)
        rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        await pilot.press(*["down"] * rows.index(str(number)))
        await settle(pilot)
        words = shown(pilot, "#reviews-redline")
        assert "SOP-003: main (" in words and f"-> proposal {number} (" in words
        assert "1 step reworded, 1 step moved, 3 rules changed" in words
        assert "↕ step 4 (was 5) moved" in words
        assert "! a failed answer now stops the run ! record.min: 0 -> 1" in words
        assert "~ step 5 (was 4) changed" in words and "! control point turned on" in words
        await pilot.press("d")
        raw = shown(pilot, "#reviews-redline")
        assert "+critical = true" in raw and "control point turned on" not in raw
