"""The line prompt (`sopvault run`) with runs as logs of events (issue 13): deviations
recorded with their note and marked `!`, the outcome before completing, a failed control
point that stops the work, undo naming the event it takes back, and resuming recorded as
an event. Real processes on real git repositories, answered on stdin, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.model.run import EventType, Outcome, Run, RunState, StepState
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from tests.conftest import ROOT, act_as, commit_all, workspace_at, write

SOP10 = "procedures/SOP-010-leach-sop.md"
# A freezer check whose temperature, when too warm, stops the work (on_fail = "stop").
FREEZER = """+++
id = "SOP-090"
title = "Check the freezer before loading"
kind = "procedure"
version = "1.0"
status = "effective"
parents = ["PRC-005"]

[[steps]]
action = "Read the freezer temperature"
critical = true
on_fail = "stop"
record = { type = "number", label = "freezer temperature", max = -18, unit = "°C" }

[[steps]]
action = "Load the pallets into the freezer"
+++
Stop loading if the freezer is warmer than -18 °C.
"""


def prompt(root: Path, answers: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`sopvault run ARGS` as its own process, answered with ``answers`` on stdin."""
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(root), "run", *args],
        input=answers,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


def only_run(root: Path) -> Run:
    """The one run of the vault, as its log derives it."""
    runs = Runs(workspace_at(root))
    (summary,) = runs.listing().runs
    return runs.load(summary.id)


def test_an_out_of_range_value_is_recorded_as_a_deviation_with_its_note(
    demo_path: Path,
) -> None:
    """Issue 13 (deviations): 80 °C where at most 65 °C is allowed is no longer refused:
    the prompt says it is a deviation, asks for the note (a blank one records nothing and
    asks again), records value and note, and marks the step `!` with the reason."""
    out = prompt(demo_path, "d yes\nd 80\n\nd 80\nboiler 2 ran hot\nq\n", "SOP-010").stdout
    assert "! 80 °C is above the maximum (allowed 55 to 65 °C): this is a deviation" in out
    assert "note (required: this is a deviation)> " in out
    assert "refused: step 2 was not recorded: a deviation needs a note" in out
    assert "step 2 done = 80 °C (#3)  ! 80 °C is above the maximum" in out
    run = only_run(demo_path)
    entry = run.step(2)
    assert entry.state is StepState.DONE and entry.value == 80.0
    assert entry.note == "boiler 2 ran hot" and "above the maximum" in entry.deviation
    assert [e.type for e in run.events] == [EventType.START, EventType.DONE, EventType.DONE]
    assert run.state is RunState.OPEN


def test_a_control_point_answered_no_shows_in_the_summary_and_the_outcome(
    demo_path: Path,
) -> None:
    """Issue 13 (deviations, outcome): "no" to "JSA read and PPE worn" is a failed control
    point, recorded with its note; the summary before completing marks it `!` and says the
    outcome the run will have, and the run completes as passed with deviations."""
    answers = "d no\nJSA not read: supervisor told\nd 60\nd\nd\nd\nd pass\nc\n"
    out = prompt(demo_path, answers, "SOP-010").stdout
    summary = out.split("[x]  1.")[1]
    assert summary.startswith(
        " Confirm the JSA for the leach area has been read and PPE is worn = no"
        "  ! failed control point: answered 'no' (passes: yes)"
    )
    assert "[x]  2. Check the hot water temperature before filling = 60\n" in out
    assert "outcome if completed now: passed with deviations (1 deviation)" in out
    assert "completed (passed with deviations): committed as" in out
    run = only_run(demo_path)
    assert run.state is RunState.COMPLETED and run.outcome is Outcome.PASSED_WITH_DEVIATIONS
    assert run.step(1).note == "JSA not read: supervisor told"


def test_a_failed_control_point_that_stops_the_work_offers_to_complete_as_failed(
    sample_path: Path,
) -> None:
    """Issue 13 (outcome failed): a control point with `on_fail = "stop"` answered out of
    its range says the work stops there and offers to complete the run as failed; `b`
    undoes that answer (naming its event), and a run stopped again completes as failed
    with the steps after it left pending."""
    write(sample_path, "procedures/SOP-090-check-freezer.md", FREEZER)
    commit_all(sample_path, "Add SOP-090")
    # Undoing a deviation needs its own note (issue 13: it stays in the record).
    answers = "d -10\ndoor left open\nb\nread with the door open\nd -12\nstill warm\nc\n"
    out = prompt(sample_path, answers, "SOP-090").stdout
    assert "step 1 done = -10 °C (#2)  ! -10 °C is above the maximum" in out
    assert "; the work stops here" in out
    stop = "! step 1 is a failed control point and the procedure says the work stops there"
    assert out.count(stop) == 2
    assert "[c]omplete the run as failed, [b]ack (undo step 1), [a]bort or [q]uit > " in out
    assert "undone #2 (step 1 done = -10 °C) as #3: step 1 is open again" in out
    assert "outcome if completed now: failed (2 deviations)" in out
    assert "completed (failed): committed as" in out
    run = only_run(sample_path)
    assert run.outcome is Outcome.FAILED and run.step(1).value == -12.0
    assert run.step(2).state is StepState.PENDING
    assert [e.type for e in run.events] == [
        EventType.START,
        EventType.DONE,
        EventType.UNDO,
        EventType.DONE,
        EventType.COMPLETE,
    ]


