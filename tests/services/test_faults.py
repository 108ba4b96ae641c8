"""Faults: sopvault killed with SIGKILL at random points while it updates the index, records
run steps, proposes and approves, again and again. Afterwards every command works, the
index is fresh, no recorded step is lost, main never holds a half-made change and no stale
lock blocks the user without saying what to do.

SOPVAULT_KILLS sets the kills per operation (default 50)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.errors import SopvaultError
from sopvault.model.run import StepState
from sopvault.services.clock import running_from
from sopvault.services.review.common import RevisionError
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from tests.conftest import ROOT, TODAY, act_as, walk_to_the_end, workspace_at, write

KILLS = int(os.environ.get("SOPVAULT_KILLS", "50"))
SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"


def killed_at_random(code: str, args: list[str], rng: random.Random, longest: float) -> list[str]:
    """Run ``code`` in a child; once it says "ready", SIGKILL it after a random pause of up
    to ``longest`` seconds. Returns the lines it printed (it may have finished first)."""
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    ready = child.stdout.readline().strip()
    assert ready == "ready", (ready, child.stderr.read() if child.stderr else "")
    time.sleep(rng.uniform(0, longest))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=60)
    assert "Traceback" not in err, err
    return out.splitlines()


INDEX_CHILD = """
import sys
from pathlib import Path
from sopvault.services.vault import Vault
vault = Vault.open(Path(sys.argv[1]))
print("ready", flush=True)
vault.refresh_index()
print("done", flush=True)
"""


def test_killing_an_index_update_leaves_search_fresh(sample_path: Path) -> None:
    rng = random.Random(1)
    Vault.open(sample_path, clock=running_from(TODAY)).search("respirator")  # the index exists
    for n in range(KILLS):
        word = f"zqk{n}x"
        write(
            sample_path,
            f"policies/kill-{n}.md",
            f'+++\nid = "KILL-{n}"\ntitle = "Killed {n}"\nkind = "policy"\n+++\n{word}\n',
        )
        killed_at_random(INDEX_CHILD, [str(sample_path)], rng, 0.3)
        hits = Vault.open(sample_path, clock=running_from(TODAY)).search(word).hits
        assert [h.id for h in hits] == [f"KILL-{n}"], n
    assert main(["--vault", str(sample_path), "check"]) == 0
    assert main(["--vault", str(sample_path), "index"]) == 0


RUN_CHILD = """
import sys
from pathlib import Path
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
runs = Runs(Workspace.open(Path(sys.argv[1])))
run_id = sys.argv[2]
runs.document(runs.load(run_id))
print("ready", flush=True)
for number, value in ((1, "yes"), (2, "60"), (3, None), (4, None), (5, None), (6, "pass")):
    runs.mark(run_id, number, "done", value=value, note=f"note {number}")
    print(f"marked {number}", flush=True)
