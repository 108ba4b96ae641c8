"""Issue 15 (nested work instruction) in the TUI: `i` on a step naming a work instruction
runs it in place in the runner, its steps answered as the run's own, back to the run's
steps when they are all dealt with; Escape leaves it mid-way and Enter goes back in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from sopvault.model.run import EventType, StepState
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.command import CommandScreen
from sopvault.tui.screens.nested_run import NestedRunScreen
from sopvault.tui.screens.run import RunScreen
from tests.conftest import workspace_at
from tests.services.commandvault import approve_wi, edit_wi, python, step_toml
from tests.tui.helpers import accept_assignment, open_document, plain, settle
from tests.tui.test_snapshots import SIZE, stable_ids

pytestmark = pytest.mark.usefixtures("utc")


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


async def answer(pilot: Pilot[None], value: str = "") -> None:
    """Enter on the highlighted step; with a value, typed into its input and submitted."""
    await pilot.press("enter")
    if value:
        await pilot.press(*value, "enter")
    await settle(pilot)


async def to_step_3(pilot: Pilot[None]) -> RunScreen:
    """SOP-009 started from the tree, steps 1 and 2 answered: step 3 names WI-001."""
    await open_document(pilot, "SOP-009")
    await pilot.press("k")
    await settle(pilot)
    await accept_assignment(pilot)
    runner = pilot.app.screen
    assert isinstance(runner, RunScreen)
    await answer(pilot, "yes")
    await answer(pilot, "100")
    assert runner.query_one(OptionList).highlighted == 2
    return runner


async def test_i_runs_the_work_instruction_in_place_in_the_runner(demo_path: Path) -> None:
    """Issue 15 (nested work instruction): `i` opens WI-001 inside step 3 (an instruction
    event in the run's log); its steps are answered with the runner's keys; Escape goes
    back with step 3 still pending and its line showing how far WI-001 is; Enter on step 3
    goes back in without opening it twice; the last answer makes step 3 done and returns
    to the run's steps on step 4."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await to_step_3(pilot)
        await pilot.press("i")
        await settle(pilot)
        inner = app.screen
        assert isinstance(inner, NestedRunScreen) and len(inner.run.steps) == 6
        assert inner.run.steps[0].label == "3.1"
        await answer(pilot, "yes")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is runner
        step3 = runner.run.step(3)
        assert step3.state is StepState.PENDING and step3.nested[0].value == "yes"
        assert "▸ WI-001 1/6" in str(runner.query_one(OptionList).get_option_at_index(2).prompt)
        await pilot.press("enter")
        await settle(pilot)
        inner = app.screen
        assert isinstance(inner, NestedRunScreen)
        assert inner.query_one(OptionList).highlighted == 1  # the first pending: 3.2
        await answer(pilot)
        await answer(pilot)
        await answer(pilot, "12")
        await answer(pilot)
        await answer(pilot)
        assert app.screen is runner
        assert "WI-001 done: step 3 is done" in notices(app)
        assert runner.run.step(3).state is StepState.DONE
        assert runner.query_one(OptionList).highlighted == 3
        assert "elsewhere" not in notices(app)  # its own answers are no news to the runner
    kinds = [e.type for e in runner.run.events]
    assert kinds.count(EventType.INSTRUCTION) == 1
    assert sum(1 for e in runner.run.events if e.within == 3) == 6


async def test_r_runs_a_command_step_of_the_work_instruction_in_place(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction, command steps): WI-001 approved with a command
    step 7; in the nested runner `r` on 3.7 asks in the dialog naming step 3.7, and "Run
    command" records its result on step 3.7 (the event names its parent), so step 3 is
    done."""
    edit_wi(demo_path, extra=step_toml(python("print('cell logged')")))
    approve_wi(demo_path, monkeypatch)
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await to_step_3(pilot)
        await pilot.press("i")
        await settle(pilot)
        inner = app.screen
        assert isinstance(inner, NestedRunScreen) and len(inner.run.steps) == 7
        for value in ("yes", "", "", "12", "", ""):
            await answer(pilot, value)
        assert inner.query_one(OptionList).highlighted == 6
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CommandScreen)
        assert "Run the command of step 3.7?" in plain(dialog.query_one(".dialog-title", Static))
        await pilot.click("#command-run")
        await settle(pilot)
        assert app.screen is inner
        assert inner.run.steps[6].state is StepState.DONE
        assert inner.real.step(3).state is StepState.DONE
        last = inner.real.events[-1]
        assert (last.step, last.within, last.exit_status) == (7, 3, 0)


async def test_i_on_a_step_naming_no_instruction_says_so(demo_path: Path) -> None:
    """Issue 15 (nested work instruction): `i` on a step naming no work instruction
    records nothing and says why in one notice."""
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await to_step_3(pilot)
        await pilot.press("up", "i")
        await settle(pilot)
        assert app.screen is runner and "names no work instruction" in notices(app)
        assert not any(e.type is EventType.INSTRUCTION for e in runner.run.events)


def test_nested_work_instruction_snapshot(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction): a nested work instruction in the runner:
    WI-001's steps inside step 3 of SOP-009, the first two dealt with, a froth depth out
    of its range typed in the input."""
    stable_ids(monkeypatch)
    now = [datetime(2026, 11, 25, 9, 30, tzinfo=UTC)]

    async def inside_step_3(pilot: Pilot[None]) -> None:
        await to_step_3(pilot)
        now[0] += timedelta(minutes=14)
        await pilot.press("i")
        await settle(pilot)
        await answer(pilot, "yes")
        await answer(pilot)
        await pilot.press("down", "enter", *"18")
        await settle(pilot)
        pilot.app.screen.query_one(Input).cursor_blink = False

    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now[0]))
    assert snap_compare(app, terminal_size=SIZE, run_before=inside_step_3)
