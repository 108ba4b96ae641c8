"""The TUI's plumbing: a worker's error becomes one notice, the footer keeps Search, Help
and Quit whole at 80 columns on every main screen and dialog (also while an input has the
focus), the help's keys are a real table that fits 80 columns, and the status line can be
read there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input

from sopvault.errors import SopvaultError
from sopvault.services.vault import Vault
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.help import KEYS, HelpScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.widgets.status_bar import StatusBar
from tests.conftest import copy_sample, workspace_at
from tests.tui.helpers import loaded, open_document, settle

NARROW = (80, 24)
ALWAYS = {"Search", "Help", "Quit"}


def make_app(path: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(path))


def screen_lines(app: App[None]) -> list[str]:
    """The screen as the terminal shows it, one string a row (what overlaps is hidden)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_text(app: App[None]) -> str:
    """The footer's row as the terminal shows it."""
    footer = app.screen.query_one(Footer)
    assert footer.region.height == 1 and footer.region.width == app.size.width
    return screen_lines(app)[footer.region.y]


def footer_keys(app: App[None]) -> set[str]:
    """Which of Search, Help and Quit the footer's row shows whole, after a key."""
    words = footer_text(app).split()
    return {word for word in ALWAYS if word in words}


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


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
        seen = {"browse": footer_text(app)}
        for name, key in (("history", "h"), ("reviews", "i"), ("runs", "o"), ("filter", "f")):
            await press(pilot, key)
            seen[name] = footer_text(app)
            await press(pilot, "escape")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        seen["help"] = footer_text(app)
        await press(pilot, "escape")
        await press(pilot, "k")
        await press(pilot, "enter")  # issue 15: the assignment dialog, Enter accepts
        assert isinstance(app.screen, RunScreen)
        seen["run"] = footer_text(app)
        await press(pilot, "enter")  # step 1 records evidence: the input takes the focus
        assert isinstance(app.focused, Input)
        seen["run, typing evidence"] = footer_text(app)
        await press(pilot, "escape", "escape")
        await press(pilot, "slash")
        assert isinstance(app.focused, Input)
        seen["search, typing"] = footer_text(app)
        await press(pilot, "down")
        seen["search, results"] = footer_text(app)
    # The help is open: ? and q close it there, Ctrl+Q quits.
    assert {"Search", "Quit", "esc/?/q", "Close"} <= set(seen.pop("help").split())
    for screen, text in seen.items():
        assert ALWAYS <= set(text.split()), f"{screen}: {text!r}"
    # While typing, the keys shown are the ones that work there (/, ? and q are letters).
    assert {"^f", "f1", "^q"} <= set(seen["run, typing evidence"].split())
    assert {"f1", "^q"} <= set(seen["search, typing"].split())
    assert "^p" not in " ".join(seen.values())  # the palette item gave its room to Quit


async def test_footer_keys_work_in_dialogs_and_while_typing(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=NARROW) as pilot:
        await open_document(pilot, "SOP-010")
        await press(pilot, "c")  # propose: the summary input has the focus
        assert isinstance(app.focused, Input)
        assert {"^f", "f1", "^q"} <= set(footer_text(app).split())
        assert ALWAYS <= footer_keys(app)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "escape", "f")  # the filter dialog: no input in it
        assert ALWAYS <= footer_keys(app) and "^f" not in footer_text(app)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "escape", "k")
        await press(pilot, "enter")  # issue 15: the assignment dialog, Enter accepts
        await press(pilot, "enter", "f1")  # from the run's evidence
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, RunScreen) and isinstance(app.focused, Input)
        await press(pilot, "ctrl+f")
        assert type(app.screen).__name__ == "SearchScreen"
        await press(pilot, "escape")
        await press(pilot, "ctrl+q")
        assert not app.is_running


async def test_status_line_is_read_whole_at_80_columns(tmp_path: Path) -> None:
    app = make_app(copy_sample(tmp_path / "vault"))  # not in git: the longest status
    async with app.run_test(size=NARROW) as pilot:
        await loaded(pilot)
        bar = app.screen.query_one(StatusBar)
        rows = screen_lines(app)[bar.region.y : bar.region.bottom]
        shown = " ".join(" ".join(rows).split())
        assert "not in git: history, reviews and sync are unavailable" in shown, rows


@pytest.mark.parametrize("size", [NARROW, (120, 40)])
async def test_help_keys_are_a_table_that_fits(sample_path: Path, size: tuple[int, int]) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [str(c.label) for c in table.ordered_columns] == ["Key", "Does"]
        assert [(str(key), str(does)) for key, does in rows] == KEYS
        assert "/" in dict(KEYS) and "?" in dict(KEYS) and "q" in dict(KEYS)
        # No sideways scrolling: the columns fit, and a long description wraps onto
        # more lines of its row instead of being cut.
        assert table.max_scroll_x == 0 and table.virtual_size.width <= table.size.width
        for index, (_, does) in enumerate(KEYS):
            row = table.ordered_rows[index]
            width = table.ordered_columns[1].content_width
            assert len(does) <= width * row.height, (does, row.height)
