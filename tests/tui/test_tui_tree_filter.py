"""Filtering the browse tree by text, driven headless with Pilot on the sample vault."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.widgets.doc_tree import DocTree
from tests.conftest import workspace_at
from tests.tui.helpers import cursor_id, loaded, press_down_to, settle

SIZE = (120, 40)


def shown(tree: DocTree) -> dict[str, list[str]]:
    """The tree's groups and the documents under each, as listed."""
    return {
        str(group.label).split()[0]: [n.data.doc_id or "" for n in group.children if n.data]
        for group in tree.root.children
    }


def opened(tree: DocTree) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            if child.is_expanded:
                found.append(child.data.doc_id or child.data.kind.value)
                walk(child)

    walk(tree.root)
    return found


async def open_leach_sop(pilot: Pilot[None]) -> DocTree:
    """The tree as someone left it: two branches open, the cursor on SOP-010."""
    tree = await loaded(pilot)
    for doc_id in ("POL-004", "PRC-005"):
        await press_down_to(pilot, tree, doc_id)
        await pilot.press("right")
        await settle(pilot)
    await press_down_to(pilot, tree, "SOP-010")
    await settle(pilot)
    return tree


async def test_typing_narrows_the_tree_and_escape_brings_it_back(sample_path: Path) -> None:
    """Issue 17 (filter the tree by text): each key narrows the tree by id, title, owner
    and tag; Escape brings back the tree as it was opened, branches and cursor."""
    app = SopVaultApp(workspace_at(sample_path))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_leach_sop(pilot)
        before = opened(tree)
        line = app.screen.query_one("#tree-filter", Input)
        assert not line.display
        await pilot.press("t")
        assert line.display and line.has_focus
        await pilot.press(*"LEACH")  # any case; words anywhere in the title
        await settle(pilot)
        assert shown(tree) == {
            "Procedures": ["SOP-010"],
            "Work": ["WI-002"],
            "Forms": ["FRM-004"],
        }
        await pilot.press("backspace", "space", *"QUA")  # "leac qua": every word must be there
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)  # q is a letter here, not Quit
        assert line.value == "LEAC QUA" and shown(tree) == {}
        line.value = "farah"  # an owner handle
        await settle(pilot)
        assert shown(tree) == {
            "Policies": ["POL-006"],
            "Processes": ["PRC-004"],
            "Procedures": ["SOP-008"],
            "Forms": ["FRM-005"],
        }
        line.value = "fba sop-00"  # a tag and part of an id
        await settle(pilot)
        assert shown(tree) == {"Procedures": ["SOP-001", "SOP-002"]}
        await pilot.press("enter")  # to the tree, the filter kept
        assert tree.has_focus and line.display and tree.text_filter == "fba sop-00"
        await pilot.press("escape")
        await settle(pilot)
        assert not line.display and tree.text_filter == ""
        assert opened(tree) == before and cursor_id(tree) == "SOP-010"


async def test_the_kind_and_status_filter_combines_with_the_text(sample_path: Path) -> None:
    """Issue 17 (filter the tree by text): the filter dialog keeps kind and status, and
    narrows what the text found; clearing the text keeps the kind filter."""
    app = SopVaultApp(workspace_at(sample_path))
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await pilot.press("t", *"stock")
        await settle(pilot)
        everything = shown(tree)
        assert "Processes" in everything and "Procedures" in everything
        await pilot.press("enter", "f")
        await settle(pilot)
        app.screen.query_one("#filter-kind", Select).value = "procedure"
        await pilot.click("#filter-apply")
        await settle(pilot)
        assert shown(tree) == {"Procedures": everything["Procedures"]}
        assert tree.text_filter == "stock"
        await pilot.press("escape")
        await settle(pilot)
        assert tree.text_filter == "" and list(shown(tree)) == ["Procedures"]
        assert len(shown(tree)["Procedures"]) > len(everything["Procedures"])


async def test_showing_a_document_from_search_clears_the_text(sample_path: Path) -> None:
    """Issue 17 (filter the tree by text): a document chosen in search is shown even when
    the text would hide it."""
    app = SopVaultApp(workspace_at(sample_path))
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await pilot.press("t", *"leach")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        browser.reveal("SOP-003")
        await settle(pilot)
        assert tree.text_filter == "" and cursor_id(tree) == "SOP-003"
        assert not app.screen.query_one("#tree-filter", Input).display
