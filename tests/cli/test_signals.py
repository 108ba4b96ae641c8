"""SIGTERM and SIGHUP (a closed SSH session) interrupt a command as Ctrl-C does: what it
was doing is cleaned up (the stand-in cache folder made for a refused one, the run kept
open to resume) instead of the process ending on the spot with things left behind. A
real sopvault process at a real prompt, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("utc")


def at_prompt(proc: subprocess.Popen[bytes]) -> bytes:
    """What ``proc`` printed until it waits at its line prompt ("> ")."""
    assert proc.stdout is not None
    seen = b""
    while not seen.endswith(b"> "):
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, seen
        seen += chunk
    return seen


def status(root: Path) -> list[str]:
    """Every path git sees changed, untracked or ignored: a temporary file left behind
    beside a document would be one."""
    command = ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"]
    out = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_at_a_prompt_cleans_up_as_ctrl_c_does(
    demo_path: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    refused = tmp_path / "shared-cache"
    refused.mkdir(mode=0o777)
    refused.chmod(0o777)  # others may write here: refused, a stand-in folder serves instead
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "SOPVAULT_CACHE_DIR": str(refused),
        "TMPDIR": str(temp),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    before = set(status(demo_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sopvault", "run", "SOP-005"],
        cwd=demo_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert b"step 1 of" in at_prompt(proc)
    assert [p.name[:9] for p in temp.iterdir()] == ["sopvault-"]  # the stand-in folder
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode >= 0, err  # ended by sopvault, not killed by the signal
    assert b"Traceback" not in err
    assert b"kept open: sopvault run --resume" in out
    assert list(temp.iterdir()) == []  # removed, as at any other end
    new = set(status(demo_path)) - before
    assert all(line.startswith("?? runs/SOP-005/") for line in new), new  # the run log alone
