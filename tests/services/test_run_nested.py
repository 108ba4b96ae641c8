"""Issue 15 (nested work instruction): a step's work instruction run in place on a real
repository: pinned to main's approved text in the same run's log, answered step by step,
the parent done when they are, completed and committed; its text read back by blob after
main moves on; refused when retired, warned or refused (--strict) when not effective."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sopvault.errors import RunError
from sopvault.model.run import EventType, RunState, StepState
from sopvault.services.runnested import instruction_of, open_in_step
from sopvault.services.runs import Runs
from tests.conftest import commit_all, workspace_at

pytestmark = pytest.mark.usefixtures("utc")
WI = "work-instructions/WI-001-operate-flotation-cell.md"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _through_wi(runs: Runs, run_id: str) -> None:
    """Answer WI-001's six steps inside SOP-009's step 3."""
    runs.mark(run_id, 1, "done", value="yes", within=3)
    for number in (2, 3, 5, 6):
        runs.mark(run_id, number, "done", within=3)
    runs.mark(run_id, 4, "done", value="12", within=3)


def test_a_work_instruction_runs_in_place_pinned_to_main(repo_root: Path) -> None:
    """Issue 15 (nested work instruction): opening step 3's WI-001 records an instruction
    event pinned to main's commit, the blob of WI-001 there and its version; its steps are
    recorded in the same log; the parent is done when they are; the run completes and
    commits; the pinned text is read by blob after main changes WI-001."""
    runs = Runs(workspace_at(repo_root))
    run_id = runs.start("SOP-009").run.id
    runs.mark(run_id, 1, "done", value="yes")
    runs.mark(run_id, 2, "done", value="100")
    opened = open_in_step(runs, run_id, 3)
    assert opened.warnings == ["WI-001's text on main carries no sign-off (see `sopvault verify`)"]
    pin = opened.run.step(3).instruction
    assert pin is not None and (pin.doc_id, pin.version, pin.path) == ("WI-001", "2.0", WI)
    assert pin.commit == _git(repo_root, "rev-parse", "main")
    assert pin.blob == _git(repo_root, "rev-parse", f"main:{WI}")
    with pytest.raises(RunError, match=r"step 3 runs WI-001 in place: .*mark 3.N instead"):
        runs.mark(run_id, 3, "done")
    _through_wi(runs, run_id)
    run = runs.load(run_id)
    assert run.step(3).state is StepState.DONE and run.progress() == (3, 6)
    assert [e.within for e in run.events[-6:]] == [3] * 6
    _edit(repo_root, WI, 'version = "2.0"', 'version = "2.1"')
    _edit(repo_root, WI, "to the level mark", "to the new level mark")
    commit_all(repo_root, "WI-001 2.1")
    again = Runs(workspace_at(repo_root))
    followed = instruction_of(again, again.load(run_id), 3)
    assert followed.version == "2.0" and "to the level mark" in followed.steps[1].action
    for number in (4, 5, 6):
        again.mark(run_id, number, "done", value="1" if number == 5 else None)
    run, commit = again.complete(run_id)
    assert run.state is RunState.COMPLETED and commit is not None
    logged = _git(repo_root, "show", f"{commit}:{run.file}")
    assert '"type": "instruction"' in logged and '"within": 3' in logged


def test_a_retired_work_instruction_is_refused_and_a_draft_is_warned(repo_root: Path) -> None:
    """Issue 15 (nested work instruction): a work instruction that is not effective on
    main is warned about as a run of such a text, refused under strict; a retired one is
    refused, naming its successor; nothing is recorded when refused."""
    _edit(repo_root, WI, 'status = "effective"', 'status = "draft"')
    commit_all(repo_root, "WI-001 back to draft")
    runs = Runs(workspace_at(repo_root))
    run_id = runs.start("SOP-009").run.id
    before = len(runs.load(run_id).events)
    with pytest.raises(RunError, match=r"refused \(--strict\): WI-001"):
        open_in_step(runs, run_id, 3, strict=True)
    assert len(runs.load(run_id).events) == before
    opened = open_in_step(runs, run_id, 3)
    assert "WI-001 is draft, not effective" in opened.warnings
    second = runs.start("SOP-009").run.id
    _edit(repo_root, WI, 'status = "draft"', 'status = "retired"\nsuperseded_by = "WI-002"')
    commit_all(repo_root, "WI-001 retired")
    runs = Runs(workspace_at(repo_root))
    with pytest.raises(RunError, match=r"WI-001 is retired \(superseded by WI-002\): run WI-002"):
        open_in_step(runs, second, 3)
    assert runs.load(second).step(3).instruction is None
    runs.mark(second, 3, "done")  # not run in place: the step is answered as any step
    assert runs.load(second).step(3).state is StepState.DONE


def test_refusals_name_the_step(repo_root: Path) -> None:
    """Issue 15 (nested work instruction): a step naming no instruction, one already
    open, a nested step before the instruction is open, and a closed run are refused
    with one line each."""
    runs = Runs(workspace_at(repo_root))
    run_id = runs.start("SOP-009").run.id
    with pytest.raises(RunError, match="step 1 names no work instruction to run in place"):
        open_in_step(runs, run_id, 1)
    with pytest.raises(RunError, match="step 3 has no work instruction open in it"):
        runs.mark(run_id, 1, "done", value="yes", within=3)
    open_in_step(runs, run_id, 3)
    with pytest.raises(RunError, match="step 3 already runs WI-001 in place"):
        open_in_step(runs, run_id, 3)
    runs.abort(run_id, "line down")
    with pytest.raises(RunError, match="aborted"):
        runs.mark(run_id, 1, "done", value="yes", within=3)
    kinds = [e.type for e in runs.load(run_id).events]
    assert kinds.count(EventType.INSTRUCTION) == 1
