"""Issue 15 (command steps) in the TUI runner, driven with Pilot on a real repository and
real programs: `r` asks in a dialog showing the command in full (Cancel has the focus),
runs it in a worker only on "Run command", and the step's detail shows its exit status and
the end of its output, inert; a text that is not the approved one is refused in a notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from sopvault.model.run import StepState
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.command import CommandScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.widgets.step_list import StepList
from tests.conftest import workspace_at
from tests.services.commandvault import COMMAND_STEP, SOP10, approve_command_step, python
from tests.tui.helpers import accept_assignment, open_document, plain, settle

pytestmark = pytest.mark.usefixtures("utc")

PRINTS = "print('\\x1b[31mexported\\x1b[0m 42 rows'); print('to \\u202eeman')"


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


async def on_command_step(pilot: Pilot[None]) -> RunScreen:
    await open_document(pilot, "SOP-010")
    await pilot.press("k")
    await settle(pilot)
    await accept_assignment(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RunScreen)
    screen.query_one(StepList).highlighted = COMMAND_STEP - 1
    await settle(pilot)
    return screen


async def test_r_asks_then_runs_the_command_and_shows_its_output_inert(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): confirmation in a dialog; Cancel (the focused button)
    runs nothing; "Run command" runs it and the detail shows the result, inert."""
    approve_command_step(demo_path, monkeypatch, python(PRINTS))
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await on_command_step(pilot)
        detail = plain(screen.query_one("#run-detail", Static))
        assert "command" in detail and "r runs it, asks first" in detail

        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CommandScreen)
        body = plain(dialog.query_one("#command-body", Static))
        assert "This step runs a command:" in body and "argument 2: print(" in body
        assert "\x1b" not in body
        assert dialog.focused is not None and dialog.focused.id == "command-cancel"
        await pilot.press("enter")  # Cancel
        await settle(pilot)
        assert app.screen is screen
        assert screen.run.step(COMMAND_STEP).state is StepState.PENDING

        await pilot.press("enter")  # Enter on a command step asks too
        await settle(pilot)
        assert isinstance(app.screen, CommandScreen)
        await pilot.click("#command-run")
        await settle(pilot)
        assert app.screen is screen
        assert screen.run.step(COMMAND_STEP).state is StepState.DONE
        detail = plain(screen.query_one("#run-detail", Static))
        assert "result: exit status 0" in detail
        assert "| ^[[31mexported^[[0m 42 rows" in detail and "to <U+202E>eman" in detail
        assert "\x1b" not in detail and "\u202e" not in detail
        assert "step 8: exit status 0" in notices(app)


async def test_a_changed_working_copy_is_refused_in_one_notice(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): an edited working copy of the procedure: no dialog,
    nothing runs, one notice says why."""
    marker = demo_path / "ran.txt"
    approve_command_step(demo_path, monkeypatch, python(f"open({str(marker)!r}, 'w')"))
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await on_command_step(pilot)
        path = demo_path / SOP10
        path.write_text(path.read_text(encoding="utf-8") + "\nedited\n", encoding="utf-8")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        assert "was not run: your working copy of SOP-010 differs" in notices(app)
        assert not marker.exists()


async def test_complete_waits_while_a_command_runs(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): while the command runs in its worker, c says it is
    still running instead of completing; the runner stays usable."""
    approve_command_step(demo_path, monkeypatch, python("import time; time.sleep(2)"))
    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await on_command_step(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.click("#command-run")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert "still running" in notices(app)
        await settle(pilot)
        assert screen.run.step(COMMAND_STEP).state is StepState.DONE
