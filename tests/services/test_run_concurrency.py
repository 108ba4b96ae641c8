"""Run records (issue 13, concurrent writers): two processes recording steps of one run at
the same moment both keep their step; real processes, real files, no mocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sopvault.model.run import StepState
from sopvault.services.runs import Runs
from tests.conftest import workspace_at

ROUNDS = 50
DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"


def mark_command(root: Path, run_id: str, step: int) -> list[str]:
    """`sopvault runs mark RUN STEP done` as its own process."""
    return [
        sys.executable,
        "-m",
        "sopvault",
        "--vault",
        str(root),
        "runs",
        "mark",
        run_id,
        str(step),
        "done",
        "--as",
        DMITRI,
    ]


def test_two_processes_marking_one_run_at_once_lose_no_step(sample_path: Path) -> None:
    """Lost updates (issue 13: "one step is lost in 4 of 20 tries, and both commands said
    recorded"): in each of 50 rounds two processes mark steps 1 and 2 of a fresh run at
    the same moment; both say recorded and both steps are in the file."""
    runs = Runs(workspace_at(sample_path))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    lost = []
    for _ in range(ROUNDS):
        run_id = runs.start("SOP-002", who=DMITRI).run.id
        both = [
            subprocess.Popen(
                mark_command(sample_path, run_id, step),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for step in (1, 2)
        ]
        for process in both:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        steps = runs.load(run_id).steps
        if [steps[0].state, steps[1].state] != [StepState.DONE, StepState.DONE]:
            lost.append(run_id)
    assert lost == []


def run_prompt(root: Path, answers: str) -> subprocess.CompletedProcess[str]:
    """`sopvault run SOP-002` at the line prompt, answered with ``answers``."""
    return subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(root), "run", "SOP-002"],
        input=answers,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )


def test_a_second_run_of_the_same_procedure_is_a_decision(sample_path: Path) -> None:
    """Issue 13 (a second run is a decision): `run ID` with a run of ID still open says
    who started it and when, and asks; resume carries on with that run, quit starts
    nothing, and only "another" starts a second run."""
    runs = Runs(workspace_at(sample_path))
    first = runs.start("SOP-002", who=DMITRI).run.id
    left = run_prompt(sample_path, "q\n")
    assert left.returncode == 0 and "already has 1 open run" in left.stdout
    assert f"run {first}, started by Dmitri Volkov on " in left.stdout
    assert [r.id for r in runs.listing("SOP-002", open_only=True).runs] == [first]
    resumed = run_prompt(sample_path, "r\nd\nq\n")
    assert f"resuming run {first}" in resumed.stdout
    assert runs.load(first).steps[0].state is StepState.DONE
    another = run_prompt(sample_path, "a\nq\n")
    assert another.returncode == 0
    assert len(runs.listing("SOP-002", open_only=True).runs) == 2
