"""The TUI's checklist runner, driven headless with Pilot on the real demo repository: a whole
procedure walked from the keyboard, refusals, quitting mid-way and resuming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from sopvault.model.run import EventType, RunState, StepState
from sopvault.services.clock import running_from
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.deviation import DeviationNoteScreen
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.screens.runs import RunsScreen
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import accept_assignment, loaded, open_document, plain, settle

SOP10 = "procedures/SOP-010-leach-sop.md"


def make_app(root: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(root))


def text_of(pilot: Pilot[None], selector: str) -> str:
    return " ".join(plain(pilot.app.screen.query_one(selector, Static)).split())


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


async def start_run(pilot: Pilot[None], doc_id: str = "SOP-010") -> RunScreen:
    await open_document(pilot, doc_id)
    await pilot.press("k")
    await settle(pilot)
    await accept_assignment(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RunScreen)
    return screen


async def type_value(pilot: Pilot[None], value: str) -> None:
    """Enter on the step opens the evidence input; type the value and submit it."""
    await pilot.press("enter")
    await pilot.press(*value)
    await pilot.press("enter")
    await settle(pilot)


def states(screen: RunScreen) -> list[str]:
    return [s.state.value for s in screen.run.steps]


async def test_walk_a_whole_procedure_from_the_keyboard(demo_path: Path) -> None:
    app = make_app(demo_path)
    head = git.Repo(demo_path).head.commit.hexsha
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        run_id = screen.run.id
        assert "following commit" in text_of(pilot, "#run-title")
        assert "Step 1" in text_of(pilot, "#run-detail")

        await type_value(pilot, "yes")
        assert states(screen)[0] == "done"
        assert screen.query_one(OptionList).highlighted == 1  # moved on to step 2

        # an out-of-range value: the input says it will be a deviation as you type, and
        # Enter asks for the note; Escape records nothing and keeps what was typed
        await pilot.press("enter", *"80")
        await settle(pilot)
        assert (
            "80 °C is above the maximum (allowed 55 to 65 °C): will be recorded as a deviation"
            in text_of(pilot, "#run-feedback")
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeviationNoteScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert states(screen)[1] == "pending"
        assert screen.query_one(Input).value == "80"
        await pilot.press("backspace", "backspace", *"61")
        await settle(pilot)
        assert "✓ 61 °C" in text_of(pilot, "#run-feedback")
        await pilot.press("enter")
        await settle(pilot)
        assert states(screen)[1] == "done"

        await pilot.press("s")  # step 3 is not a control point: the reason is optional
        await settle(pilot)
        assert isinstance(app.screen, CommentScreen)
        await pilot.press(*"tank 1 drained", "enter")
        await settle(pilot)
        await pilot.press("enter")  # step 4 records nothing: Enter marks it done
        await settle(pilot)
        await pilot.press("a", *"centrifuge down", "enter")  # step 5 n/a
        await settle(pilot)
        assert states(screen)[:5] == ["done", "done", "skipped", "done", "n/a"]
        assert states(screen)[6] == "pending"  # step 7 waits for step 6

        # a control point cannot be skipped without a reason
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CommentScreen)
        assert "A reason is required" in text_of(pilot, "#comment-error")
        await pilot.press("escape")
        await settle(pilot)
        assert states(screen)[5] == "pending"

        await pilot.press("c")  # not yet: the control point lacks its evidence
        await settle(pilot)
        assert "control point 6 lacks its evidence" in notices(app)

        await type_value(pilot, "fail")
        assert states(screen)[5] == "done" and states(screen)[6] == "pending"  # now applies
        await pilot.press("n", *"tag range Q-7 to Q-9", "enter")
        await settle(pilot)
        await type_value(pilot, "Q-7")
        notes = [e.note for e in screen.run.step(7).history if e.type is EventType.NOTE]
        assert notes == ["tag range Q-7 to Q-9"]  # a note is an event of the step's history
        assert "7 of 7 steps" in text_of(pilot, "#run-status")

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        await pilot.press("enter")  # "Complete and commit" has the focus
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert f"Run {run_id} completed (passed): committed as" in notices(app)

    repo = git.Repo(demo_path)
    commit = repo.head.commit
    assert commit.parents[0].hexsha == head
    assert list(commit.stats.files) == [f"runs/SOP-010/{run_id}.jsonl"]
    assert dict(commit.trailers_list)["Run-State"] == "completed"
    run = Runs(workspace_at(demo_path)).load(run_id)
    assert run.step(2).value == 61.0 and run.step(3).reason == "tank 1 drained"
    assert run.step(7).value == "Q-7"


async def test_leave_mid_way_then_resume_from_the_runs_screen(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        run_id = screen.run.id
        await type_value(pilot, "yes")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "stays open" in notices(app)

    # the procedure is revised meanwhile; the run keeps following its revision
    act_as(monkeypatch, "Dmitri Volkov")
    path = demo_path / SOP10
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("in tank 1", "in tank 2"), encoding="utf-8")
    number = (
        DocumentControl(workspace_at(demo_path)).proposals.propose(["SOP-010"], "Tank 2").number
    )
    act_as(monkeypatch, "Hana Sato")
    DocumentControl(workspace_at(demo_path)).approvals.approve(str(number))

    app = make_app(demo_path)  # a new session, as after a lost connection
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, RunsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == run_id
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert states(screen)[:2] == ["done", "pending"]
        assert screen.query_one(OptionList).highlighted == 1  # where it was left
        assert "was revised since this run began (now 2.5)" in text_of(pilot, "#run-notices")
        await pilot.press("down")
        await settle(pilot)
        assert "Leach the concentrate in tank 1" in text_of(pilot, "#run-detail")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        assert "tank 2" in plain(app.screen.query_one("#text-body", Static))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("up", "x", *"Batch moved to tank 2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RunsScreen)
        assert app.screen.query_one(DataTable).row_count == 0

    run = Runs(workspace_at(demo_path)).load(run_id)
    assert run.state is RunState.ABORTED and run.reason == "Batch moved to tank 2"
    assert run.step(1).state is StepState.DONE


async def test_work_instruction_is_one_key_away_and_undo_reopens(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await type_value(pilot, "yes")
        await pilot.press("down")  # step 3 names WI-002
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        assert "WI-002" in plain(app.screen.query_one("#text-body", Static))
        await pilot.press("escape", "up", "up", "u")
        await settle(pilot)
        assert states(screen)[0] == "pending"
        assert screen.query_one(Input).display  # the evidence input is back


async def test_runs_screen_lists_a_broken_run_file_as_a_problem(demo_path: Path) -> None:
    runs = Runs(workspace_at(demo_path))
    good = runs.start("SOP-010").run.id
    bad = runs.start("SOP-009").run.id
    (demo_path / "runs/SOP-009" / f"{bad}.jsonl").write_text("{not json\n", encoding="utf-8")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [good]
        assert f"runs/SOP-009/{bad}.jsonl" in text_of(pilot, "#runs-problems")


async def test_late_steps_show_in_the_runner(demo_path: Path) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    runs = Runs(Workspace.open(demo_path, clock=lambda: start))
    run_id = runs.start("SOP-010").run.id
    app = SopVaultApp(Workspace.open(demo_path, clock=running_from(start + timedelta(hours=1))))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[6]) == "2"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen) and app.screen.run.id == run_id
        assert "LATE: step 2" in text_of(pilot, "#run-status")


async def test_k_on_a_procedure_with_an_open_run_asks_first(demo_path: Path) -> None:
    """Issue 13 (a second run is a decision): `k` again on a procedure with an open run
    shows who started it and when, and asks: resume it, start another, or cancel."""
    from sopvault.tui.dialogs.second_run import SecondRunScreen

    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        first = (await start_run(pilot)).run.id
        await pilot.press("escape")
        await settle(pilot)
        for button, expect in (("#second-run-resume", "resume"), ("#second-run-another", "new")):
            await pilot.press("k")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, SecondRunScreen) and dialog.waiting[0].id == first
            shown = " ".join(plain(label) for label in dialog.query("Label"))
            assert "SOP-010 already has" in shown and f"run {first}, started by" in shown
            await pilot.click(button)
            await settle(pilot)
            await accept_assignment(pilot)
            runner = app.screen
            assert isinstance(runner, RunScreen)
            assert (runner.run.id == first) is (expect == "resume")
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("escape")  # cancel: nothing starts
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
    assert len(Runs(workspace_at(demo_path)).listing("SOP-010", open_only=True).runs) == 2
