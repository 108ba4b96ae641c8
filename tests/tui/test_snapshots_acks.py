"""Issue 14 (acknowledgements): SVG snapshots of the reader's acknowledgement prompt and
its confirm dialog (pytest-textual-snapshot); docs/tui.md shows these files.

Update after an intended change with ``pytest tests/tui/test_snapshots_acks.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sopvault.tui.app import SopVaultApp
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import open_document, settle

SIZE = (120, 40)


def test_acknowledgement_prompt(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Carmen reads SOP-003, which she must acknowledge: the
    prompt under the title, and the dialog `a` opens, stating the meaning."""
    act_as(monkeypatch, "Carmen Ruiz")

    async def ask(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-003")
        await pilot.press("a")
        await settle(pilot)

    app = SopVaultApp(workspace_at(demo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=ask)
