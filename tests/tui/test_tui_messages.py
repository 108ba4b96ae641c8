"""The TUI's plumbing: a worker's error becomes one notice, the footer keeps Search, Help
and Quit at 80 columns on every main screen, and the help's keys are a real table."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from sopvault.errors import SopvaultError
from sopvault.services.vault import Vault
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.help import HelpScreen
from tests.conftest import workspace_at
from tests.tui.helpers import loaded, open_document, settle

NARROW = (80, 24)
ALWAYS = {"Search", "Help", "Quit"}


def make_app(path: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(path))


def footer_keys(app: App[None]) -> set[str]:
    """The descriptions of the footer keys that are fully inside the terminal's width."""
    width = app.size.width
    return {
        key.description
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    }


async def test_a_worker_error_becomes_one_notice_not_a_traceback(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Vault, doc_id: str) -> None:
        raise SopvaultError(f"{doc_id}: the disk said no to [bold]x[/bold]")

    app = make_app(sample_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        monkeypatch.setattr(Vault, "get", broken)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        browser.open_document("SOP-010")
        await settle(pilot)
        notices = list(app._notifications)
        assert [(n.message, n.severity, n.markup) for n in notices] == [
            ("SOP-010: the disk said no to [bold]x[/bold]", "error", False)  # text, not markup
        ]
        assert app.is_running and app.return_code is None  # no traceback ended the app
        assert isinstance(app.screen, BrowseScreen)


async def test_footer_keeps_search_help_quit_at_80_columns(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=NARROW) as pilot:
        await open_document(pilot, "SOP-010")
        seen = {"browse": footer_keys(app)}
        for name, key in (("history", "h"), ("reviews", "i"), ("runs", "o"), ("run", "k")):
            await pilot.press(key)
            await settle(pilot)
            seen[name] = footer_keys(app)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        seen["search"] = footer_keys(app)
    for screen, keys in seen.items():
        assert ALWAYS <= keys, f"{screen}: {sorted(keys)}"


async def test_help_keys_are_a_table(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        keys = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert [str(c.label) for c in table.ordered_columns] == ["Key", "Does"]
        assert "/" in keys and "?" in keys and "q" in keys and "Escape" in keys
