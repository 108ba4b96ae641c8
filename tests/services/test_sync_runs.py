"""Runs on several clones: one run recorded on two clones (a shift handover, a
two-person procedure) and synced both ways keeps every event of both sides, with
`sopvault sync` and with a plain `git pull` (git's union driver). A real bare server,
real clones, real git."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sopvault.model.run import RunState
from sopvault.services.clock import running_from
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.scaffold import write_new_vault
from sopvault.services.sync import Sync
from sopvault.services.syncruns import holding_logs, join_kept
from sopvault.services.workspace import Workspace
from sopvault.store import runlog
from sopvault.store.git import worktree
from tests.conftest import TODAY, act_as, walk_to_the_end, workspace_at
from tests.services.conftest import clone, git_out
from tests.services.test_sync import sync

NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)


def runs_at(root: Path, at: datetime | None = None) -> Runs:
    """The Runs service of a clone; its clock runs from ``at`` (default: today, noon)."""
    return Runs(Workspace.open(root, clock=running_from(at)) if at else workspace_at(root))


def ids_in(text: str) -> list[str]:
    """Every event id a log's text derives, in applied order (each once)."""
    return [e.id for e in runlog.loads(text, "log").events]


def log_of(root: Path, run_id: str) -> str:
    return (root / "runs" / "SOP-010" / f"{run_id}.jsonl").read_text(encoding="utf-8")


def on_server(server: Path, run_id: str) -> str:
    return git_out(server, "show", f"main:runs/SOP-010/{run_id}.jsonl") + "\n"


