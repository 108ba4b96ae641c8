"""Issue 14 (TUI hostile): a key pressed again while its git work is still under way
starts that work once: a cancelled thread worker still runs to its end, so the second
press must not start a second one."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import git
import pytest

from sopvault.services.review.approvals import Approvals
from sopvault.services.review.proposals import Proposals
from sopvault.services.runs import Runs
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import loaded, open_document, settle

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"


def held(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> threading.Event:
    """Hold ``cls.name`` until the returned event is set (at most ten seconds)."""
    release = threading.Event()
    method = getattr(cls, name)

    def waiting(self: Any, *args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return method(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, waiting)
    return release


async def test_k_twice_starts_one_run(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (TUI hostile): k pressed twice while the run was being started recorded
    two open runs of SOP-003 and stacked two runners; now one run, one runner."""
    release = held(monkeypatch, Runs, "start")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("k", "k")
        await settle(pilot)
        await pilot.press("enter", "enter")  # issue 15: the assignment dialog accepted
        release.set()
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [BrowseScreen, RunScreen]
    runs = Runs(workspace_at(demo_path)).listing("SOP-003", open_only=True).runs
    assert len(runs) == 1


async def test_c_twice_opens_one_propose_dialog(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (TUI hostile): c pressed twice while the edits were read stacked two
    propose dialogs; now one."""
    path = demo_path / SOP3
    path.write_text(path.read_text("utf-8").replace("Export the", "Download the", 1), "utf-8")
    release = held(monkeypatch, Proposals, "local_edits")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("c", "c")
        release.set()
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [BrowseScreen, ProposeScreen]


async def test_no_second_decision_while_one_is_recorded(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (TUI hostile): r pressed while an approval was being recorded opened the
    reject dialog for the same proposal, racing the approval in git; now it is refused
    with one line until the approval is done."""
    act_as(monkeypatch, "Bilal Okafor")
    release = held(monkeypatch, Approvals, "approve")
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("a", "enter", "r", "a")
        assert isinstance(app.screen, ReviewsScreen)
        assert any("A decision is being recorded" in n.message for n in app._notifications)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
    heads = git.Repo(demo_path).git.for_each_ref("--format=%(refname)", "refs/heads/")
    assert "refs/heads/approved/WI-004/6" in heads.split()
