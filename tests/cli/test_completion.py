"""Shell completion in a real bash, against the installed ``sopvault`` script: the script
that ``sopvault completion bash`` prints is sourced and its function called the way bash
calls it on TAB, and Click's ``_SOPVAULT_COMPLETE`` protocol is asked directly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.services.runs import Runs
from tests.conftest import workspace_at

BIN = Path(sys.executable).parent
SOPVAULT = shutil.which("sopvault", path=str(BIN)) or "sopvault"
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **extra}


def tab(cwd: Path, *words: str) -> list[str]:
    """What bash offers after ``sopvault WORDS<TAB>``, through the sourced script."""
    script = subprocess.run(
        [SOPVAULT, "completion", "bash"], capture_output=True, text=True, check=True, env=_env()
    ).stdout
    line = " ".join(["sopvault", *words])
    program = (
        f"{script}\n"
        f"COMP_WORDS=({line})\n"
        f"COMP_CWORD={len(words)}\n"
        "complete -p sopvault >/dev/null || exit 3\n"
        "_sopvault_completion sopvault\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    return done.stdout.split()


def test_bash_completes_document_ids(sample_path: Path) -> None:
    assert tab(sample_path, "show", "SOP-0") == [f"SOP-{n:03}" for n in range(1, 12)]
    assert tab(sample_path, "history", "wi-00") == [f"WI-00{n}" for n in range(1, 6)]
    assert tab(sample_path, "list", "--kind", "work") == ["work_instruction"]
    assert tab(sample_path, "runs", "") == [
        *("list", "show", "start", "mark", "assign", "accept", "complete", "abort", "discard"),
        "exec",
    ]


def test_bash_completes_ids_from_the_vault_given_after_the_command(
    sample_path: Path, tmp_path: Path
) -> None:
    assert tab(tmp_path, "show", "POL-00") == []  # no vault here, and no error either
    assert tab(tmp_path, "show", "--vault", str(sample_path), "POL-00") == [
        f"POL-00{n}" for n in range(1, 7)
    ]


def test_run_ids_and_proposal_numbers_are_offered(demo_path: Path) -> None:
    run_id = Runs(workspace_at(demo_path)).start("SOP-010").run.id
    assert tab(demo_path, "runs", "show", "") == [run_id]
    assert tab(demo_path, "approve", "") == ["6"]
    assert tab(demo_path, "reviews", "show", "") == ["6"]


def test_clicks_own_protocol_and_the_other_shells(sample_path: Path) -> None:
    env = _env(_SOPVAULT_COMPLETE="bash_source")
    source = subprocess.run([SOPVAULT], capture_output=True, text=True, env=env, check=True)
    assert "_sopvault_completion" in source.stdout
    for shell, marker in (("zsh", "#compdef sopvault"), ("fish", "complete --no-files")):
        script = subprocess.run(
            [SOPVAULT, "completion", shell], capture_output=True, text=True, env=_env(), check=True
        ).stdout
        assert marker in script, shell
