"""Trust §7 in the TUI: the reader says when the working copy is not the approved text
(read in a worker), and the shipped sample vault refuses the editor with one notice."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from sopvault.tui.app import SopVaultApp
from sopvault.tui.widgets.doc_view import DocView
from tests.conftest import SAMPLE, workspace_at
from tests.tui.helpers import open_document, plain, settle

SIZE = (120, 40)
SOP10 = "procedures/SOP-010-leach-sop.md"


async def test_the_reader_says_when_the_working_copy_is_edited(demo_path: Path) -> None:
    """Trust §7 (working copy): an approved document shows no line; after an edit the
    reader names the approved revision, computed off the UI thread."""
    path = demo_path / SOP10
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_document(pilot, "SOP-010")
        line = browser.query_one("#doc-standing", Static)
        assert not line.display
        path.write_text(path.read_text(encoding="utf-8") + "\nA late note.\n", encoding="utf-8")
        browser.reveal("SOP-003")
        await settle(pilot)
        browser.reveal("SOP-010")
        await settle(pilot)
        assert line.display
        shown = plain(line)
        assert shown.startswith("working copy: edited, not approved; approved v")
        assert "by Hana Sato" in shown


async def test_the_shipped_sample_vault_refuses_the_editor() -> None:
    """Trust §7 (shipped vault): `e` on the shipped sample vault says to make a copy with
    `sopvault demo DIR`; the status line says browse and search only."""
    app = SopVaultApp(workspace_at(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("e")
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any("sopvault demo DIR" in n for n in notices), notices
        assert "browse and search only" in plain(app.screen.query_one("#status", Static))
        assert app.screen.query_one(DocView).document is not None
