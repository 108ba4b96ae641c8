"""Issue 14 (impact): the impact panel in the propose dialog and the reviews inbox, driven
headless with Pilot on the demo, and its SVG snapshot (docs/tui.md shows it)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.widgets.impact_panel import ImpactPanel
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import loaded, open_document, plain, settle
from tests.tui.test_snapshots import SIZE, stable_ids

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"


def panel_text(pilot: Pilot[None]) -> str:
    panel = pilot.app.screen.query_one(ImpactPanel)
    return plain(panel.query_one(".impact-text", Static))


def start_sop3_run(demo_path: Path) -> str:
    """Dmitri starts SOP-003 on 25 November at 09:30 (UTC), on the text main holds."""
    started = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    ws = Workspace.open(demo_path, clock=lambda: started)
    who = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
    return Runs(ws).start("SOP-003", who=who).run.id


async def test_the_reviews_inbox_shows_what_approving_touches(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): Bilal, about to approve WI-004's proposal, sees SOP-003 (its
    step names WI-004) and that nobody holds WI-004's role; after he approves, nothing
    waits and the panel is empty."""
    act_as(monkeypatch, "Bilal Okafor")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        panel = app.screen.query_one(ImpactPanel)
        assert [i.change for i in panel.impacts] == ["proposal 6"]
        text = panel_text(pilot)
        assert panel.border_title == "What approving it touches"
        assert (
            "WI-004 Count stock for a cycle count: proposal 6 (1.0 on main, proposed as 1.1)"
            in text
        )
        assert "SOP-003" in text and "a step's work instruction is WI-004" in text
        assert "role warehouse operative: nobody holds it" in text
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        assert panel.impacts == [] and panel_text(pilot).strip() == ""


async def test_the_propose_dialog_shows_the_ticked_documents_impact(demo_path: Path) -> None:
    """Issue 14 (impact): ticking SOP-003 in the propose dialog shows its open run (it
    will follow an older revision) and Carmen, who will owe an acknowledgement; unticking
    everything asks for a tick."""
    run_id = start_sop3_run(demo_path)
    path = demo_path / SOP3
    path.write_text(path.read_text("utf-8").replace("Export the", "Download the", 1), "utf-8")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProposeScreen)
        panel = dialog.query_one(ImpactPanel)
        assert [(i.document.id, i.change) for i in panel.impacts] == [("SOP-003", "working copy")]
        assert [r.id for r in panel.impacts[0].runs] == [run_id]
        text = panel_text(pilot)
        assert "Open runs of SOP-003: 1" in text and "carmen  Carmen Ruiz" in text
        dialog.query_one(SelectionList).deselect_all()
        await settle(pilot)
        assert "Tick a document" in panel_text(pilot)
        assert panel.impacts == []


async def test_a_failure_is_said_in_the_panel(demo_path: Path) -> None:
    """Issue 14 (impact): when the change cannot be worked out (the proposal's ref is gone
    under the inbox), the panel says why; the inbox goes on working."""
    import git

    repo = git.Repo(demo_path)
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewsScreen) and screen.review is not None
        repo.git.update_ref("-d", "refs/heads/review/WI-004/6")
        screen.query_one(ImpactPanel).show_proposal(screen.review.proposal)
        await settle(pilot)
        assert "Cannot tell: no proposal WI-004/6" in panel_text(pilot)
        assert isinstance(app.screen, ReviewsScreen)


@pytest.mark.usefixtures("utc")
def test_approve_impact_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): the reviews inbox as Bilal Okafor, who may approve WI-004's
    proposal, with the impact panel under the verdict (docs/tui.md)."""
    stable_ids(monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")

    async def show_inbox(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)

    app = SopVaultApp(workspace_at(demo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=show_inbox)


@pytest.mark.usefixtures("utc")
def test_propose_impact_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): the propose dialog for an edit of SOP-003 while Dmitri's run of
    it is open: the run and the reader in the impact panel (docs/tui.md)."""
    stable_ids(monkeypatch)
    start_sop3_run(demo_path)
    path = demo_path / SOP3
    path.write_text(path.read_text("utf-8").replace("Export the", "Download the", 1), "utf-8")

    async def show_dialog(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-003")
        await pilot.press("c")
        await settle(pilot)
        pilot.app.screen.query_one(Input).cursor_blink = False

    app = SopVaultApp(workspace_at(demo_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=show_dialog)


async def test_enter_twice_or_escape_while_proposing_makes_one_proposal(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (TUI hostile): Enter pressed again while the proposal was being made made
    a second, identical proposal, and Escape then closed the dialog as if cancelled while
    the proposal was made all the same; now the second Enter does nothing and Escape says
    it cannot cancel, then the one proposal is reported."""
    from sopvault.services.review.proposals import Proposals

    release = threading.Event()
    made = Proposals.propose

    def held(self: Proposals, *args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return made(self, *args, **kwargs)

    monkeypatch.setattr(Proposals, "propose", held)
    path = demo_path / SOP3
    path.write_text(path.read_text("utf-8").replace("Export the", "Download the", 1), "utf-8")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProposeScreen)
        dialog.query_one(Input).value = "Download the report"
        await pilot.press("enter", "enter", "escape")
        assert app.screen is dialog
        assert "cannot be cancelled" in plain(dialog.query_one("#propose-error", Static))
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, ProposeScreen)
    import git

    heads = git.Repo(demo_path).git.for_each_ref("--format=%(refname)", "refs/heads/review/")
    assert heads.split() == ["refs/heads/review/SOP-003/7", "refs/heads/review/WI-004/6"]
