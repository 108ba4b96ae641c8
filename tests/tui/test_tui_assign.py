"""Issue 15 (assignment, my work): the assignment dialog when a run starts, reassignment
with `g` in the runner, the assignee on each step, and the "My work" screen (`m` from the
tree and the dashboard; Enter resumes the run), driven with Pilot; SVG snapshots of the
dialog and of "My work"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.assign import AssignScreen
from sopvault.tui.screens.dashboard import DashboardScreen
from sopvault.tui.screens.mywork import MyWorkScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.widgets.step_list import StepList
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import open_document, plain, settle
from tests.tui.test_snapshots import SIZE, stable_ids

pytestmark = pytest.mark.usefixtures("utc")
ALICE = "Alice Moreno <alice.moreno@harrowfinch.example>"
DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
ERIN = "Erin Walsh <erin.walsh@harrowfinch.example>"
START = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def inputs(screen: AssignScreen) -> list[str]:
    return [i.value for i in screen.query(Input)]


async def test_starting_asks_who_fills_each_role(demo_path: Path) -> None:
    """Issue 15 (assignment): `k` asks one row per role of SOP-010, the one holder of a
    role prefilled (plant supervisor: dmitri); a person not in [people] is refused in the
    dialog; Enter starts the run with the roles filled, as assign events."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AssignScreen)
        assert dialog.roles == ["plant operator", "plant supervisor", "lab technician"]
        assert inputs(dialog) == ["", "dmitri", ""]
        await pilot.press(*"zed", "enter")
        await settle(pilot)
        assert "'zed' is not in [people]" in plain(dialog.query_one("#assign-error", Static))
        assert app.screen is dialog
        await pilot.press(*["backspace"] * 3, *"erin", "enter")
        await settle(pilot)
        runner = app.screen
        assert isinstance(runner, RunScreen)
        assert runner.run.roles == {"plant operator": ERIN, "plant supervisor": DMITRI}
        assert [e.type.value for e in runner.run.events] == ["start", "assign", "assign"]
        first = str(runner.query_one(StepList).get_option_at_index(0).prompt)
        assert first.endswith("→ Erin Walsh")


async def test_escape_starts_nothing(demo_path: Path) -> None:
    """Issue 15 (assignment): Escape in the dialog starts no run."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (AssignScreen, RunScreen))
    assert Runs(workspace_at(demo_path)).listing("SOP-010").runs == []


async def test_g_reassigns_a_role_in_the_runner(demo_path: Path) -> None:
    """Issue 15 (assignment): `g` in the runner opens the dialog with the run's current
    people; a change is an assign event, and the step list names the new person."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        await pilot.press(*"erin", "enter")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AssignScreen)
        assert inputs(dialog) == ["erin", "dmitri", ""]
        dialog.query_one("#assign-0", Input).value = "dmitri"
        dialog.query_one("#assign-0", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        runner = app.screen
        assert isinstance(runner, RunScreen)
        last = runner.run.events[-1]
        assert (last.type.value, last.role, last.person) == ("assign", "plant operator", DMITRI)
        assert str(runner.query_one(StepList).get_option_at_index(0).prompt).endswith(
            "→ Dmitri Volkov"
        )


def two_runs(root: Path) -> tuple[str, str]:
    """Two open runs with steps of Alice's: SOP-010 started by her (its steps without a
    person are hers), SOP-004 started by Hana with Alice as operations lead."""
    first = Runs(Workspace.open(root, clock=lambda: START)).start(
        "SOP-010", who=ALICE, roles={"lab technician": "erin"}
    )
    later = START + timedelta(minutes=2)
    second = Runs(Workspace.open(root, clock=lambda: later)).start(
        "SOP-004",
        who="Hana Sato <hana.sato@harrowfinch.example>",
        roles={"operations lead": "alice"},
    )
    return first.run.id, second.run.id


async def test_my_work_from_the_tree_and_the_dashboard(demo_path: Path) -> None:
    """Issue 15 (my work): `m` from the tree lists my steps by deadline, the late one in
    red; Enter resumes its run in the runner; `m` from the dashboard shows the same."""
    first, second = two_runs(demo_path)
    now = START + timedelta(hours=1)
    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now))
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "SOP-010")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyWorkScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 6
        row = [str(c) for c in table.get_row_at(0)]
        assert row[0].endswith("LATE") and row[1] == first
        assert [str(c) for c in table.get_row_at(5)][1] == second
        await pilot.press("enter")
        await settle(pilot)
        runner = app.screen
        assert isinstance(runner, RunScreen) and runner.run.id == first
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        assert app.screen.query_one(DataTable).row_count == 6


def test_assignment_dialog_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (assignment): the dialog as `k` opens it on SOP-010: a row per role, the
    plant supervisor prefilled with the one person holding the role."""
    stable_ids(monkeypatch)

    async def ask(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False

    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: START))
    assert snap_compare(app, terminal_size=SIZE, run_before=ask)


def test_my_work_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (my work): my steps across two open runs, by deadline, the late one in red,
    each with its run, document, step and role."""
    stable_ids(monkeypatch)
    act_as(monkeypatch, "Alice Moreno")
    two_runs(demo_path)

    async def mine(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("m")
        await settle(pilot)

    now = START + timedelta(hours=1)
    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now))
    assert snap_compare(app, terminal_size=SIZE, run_before=mine)
