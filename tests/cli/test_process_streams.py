"""A whole sopvault process started in an odd place never shows a traceback: with its
standard output closed (``>&-``) it says so in one line and exits 1; with its standard
error closed it still prints; with ``GIT_DIR`` naming a repository whose work tree is
elsewhere, a command that needs git says which variables to check in one line (exit 2, as
without a repository)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SAMPLE = ROOT / "sample_vault"


def closed(fd: int) -> subprocess.CompletedProcess[str]:
    """``sopvault list`` on the sample vault, started with file descriptor ``fd`` closed
    (as a shell's ``>&-`` or ``2>&-`` does)."""
    done: subprocess.CompletedProcess[str] = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(SAMPLE), "list"],
        stdout=subprocess.PIPE if fd != 1 else None,
        stderr=subprocess.PIPE if fd != 2 else None,
        preexec_fn=lambda: os.close(fd),
        text=True,
        check=False,
    )
    return done


def test_a_closed_standard_output_is_one_line_and_exit_1() -> None:
    done = closed(1)
    assert done.returncode == 1
    assert done.stderr == "sopvault: error: standard output is closed; nothing to print to\n"


def test_a_closed_standard_error_still_prints() -> None:
    done = closed(2)
    assert done.returncode == 0 and "SOP-010" in done.stdout


def test_git_dir_naming_a_work_tree_elsewhere_is_one_line(tmp_path: Path) -> None:
    for name in ("vault", "other"):
        subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path / name)], check=True)
    (tmp_path / "vault" / "sopvault.toml").write_text('name = "T"\n', encoding="utf-8")
    (tmp_path / "other" / "f").write_text("x\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(tmp_path / "other"), "add", "f"], check=True)
    subprocess.run(["git", "-C", str(tmp_path / "other"), "commit", "-qm", "x"], check=True)
    env = dict(os.environ) | {"GIT_DIR": str(tmp_path / "other" / ".git")}
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(tmp_path / "vault"), "due"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1  # as git missing
    assert "not inside the work tree" in done.stderr and "GIT_DIR" in done.stderr
    assert "Traceback" not in done.stderr
