"""Issue 15 (command steps): SVG snapshot of a command step awaiting confirmation in the
runner (pytest-textual-snapshot); docs/tui.md and docs/runs.md show this file.

Update after an intended change with ``pytest tests/tui/test_snapshots_commands.py
--snapshot-update`` and look at the SVG before committing it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.widgets.step_list import StepList
from tests.services.commandvault import COMMAND_STEP, approve_command_step
from tests.tui.helpers import accept_assignment, open_document, settle
from tests.tui.test_snapshots import stable_ids

SIZE = (120, 40)
# Never run by the snapshot: the dialog asks first.
EXPORT = ["plant-historian", "export", "--batch", "B-2611", "--format=csv", "--to", "leach/*.csv"]


def test_command_step_awaiting_confirmation(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None
) -> None:
    """Issue 15 (command steps): `r` on the step that exports the batch record: the
    dialog shows the command in full, each argument, the time limit; Cancel has the focus."""
    approve_command_step(demo_path, monkeypatch, EXPORT, timeout="5m")
    stable_ids(monkeypatch)
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

    async def ask(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        await accept_assignment(pilot)
        pilot.app.screen.query_one(StepList).highlighted = COMMAND_STEP - 1
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now))
    assert snap_compare(app, terminal_size=SIZE, run_before=ask)
