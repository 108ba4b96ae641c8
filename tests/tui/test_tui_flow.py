"""Issue 16 (flow pictures): `l` in the browse screen opens the selected procedure drawn as
a flow, Escape comes back; on a document with no steps one notice says why; on a date
(`@`) the flow is the revision in force then. Driven headless with Pilot on the demo."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input, Static

from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.flow import FlowScreen
from tests.conftest import workspace_at
from tests.hostile import assert_inert
from tests.tui.helpers import open_document, plain, settle

SIZE = (120, 40)


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


def drawing(app: App[None]) -> str:
    return plain(app.screen.query_one("#flow-drawing", Static))


async def test_l_opens_the_flow_and_escape_comes_back(demo_path: Path) -> None:
    """Issue 16 (flow, TUI): SOP-010's lanes, branch and marks; Escape back to browse."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, FlowScreen)
        shown = drawing(app)
        assert_inert(shown)
        assert "plant operator" in shown and "lab technician" in shown
        assert "◇ if step 6 == 'fail'" in shown and "→ WI-002" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_a_process_has_no_flow(demo_path: Path) -> None:
    """Issue 16 (flow, TUI): `l` on a process says it has no steps and points to graph."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_document(pilot, "PRC-001")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "PRC-001 is a process" in notices(app) and "sopvault graph" in notices(app)


async def test_on_a_date_the_flow_is_the_revision_then(demo_path: Path) -> None:
    """Issue 16 (flow, TUI, as-of): on 1 March SOP-009 is 3.1 in the flow view."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        browser = await open_document(pilot, "SOP-009")
        await pilot.press("at")
        await settle(pilot)
        app.screen.query_one(Input).value = "2026-03-01"
        await pilot.press("enter")
        await settle(pilot)
        browser.reveal("SOP-009")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, FlowScreen)
        assert "version 3.1" in drawing(app).splitlines()[0]
