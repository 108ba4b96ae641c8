"""Issue 15 (command steps): a step's command runs only once confirmed, only from the
approved, effective text on main, with its time limit, from the vault's root and never
through a shell; its result is the step's evidence in one event, a non-zero exit or a
timeout a deviation. Real git repositories, real programs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sopvault.core.commandstep import DEFAULT_TIMEOUT
from sopvault.core.parse import parse_text
from sopvault.errors import RunError
from sopvault.model.run import EventType, StepState
from sopvault.services.runcommand import CommandSteps
from sopvault.services.runs import Runs
from sopvault.store.runlog import loads
from tests.conftest import workspace_at
from tests.services.commandvault import (
    COMMAND_STEP,
    SOP10,
    add_command_step,
    approve_command_step,
    python,
)

pytestmark = pytest.mark.usefixtures("utc")


def commands(root: Path) -> tuple[Runs, CommandSteps]:
    runs = Runs(workspace_at(root))
    return runs, CommandSteps(runs)


def test_an_approved_command_runs_once_confirmed_and_its_result_is_the_evidence(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): confirmation required; the argv, exit status, output tail
    and seconds are recorded in one done event that reads back from the log; the command
    runs from the vault's root."""
    code = (
        "import os; print('exported'); print(os.getcwd());"
        " print(os.environ['SOPVAULT_DOCUMENT'], os.environ['SOPVAULT_STEP'],"
        " os.environ['SOPVAULT_RUN'])"
    )
    approve_command_step(demo_path, monkeypatch, python(code))
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id

    prepared = steps.prepare(run_id, COMMAND_STEP)
    assert prepared.argv == tuple(python(code))
    assert prepared.refusal == ""
    assert prepared.limit == DEFAULT_TIMEOUT and prepared.limit_text == "10m"
    assert "import os; print('exported')" in prepared.shown

    with pytest.raises(RunError, match="runs only once you confirm it"):
        steps.run(run_id, COMMAND_STEP, confirmed=False)
    assert runs.load(run_id).step(COMMAND_STEP).state is StepState.PENDING

    run, event = steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert event.type is EventType.DONE and event.exit_status == 0 and not event.deviation
    assert event.command == tuple(python(code))
    assert event.output.splitlines() == [
        "exported",
        str(demo_path.resolve()),
        f"SOP-010 {COMMAND_STEP} {run_id}",
    ]
    assert event.seconds is not None and event.seconds >= 0
    assert run.step(COMMAND_STEP).state is StepState.DONE

    text = (demo_path / run.file).read_text(encoding="utf-8")
    line = json.loads(text.splitlines()[-1])
    assert line["command"] == python(code) and line["exit_status"] == 0
    reread = loads(text, run.file)
    assert reread.events[-1] == event
    # marking a command step done by hand is refused: its evidence is what ran
    with pytest.raises(RunError, match="runs a command: it is done by running it"):
        runs.mark(run_id, COMMAND_STEP, "done")


def test_a_non_zero_exit_is_a_deviation(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 (command steps): exit status 3 and a time limit reached are deviations
    awaiting acceptance like any other."""
    code = "import sys; print('partial'); sys.exit(int(sys.argv[1]))"
    approve_command_step(demo_path, monkeypatch, [*python(code), "3"])
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    run, event = steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert event.exit_status == 3 and event.deviation == "exit status 3"
    assert event.output == "partial"
    assert [e.id for e in run.unaccepted()] == [event.id]

    # running it again corrects the first answer only with a note; both stay recorded
    with pytest.raises(RunError, match="needs a note"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)
    run, again = steps.run(run_id, COMMAND_STEP, confirmed=True, note="tank sensor reset")
    assert again.corrects == event.id and again.note == "tank sensor reset"
    assert len(run.recorded_deviations()) == 2


def test_the_time_limit_ends_the_command(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 (command steps): a command past its timeout is ended (its children too)
    and recorded as "timed out after 1s", with no exit status."""
    code = "import time; print('waiting', flush=True); time.sleep(30)"
    approve_command_step(demo_path, monkeypatch, python(code), timeout="1s")
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    run, event = steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert event.timed_out and event.exit_status is None
    assert event.deviation == "timed out after 1s"
    assert event.output == "waiting"
    assert event.seconds is not None and event.seconds < 20


def test_arguments_with_shell_characters_reach_the_program_as_written(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): never a shell: ; $(...) * quotes and spaces are literal."""
    tricky = ["a b", "$(touch pwned)", "; rm -rf x", "*", "'q'", "`id`", "a|b>c"]
    code = "import json, sys; print(json.dumps(sys.argv[1:]))"
    approve_command_step(demo_path, monkeypatch, [*python(code), *tricky])
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    _, event = steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert json.loads(event.output) == tricky
    assert not (demo_path / "pwned").exists() and not (demo_path / "c").exists()


def test_refused_from_a_text_that_is_not_the_approved_one(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): a working copy that differs from the approved text, and
    a run following an older revision are refused with one line, and nothing runs."""
    marker = demo_path / "ran.txt"
    code = f"open({str(marker)!r}, 'a').write('ran')"
    approve_command_step(demo_path, monkeypatch, python(code))
    runs, steps = commands(demo_path)
    old_run = runs.start("SOP-010").run.id

    # the working copy differs from the approved text
    path = demo_path / SOP10
    approved_text = path.read_text(encoding="utf-8")
    path.write_text(approved_text + "\nlocal edit\n", encoding="utf-8")
    with pytest.raises(RunError, match="working copy of SOP-010 differs"):
        steps.run(old_run, COMMAND_STEP, confirmed=True)
    assert "working copy" in steps.prepare(old_run, COMMAND_STEP).refusal
    path.write_text(approved_text, encoding="utf-8")

    # main moves on: the old run follows an older revision
    approve_command_step(demo_path, monkeypatch, python(code))  # a second command step
    runs, steps = commands(demo_path)
    with pytest.raises(RunError, match="no longer the one on main"):
        steps.run(old_run, COMMAND_STEP, confirmed=True)
    assert not marker.exists()


def test_refused_when_main_holds_a_draft_or_the_vault_is_not_in_git(
    tmp_path: Path, demo_path: Path
) -> None:
    """Issue 15 (command steps): a text on main that is not effective, or a vault outside
    git, never runs a command."""
    from tests.conftest import commit_all

    path = demo_path / SOP10
    add_command_step(demo_path, python("print(1)"))
    path.write_text(
        path.read_text(encoding="utf-8").replace('status = "effective"', 'status = "draft"'),
        encoding="utf-8",
    )
    commit_all(demo_path, "Unreviewed edit")  # a plain commit: no sign-off
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    with pytest.raises(RunError, match="SOP-010 is draft on main, not effective"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)
    path.write_text(
        path.read_text(encoding="utf-8").replace('status = "draft"', 'status = "effective"'),
        encoding="utf-8",
    )
    commit_all(demo_path, "Unreviewed edit again")
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    with pytest.raises(RunError, match="not an approved revision"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)

    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "sopvault.toml").write_text('name = "Plain"\n', encoding="utf-8")
    (outside / "procedures").mkdir()
    (outside / SOP10).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    runs, steps = commands(outside)
    run_id = runs.start("SOP-010").run.id
    assert "not in git" in steps.prepare(run_id, COMMAND_STEP).refusal
    with pytest.raises(RunError, match="not in git"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)


