"""Issue 15 (command steps) at the command line: `sopvault runs exec RUN STEP --yes` and `d`
on a command step at the line prompt (`sopvault run`), on real git repositories with real
programs: the command is shown in full before it runs, nothing runs unconfirmed, and what
the program prints (ANSI escapes, bidi overrides) never reaches the terminal raw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.model.run import StepState
from sopvault.services.runs import Runs
from tests.conftest import ROOT, walk_to_the_end, workspace_at
from tests.services.commandvault import COMMAND_STEP, approve_command_step, python

pytestmark = pytest.mark.usefixtures("utc")

# Prints a screen-clearing escape, a bidi override and a title-setting OSC, then fails.
HOSTILE = (
    "import sys; print('\\x1b[2J\\x1b[31mred\\x1b[0m'); print('abc\\u202edcba');"
    " print('\\x1b]0;owned\\x07'); sys.exit(int(sys.argv[1]))"
)


def started(root: Path) -> str:
    return Runs(workspace_at(root)).start("SOP-010").run.id


def test_runs_exec_shows_the_command_and_records_only_with_yes(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (command steps): without --yes (no terminal) nothing runs and exit 1;
    with --yes the result is recorded, a non-zero exit as a deviation, and the output is
    inert; --json prints the recorded event."""
    approve_command_step(demo_path, monkeypatch, [*python(HOSTILE), "3"])
    run_id = started(demo_path)
    args = ["--vault", str(demo_path), "runs", "exec", run_id, str(COMMAND_STEP)]
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # noqa: SIM115 - not a terminal
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "This step runs a command:" in out and "argument 3: 3" in out
    assert "not run: confirm with --yes" in err
    assert Runs(workspace_at(demo_path)).load(run_id).step(COMMAND_STEP).state is StepState.PENDING

    assert main([*args, "--yes"]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "| ^[[2J^[[31mred^[[0m" in out and "abc<U+202E>dcba" in out
    assert "result: exit status 3" in out
    assert f"step {COMMAND_STEP}: done, DEVIATION: exit status 3" in out

    assert main(["--vault", str(demo_path), "runs", "show", run_id]) == 0
    report = capsys.readouterr().out
    assert "\x1b" not in report and "\u202e" not in report
    assert "       command: " in report and "       result: exit status 3" in report
    assert "DEVIATION" in report
    assert main(["--vault", str(demo_path), "runs", "show", run_id, "--events"]) == 0
    assert "ran `" in capsys.readouterr().out

    assert main([*args, "--yes", "--note", "tank 2 offline, retried", "--json"]) == 0
    out, err = capsys.readouterr()
    event = json.loads(out)
    assert event["exit_status"] == 3 and event["command"][-1] == "3"
    assert event["note"] == "tank 2 offline, retried" and event["deviation"] == "exit status 3"
    assert "This step runs a command" in err  # the command is still shown, on stderr


def test_the_line_prompt_asks_before_it_runs_a_command(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): `d` on a command step shows it in full and asks; `n`
    runs nothing, `y` runs it and shows how it ended; a deviation's note is asked for."""
    marker = demo_path / "exported.txt"
    code = f"import sys; open({str(marker)!r}, 'a').write('x'); print('rows: 42'); sys.exit(2)"
    approve_command_step(demo_path, monkeypatch, python(code), timeout="30s")
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run", "--resume", run_id],
        input="d\nn\nd\ny\nhistorian was down\nq\n",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "runs: " in out and "(time limit 30s)" in out and "d runs it, after you confirm" in out
    assert "not run: the step stays as it was" in out
    assert out.count("This step runs a command:") == 2
    assert "rows: 42" in out and "result: exit status 2" in out
    assert "! exit status 2: a deviation" in out
    assert marker.read_text() == "x"  # ran once: the first "n" ran nothing
    run = Runs(workspace_at(demo_path)).load(run_id)
    entry = run.step(COMMAND_STEP)
    assert entry.state is StepState.DONE and entry.deviation == "exit status 2"
    assert entry.note == "historian was down"
