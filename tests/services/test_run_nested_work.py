"""Issue 15 (nested work instruction): a work instruction run in place inside a step, on a
real repository, keeps the rules of the run's own steps: its relative deadlines
(`30m after 1`), its steps in "my work" and `sopvault due` for whoever fills their role,
and its command steps, run from the instruction's approved, effective text on main only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.errors import RunError
from sopvault.model.run import StepState
from sopvault.services.mywork import my_work
from sopvault.services.runcommand import CommandSteps
from sopvault.services.runnested import open_in_step
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from tests.conftest import act_as, commit_all, workspace_at
from tests.services.commandvault import approve_wi, edit_wi, python, step_toml

pytestmark = pytest.mark.usefixtures("utc")
START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
OUT = (
    "import os; print('cell logged', os.environ['SOPVAULT_DOCUMENT'], os.environ['SOPVAULT_STEP'])"
)


def runs_at(root: Path, moment: datetime = START) -> Runs:
    return Runs(Workspace.open(root, clock=lambda: moment))


def _to_step_3(runs: Runs, **roles: str) -> str:
    run_id = runs.start("SOP-009", roles=roles).run.id
    runs.mark(run_id, 1, "done", value="yes")
    runs.mark(run_id, 2, "done", value="100")
    open_in_step(runs, run_id, 3)
    return run_id


def test_nested_steps_have_relative_deadlines_and_are_my_work(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction): `due = "30m after 1"` on WI-001's step 2 is
    derived from step 3.1's answer (none before it, none again after an undo); my work
    and `sopvault due` list the nested steps: the one whose role the run assigns to its
    holder, the others to whoever fills the parent step's role."""
    edit_wi(demo_path, 'duration = "5m"\n', 'duration = "5m"\ndue = "30m after 1"\n')
    edit_wi(
        demo_path,
        'action = "Start the impeller',
        'role = "lab technician"\naction = "Start the impeller',
    )
    approve_wi(demo_path, monkeypatch)
    run_id = _to_step_3(
        runs_at(demo_path), **{"plant operator": "erin", "lab technician": "dmitri"}
    )
    assert runs_at(demo_path).load(run_id).step(3).nested[1].due_at is None
    answered = START + timedelta(minutes=5)
    runs_at(demo_path, answered).mark(run_id, 1, "done", value="yes", within=3)
    nested = runs_at(demo_path).load(run_id).step(3).nested
    assert nested[1].due_after == (1, 1800)
    assert nested[1].due_at == answered + timedelta(minutes=30)

    later = START + timedelta(hours=1)
    act_as(monkeypatch, "Erin Walsh")
    mine = my_work(runs_at(demo_path, later)).items
    assert [(i.label, i.role) for i in mine][:3] == [
        ("3.2", "plant operator"),
        ("3.4", "plant operator"),
        ("3.5", "plant operator"),
    ]
    assert mine[0].overdue and mine[0].due_at == answered + timedelta(minutes=30)
    assert "3.3" not in [i.label for i in mine]
    act_as(monkeypatch, "Dmitri Volkov")
    nested = [(i.label, i.role) for i in my_work(runs_at(demo_path, later)).items if i.within]
    assert nested == [("3.3", "lab technician")]

    runs_at(demo_path).mark(run_id, 1, "undo", within=3)
    assert runs_at(demo_path).load(run_id).step(3).nested[1].due_at is None