def test_check_reports_bad_commands_with_their_line() -> None:
    """Issue 15 (command steps): check's findings for a string, an empty list, a
    non-string, a control character, a shell in disguise, a bad timeout."""
    cases = {
        'command = "backup --now"': (
            "error",
            'not a string: no shell splits it (write ["backup", "--now"])',
        ),
        "command = []": ("error", "non-empty list of arguments"),
        'command = ["backup", 3]': ("error", "command argument 2 must be a string"),
        'command = ["backup", "a\\u0000b"]': (
            "error",
            "argument 2 holds a control character (U+0000)",
        ),
        'command = ["backup", "\\u001b[2J"]': ("error", "U+001B"),
        'command = ["echo", "\\u202eok"]': ("error", "U+202E"),
        "command = [\"sh -c 'rm x'\"]": ("warning", "looks like a shell line"),
        'command = ["/bin/bash", "-c", "backup"]': ("warning", "goes through a shell after all"),
        'command = ["env", "sh", "-ec", "x"]': ("warning", "goes through a shell after all"),
        'command = ["backup"]\ntimeout = "forever"': ("error", "timeout 'forever' must read like"),
        'command = ["backup"]\ntimeout = "5h"': ("error", "longer than the 2h a runner waits"),
        'timeout = "5m"': ("warning", "'timeout' applies only to a 'command'"),
        'command = ["backup"]\nrecord = "yesno"': ("error", "records its result; remove 'record'"),
    }
    for toml, (severity, words) in cases.items():
        text = (
            '+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\n\n[[steps]]\n'
            f'action = "Run the backup"\n{toml}\n+++\nBody\n'
        )
        found = [f for f in parse_text("p.md", text).findings if words in f.message]
        assert found, (toml, [f.message for f in parse_text("p.md", text).findings])
        assert found[0].severity.value == severity and found[0].line >= 7, toml
    good = parse_text(
        "p.md",
        '+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\n\n[[steps]]\naction = "Run it"\n'
        'command = ["python", "-c", "print(1); x = \'$HOME\'"]\ntimeout = "90s"\n+++\n',
    )
    assert not good.findings
    assert good.document is not None
    step = good.document.steps[0]
    assert step.command == ("python", "-c", "print(1); x = '$HOME'") and step.timeout == "90s"


def test_an_old_log_reads_as_before() -> None:
    """Issue 15 (command steps): a log line without command fields reads with empty ones."""
    from sopvault.store.runlog import event_from

    event = event_from(
        {"type": "done", "event": "0a1b2c3d", "at": "2026-11-25T09:00:00Z", "by": "A <a@x>"}
    )
    assert event.command == () and event.exit_status is None and event.output == ""
    assert not event.timed_out and event.seconds is None
    assert sys.executable  # the real interpreter the other tests run


def test_a_script_of_the_vault_the_command_names_must_be_as_main_holds_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (command steps): an argument naming a file of the vault (a script) runs
    only while that file is committed on main and unchanged: an edited or uncommitted
    script would run something nobody approved."""
    from tests.conftest import commit_all

    script = demo_path / "tools" / "export.py"
    script.parent.mkdir()
    script.write_text("print('exported')\n", encoding="utf-8")
    approve_command_step(demo_path, monkeypatch, [sys.executable, "tools/export.py"])
    runs, steps = commands(demo_path)
    run_id = runs.start("SOP-010").run.id
    with pytest.raises(RunError, match="tools/export.py, which the command names, is not"):
        steps.run(run_id, COMMAND_STEP, confirmed=True)
    commit_all(demo_path, "Add the export script")
    script.write_text("print('something else')\n", encoding="utf-8")
    runs, steps = commands(demo_path)
    assert "tools/export.py, which the command names, differs" in (
        steps.prepare(run_id, COMMAND_STEP).refusal
    )
    script.write_text("print('exported')\n", encoding="utf-8")
    _, event = steps.run(run_id, COMMAND_STEP, confirmed=True)
    assert event.output == "exported"
