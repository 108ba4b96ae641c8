"""Issue 15 (nested work instruction) at the command line: `runs mark RUN 3.2` opens and
answers step 3's work instruction in place, `runs show` and `--events` show the nesting,
`--json` holds it, and the line prompt runs it with `i`, one level only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli.app import main
from sopvault.model.run import RunState, StepState
from sopvault.services.runs import Runs
from tests.conftest import ROOT, commit_all, workspace_at, write
from tests.services.commandvault import approve_wi, edit_wi, python, step_toml

pytestmark = pytest.mark.usefixtures("utc")


def cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--vault", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_runs_mark_addresses_a_step_of_the_work_instruction_and_show_nests_it(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (nested work instruction): the first `runs mark RUN 3.1` opens WI-001 in
    step 3 (pinned to main); marking step 3 by hand is refused with one line; the report
    shows 3.1 to 3.6 indented under step 3 with the id, version and text followed; the
    event log names 3.N; JSON nests the steps under their parent."""
    code, run_id, _ = cli(demo_path, capsys, "runs", "start", "SOP-009")
    run_id = run_id.strip()
    assert code == 0
    code, out, err = cli(demo_path, capsys, "runs", "mark", run_id, "3.1", "done", "--value", "yes")
    assert code == 0 and out.startswith("step 3.1: done (0 of 6 steps)"), err
    code, _, err = cli(demo_path, capsys, "runs", "mark", run_id, "3", "done")
    assert code == 1 and "step 3 runs WI-001 in place: it is answered by" in err
    code, _, err = cli(demo_path, capsys, "runs", "mark", run_id, "3.4", "done", "--value", "18")
    assert code == 1 and "step 3.4 not recorded: 18 cm is above the maximum" in err
    for number in ("3.2", "3.3", "3.5"):
        assert cli(demo_path, capsys, "runs", "mark", run_id, number, "done")[0] == 0
    args = ("runs", "mark", run_id, "3.4", "done", "--value", "18", "--note", "air valve stuck")
    assert cli(demo_path, capsys, *args)[0] == 0
    code, out, _ = cli(demo_path, capsys, "runs", "mark", run_id, "3.6", "done")
    assert "step 3.6: done (1 of 6 steps)" in out
    assert "step 3: done (every step of its work instruction is dealt with)" in out
    _, report, _ = cli(demo_path, capsys, "runs", "show", run_id)
    lines = report.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[x]  3. Start the flotation"))
    assert "DEVIATION" in lines[at]
    assert any(
        line.startswith("       work instruction WI-001 Operate the flotation cell (version 2.0)")
        for line in lines[at : at + 6]
    )
    assert "    [x] 3.1. Check the impeller guard is fitted" in report
    assert "    [x] 3.4. Open the air valve slowly until the froth depth is 10 to 15 cm" in report
    assert "           value: 18 cm" in report
    assert "           deviation: 18 cm is above the maximum (allowed 10 to 15 cm)" in report
    _, events, _ = cli(demo_path, capsys, "runs", "show", run_id, "--events")
    assert "work instruction opened in step 3: runs WI-001 version 2.0 in place" in events
    assert "done step 3.4 = 18 cm (DEVIATION: 18 cm is above" in events
    _, shown, _ = cli(demo_path, capsys, "runs", "show", run_id, "--json")
    step3 = json.loads(shown)["steps"][2]
    assert step3["instruction"]["document"] == "WI-001" and step3["state"] == "done"
    assert [s["number"] for s in step3["nested"]] == [1, 2, 3, 4, 5, 6]
    assert json.loads(shown)["deviations"][0]["within"] == 3


def test_bad_step_addresses_are_refused(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (nested work instruction): `3.2.1`, `x` and a step of an instruction a
    step does not name are refused with one line; nothing is recorded."""
    run_id = cli(demo_path, capsys, "runs", "start", "SOP-009")[1].strip()
    for step, said in (
        ("3.2.1", "a step is a number (3) or a work instruction's step (3.2)"),
        ("x", "a step is a number"),
        ("1.1", "step 1 names no work instruction to run in place"),
    ):
        code, _, err = cli(demo_path, capsys, "runs", "mark", run_id, step, "done")
        assert code == 1 and said in err and "Traceback" not in err
    assert len(Runs(workspace_at(demo_path)).load(run_id).events) == 1


NESTING = """+++
id = "WI-090"
title = "Start the cell with its own checks"
kind = "work_instruction"
version = "1.0"
status = "effective"
parents = ["SOP-009"]

[[steps]]
action = "Check the guard"
instruction = "WI-002"

[[steps]]
action = "Start the impeller"
+++
"""


def test_the_line_prompt_runs_the_work_instruction_in_place(sample_path: Path) -> None:
    """Issue 15 (nested work instruction): at step 3 of SOP-009, `i` opens its work
    instruction in place and asks its steps as 3.1, 3.2 with the same answers; a step of
    it naming another instruction is not opened (one level only); q leaves the run open
    inside it, and resuming carries on inside it, then with step 4."""
    sop = sample_path / "procedures/SOP-009-float-halite.md"
    sop.write_text(sop.read_text().replace('"WI-001"', '"WI-090"'), encoding="utf-8")
    write(sample_path, "work-instructions/WI-090-start-cell.md", NESTING)
    commit_all(sample_path, "SOP-009 step 3 runs WI-090")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    base = [sys.executable, "-m", "sopvault", "--vault", str(sample_path), "run"]

    def prompt(answers: str, *args: str) -> str:
        done = subprocess.run(
            [*base, *args], input=answers, capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = prompt("d yes\nd 100\ni\ni\nd\nq\n", "SOP-009")
    assert "work instruction: WI-090 (w shows it, i runs it in place)" in out
    assert "step 3: running WI-090 Start the cell with its own checks 1.0 in place" in out
    assert "step 3.1 of 2 (0 done)" in out
    assert "refused: step 3.1 is a step of a work instruction: its own instruction is shown" in out
    assert "step 3.1 done (#5)" in out
    run_id = out.split("sopvault run --resume ")[1].split()[0]
    out = prompt("d\nd\n", "--resume", run_id)
    assert "step 3.2 of 2 (1 done)" in out
    assert "WI-090 done: step 3 is done" in out
    assert "step 4 of 6 (3 done)" in out
    run = Runs(workspace_at(sample_path)).load(run_id)
    assert run.state is RunState.OPEN and run.step(3).state is StepState.DONE
    assert run.step(4).state is StepState.DONE


def test_the_line_prompt_runs_a_command_step_of_the_work_instruction(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (nested work instruction, command steps): WI-001 approved with a command
    step 7; at the line prompt inside step 3, `d` on step 3.7 shows the command, runs it
    once `y` is typed and records it on 3.7, which completes WI-001 and step 3."""
    edit_wi(demo_path, extra=step_toml(python("print('cell logged')")))
    approve_wi(demo_path, monkeypatch)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    answers = "d yes\nd 100\ni\nd yes\nd\nd\nd 12\nd\nd\nd\ny\nq\n"
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run", "SOP-009"],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "step 3.7 of 7 (6 done)" in out and "This step runs a command:" in out
    assert "result: exit status 0" in out and "| cell logged" in out
    assert "step 3.7 done (#" in out and "WI-001 done: step 3 is done" in out
    run_id = out.split("sopvault run --resume ")[1].split()[0]
    run = Runs(workspace_at(demo_path)).load(run_id)
    assert run.step(3).state is StepState.DONE
    assert (run.events[-1].step, run.events[-1].within, run.events[-1].exit_status) == (7, 3, 0)