def test_a_late_nested_step_makes_its_run_late(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction): a nested step past its deadline makes its
    parent step, and so the run, late: in the run itself, in its listing summary (what
    `runs list` marks LATE and `sopvault due` counts as overdue), and after it is done late."""
    edit_wi(demo_path, 'duration = "5m"\n', 'duration = "5m"\ndue = "30m after 1"\n')
    approve_wi(demo_path, monkeypatch)
    run_id = _to_step_3(runs_at(demo_path))
    answered = START + timedelta(minutes=5)
    runs_at(demo_path, answered).mark(run_id, 1, "done", value="yes", within=3)
    deadline = answered + timedelta(minutes=30)
    before, after = deadline - timedelta(minutes=1), deadline + timedelta(minutes=1)
    run = runs_at(demo_path).load(run_id)
    assert 3 not in run.late(before) and 3 in run.late(after)
    summary = next(s for s in runs_at(demo_path).listing(open_only=True).runs if s.id == run_id)
    assert (3, deadline) in summary.pending_due
    assert 3 not in summary.late(before) and 3 in summary.late(after)
    runs_at(demo_path, after).mark(run_id, 2, "done", value="yes", within=3)
    done_late = runs_at(demo_path).load(run_id)
    assert 3 in done_late.late(after) and done_late.step(3).nested[1].state is StepState.DONE


def test_due_json_names_the_parent_of_a_nested_step(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (nested work instruction): `sopvault due --mine --json` gives a nested
    step as `step` with `within`, and the table names it `step 3.1`."""
    act_as(monkeypatch, "Erin Walsh")
    run_id = _to_step_3(Runs(workspace_at(demo_path)), **{"plant operator": "erin"})
    capsys.readouterr()
    assert main(["--vault", str(demo_path), "due", "--mine", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    run = next(r for r in report["runs"] if r["run"] == run_id)
    assert run["my_steps"][0] == {**run["my_steps"][0], "step": 1, "within": 3}
    assert main(["--vault", str(demo_path), "due", "--mine"]) == 0
    assert "step 3.1" in capsys.readouterr().out


def test_a_nested_command_step_runs_from_the_approved_instruction(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (nested work instruction, command steps): WI-001's step 7 runs a command;
    inside step 3 it runs only once confirmed, from WI-001's approved text, and records
    one done event naming its parent (`3.7`), with WI-001 and 3.7 in its environment;
    `runs exec RUN 3.7` does the same from a script."""
    edit_wi(demo_path, extra=step_toml(python(OUT)))
    approve_wi(demo_path, monkeypatch)
    runs = Runs(workspace_at(demo_path))
    run_id = _to_step_3(runs)
    steps = CommandSteps(runs)
    prepared = steps.prepare(run_id, 7, within=3)
    assert (prepared.label, prepared.argv, prepared.refusal) == ("3.7", tuple(python(OUT)), "")
    with pytest.raises(RunError, match="step 3.7's command was not run: it runs only once"):
        steps.run(run_id, 7, confirmed=False, within=3)
    run, event = steps.run(run_id, 7, confirmed=True, within=3)
    assert (event.step, event.within, event.exit_status) == (7, 3, 0)
    assert event.output == "cell logged WI-001 3.7"
    assert runs.load(run_id).step(3).nested[6].state is StepState.DONE

    capsys.readouterr()
    runs.mark(run_id, 7, "undo", within=3)
    assert main(["--vault", str(demo_path), "runs", "exec", run_id, "3.7", "--yes"]) == 0
    assert "step 3.7: done" in capsys.readouterr().out
    last = runs.load(run_id).events[-1]
    assert (last.step, last.within, last.command) == (7, 3, tuple(python(OUT)))


def test_a_nested_command_is_refused_from_an_unapproved_instruction(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction, command steps): a command added to WI-001 by a
    plain commit (no approval) is pinned but never runs; nor does one whose working copy
    differs from the approved text; the run's own step numbers are not the instruction's."""
    edit_wi(demo_path, extra=step_toml(python(OUT)))
    commit_all(demo_path, "WI-001: a command, unapproved")
    runs = Runs(workspace_at(demo_path))
    run_id = _to_step_3(runs)
    steps = CommandSteps(runs)
    assert (
        "WI-001's text on main is not an approved revision"
        in steps.prepare(run_id, 7, within=3).refusal
    )
    with pytest.raises(RunError, match="step 3.7's command was not run: WI-001's text"):
        steps.run(run_id, 7, confirmed=True, within=3)
    assert runs.load(run_id).step(3).nested[6].state is StepState.PENDING
    with pytest.raises(RunError, match="step 7 does not exist|runs no command"):
        steps.prepare(run_id, 7)


def test_a_nested_command_is_refused_when_the_working_copy_differs(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction, command steps): WI-001 approved with its command,
    then edited in the working copy: the command is refused until it is restored."""
    edit_wi(demo_path, extra=step_toml(python(OUT)))
    approve_wi(demo_path, monkeypatch)
    runs = Runs(workspace_at(demo_path))
    run_id = _to_step_3(runs)
    edit_wi(demo_path, "Operate the flotation cell", "Operate the cell")
    refusal = CommandSteps(runs).prepare(run_id, 7, within=3).refusal
    assert refusal.startswith("your working copy of WI-001 differs from its approved text")
