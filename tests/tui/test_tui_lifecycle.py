"""Issue 14 (versions and life cycle) in the TUI: the propose dialog shows the number a
draft gets on its first approval (1.0, minor or major), and the runner refuses a retired
procedure with one notice naming its successor."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Static

from sopvault.cli import main
from sopvault.services.review.control import DocumentControl
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.screens.run import RunScreen
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import open_document, plain, settle


def versions(app: App[None]) -> str:
    return " ".join(plain(app.screen.query_one("#propose-versions", Static)).split())


async def test_the_propose_dialog_numbers_a_draft_1_0_minor_or_major(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (versions): a new draft (0.1) shows `new → 1.0` for a minor and a major
    change alike, and the proposal made from the dialog carries 1.0."""
    act_as(monkeypatch, "Carmen Ruiz")
    assert main(["--vault", str(sample_path), "new", "wi", "--title", "Weigh a bag"]) == 0
    app = SopVaultApp(workspace_at(sample_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "WI-006")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ProposeScreen)
        assert "WI-006 new → 1.0" in versions(app)
        await pilot.click("#propose-major")
        await settle(pilot)
        assert "WI-006 new → 1.0" in versions(app)
        app.screen.query_one("#propose-summary", Input).focus()
        await pilot.press(*"First version", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ProposeScreen)
    waiting = DocumentControl(workspace_at(sample_path)).proposals.listing()
    assert [p.documents for p in waiting] == [{"WI-006": "1.0"}]


async def test_the_runner_refuses_a_retired_procedure_naming_its_successor(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (retire): `k` on a retired work instruction starts nothing and says, in
    one notice, which document to run instead."""
    act_as(monkeypatch, "Dmitri Volkov")
    control = DocumentControl(workspace_at(sample_path))
    number = str(control.retirements.retire("WI-001", "New control panel", "WI-002").number)
    act_as(monkeypatch, "Hana Sato")
    DocumentControl(workspace_at(sample_path)).approvals.approve(number)
    app = SopVaultApp(workspace_at(sample_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "WI-001")
        await pilot.press("k")
        await settle(pilot)
        assert not isinstance(app.screen, RunScreen)
        said = [n.message for n in app._notifications]
        assert said == ["WI-001 is retired (superseded by WI-002): run WI-002"]
    assert not (sample_path / "runs" / "WI-001").exists()