def shared_run(dmitri: Path, erin: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Dmitri starts a SOP-010 run, records step 1 and syncs; Erin syncs and has it."""
    act_as(monkeypatch, "Dmitri Volkov")
    runs = runs_at(dmitri)
    run_id = runs.start("SOP-010").run.id
    runs.mark(run_id, 1, "done", value="yes")
    report = sync(dmitri)
    assert any(run_id in line for line in report.runs_out)
    act_as(monkeypatch, "Erin Walsh")
    report = sync(erin)
    assert any(
        run_id in line and "recorded (still open): 2 events in" in line for line in report.runs_in
    )
    assert log_of(erin, run_id) == log_of(dmitri, run_id)
    return run_id


@pytest.mark.parametrize("first", ["Dmitri", "Erin"])
def test_one_run_recorded_on_two_clones_keeps_every_event_of_both(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Issue 13 (concurrent writers): A records, B records, A syncs, B syncs, A records
    more, A syncs, B syncs (Dmitri as A, then Erin as A): no conflict, and every event
    of both sides is in both clones' logs and on the server's main."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)
    people = {"Dmitri": (dmitri, "Dmitri Volkov"), "Erin": (erin, "Erin Walsh")}
    (a, a_name), (b, b_name) = people.pop(first), people.popitem()[1]

    act_as(monkeypatch, a_name)
    runs_at(a).mark(run_id, 2, "done", value="60")
    act_as(monkeypatch, b_name)
    runs_at(b).mark(run_id, 3, "done")
    runs_at(b).mark(run_id, 4, "note", note="Handed over at shift change")
    act_as(monkeypatch, a_name)
    sync(a)
    act_as(monkeypatch, b_name)
    report = sync(b)
    assert any(run_id in line and "1 event in" in line for line in report.runs_in)
    assert report.replayed  # B's events, joined with A's on the server's main
    act_as(monkeypatch, a_name)
    runs_at(a).mark(run_id, 4, "done")
    recorded = set(ids_in(log_of(a, run_id))) | set(ids_in(log_of(b, run_id)))
    report = sync(a)
    assert any(run_id in line and "2 events in" in line for line in report.runs_in)
    act_as(monkeypatch, b_name)
    sync(b)

    assert len(recorded) == 6  # start, Dmitri's two answers, Erin's answer and note, his last
    for text in (log_of(dmitri, run_id), log_of(erin, run_id), on_server(server, run_id)):
        assert set(ids_in(text)) == recorded
        assert len(ids_in(text)) == len(recorded)
    assert log_of(dmitri, run_id) == log_of(erin, run_id) == on_server(server, run_id)
    run = runs_at(erin).load(run_id)
    assert [s.state.value for s in run.steps[:4]] == ["done"] * 4
    assert "Handed over at shift change" in [e.note for e in run.steps[3].history]
    for where in (dmitri, erin):
        assert git_out(where, "status", "--porcelain", "--", "runs") == ""
        assert git_out(where, "rev-parse", "main") == git_out(server, "rev-parse", "main")


def test_a_run_completed_on_one_clone_keeps_what_the_other_recorded_later_as_late(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): Dmitri completes the run while Erin, an hour later
    on her clone, records one more note; both sync: the run is completed everywhere and
    her note is kept, shown as late (``Run.late_events``)."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)

    act_as(monkeypatch, "Dmitri Volkov")
    runs = runs_at(dmitri)
    walk_to_the_end(runs, run_id)
    runs.complete(run_id)
    act_as(monkeypatch, "Erin Walsh")
    late = runs_at(erin, NOON + timedelta(hours=1)).mark(
        run_id, 6, "note", note="Sample bag resealed"
    )
    late_id = late.events[-1].id
    act_as(monkeypatch, "Dmitri Volkov")
    sync(dmitri)
    act_as(monkeypatch, "Erin Walsh")
    report = sync(erin)
    assert any(run_id in line and "completed (passed)" in line for line in report.runs_in)
    act_as(monkeypatch, "Dmitri Volkov")
    sync(dmitri)

    for where in (dmitri, erin):
        run = runs_at(where).load(run_id)
        assert run.state is RunState.COMPLETED
        assert [e.id for e in run.late_events] == [late_id]
    assert late_id in ids_in(on_server(server, run_id))


def test_a_working_log_kept_by_follow_gains_the_events_main_brought(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): an answer recorded on Erin's clone after sync took
    her runs (so her log differs from main, and main moving keeps it) still gains the
    events main brings: the moves sync makes, under the runs' locks."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)
    act_as(monkeypatch, "Dmitri Volkov")
    runs_at(dmitri).mark(run_id, 2, "done", value="60")
    sync(dmitri)
    act_as(monkeypatch, "Erin Walsh")
    mine = runs_at(erin).mark(run_id, 3, "done").events[-1].id  # never committed

    ws = workspace_at(erin)
    repo = ws.git()
    repo.fetch("origin")
    old, new = repo.rev("refs/heads/main"), repo.rev("refs/remotes/origin/main")
    assert old is not None and new is not None
    with holding_logs(ws, repo, old, new):
        repo.update_ref("refs/heads/main", new, old, "test")
        kept = worktree.follow(repo, "refs/heads/main", old, new, [])
        said = join_kept(ws, repo, kept, new)
    path = f"runs/SOP-010/{run_id}.jsonl"
    assert kept == (path,)
    assert said == [f"{path} (main's events added; yours go with the next sync)"]
    assert set(ids_in(on_server(server, run_id))) | {mine} == set(ids_in(log_of(erin, run_id)))

    report = Sync(DocumentControl(workspace_at(erin))).sync()  # and hers go next
    assert any(run_id in line for line in report.runs_out)
    assert mine in ids_in(on_server(server, run_id))


def test_open_runs_stay_when_another_branch_is_checked_out(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): a run committed on another branch would never reach
    main, so sync leaves the open run alone and says why."""
    dmitri = clone(server, tmp_path, "dmitri")
    act_as(monkeypatch, "Dmitri Volkov")
    git_out(dmitri, "switch", "-q", "-c", "notes")
    runs = runs_at(dmitri)
    run_id = runs.start("SOP-010").run.id
    report = sync(dmitri)
    assert report.runs_held == [
        "1 run log with events not on main stay here: HEAD is on notes;"
        " switch to main and sync again to take them"
    ]
    assert git_out(dmitri, "status", "--porcelain", "--", "runs") != ""
    assert run_id not in git_out(server, "ls-tree", "-r", "--name-only", "main")


def test_a_plain_git_pull_joins_two_appended_logs(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): with the vault's .gitattributes (git's built-in
    union driver for run logs), `git pull` of two clones that appended to one log merges
    without a conflict and the log loads with every event of both, once."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    assert "runs/**/*.jsonl merge=union" in (erin / ".gitattributes").read_text()
    run_id = shared_run(dmitri, erin, monkeypatch)
    act_as(monkeypatch, "Dmitri Volkov")
    runs_at(dmitri).mark(run_id, 2, "done", value="60")
    sync(dmitri)
    act_as(monkeypatch, "Erin Walsh")
    runs_at(erin).mark(run_id, 3, "done")
    runs_at(erin).mark(run_id, 4, "done")
    recorded = set(ids_in(log_of(erin, run_id))) | set(ids_in(on_server(server, run_id)))
    git_out(erin, "commit", "-q", "-am", "Erin's answers")
    git_out(erin, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    text = log_of(erin, run_id)
    assert set(ids_in(text)) == recorded and len(recorded) == 5
    assert "<<<<<<<" not in text


def test_a_union_merge_that_repeats_an_event_loads_it_once(
    tmp_path: Path, server: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): both sides of a plain merge gained one event in
    different places (each joined it from the other); git's union keeps both copies and
    the log still derives each event once."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)
    path = dmitri / "runs" / "SOP-010" / f"{run_id}.jsonl"
    start = path.read_text(encoding="utf-8")
    act_as(monkeypatch, "Dmitri Volkov")
    lines = [
        runs_at(dmitri).mark(run_id, n, "note", note=f"note {n}").events[-1] for n in (2, 3, 4)
    ]
    a, b, c = (runlog.event_line(e) for e in lines)
    git_out(dmitri, "switch", "-q", "-c", "other")
    path.write_text(start + b + c, encoding="utf-8")
    git_out(dmitri, "commit", "-q", "-am", "b and c")
    git_out(dmitri, "switch", "-q", "main")
    path.write_text(start + a + b, encoding="utf-8")
    git_out(dmitri, "commit", "-q", "-am", "a and b")
    git_out(dmitri, "merge", "-q", "--no-edit", "other")
    text = path.read_text(encoding="utf-8")
    assert text.count(lines[1].id) == 2  # the union kept both copies
    assert ids_in(text) == ids_in(start) + [e.id for e in lines]


def test_init_writes_the_union_driver_for_run_logs(tmp_path: Path) -> None:
    """Issue 13 (concurrent writers): `sopvault init` writes the .gitattributes line that
    lets a plain `git pull` merge run logs, keeping what the file held."""
    (tmp_path / ".gitattributes").write_text("*.png binary", encoding="utf-8")
    written = write_new_vault(tmp_path, "Test vault")
    assert tmp_path / ".gitattributes" in written
    assert (tmp_path / ".gitattributes").read_text() == (
        "*.png binary\nruns/**/*.jsonl merge=union\n"
    )


RECORDER = """
import sys, time
from pathlib import Path
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
root, run_id, stop = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
n = 0
while not stop.exists():
    n += 1
    run = Runs(Workspace.open(root)).mark(run_id, 5, "note", note=f"reading {n}")
    print(run.events[-1].id, flush=True)
    time.sleep(0.02)
"""


def test_answers_recorded_while_the_clone_syncs_are_all_kept(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): a real process keeps recording notes on Erin's clone
    while she syncs, again and again, against Dmitri's answers on the same run: every
    event the recorder was told is recorded ends on the server's main and in both logs."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)
    stop = tmp_path / "stop"
    recorder = subprocess.Popen(
        [sys.executable, "-c", RECORDER, str(erin), run_id, str(stop)],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    theirs: set[str] = set()
    try:
        for n in range(4):
            act_as(monkeypatch, "Dmitri Volkov")
            theirs.add(runs_at(dmitri).mark(run_id, 6, "note", note=f"check {n}").events[-1].id)
            sync(dmitri)
            act_as(monkeypatch, "Erin Walsh")
            sync(erin)
    finally:
        stop.touch()
        out, err = recorder.communicate(timeout=120)
    assert recorder.returncode == 0, err
    mine = set(out.split())
    assert len(mine) > 4
    sync(erin)
    act_as(monkeypatch, "Dmitri Volkov")
    sync(dmitri)
    for text in (on_server(server, run_id), log_of(erin, run_id), log_of(dmitri, run_id)):
        assert mine | theirs <= set(ids_in(text))


def test_a_run_aborted_elsewhere_is_reported_as_aborted(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (concurrent writers): the report says how a run brought by others stands
    now: aborted, with the events that came in, and the working copy holds it."""
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    run_id = shared_run(dmitri, erin, monkeypatch)
    act_as(monkeypatch, "Dmitri Volkov")
    runs_at(dmitri).abort(run_id, "tank 2 drained for repair")
    sync(dmitri)
    act_as(monkeypatch, "Erin Walsh")
    report = sync(erin)
    assert report.runs_in == [f"SOP-010 run {run_id} aborted: 1 event in (Dmitri Volkov)"]
    assert runs_at(erin).load(run_id).state is RunState.ABORTED
