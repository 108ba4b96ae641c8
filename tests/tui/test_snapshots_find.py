"""SVG snapshot of the browse tree filtered by text (issue 17); docs/tui.md shows it.

Update after an intended change with ``pytest tests/tui/test_snapshots_find.py
--snapshot-update`` and look at the SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sopvault.tui.app import SopVaultApp
from tests.conftest import workspace_at
from tests.tui.helpers import loaded, settle

SIZE = (120, 40)


def test_tree_filtered_by_text(snap_compare: Any, sample_path: Path) -> None:
    """Issue 17 (filter the tree by text): the filter line above the tree, the documents
    whose id, title, owner or tags hold "fba", by kind."""

    async def type_fba(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("t", *"fba")
        await settle(pilot)

    app = SopVaultApp(workspace_at(sample_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=type_fba)
