"""Checklist runs on real repositories: recording, evidence, conditions, deadlines, kill
safety, pinning to a revision, committing exactly one file, concurrency, broken files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.core.conditions import ConditionError, Outcome, evaluate, parse_condition
from sopvault.core.evidence import EvidenceError, accept, deviation
from sopvault.errors import RunError
from sopvault.model.document import EvidenceSpec, EvidenceType, Step
from sopvault.model.run import Event, EventType, RunState, StepState, new_event_id
from sopvault.services.clock import running_from
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from sopvault.store.runfile import RunFileError
from tests.conftest import ROOT, TODAY, act_as, copy_sample, walk_to_the_end, workspace_at, write

SOP10 = "procedures/SOP-010-leach-sop.md"
T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WHO = "Alice Moreno <alice@x.example>"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def runs_in(root: Path, clock: Clock | None = None) -> Runs:
    return Runs(Workspace.open(root, clock=clock or running_from(TODAY)))


def cli(root: Path, *args: str) -> int:
    return main(["--vault", str(root), *args])


# ---- conditions and evidence (the rules the runners share) ------------------------------


def test_conditions_read_compare_and_combine() -> None:
    cond = parse_condition("step 2 == 'no' and step 3 > 8.5 or step 4 is skipped")
    assert len(cond.groups) == 2
    done = {2: Outcome("done", "no"), 3: Outcome("done", 9.0), 4: Outcome("done", "x")}
    assert evaluate(cond, done) is True
    assert evaluate(cond, {**done, 3: Outcome("done", 8.0)}) is False
    assert evaluate(cond, {**done, 3: Outcome("pending")}) is None  # undecided yet
    assert evaluate(cond, {**done, 3: Outcome("done", 1.0), 4: Outcome("skipped")}) is True
    # a skipped step has no value: a comparison with it is false
    assert evaluate(parse_condition("step 1 != 'yes'"), {1: Outcome("skipped")}) is False
    assert evaluate(parse_condition('step 1 == "4"'), {1: Outcome("done", 4.0)}) is True
    for bad, says in (
        ("step two == 'no'", "step number"),
        ("step 2 = 'no'", "cannot read"),
        ("step 2 == 'no' and", "ends after"),
        ("step 2 > 'high'", "compares numbers"),
        ("step 2 is finished", "not 'finished'"),
        ("", "empty"),
    ):
        with pytest.raises(ConditionError, match=says):
            parse_condition(bad)


def test_evidence_of_each_type() -> None:
    number = EvidenceSpec(EvidenceType.NUMBER, "water temperature", 55, 65, "°C")
    assert accept(number, "60") == 60.0
    assert accept(number, " 60.5 °C") == 60.5
    assert accept(number, "58,5") == 58.5
    # Issue 13: a measurement outside the range is accepted, and is a deviation.
    assert accept(number, "70") == 70.0 and accept(number, "50") == 50.0
    step = Step("Measure the water", control_point=True, evidence=number)
    assert deviation(step, 70.0) == "70 °C is above the maximum (allowed 55 to 65 °C)"
    assert deviation(step, 50.0) == "50 °C is below the minimum (allowed 55 to 65 °C)"
    assert deviation(step, 60.0) == ""
    with pytest.raises(EvidenceError, match="not a"):
        accept(number, "hot")
    with pytest.raises(EvidenceError, match="allowed 55 to 65 °C"):
        accept(number, "nan")
    yesno = EvidenceSpec(EvidenceType.YESNO)
    assert accept(yesno, "Y") == "yes" and accept(yesno, "no") == "no"
    with pytest.raises(EvidenceError, match="yes or no"):
        accept(yesno, "maybe")
    choice = EvidenceSpec(EvidenceType.CHOICE, choices=("pass", "fail", "retest"))
    assert accept(choice, "PASS") == "pass"
    with pytest.raises(EvidenceError, match="not one of: pass, fail, retest"):
        accept(choice, "ok")
    text = EvidenceSpec(EvidenceType.TEXT, "PO number")
    assert accept(text, " PO-1 ") == "PO-1"
    with pytest.raises(EvidenceError, match="give PO number"):
        accept(text, "  ")


def test_a_malformed_condition_or_due_is_a_check_error(tmp_path: Path) -> None:
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "T"\n')
    write(
        root,
        "procedures/p.md",
        '+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\n\n'
        '[[steps]]\naction = "Check the seal"\nrecord = "yesno"\n\n'
        '[[steps]]\naction = "Replace the seal"\nwhen = "step 1 == \'maybe\'"\n\n'
        '[[steps]]\naction = "Log the result"\nwhen = "step 3 is done"\ndue = "soon"\n+++\n',
    )
    findings = Vault.open(root, clock=running_from(TODAY)).state.findings
    found = {(f.line, f.code, f.message) for f in findings}
    assert (
        12,
        "bad-condition",
        "step 2: \"step 1 == 'maybe'\": step 1 records yes, no, never 'maybe'",
    ) in found
    assert any(
        f.code == "bad-condition" and f.line == 16 and "earlier step" in f.message for f in findings
    )
    assert any(
        f.code == "bad-value" and f.line == 17 and "due 'soon'" in f.message for f in findings
    )


# ---- the scriptable commands -------------------------------------------------------------


def test_script_a_whole_run_and_commit_exactly_one_file(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git.Repo(demo_path)
    (demo_path / "scratch.txt").write_text("mine", encoding="utf-8")
    write(demo_path, "README.md", "staged, not mine to commit\n")
    repo.git.add("README.md")
    staged = repo.git.diff("--cached")
    edited = (demo_path / "work-instructions/WI-004-cycle-count.md").read_bytes()
    head = repo.head.commit.hexsha

    assert (
        cli(
            demo_path, "runs", "start", "SOP-010", "--json", "--assign", "lab technician=Erin Walsh"
        )
        == 0
    )
    started = json.loads(capsys.readouterr().out)
    run_id = started["id"]
    assert started["commit"] == head and started["state"] == "open"
    assert started["roles"] == {"lab technician": "Erin Walsh <erin.walsh@harrowfinch.example>"}
    blob = repo.git.rev_parse(f"{head}:{SOP10}")
    assert started["blob"] == blob

    assert cli(demo_path, "runs", "mark", run_id, "1", "done", "--value", "yes") == 0
    assert cli(demo_path, "runs", "mark", run_id, "2", "done", "--value", "70") == 1
    assert "above the maximum" in capsys.readouterr().err
    assert (
        cli(demo_path, "runs", "mark", run_id, "2", "done", "--value", "61", "--note", "T-3") == 0
    )
    assert cli(demo_path, "runs", "mark", run_id, "6", "skip") == 1  # a control point
    assert "say why" in capsys.readouterr().err
    assert cli(demo_path, "runs", "complete", run_id) == 1
    assert "control point 6 lacks its evidence" in capsys.readouterr().err
    for step in ("3", "4"):
        assert cli(demo_path, "runs", "mark", run_id, step, "done") == 0
    assert cli(demo_path, "runs", "mark", run_id, "5", "na", "--reason", "centrifuge down") == 0
    assert (
        cli(
            demo_path,
            "runs",
            "mark",
            run_id,
            "6",
            "done",
            "--value",
            "fail",
            "--as",
            "Erin Walsh <erin.walsh@harrowfinch.example>",
        )
        == 0
    )
    assert cli(demo_path, "runs", "complete", run_id) == 1  # step 7 now applies
    assert "step 7 is still pending" in capsys.readouterr().err
    assert cli(demo_path, "runs", "mark", run_id, "7", "done", "--value", "Q-118") == 0
    capsys.readouterr()
    assert cli(demo_path, "runs", "complete", run_id) == 0
    assert "committed as" in capsys.readouterr().out

    commit = repo.head.commit
    assert commit.parents[0].hexsha == head
    assert list(commit.stats.files) == [f"runs/SOP-010/{run_id}.jsonl"]
    trailers = dict(commit.trailers_list)
    assert trailers == {"SOP-Id": "SOP-010", "Run-Id": run_id, "Run-State": "completed"}
    parsed = subprocess.run(
        ["git", "-C", str(demo_path), "interpret-trailers", "--parse"],
        input=str(commit.message),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Run-Id: {run_id}" in parsed
    # nothing else was committed or disturbed
    assert repo.git.diff("--cached") == staged
    assert (demo_path / "work-instructions/WI-004-cycle-count.md").read_bytes() == edited
    assert (demo_path / "scratch.txt").read_text(encoding="utf-8") == "mine"
    assert f"runs/SOP-010/{run_id}.jsonl" not in repo.git.status("--porcelain")
    # run records are not document changes
    assert cli(demo_path, "verify") == 0
    assert (
        DocumentControl(workspace_at(demo_path))
        .history.revisions("SOP-010")[0]
        .summary.startswith("Bring")
    )

    capsys.readouterr()
    assert cli(demo_path, "runs", "show", run_id) == 0
    report = capsys.readouterr().out
    assert "value: 61 °C" in report and "note: T-3" in report
    assert "reason: centrifuge down" in report and "by Erin Walsh" in report
    assert "[x]  7. Quarantine the batch" in report and "total time:" in report
    assert cli(demo_path, "runs", "mark", run_id, "1", "undo") == 1  # closed runs do not change


def test_conditional_step_follows_the_answer_it_looks_at(demo_path: Path) -> None:
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    run = runs.load(run_id)
    assert run.step(7).state is StepState.NA and run.step(7).auto
    assert "condition false" in run.step(7).reason
    with pytest.raises(RunError, match="does not apply"):
        runs.mark(run_id, 7, "done", value="Q-1")
    runs.mark(run_id, 6, "undo")
    assert runs.load(run_id).step(7).state is StepState.PENDING  # undecided again
    with pytest.raises(RunError, match="record the steps it looks at first"):
        runs.mark(run_id, 7, "done", value="Q-1")
    runs.mark(run_id, 6, "done", value="retest")
    assert runs.load(run_id).step(7).state is StepState.NA


def test_late_steps_are_flagged(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
    runs = runs_in(demo_path, clock)
    run_id = runs.start("SOP-010").run.id  # step 2 is due 30m after the start
    assert runs.load(run_id).late(clock.now + timedelta(minutes=29)) == []
    assert runs.load(run_id).late(clock.now + timedelta(minutes=31)) == [2]
    assert cli(demo_path, "runs", "--open") == 0  # an hour later, really
    assert f"{run_id}" in (out := capsys.readouterr().out) and "LATE: step 2" in out
    clock.tick(minutes=45)
    runs.mark(run_id, 1, "done", value="yes")
    runs.mark(run_id, 2, "done", value="60")  # done, but after its deadline
    assert runs.load(run_id).late(clock.now) == [2]
    assert cli(demo_path, "runs", "show", run_id) == 0
    assert (
        "Check the hot water temperature before filling  CONTROL POINT  LATE"
        in capsys.readouterr().out
    )


# ---- what a run survives -----------------------------------------------------------------

KILLER = """
import sys
from pathlib import Path
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
runs = Runs(Workspace.open(Path(sys.argv[1])))
run_id = sys.argv[2]
runs.mark(run_id, 1, "done", value="yes")
print("marked 1", flush=True)
runs.mark(run_id, 2, "done", value="59.5", note="probe T-3")
print("marked 2", flush=True)
sys.stdin.readline()  # killed here, between two step writes
runs.mark(run_id, 3, "done")
print("marked 3", flush=True)
"""


def test_a_killed_run_resumes_with_every_recorded_step(demo_path: Path, tmp_path: Path) -> None:
    run_id = runs_in(demo_path).start("SOP-010").run.id
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(demo_path), run_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "marked 1"
    assert child.stdout.readline().strip() == "marked 2"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    run = runs_in(demo_path).load(run_id)
    assert [s.state for s in run.steps[:3]] == [StepState.DONE, StepState.DONE, StepState.PENDING]
    assert run.step(2).value == 59.5 and run.step(2).note == "probe T-3"
    assert run.current() is not None and run.current().number == 3  # type: ignore[union-attr]
    leftovers = [p.name for p in (demo_path / "runs/SOP-010").iterdir()]
    assert leftovers == [f"{run_id}.jsonl"]  # no temp files left behind

    # the line runner picks it up at step 3 and finishes it
    answers = "d\nd\nd\nd pass\nc\n"
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run", "--resume", run_id],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "2 of 7 done" in done.stdout
    assert "step 3 of 7" in done.stdout and "Leach the concentrate in tank 1" in done.stdout
    assert f"run {run_id} completed (passed): committed as" in done.stdout
    assert runs_in(demo_path).load(run_id).state is RunState.COMPLETED


def test_line_runner_quits_and_resumes(demo_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run"]
    first = subprocess.run(
        [*base, "SOP-010"],
        input="d\nyes\nd 80\n\nd 60\nn thermometer T-3\nw\nq\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    # Issue 13: 80 °C is a deviation that needs a note; a blank note records nothing.
    assert "! 80 °C is above the maximum" in out
    assert "refused: step 2 was not recorded: a deviation needs a note" in out
    assert "note kept" in out
    assert "WI-002 Operate a leach tank" in out or "WI-002" in out  # the work instruction shown
    run_id = out.split("sopvault run --resume ")[1].split()[0]
    run = runs_in(demo_path).load(run_id)
    assert run.state is RunState.OPEN and run.step(2).value == 60.0
    assert run.step(3).note == "thermometer T-3"

    second = subprocess.run(
        [*base, "--resume", run_id],
        input="b\nd 62\nd\nd\nd\nd retest\nc\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "completed (passed): committed as" in second.stdout
    run = runs_in(demo_path).load(run_id)
    assert run.step(2).value == 62.0  # "back" reopened step 2
    assert run.step(7).state is StepState.NA


def test_ctrl_d_keeps_the_run_open(demo_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run", "SOP-010"],
        input="d yes\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0
    assert "kept open" in done.stdout
    (listed,) = runs_in(demo_path).listing(open_only=True).runs
    assert runs_in(demo_path).load(listed.id).step(1).state is StepState.DONE


def test_a_run_on_a_revised_procedure_keeps_its_revision(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = runs_in(demo_path)
    started = runs.start("SOP-010")
    run_id = started.run.id
    runs.mark(run_id, 1, "done", value="yes")
    old_blob = started.run.blob

    act_as(monkeypatch, "Dmitri Volkov")
    path = demo_path / SOP10
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Leach the concentrate in tank 1", "Leach the concentrate in tank 2"
        ),
        encoding="utf-8",
    )
    number = (
        DocumentControl(workspace_at(demo_path)).proposals.propose(["SOP-010"], "Use tank 2").number
    )
    act_as(monkeypatch, "Hana Sato")
    assert DocumentControl(workspace_at(demo_path)).approvals.approve(str(number)).landed

    resumed = runs_in(demo_path).resume(run_id)
    assert resumed.changed_since == "2.5"
    assert resumed.run.blob == old_blob
    assert resumed.document.steps[2].action == "Leach the concentrate in tank 1"
    assert (
        '+action = "Leach the concentrate in tank 2"' in resumed.new[1]
        or "tank 2" in resumed.new[1]
    )

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "run", "--resume", run_id],
        input="d 60\nq\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "was revised since this run began (now 2.5)" in done.stdout
    assert '-action = "Leach the concentrate in tank 1"' in done.stdout
    assert "Leach the concentrate in tank 1" in done.stdout.split("step 3 of 7")[1]

    # a new run warns when the working copy differs, and --strict refuses a draft
    path.write_text(path.read_text(encoding="utf-8") + "\nlocal note\n", encoding="utf-8")
    assert cli(demo_path, "runs", "start", "SOP-010") == 0
    assert "working copy of SOP-010 differs" in capsys.readouterr().err
    assert cli(demo_path, "runs", "start", "SOP-010", "--strict") == 1
    assert "refused (--strict)" in capsys.readouterr().err


def test_two_people_run_one_procedure_at_once(demo_path: Path) -> None:
    runs_a, runs_b = runs_in(demo_path), runs_in(demo_path)
    a = runs_a.start("SOP-010", who="Dmitri Volkov <dmitri.volkov@harrowfinch.example>").run.id
    b = runs_b.start("SOP-010", who="Erin Walsh <erin.walsh@harrowfinch.example>").run.id
    assert a != b
    walk_to_the_end(runs_a, a)
    walk_to_the_end(runs_b, b)
    head = git.Repo(demo_path).head.commit.hexsha
    errors: list[BaseException] = []

    def finish(runs: Runs, run_id: str) -> None:
        try:
            runs.complete(run_id)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=finish, args=pair) for pair in ((runs_a, a), (runs_b, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    repo = git.Repo(demo_path)
    new = list(repo.iter_commits(f"{head}..HEAD"))
    assert len(new) == 2
    assert sorted(dict(c.trailers_list)["Run-Id"] for c in new) == sorted([a, b])
    assert all(len(c.stats.files) == 1 for c in new)
    assert {p.name for p in (demo_path / "runs/SOP-010").iterdir()} == {f"{a}.jsonl", f"{b}.jsonl"}


def test_a_run_file_broken_by_hand_is_reported_and_others_list(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = runs_in(demo_path)
    good = runs.start("SOP-010").run.id
    broken = runs.start("SOP-009").run.id
    path = demo_path / "runs/SOP-009" / f"{broken}.jsonl"
    runs.mark(broken, 1, "note", note="first")
    text = path.read_text(encoding="utf-8").splitlines()
    text.append('{"type": "note", "event": "0000000')  # a hand edit: not JSON
    text.append(text[1])
    path.write_text("\n".join(text) + "\n", encoding="utf-8")

    for _ in range(2):  # parsed, then from the listing cache: the same answer
        listing = runs_in(demo_path).listing()
        assert [r.id for r in listing.runs] == [good]
        (problem,) = listing.problems
        assert problem.path == f"runs/SOP-009/{broken}.jsonl" and problem.line == 3
    assert (runs.ws.vault.state_dir / "cache/runs.pickle").is_file()
    assert not (demo_path / ".sopvault").exists()
    runs.mark(good, 1, "done", value="yes")  # a changed file is read again
    assert runs_in(demo_path).listing().runs[0].progress() == (1, 7)
    assert cli(demo_path, "runs") == 0
    captured = capsys.readouterr()
    assert good in captured.out
    assert f"runs/SOP-009/{broken}.jsonl:3: not valid JSON" in captured.err
    assert cli(demo_path, "runs", "show", broken) == 1
    assert "not valid JSON" in capsys.readouterr().err
    for bad in ("../x", "20261125-000000-zzzz", "/etc/passwd"):
        assert cli(demo_path, "runs", "show", bad) == 1
        assert "is not a run id" in capsys.readouterr().err


def test_runs_outside_git_are_saved_but_not_committed(tmp_path: Path) -> None:

    root = tmp_path / "plain"
    copy_sample(root)
    runs = runs_in(root)
    started = runs.start("SOP-010")
    assert any("not in git" in w for w in started.warnings)
    walk_to_the_end(runs, started.run.id)
    run, commit = runs.complete(started.run.id)
    assert commit is None and run.state is RunState.COMPLETED
    assert runs_in(root).load(run.id).state is RunState.COMPLETED


def test_starting_says_when_the_text_is_not_effective_or_not_signed_off(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_path / SOP10
    path.write_text(
        path.read_text(encoding="utf-8").replace('status = "effective"', 'status = "draft"'),
        encoding="utf-8",
    )
    repo = git.Repo(demo_path)
    repo.git.add(SOP10)
    repo.git.commit(m="Quietly back to draft")  # on main, with no review

    warnings = runs_in(demo_path).start("SOP-010").warnings
    assert "SOP-010 is draft, not effective" in warnings
    assert any("carries no sign-off" in w for w in warnings)
    assert not any("working copy" in w for w in warnings)
    assert cli(demo_path, "runs", "start", "SOP-010", "--strict") == 1
    assert "refused (--strict)" in capsys.readouterr().err
    assert len(runs_in(demo_path).listing().runs) == 1  # the refused start left no file


def test_a_missing_run_or_proposal_is_not_found(demo_path: Path) -> None:
    from sopvault.errors import NotFound, RunError
    from sopvault.services.review.common import RevisionError
    from sopvault.services.review.control import DocumentControl

    ws = workspace_at(demo_path)
    with pytest.raises(NotFound, match="no run 20260101-000000-0000") as missing_run:
        Runs(ws).load("20260101-000000-0000")
    assert isinstance(missing_run.value, RunError)
    with pytest.raises(NotFound, match="no proposal 99") as missing_proposal:
        DocumentControl(ws).proposals.get("99")
    assert isinstance(missing_proposal.value, RevisionError)


def test_a_run_that_would_not_read_back_leaves_its_file_as_it_was(demo_path: Path) -> None:
    """Trust §1 (read-back): saving a run whose file would not read back as the same run
    is refused in one line, and the file on disk keeps what was recorded before."""
    runs = runs_in(demo_path)
    run = runs.start("SOP-010").run
    path = demo_path / run.file
    before = path.read_bytes()
    event = Event(new_event_id(), EventType.DONE, WHO, runs.now(), step=1, value=float("nan"))
    with pytest.raises(RunFileError, match="nothing written"):
        runs.files.append(run, event)
    assert path.read_bytes() == before
    assert runs.load(run.id).events == run.events  # and the run in memory did not change