"""


def test_killing_a_runner_loses_no_recorded_step(demo_path: Path) -> None:
    rng = random.Random(2)
    runs = Runs(workspace_at(demo_path))
    for n in range(KILLS):
        run_id = runs.start("SOP-010").run.id
        lines = killed_at_random(RUN_CHILD, [str(demo_path), run_id], rng, 0.05)
        printed = [int(line.split()[1]) for line in lines if line.startswith("marked")]
        run = Runs(workspace_at(demo_path)).load(run_id)  # parses: never torn
        for number in printed:
            assert run.step(number).state is StepState.DONE, (n, number)
            assert run.step(number).note == f"note {number}"
        done = [s.number for s in run.steps if s.state is StepState.DONE]
        assert done == list(range(1, len(done) + 1))  # nothing out of order either
    listing = Runs(workspace_at(demo_path)).listing()
    assert len(listing.runs) == KILLS and listing.problems == []


PROPOSE_CHILD = """
import sys
from pathlib import Path
from sopvault.services.review.control import DocumentControl
from sopvault.services.workspace import Workspace
revisions = DocumentControl(Workspace.open(Path(sys.argv[1])))
revisions.proposals.listing()
print("ready", flush=True)
revisions.proposals.propose(["SOP-003"], sys.argv[2])
print("done", flush=True)
"""


def test_killing_propose_never_touches_main_or_the_users_edit(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(3)
    act_as(monkeypatch, "Carmen Ruiz")
    repo = git.Repo(demo_path)
    start = repo.commit("main").hexsha
    for n in range(KILLS):
        path = demo_path / SOP3
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdit number {n}.\n", "utf-8")
        killed_at_random(PROPOSE_CHILD, [str(demo_path), f"Edit {n}"], rng, 0.15)
        assert f"Edit number {n}." in path.read_text(encoding="utf-8")  # the edit is kept
        assert repo.commit("main").hexsha == start
        assert not (demo_path / ".git" / "index.lock").exists()
        DocumentControl(workspace_at(demo_path)).proposals.listing()  # every ref reads
    subprocess.run(["git", "-C", str(demo_path), "fsck", "--connectivity-only"], check=True)
    assert main(["--vault", str(demo_path), "propose", "SOP-003", "-m", "Last edit"]) in (0, 1)
    assert main(["--vault", str(demo_path), "verify"]) == 0


APPROVE_CHILD = """
import sys
from pathlib import Path
from sopvault.services.review.control import DocumentControl
from sopvault.services.workspace import Workspace
revisions = DocumentControl(Workspace.open(Path(sys.argv[1])))
revisions.proposals.get(sys.argv[2])
print("ready", flush=True)
revisions.approvals.approve(sys.argv[2])
print("done", flush=True)
"""


def test_killing_approve_lands_each_change_once_and_whole(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(int(os.environ.get("SOPVAULT_KILL_SEED", "4")))
    repo = git.Repo(demo_path)
    repo.git.checkout("--", ".")  # the demo's open WI-004 text out of the way
    stale_locks = 0
    outcomes = {"not landed": 0, "landed, left open": 0, "landed and closed": 0}
    for n in range(KILLS):
        act_as(monkeypatch, "Carmen Ruiz")
        before = repo.commit("main").hexsha
        path = demo_path / SOP3
        path.write_text(path.read_text(encoding="utf-8") + f"\nRevision {n}.\n", "utf-8")
        number = str(
            DocumentControl(workspace_at(demo_path)).proposals.propose(["SOP-003"], f"R{n}").number
        )
        act_as(monkeypatch, "Bilal Okafor")
        killed_at_random(APPROVE_CHILD, [str(demo_path), number], rng, 0.3)

        tip = repo.commit("main")
        if tip.hexsha != before:  # landed: one whole commit on top, with its sign-off
            # (its second parent is Bilal's vote commit on the proposal)
            assert [p.hexsha for p in tip.parents][:1] == [before] and len(tip.parents) == 2
            assert "Approves: " in tip.parents[1].message
            trailers = dict(tip.trailers_list)
            assert trailers["SOP-Proposal"] == number and trailers["Reviewed-by"].startswith(
                "Bilal"
            )
        lock = demo_path / ".git" / "index.lock"
        if lock.exists():  # killed inside git update-index: explained, then removed
            stale_locks += 1
            with pytest.raises(SopvaultError, match="rm '.*index.lock'"):
                workspace_at(demo_path).git().check_index_unlocked()
            lock.unlink()
        revisions = DocumentControl(workspace_at(demo_path))
        still_open = any(str(p.number) == number for p in revisions.proposals.listing())
        moved = tip.hexsha != before
        key = (
            "not landed"
            if not moved
            else ("landed, left open" if still_open else "landed and closed")
        )
        outcomes[key] += 1
        if still_open:  # finished now, never landed twice
            try:
                assert revisions.approvals.approve(number).landed
            except RevisionError as err:  # killed between closing and deleting its ref
                # Trust §7: a closed proposal is named with who closed it.
                said = f"proposal {number} is no longer open: it was approved by Bilal Okafor"
                assert said in str(err)
        assert all(str(p.number) != number for p in revisions.proposals.listing())
        if moved and still_open:  # the file followed main when the approval was finished
            assert repo.git.status("--porcelain", "--", SOP3) == "", n
        landed = repo.git.log(
            "--first-parent", "--format=%H", f"--grep=^SOP-Proposal: {number}$", "main"
        ).split()
        assert len(landed) == 1, (n, landed)
        repo.git.reset("-q", "--hard", "main")
    assert main(["--vault", str(demo_path), "verify"]) == 0
    print(f"approve kills: {outcomes}; stale index locks met: {stale_locks}")


def test_a_stale_index_lock_is_explained_and_nothing_half_done(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = demo_path / ".git" / "index.lock"
    lock.write_text("")
    main_before = git.Repo(demo_path).commit("main").hexsha
    act_as(monkeypatch, "Bilal Okafor")
    assert main(["--vault", str(demo_path), "approve", "6"]) == 1
    err = capsys.readouterr().err
    assert "git's index is locked by" in err and "delete that file" in err
    assert git.Repo(demo_path).commit("main").hexsha == main_before

    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    assert main(["--vault", str(demo_path), "runs", "complete", run_id]) == 1
    assert "index.lock" in capsys.readouterr().err
    assert runs.load(run_id).state.value == "open"  # not ended without its commit

    lock.unlink()
    assert main(["--vault", str(demo_path), "runs", "complete", run_id]) == 0
    assert main(["--vault", str(demo_path), "approve", "6"]) == 0


def test_a_run_ended_but_not_committed_is_committed_by_completing_again(
    demo_path: Path,
) -> None:
    """The process died between saving "completed" and committing."""
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    run = runs.load(run_id)
    from sopvault.core.checklist import complete

    ended = complete(run, who="Alice Moreno <alice@x.example>", now=runs.now())
    runs.files.append(run, ended)  # ... and then killed
    again, commit = Runs(workspace_at(demo_path)).complete(run_id)
    assert commit is not None and again.state.value == "completed"
    files = git.Repo(demo_path).commit(commit).stats.files
    assert list(files) == [f"runs/SOP-010/{run_id}.jsonl"]


def test_a_proposal_left_half_closed_is_tidied_not_landed_again(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the approved ref was made, before the review ref was deleted."""
    act_as(monkeypatch, "Bilal Okafor")
    revisions = DocumentControl(workspace_at(demo_path))
    prop = revisions.proposals.get("6")
    assert revisions.approvals.approve("6").landed
    repo = git.Repo(demo_path)
    repo.git.update_ref(prop.ref, prop.tip)  # the review ref is back, as if never deleted
    landed = repo.commit("main").hexsha
    assert [p.number for p in revisions.proposals.listing()] == [6]
    with pytest.raises(
        RevisionError, match="proposal 6 is no longer open: it was approved by Bilal"
    ):
        revisions.approvals.approve("6")
    assert revisions.proposals.listing() == [] and repo.commit("main").hexsha == landed