def test_undo_names_the_event_it_takes_back_and_keeps_it(demo_path: Path) -> None:
    """Issue 13 (every action kept): `u` undoes the answer recorded last and `u 1` step
    1's, each saying which event (#N) it took back; the undone answers stay in the log
    and the undo events name them (`corrects`)."""
    out = prompt(demo_path, "d yes\nd 60\nu\nu 1\nu\nq\n", "SOP-010").stdout
    assert "undone #3 (step 2 done = 60 °C) as #4: step 2 is open again" in out
    assert "undone #2 (step 1 done = yes) as #5: step 1 is open again" in out
    assert "nothing to undo yet" in out
    run = only_run(demo_path)
    start, first, second, undo_second, undo_first = run.events
    assert (undo_second.type, undo_second.corrects) == (EventType.UNDO, second.id)
    assert (undo_first.type, undo_first.corrects) == (EventType.UNDO, first.id)
    assert run.step(1).state is StepState.PENDING and run.step(2).state is StepState.PENDING
    assert [e.value for e in run.step(2).history if e.type is EventType.DONE] == [60.0]


def test_resuming_records_a_resume_event(demo_path: Path) -> None:
    """Issue 13 (resume is an event): `run --resume` and the second-run choice each
    record who took the run up again and when."""
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    prompt(demo_path, "q\n", "--resume", run_id)
    out = prompt(demo_path, "r\nq\n", "SOP-010").stdout
    assert f"resuming run {run_id}" in out
    run = runs.load(run_id)
    assert [e.type for e in run.events] == [EventType.START, EventType.RESUME, EventType.RESUME]
    assert all(e.by == "Alice Moreno <alice.moreno@harrowfinch.example>" for e in run.events)


def test_resuming_a_run_whose_procedure_was_revised_records_the_newer_version(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (revision change): resumed after main took a new version of the procedure,
    the run records a `revision` event naming that version, and keeps following its own."""
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-010").run.id
    act_as(monkeypatch, "Dmitri Volkov")
    path = demo_path / SOP10
    path.write_text(
        path.read_text(encoding="utf-8").replace("in tank 1", "in tank 2"), encoding="utf-8"
    )
    control = DocumentControl(workspace_at(demo_path))
    number = control.proposals.propose(["SOP-010"], "Use tank 2").number
    act_as(monkeypatch, "Hana Sato")
    assert DocumentControl(workspace_at(demo_path)).approvals.approve(str(number)).landed
    out = prompt(demo_path, "q\n", "--resume", run_id).stdout
    assert "was revised since this run began (now 2.5)" in out
    revision = runs.load(run_id).events[-1]
    assert (revision.type, revision.seen) == (EventType.REVISION, "2.5")
    assert runs.load(run_id).version == "2.4"


def test_completing_with_deviations_waits_for_a_second_person(sample_path: Path) -> None:
    """Issue 13 (deviation approvers): with `[runs] deviation_approvers` set, the prompt's
    complete is refused in one line while a deviation waits for another person's
    acceptance, and the run stays open for them."""
    config = sample_path / "sopvault.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[runs]\ndeviation_approvers = ["bilal"]\n',
        encoding="utf-8",
    )
    commit_all(sample_path, "Deviations need Bilal's acceptance")
    answers = "d no\nJSA not read: supervisor told\nd 60\nd\nd\nd\nd pass\nc\nq\n"
    out = prompt(sample_path, answers, "SOP-010").stdout
    assert "outcome if completed now: passed with deviations (1 deviation)" in out
    refused = out.split("refused: ")[1].splitlines()[0]
    assert refused.startswith("the deviation #2 at step 1 (failed control point")
    assert "it must be accepted by bilal, never by who recorded it" in refused
    run = only_run(sample_path)
    assert run.state is RunState.OPEN and [e.step for e in run.unaccepted()] == [1]
