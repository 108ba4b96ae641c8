"""The TUI runner on runs as logs of events (issue 13), driven headless with Pilot on the real
demo repository: deviations with their notes, failed control points, the history of a
corrected step, events recorded by another process, and discarding an empty run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import git
from textual.widgets import Button, Input, OptionList

from sopvault.model.run import EventType, Outcome, RunState, StepState
from sopvault.services.runs import Runs
from sopvault.tui.dialogs.deviation import DeviationNoteScreen
from sopvault.tui.dialogs.second_run import SecondRunScreen
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.run import RunScreen
from tests.conftest import workspace_at
from tests.tui.helpers import open_document, plain, settle
from tests.tui.test_tui_runs import make_app, notices, start_run, states, text_of, type_value

ERIN = "Erin Walsh <erin.walsh@harrowfinch.example>"
SOP10 = "procedures/SOP-010-leach-sop.md"


def step_line(screen: RunScreen, number: int) -> str:
    """What the step list shows for step ``number``, as plain text."""
    prompt = screen.query_one(OptionList).get_option_at_index(number - 1).prompt
    return str(getattr(prompt, "plain", prompt))


def commit_on_main(root: Path, rel: str, old: str, new: str, message: str) -> None:
    """Change ``rel`` on main (a test's shortcut past review: the run follows main)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    repo = git.Repo(root)
    repo.git.add(rel)
    repo.git.commit("-m", message)


async def test_out_of_range_value_asks_for_a_note_and_records_a_deviation(
    demo_path: Path,
) -> None:
    """Issue 13 (deviations): 80 °C where the step allows 55 to 65 is not refused: the
    input warns as it is typed, Enter asks what happened (an empty note is refused), and
    the value is recorded with its note as a deviation, marked in the step list, the
    detail, the status line and the summary, whose outcome is "passed with deviations"."""
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await type_value(pilot, "yes")
        await pilot.press("enter", *"80")
        await settle(pilot)
        assert "will be recorded as a deviation" in text_of(pilot, "#run-feedback")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeviationNoteScreen)
        asked = " ".join(plain(label) for label in dialog.query("Label"))
        assert (
            "80 °C is above the maximum (allowed 55 to 65 °C): recorded as a deviation;"
            " say what happened" in " ".join(asked.split())
        )
        await pilot.press("enter")  # no note: refused in the dialog
        await settle(pilot)
        assert "A note is required" in text_of(pilot, "#comment-error")
        await pilot.press(*"heater stuck on; cooled to 62 before filling", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        entry = screen.run.step(2)
        assert entry.state is StepState.DONE and entry.value == 80.0
        assert entry.deviation == "80 °C is above the maximum (allowed 55 to 65 °C)"
        assert entry.note == "heater stuck on; cooled to 62 before filling"
        assert "! 80 °C above the maximum" in step_line(screen, 2)
        assert "1 deviation" in text_of(pilot, "#run-status")
        await pilot.press("up")
        await settle(pilot)
        detail = text_of(pilot, "#run-detail")
        assert "deviation ! 80 °C is above the maximum (allowed 55 to 65 °C)" in detail
        assert "done = 80 °C ! deviation" in detail

        await pilot.press("down", "enter", "enter", "enter")  # steps 3 to 5 record nothing
        await settle(pilot)
        await type_value(pilot, "pass")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        body = " ".join(plain(app.screen.query_one("#text-body")).split())
        assert "! 80 °C is above the maximum" in body
        assert "outcome: passed with deviations" in body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
    run = Runs(workspace_at(demo_path)).load(screen.run.id)
    assert run.state is RunState.COMPLETED and run.outcome is Outcome.PASSED_WITH_DEVIATIONS
    assert run.step(2).note == "heater stuck on; cooled to 62 before filling"


async def test_deviations_waiting_for_acceptance_refuse_completion_as_a_notice(
    demo_path: Path,
) -> None:
    """Issue 13 (deviations, `[runs] deviation_approvers`): completing a run whose
    deviation no second person accepted is refused by the service; the runner shows the
    refusal as one notice, not a traceback, and the run stays open."""
    commit_on_main(
        demo_path,
        "sopvault.toml",
        "[checks]",
        '[runs]\ndeviation_approvers = ["role:quality manager"]\n\n[checks]',
        "Deviations are accepted by a quality manager",
    )
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await type_value(pilot, "yes")
        await pilot.press("enter", *"50", "enter")
        await settle(pilot)
        await pilot.press(*"water still heating", "enter")
        await settle(pilot)
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        await type_value(pilot, "pass")
        await pilot.press("c")
        await settle(pilot)
        body = " ".join(plain(app.screen.query_one("#text-body")).split())
        assert "not yet accepted: the deviation(s) at step 2" in body
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        said = notices(app)
        assert "at step 2 (50 °C is below the minimum" in said
        assert "is not accepted" in said and "Traceback" not in said
    assert Runs(workspace_at(demo_path)).load(screen.run.id).state is RunState.OPEN


async def test_control_point_answered_no_fails_and_stops_the_work(demo_path: Path) -> None:
    """Issue 13 (failed control point): "no" to "JSA read and PPE worn" is a failed
    control point, recorded with a note and marked; where the procedure says the work
    stops (`on_fail = "stop"`), the runner says so and offers to complete the run as
    failed, with the steps after it left pending."""
    commit_on_main(
        demo_path,
        SOP10,
        'critical = true\nrecord = "yesno"\n',
        'critical = true\nrecord = "yesno"\non_fail = "stop"\n',
        "SOP-010: no PPE, no work",
    )
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await type_value(pilot, "no")
        assert isinstance(app.screen, DeviationNoteScreen)
        await pilot.press(*"face shield missing from the store", "enter")
        await settle(pilot)
        entry = screen.run.step(1)
        assert entry.deviation == "failed control point: answered 'no' (passes: yes)"
        assert entry.stops
        assert "! failed control point: answered 'no' STOPS THE WORK" in step_line(screen, 1)
        assert "control point 1 failed and stops the work" in notices(app)
        offer = app.screen
        assert isinstance(offer, TextScreen)  # the offer to complete as failed
        assert str(offer.query_one("#text-confirm", Button).label) == (
            "Complete as failed and commit"
        )
        body = " ".join(plain(offer.query_one("#text-body")).split())
        assert "outcome: failed (control point 1 failed and stops the work)" in body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert f"Run {screen.run.id} completed (failed): committed as" in notices(app)
    run = Runs(workspace_at(demo_path)).load(screen.run.id)
    assert run.outcome is Outcome.FAILED and run.step(2).state is StepState.PENDING


async def test_undo_then_redo_keeps_both_answers_in_the_history(demo_path: Path) -> None:
    """Issue 13 (every action kept): 60 °C recorded, undone, then 61 °C: the step's
    history shows all three events numbered as the log numbers them, with who, and the
    first value stays visible (dimmed, "undone by"), never overwritten."""
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await type_value(pilot, "yes")
        await type_value(pilot, "60")
        await pilot.press("up", "u")
        await settle(pilot)
        assert states(screen)[1] == "pending"
        await type_value(pilot, "61")
        await pilot.press("up")
        await settle(pilot)
        run = screen.run
        first, undo, again = run.step(2).history
        assert (first.value, undo.type, undo.corrects, again.value) == (
            60.0,
            EventType.UNDO,
            first.id,
            61.0,
        )
        n = run.number_of
        detail = text_of(pilot, "#run-detail")
        assert f"#{n(first.id)}" in detail and "done = 60 °C Alice Moreno" in detail
        assert f"(undone by #{n(undo.id)})" in detail
        assert f"undo of #{n(first.id)} Alice Moreno" in detail
        assert f"#{n(again.id)}" in detail and "done = 61 °C Alice Moreno" in detail
        assert "value 61 °C" in detail


async def test_an_event_recorded_by_another_process_shows_after_a_refresh(
    demo_path: Path,
) -> None:
    """Issue 13 (events made elsewhere): while the runner is open and a value is being
    typed for step 2, `sopvault runs mark` in another process records step 1 as Erin
    Walsh; within a refresh the runner shows it, says "step 1 recorded by Erin Walsh
    elsewhere", and what was typed is still in the input, with the focus."""
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_run(pilot)
        await pilot.press("down", "enter", *"6")
        await settle(pilot)
        field = screen.query_one(Input)
        assert field.has_focus and field.value == "6"
        command = [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "runs", "mark"]
        command += [screen.run.id, "1", "done", "--value", "yes", "--as", ERIN]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        assert done.returncode == 0, done.stderr
        assert screen.run.step(1).state is StepState.PENDING  # not yet read
        await pilot.pause(RunScreen.REFRESH_SECONDS + 0.5)
        await settle(pilot)
        assert screen.run.step(1).state is StepState.DONE and screen.run.step(1).by == ERIN
        assert "step 1 recorded by Erin Walsh elsewhere" in notices(app)
        assert field.value == "6" and field.has_focus
        assert "☑" in step_line(screen, 1)
        await pilot.press("1", "enter")  # and the answer typed meanwhile is recorded
        await settle(pilot)
        assert screen.run.step(2).value == 61.0

        # the terminal regaining focus reads the file too, without waiting for the timer
        Runs(workspace_at(demo_path)).mark(screen.run.id, 3, "note", note="agitator", who=ERIN)
        app.app_focus = False
        app.app_focus = True
        await settle(pilot)
        assert "a note on step 3 added by Erin Walsh elsewhere" in notices(app)


async def test_an_empty_run_of_mine_can_be_discarded_from_the_second_run_question(
    demo_path: Path,
) -> None:
    """Issue 13 (a second run is a decision): `k` again on a procedure whose open run I
    started and recorded nothing on offers Discard; it removes the run's file without a
    commit. A run someone else started, or one with an answer, offers no Discard."""
    head = git.Repo(demo_path).head.commit.hexsha
    other = Runs(workspace_at(demo_path)).start("SOP-009", who=ERIN).run
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        empty = (await start_run(pilot)).run
        await pilot.press("escape", "k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SecondRunScreen)
        assert dialog.query_one("#second-run-discard").display
        await pilot.click("#second-run-discard")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert f"Run {empty.id} discarded: it had recorded nothing." in notices(app)
        assert not (demo_path / empty.file).exists()

        screen = await start_run(pilot)  # no open run any more: k starts at once
        await type_value(pilot, "yes")
        await pilot.press("escape", "k")
        await settle(pilot)
        assert not app.screen.query_one("#second-run-discard").display  # it recorded
        await pilot.press("escape")
        await settle(pilot)
        await open_document(pilot, "SOP-009")  # Erin's run: not mine to discard
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, SecondRunScreen)
        assert not app.screen.query_one("#second-run-discard").display
    assert screen.run.id != empty.id
    assert git.Repo(demo_path).head.commit.hexsha == head  # nothing was committed
    assert (demo_path / other.file).exists()
