"""Issue 14 (what is due): the dashboard the TUI opens on, driven with Pilot on the demo
vault: the four lists and their counts, Enter opening a document, a proposal and a run, the
tree one key away and back; and its SVG snapshot (docs/tui.md shows it)."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from sopvault.model.due import DueReport
from sopvault.services.dueahead import ReportAhead
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.dashboard import DashboardScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.widgets.doc_view import DocView
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import plain, settle

SIZE = (120, 40)
STARTED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def dashboard_app(root: Path, clock: Any = None) -> SopVaultApp:
    ws = workspace_at(root) if clock is None else Workspace.open(root, clock=clock)
    return SopVaultApp(ws, first="dashboard")


def rows(app: SopVaultApp, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def start_run(root: Path, monkeypatch: pytest.MonkeyPatch, operator: str = "bilal") -> str:
    """An open SOP-010 run started at 09:30 with ``operator`` as its plant operator."""
    numbers = itertools.count(0x1A2B)
    monkeypatch.setattr(
        "sopvault.services.runs.secrets.token_hex",
        lambda size: "1a2b" if size == 2 else f"{next(numbers):0{2 * size}x}",
    )
    runs = Runs(Workspace.open(root, clock=lambda: STARTED))
    who = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
    run = runs.start("SOP-010", who=who, roles={"plant operator": operator}).run
    runs.mark(run.id, 1, "done", value="yes", who=who)
    return run.id


async def test_opens_on_the_dashboard_with_counts(demo_path: Path) -> None:
    """Issue 14 (what is due): the four lists with counts, late rows marked, the counts in
    the status line."""
    app = dashboard_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert [r[1:3] for r in rows(app, "due-reviews")] == [
            ["2026-11-01", "PRC-008"],
            ["2026-11-01", "SOP-001"],
        ]
        assert rows(app, "due-reviews")[0][0] == "LATE"
        assert rows(app, "due-proposals")[0][2] == "WI-004/6"
        headings = [plain(h) for h in app.screen.query(".due-heading").results(Static)]
        assert headings[0].startswith("Reviews (2, 2 overdue)")
        assert headings[2].startswith("Acknowledgements I owe (3)")  # Alice's reading
        assert headings[3].startswith("Open runs (0)")
        status = plain(app.screen.query_one("#due-status", Static))
        assert "2 reviews · 1 proposal" in status and "3 overdue" in status


async def test_tree_one_key_away_and_back(demo_path: Path) -> None:
    """Issue 14 (what is due): `t` shows the tree, `d` there the dashboard again (the same
    screens, each where it was); an app opened on the tree reaches the dashboard too."""
    app = dashboard_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard = app.screen
        await pilot.press("t")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is dashboard
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is browser
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.screen
        assert isinstance(first, BrowseScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert rows(app, "due-reviews")
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is first


async def test_enter_opens_the_document_and_the_proposal(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (what is due): Enter on a review opens the document in the reader; Enter on
    a proposal opens the inbox on that proposal, which Bilal may approve; once he has,
    the dashboard he comes back to no longer lists it."""
    act_as(monkeypatch, "Bilal Okafor")
    app = dashboard_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # the second review: SOP-001
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        shown = app.screen.query_one(DocView).document
        assert shown is not None and shown.id == "SOP-001"
        await pilot.press("d")
        await settle(pilot)
        assert rows(app, "due-proposals")[0][-1].endswith("yours to review")
        app.screen.query_one("#due-proposals", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        review = app.screen.review
        assert review is not None and review.proposal.number == 6 and review.refusal is None
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Checked", "enter")  # the comment dialog
        await settle(pilot)
        await pilot.press("escape")  # back: the dashboard reads what is due again
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert rows(app, "due-proposals") == []
        assert "0 proposals" in plain(app.screen.query_one("#due-status", Static))


async def test_my_steps_and_enter_resumes_the_run(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None
) -> None:
    """Issue 14 (what is due): an open run with the steps of the role assigned to me and
    their deadlines, late once past; Enter resumes it in the runner."""
    run_id = start_run(demo_path, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    app = dashboard_app(demo_path, clock=lambda: STARTED + timedelta(hours=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = rows(app, "due-runs")
        assert found[0][:3] == ["LATE", "2026-11-25 10:00 UTC", run_id]
        assert found[1][2:5] == ["step 2", "plant operator", "yours"]
        assert found[1][0] == "LATE"
        app.screen.query_one("#due-runs", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)


async def test_enter_twice_on_a_run_opens_one_runner(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (TUI hostile): Enter pressed twice on a run row while the run was read
    stacked two runners (Escape left the second one); the older read is now dropped."""
    start_run(demo_path, monkeypatch)
    release = threading.Event()
    resume = Runs.resume

    def held(self: Runs, run_id: str) -> Any:
        release.wait(10)
        return resume(self, run_id)

    monkeypatch.setattr(Runs, "resume", held)
    app = dashboard_app(demo_path, clock=lambda: STARTED + timedelta(hours=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#due-runs", DataTable).focus()
        await pilot.press("enter", "enter")
        release.set()
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [DashboardScreen, RunScreen]


def test_dashboard_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None
) -> None:
    """Issue 14 (what is due): the dashboard on the demo vault, as Dmitri, an hour into an
    open run whose operator he is, with the potash documents he must read
    (docs/tui.md shows this file)."""
    start_run(demo_path, monkeypatch, "dmitri")
    act_as(monkeypatch, "Dmitri Volkov")

    async def wait(pilot: Pilot[None]) -> None:
        await settle(pilot)

    app = dashboard_app(demo_path, clock=lambda: STARTED + timedelta(hours=1))
    assert snap_compare(app, terminal_size=SIZE, run_before=wait)


async def test_the_first_report_shown_is_the_one_read_ahead(demo_path: Path) -> None:
    """Issue 17 (the TUI's first screen): the dashboard shows the report read ahead while
    the TUI started (``services.dueahead``), once; `r` reads what is due itself."""
    from sopvault.services.clock import running_from
    from sopvault.services.due import Due

    june = Due(Workspace.open(demo_path, clock=running_from(date(2027, 6, 1)))).report()
    offered = [june, None]

    class Offered(ReportAhead):
        def take(self) -> DueReport | None:
            return offered.pop(0) if offered else None

    app = SopVaultApp(workspace_at(demo_path), first="dashboard", ahead=Offered(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = plain(app.screen.query_one("#due-title", Static))
        assert title.startswith("What is due on 2027-06-01")
        await pilot.press("r")
        await settle(pilot)
        title = plain(app.screen.query_one("#due-title", Static))
        assert title.startswith("What is due on 2026-11-25")
    assert offered == []
