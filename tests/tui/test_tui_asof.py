"""The vault on any date in the TUI: ``@`` picks a date, the browse screen shows the vault
as approved then under a banner, read only, and an empty date comes back to today."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.asof import AsOfScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.search import SearchScreen
from sopvault.tui.widgets.asof_banner import AsOfBanner
from sopvault.tui.widgets.doc_view import DocView
from tests.conftest import workspace_at
from tests.tui.helpers import loaded, open_document, plain, search_settled, settle

SIZE = (120, 40)


# Local time is UTC in every test here (the shared ``utc`` fixture).
pytestmark = pytest.mark.usefixtures("utc")


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


async def pick_date(pilot: Pilot[None], asked: str) -> None:
    """Press @, type ``asked`` over what the input holds, and press Enter."""
    await pilot.press("at")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AsOfScreen)
    pilot.app.screen.query_one(Input).value = asked
    await pilot.press("enter")
    await settle(pilot)


async def test_a_date_shows_the_vault_then_read_only_and_empty_comes_back(
    demo_path: Path,
) -> None:
    """Issue 14 (the vault on any date): on 3 March SOP-003 was 2.0, approved by Hana Sato
    on import; the banner says so; edit, run, propose and sync are refused with one line;
    an empty date shows today's 2.2 again."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        browser = await open_document(pilot, "SOP-003")
        assert browser.query_one(DocView).document.version == "2.2"  # type: ignore[union-attr]
        await pick_date(pilot, "2026-03-03")
        banner = browser.query_one(AsOfBanner)
        assert banner.display
        assert plain(banner).startswith("As of 2026-03-03: main at c29208e (2026-01-05 09:00 UTC,")
        assert "Read only." in plain(banner)
        browser.reveal("SOP-003")
        await settle(pilot)
        assert browser.query_one(DocView).document.version == "2.0"  # type: ignore[union-attr]
        said = plain(browser.query_one("#doc-standing", Static))
        assert "In force on 2026-03-03: SOP-003 version 2.0 (effective" in said
        assert "by Hana Sato; proposed by Bilal Okafor" in said
        for key in ("e", "k", "c", "s"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen)
        said = notices(app)
        for what in ("edit SOP-003", "run SOP-003", "propose", "sync"):
            assert f"cannot {what}: this is the vault as of 2026-03-03 (read only)" in said
        await pick_date(pilot, "")
        assert not banner.display
        browser.reveal("SOP-003")
        await settle(pilot)
        assert browser.query_one(DocView).document.version == "2.2"  # type: ignore[union-attr]
        assert not browser.query_one("#doc-standing", Static).display


async def test_the_dialog_refuses_what_is_not_a_date_and_a_date_before_history(
    demo_path: Path,
) -> None:
    """Issue 14 (the vault on any date): a value that is no date stays in the dialog with
    one line saying what to type; a date before main's first commit is one error notice
    and today's vault stays shown."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        browser = await open_document(pilot, "SOP-003")
        await pilot.press("at")
        await settle(pilot)
        app.screen.query_one(Input).value = "3rd of March"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AsOfScreen)
        assert "Not a date: give a date (2026-03-03)" in plain(app.screen.query_one("#asof-error"))
        await pilot.press("escape")
        await pick_date(pilot, "2025-06-01")
        assert isinstance(app.screen, BrowseScreen)
        assert "2025-06-01 is before the vault's history" in notices(app)
        assert browser.as_of is None and not browser.query_one(AsOfBanner).display
        assert plain(browser.query_one("#status", Static)).startswith("38 documents")


async def test_search_on_a_past_date_searches_the_texts_of_then(demo_path: Path) -> None:
    """Issue 14 (the vault on any date): "back order" entered SOP-003 on 12 March: as of
    3 March search finds nothing; back to today it finds SOP-003."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot)
        await pick_date(pilot, "2026-03-03")
        for date_shown, expected in (("2026-03-03", []), ("", ["SOP-003"])):
            if not date_shown:
                await pilot.press("escape")
                await settle(pilot)
                await pick_date(pilot, "")
            await pilot.press("slash")
            await settle(pilot)
            assert isinstance(app.screen, SearchScreen)
            app.screen.query_one(Input).value = '"back order"'
            await search_settled(pilot)
            response = app.screen.response
            assert response is not None and [h.id for h in response.hits] == expected


def test_the_banner_snapshot(snap_compare: Any, demo_path: Path) -> None:
    """Issue 14 (the vault on any date): the browse screen as of 12 March, SOP-003 2.1
    with its approval over the text and the banner above the tree."""

    async def as_of_march(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pick_date(pilot, "2026-03-12")
        browser = pilot.app.screen
        assert isinstance(browser, BrowseScreen)
        browser.reveal("SOP-003")
        await settle(pilot)

    app = SopVaultApp(workspace_at(demo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=as_of_march)


async def test_a_dashboard_row_missing_on_the_date_shown_says_so(demo_path: Path) -> None:
    """Issue 14 (TUI hostile): Enter on the dashboard's row of a document added after the
    date the tree shows opened the tree on nothing, without a word; it now says that the
    document is not in the vault as of that date."""
    sop = (demo_path / "procedures/SOP-001-amazon-fba-shipment-plan.md").read_text()
    added = sop.replace('id = "SOP-001"', 'id = "SOP-099"')
    (demo_path / "procedures/SOP-099-added-later.md").write_text(added)
    subprocess.run(["git", "-C", str(demo_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(demo_path), "commit", "-qm", "Add SOP-099"], check=True)
    app = SopVaultApp(workspace_at(demo_path), first="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await loaded(pilot)
        await pick_date(pilot, "2026-06-01")
        await pilot.press("d")
        await settle(pilot)
        table = app.screen.query_one("#due-reviews", DataTable)
        keys = [str(row.value) for row in table.rows]
        table.move_cursor(row=next(i for i, k in enumerate(keys) if k.endswith("SOP-099")))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "SOP-099 is not in the vault as of 2026-06-01" in notices(app)
        assert app.screen.query_one(DocView).document is None


async def test_today_picked_while_a_date_is_read_stays_today(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (TUI hostile): a date picked, then today (an empty date) picked before that
    date's vault was read, showed the past date anyway once read, read only; and a slow
    older date could land over a newer one. The late answer is now dropped."""
    from sopvault.services.asof import AsOf

    release = threading.Event()
    opened = AsOf.open.__func__  # type: ignore[attr-defined]

    def held(cls: type[AsOf], *args: Any, **kwargs: Any) -> AsOf:
        release.wait(10)
        return opened(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(AsOf, "open", classmethod(held))
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("at")
        app.screen.query_one(Input).value = "2026-06-01"
        await pilot.press("enter", "at")
        assert isinstance(app.screen, AsOfScreen)
        assert app.screen.query_one(Input).value == ""
        await pilot.press("enter")
        release.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen) and screen.as_of is None
        assert not screen.query_one(AsOfBanner).display
