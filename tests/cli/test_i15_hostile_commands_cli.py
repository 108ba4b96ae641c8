"""Issue 15 (command steps), a hostile tester's finding: Ctrl-C (or SIGTERM, or SIGHUP
from a closed SSH session) while a step's command ran stopped sopvault and left the
program, in a session of its own, running to its end with nothing recorded, so the run
said the step was still to do. Now the program is ended and its result recorded (a
deviation with a note) before sopvault stops with 130. A real sopvault process, a real
program, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sopvault.services.runs import Runs
from tests.conftest import workspace_at
from tests.services.commandvault import COMMAND_STEP, approve_command_step, python

pytestmark = pytest.mark.usefixtures("utc")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP])
def test_an_interrupted_command_is_ended_and_recorded(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sig: signal.Signals
) -> None:
    """Issue 15 (command steps): the signal reaches sopvault while the command sleeps;
    the command is ended at once, the step holds one done event (ended by signal 9, a
    deviation, a note saying sopvault was stopped), and sopvault exits 130."""
    started = tmp_path / "started"
    code = (
        f"import os, time; open({str(started)!r}, 'w').write(str(os.getpid()));"
        " print('working', flush=True); time.sleep(30)"
    )
    approve_command_step(demo_path, monkeypatch, python(code), timeout="1m")
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    proc = subprocess.Popen(
        [sys.executable, "-m", "sopvault", "runs", "exec", run_id, str(COMMAND_STEP), "--yes"],
        cwd=demo_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    deadline = time.monotonic() + 30
    while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    program = int(started.read_text())
    began = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and time.monotonic() - began < 10

    entry = Runs(workspace_at(demo_path)).load(run_id).step(COMMAND_STEP)
    assert entry.state.value == "done" and entry.deviation == "ended by signal 9"
    [line] = [
        json.loads(text)
        for text in runs.find(run_id).read_text(encoding="utf-8").splitlines()
        if '"step": 8' in text
    ]
    assert line["exit_status"] == -9 and line["output"] == "working"
    assert "interrupted: sopvault was stopped while the command ran" in line["note"]
    with pytest.raises(ProcessLookupError):  # the program was ended, not left running
        os.kill(program, 0)
