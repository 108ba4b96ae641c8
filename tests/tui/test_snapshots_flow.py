"""Issue 16 (flow pictures): an SVG snapshot of the flow view (pytest-textual-snapshot);
docs/tui.md shows this file.

Update after an intended change with ``pytest tests/tui/test_snapshots_flow.py
--snapshot-update`` and look at the SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sopvault.tui.app import SopVaultApp
from tests.conftest import workspace_at
from tests.tui.helpers import open_document, settle

SIZE = (120, 40)


def test_flow_view(snap_compare: Any, demo_path: Path) -> None:
    """Issue 16 (flow, TUI): SOP-010 drawn as a flow, scrolled to its branch: the lab
    technician's lane, the branch before step 7 and where a run goes otherwise."""

    async def show_flow(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("l")
        await settle(pilot)
        for _ in range(30):
            await pilot.press("down")
        await settle(pilot)

    app = SopVaultApp(workspace_at(demo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=show_flow)
