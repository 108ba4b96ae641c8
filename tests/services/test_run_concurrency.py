"""Run records (issue 13, concurrent writers): two processes recording on one run at the
same moment both keep their event; real processes, real files, no mocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sopvault.model.run import EventType, Run, StepState
from sopvault.services.runs import Runs
from tests.conftest import workspace_at

ROUNDS = 50
SAME_STEP_ROUNDS = 20
DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
ERIN = "Erin Walsh <erin.walsh@harrowfinch.example>"


def mark_command(root: Path, run_id: str, step: int, who: str = DMITRI) -> list[str]:
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
        who,
    ]


def mark_at_once(root: Path, run_id: str, marks: list[tuple[int, str]]) -> None:
    """Start one `runs mark` process per (step, person) at the same moment; each must
    exit 0 and say it recorded its step."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    processes = [
        subprocess.Popen(
            mark_command(root, run_id, step, who),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for step, who in marks
    ]
    for process, (step, _) in zip(processes, marks, strict=True):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.startswith(f"step {step}: done"), out


def answers(run: Run) -> list[tuple[str, int | None, str]]:
    """The run's answer events as (by, step, corrects), in log order."""
    return [(e.by, e.step, e.corrects) for e in run.events if e.type is EventType.DONE]


def test_two_processes_marking_one_run_at_once_lose_no_event(sample_path: Path) -> None:
    """Lost updates (issue 13: "one step is lost in 4 of 20 tries, and both commands said
    recorded"): in each of 50 rounds two processes mark steps 1 and 2 of a fresh run at
    the same moment; both exit 0, and the log holds both events (three distinct event
    ids: the start and the two answers), neither correcting the other."""
    runs = Runs(workspace_at(sample_path))
    lost = []
    for _ in range(ROUNDS):
        run_id = runs.start("SOP-002", who=DMITRI).run.id
        mark_at_once(sample_path, run_id, [(1, DMITRI), (2, ERIN)])
        run = runs.load(run_id)
        ids = {e.id for e in run.events}
        kinds = sorted(e.type.value for e in run.events)
        done = sorted(answers(run), key=lambda a: a[1] or 0)
        if (len(ids), kinds, done) != (
            3,
            ["done", "done", "start"],
            [(DMITRI, 1, ""), (ERIN, 2, "")],
        ):
            lost.append((run_id, kinds, done))
    assert lost == []


def test_two_processes_marking_the_same_step_at_once_keep_both_answers(
    sample_path: Path,
) -> None:
    """Issue 13 (concurrent writers, one step): in each of 20 rounds two people mark step
    1 of a fresh run at the same moment; both exit 0, both answers are in the log, and
    the later one is in force and names the earlier in `corrects` (a correction, never a
    silent overwrite)."""
    runs = Runs(workspace_at(sample_path))
    wrong = []
    for _ in range(SAME_STEP_ROUNDS):
        run_id = runs.start("SOP-002", who=DMITRI).run.id
        mark_at_once(sample_path, run_id, [(1, DMITRI), (1, ERIN)])
        run = runs.load(run_id)
        done = [e for e in run.events if e.type is EventType.DONE]
        if (
            len({e.id for e in run.events}) != 3
            or len(done) != 2
            or {e.by for e in done} != {DMITRI, ERIN}
            or [e.corrects for e in done] != ["", done[0].id]
            or run.step(1).event != done[1].id
            or run.step(1).by != done[1].by
        ):
            wrong.append((run_id, answers(run)))
    assert wrong == []


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
