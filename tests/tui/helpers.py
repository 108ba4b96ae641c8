"""Helpers for driving the real app headless with Pilot."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from sopvault.tui.dialogs.assign import AssignScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.widgets.doc_tree import DocTree
from sopvault.tui.widgets.doc_view import DocView


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (its content is a Rich renderable or a string)."""
    console = Console(file=io.StringIO(), width=100, color_system=None, legacy_windows=False)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def _quiet(app: App[None]) -> bool:
    """No worker running or about to, no message waiting in the app or on screen, and no
    table waiting to size its columns."""
    if any(w.is_running or w.state.name == "PENDING" for w in app.workers):
        return False
    nodes = [app, *app.screen.walk_children(with_self=True)]
    if not all(node._message_queue.empty() for node in nodes):
        return False
    # A DataTable sizes its columns on its next idle: rows just added are not laid out yet.
    return not any(
        table._require_update_dimensions or table._new_rows or table._updated_cells
        for table in app.screen.query(DataTable)
    )


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and their results reach the screen, including workers that a
    finishing worker starts (the inbox reads proposals, then the highlighted one's diff)
    and screens that a message opens (a key posts a message, the app pushes the screen,
    its mount starts a worker): quiet twice in a row, so no hop is still under way."""
    quiet = 0
    for _ in range(100):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quiet = quiet + 1 if _quiet(pilot.app) else 0
        if quiet >= 2:
            return


async def loaded(pilot: Pilot[None]) -> DocTree:
    """Wait for the load worker and return the tree."""
    await settle(pilot)
    return pilot.app.screen.query_one(DocTree)


async def open_document(pilot: Pilot[None], doc_id: str) -> BrowseScreen:
    """Wait for the load, show ``doc_id`` as search would, and check it is in the pane."""
    await loaded(pilot)
    browser = pilot.app.screen
    assert isinstance(browser, BrowseScreen)
    browser.reveal(doc_id)
    await settle(pilot)
    doc = browser.query_one(DocView).document
    assert doc is not None and doc.id == doc_id
    return browser


def cursor_id(tree: DocTree) -> str | None:
    node = tree.cursor_node
    return node.data.doc_id if node is not None and node.data is not None else None


async def press_down_to(pilot: Pilot[None], tree: DocTree, doc_id: str, limit: int = 60) -> None:
    """Press Down until the cursor is on ``doc_id``, as a person would."""
    for _ in range(limit):
        if cursor_id(tree) == doc_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{doc_id} not reached; cursor on {cursor_id(tree)}")


async def search_settled(pilot: Pilot[None], timeout: float = 30.0) -> None:
    """Wait until the search screen shows the answer to what is typed now."""
    for _ in range(int(timeout / 0.05)):
        await settle(pilot)
        if getattr(pilot.app.screen, "pending", None) is None:
            return
        await pilot.pause(0.05)
    raise AssertionError("the search did not settle")


SOP3_PATH = "procedures/SOP-003-review-stock-and-reorder-points.md"


def propose_rules_change(root: Path) -> int:
    """Propose (as whoever git says is acting) an edit of SOP-003 that a reviewer must read
    closely: step 5 moved before step 4, step 1 reworded, step 2's evidence minimum raised
    and a failed count stopping the run, step 4 made a control point, the purpose
    reworded. Returns the proposal's number."""
    from sopvault.services.review.control import DocumentControl
    from tests.conftest import workspace_at

    path = root / SOP3_PATH
    text = path.read_text("utf-8")
    front, _, body = text.partition('\n[[steps]]\naction = "List the items')
    steps4, _, rest = body.partition('\n[[steps]]\naction = "Send the reorder list')
    fifth, _, end = rest.partition("+++\n")
    text = (
        front
        + '\n[[steps]]\naction = "Send the reorder list'
        + fifth
        + '\n[[steps]]\naction = "List the items'
        + steps4.replace('duration = "10m"', 'duration = "10m"\ncritical = true')
        + "+++\n"
        + end
    )
    text = text.replace("on back order, from", "on back order or in transit, from")
    text = text.replace('unit = "lines" }', 'unit = "lines", min = 1 }\non_fail = "stop"', 1)
    text = text.replace("min = 0, unit", "unit", 1)
    text = text.replace("from counted and trusted", "from freshly counted and trusted")
    path.write_text(text, "utf-8")
    control = DocumentControl(workspace_at(root))
    return control.proposals.propose(["SOP-003"], "Stop on a failed count").number


async def accept_assignment(pilot: Pilot[None]) -> None:
    """Issue 15 (assignment): a procedure with roles asks who fills them first; Enter
    accepts the people offered."""
    if isinstance(pilot.app.screen, AssignScreen):
        await pilot.press("enter")
        await settle(pilot)
