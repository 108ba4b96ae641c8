"""Issue 15 (command steps), a hostile tester's findings: a command must not run a file of
the working copy that nobody approved, whether the command names it or reaches it
another way (a script's import, ``python -m``, a link retargeted outside the vault), and
its time limit holds even when the program leaves a process behind that keeps its output
open. Real git repositories, real programs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from sopvault.errors import RunError
from sopvault.model.run import StepState
from sopvault.services.runcommand import CommandSteps
from sopvault.services.runs import Runs
from sopvault.store.process import last_lines, run_program
from tests.conftest import commit_all, workspace_at
from tests.services.commandvault import COMMAND_STEP, approve_command_step

pytestmark = pytest.mark.usefixtures("utc")


def _tools(root: Path) -> Path:
    """An approved script that imports a helper module, both committed on main."""
    tools = root / "tools"
    tools.mkdir()
    (tools / "export.py").write_text("import helper\nprint('export', helper.X)\n", "utf-8")
    (tools / "helper.py").write_text("X = 'approved'\n", encoding="utf-8")
    (tools / "mod.py").write_text("print('approved module')\n", encoding="utf-8")
    commit_all(root, "Add the export tools")
    return tools


def _refused(root: Path, run_id: str, marker: Path, why: str) -> None:
    runs = Runs(workspace_at(root))
    steps = CommandSteps(runs)
    assert why in steps.prepare(run_id, COMMAND_STEP).refusal
    with pytest.raises(RunError, match="working copy differs from main's"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert not marker.exists()
    assert runs.load(run_id).step(COMMAND_STEP).state is StepState.PENDING


def test_a_module_the_approved_script_imports_edited_in_the_working_copy_refuses_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 15 (command steps): the script the command names is unchanged, but the
    helper it imports was edited, or a new file shadows a module: nothing runs, the
    refusal names the file, and the step records nothing."""
    tools = _tools(demo_path)
    approve_command_step(demo_path, monkeypatch, [sys.executable, "tools/export.py"])
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    marker = tmp_path / "ran"
    evil = f"open({str(marker)!r}, 'w').write('x'); X = 'edited'\n"

    (tools / "helper.py").write_text(evil, encoding="utf-8")
    _refused(demo_path, run_id, marker, "tools/helper.py")

    (tools / "helper.py").write_text("X = 'approved'\n", encoding="utf-8")
    (tools / "json.py").write_text(evil, encoding="utf-8")  # untracked, shadows a module
    _refused(demo_path, run_id, marker, "tools/json.py")

    (tools / "json.py").unlink()  # back to main's files: it runs, the run logs aside
    _, event = CommandSteps(Runs(workspace_at(demo_path))).run(run_id, COMMAND_STEP, confirmed=True)
    assert event.output == "export approved" and not event.deviation


def test_python_m_and_a_link_retargeted_outside_the_vault_refuse_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 15 (command steps): ``python -m tools.mod`` with tools/mod.py edited, and an
    approved script replaced by a link to a file outside the vault (so the named file
    resolves outside and was never compared), both refuse the command."""
    tools = _tools(demo_path)
    approve_command_step(demo_path, monkeypatch, [sys.executable, "-m", "tools.mod"])
    run_id = Runs(workspace_at(demo_path)).start("SOP-010").run.id
    marker = tmp_path / "ran"
    evil = f"open({str(marker)!r}, 'w').write('x')\n"
    (tools / "mod.py").write_text(evil, encoding="utf-8")
    _refused(demo_path, run_id, marker, "tools/mod.py")

    outside = tmp_path / "evil.py"
    outside.write_text(evil, encoding="utf-8")
    (tools / "mod.py").unlink()
    (tools / "mod.py").symlink_to(outside)
    _refused(demo_path, run_id, marker, "tools/mod.py")


def test_the_time_limit_holds_when_a_process_leaves_the_session_holding_the_output() -> None:
    """Issue 15 (command steps): a program that starts a child in a session of its own
    (``setsid``), out of reach of the group kill, which keeps the output open, still ends
    at its time limit (plus a short wait for the output), with what it printed kept."""
    code = (
        "import subprocess; subprocess.Popen(['setsid', 'sleep', '60']);"
        " print('left a daemon', flush=True)"
    )
    began = time.monotonic()
    done = run_program([sys.executable, "-c", code], timeout=1)
    assert time.monotonic() - began < 10
    assert done.timed_out and done.status is None and not done.ok
    assert last_lines(done.output) == ["left a daemon"]


def test_a_non_zero_exit_stays_a_deviation_when_its_line_is_edited_to_drop_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): the log says exit status 3; a hand edit that deletes the
    line's ``deviation`` cannot make the step pass: the run still reads it as a deviation
    that waits for acceptance."""
    approve_command_step(demo_path, monkeypatch, [sys.executable, "-c", "raise SystemExit(3)"])
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    CommandSteps(runs).run(run_id, COMMAND_STEP, confirmed=True)
    log = runs.find(run_id)
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = [json.loads(line) for line in lines]
    assert edited[-1]["deviation"] == "exit status 3"
    del edited[-1]["deviation"]
    lines[-1] = json.dumps(edited[-1], ensure_ascii=False) + "\n"
    log.write_text("".join(lines), encoding="utf-8")

    entry = Runs(workspace_at(demo_path)).load(run_id).step(COMMAND_STEP)
    assert entry.state is StepState.DONE and entry.deviation == "exit status 3"


def test_a_program_printing_without_end_costs_only_the_tail_it_keeps() -> None:
    """Issue 15 (command steps): the output was gathered whole before its end was kept
    (6 GB of memory in 4 s for a program printing without pause, so a chatty step within
    its 10-minute limit could exhaust the machine); now only the last KEEP_BYTES are held,
    and input is still fed to a program that reads it (the notify command channel)."""
    import resource

    from sopvault.store.process import KEEP_BYTES

    chatty = "import sys\nline = b'x' * 65535 + b'\\n'\nwhile True: sys.stdout.buffer.write(line)"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    done = run_program([sys.executable, "-c", chatty], timeout=1.5)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert done.timed_out and len(done.output) == KEEP_BYTES
    assert grown < 100 * 1024, f"{grown} KiB more memory"

    echo = "import sys; data = sys.stdin.buffer.read(); print(len(data))"
    fed = run_program([sys.executable, "-c", echo], timeout=20, stdin=b"y" * 1_000_000)
    assert fed.ok and last_lines(fed.output) == ["1000000"]


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_an_edit_git_is_told_not_to_see_refuses_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: str
) -> None:
    """Issue 15 (command steps): ``git update-index --skip-worktree`` (or
    ``--assume-unchanged``) hides an edited helper from ``git diff``; the command is
    refused all the same, naming the file."""
    import subprocess

    tools = _tools(demo_path)
    approve_command_step(demo_path, monkeypatch, [sys.executable, "tools/export.py"])
    run_id = Runs(workspace_at(demo_path)).start("SOP-010").run.id
    marker = tmp_path / "ran"
    subprocess.run(["git", "update-index", flag, "tools/helper.py"], cwd=demo_path, check=True)
    (tools / "helper.py").write_text(f"open({str(marker)!r}, 'w'); X = 'x'\n", "utf-8")
    _refused(demo_path, run_id, marker, "tools/helper.py")
