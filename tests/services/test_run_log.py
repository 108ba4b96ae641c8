"""Issue 13: a run is a log of events. Deviations are recorded with their note, corrections
keep what they correct, outcomes say how the run went, deviations are accepted by a
second person, and run files written before runs were logs still load."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from sopvault.cli.app import main
from sopvault.core.checklist import NoteRequired
from sopvault.errors import RunError, SopvaultError
from sopvault.model.run import EventType, Outcome, RunState, StepState
from sopvault.services.runs import Runs
from tests.conftest import act_as, walk_to_the_end, workspace_at

DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"


def runs_in(root: Path) -> Runs:
    return Runs(workspace_at(root))


def cli(root: Path, *args: str) -> int:
    return main(["--vault", str(root), *args])


def test_a_value_out_of_range_is_a_deviation_with_its_note(demo_path: Path) -> None:
    """Issue 13 (deviations): 80 °C where at most 65 °C is allowed is recorded, never
    refused or disguised as a skip; it needs a note, and it is marked everywhere."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    runs.mark(run_id, 1, "done", value="yes")
    with pytest.raises(NoteRequired, match="80 °C is above the maximum"):
        runs.mark(run_id, 2, "done", value="80")
    assert len(runs.load(run_id).events) == 2  # refused: nothing appended
    run = runs.mark(run_id, 2, "done", value="80", note="boiler overshot; cooled before use")
    entry = run.step(2)
    assert entry.state is StepState.DONE and entry.value == 80.0
    assert entry.deviation == "80 °C is above the maximum (allowed 55 to 65 °C)"
    assert [s.number for s in runs.load(run_id).deviations()] == [2]
    (summary,) = runs.listing().runs
    assert summary.deviations == 1
    line = json.loads((demo_path / run.file).read_text(encoding="utf-8").splitlines()[-1])
    assert line["deviation"] == entry.deviation and line["note"].startswith("boiler")


def test_a_control_point_answered_no_is_a_failed_control_point(demo_path: Path) -> None:
    """Issue 13 (deviations): "JSA read and PPE worn" answered no is not taken as done:
    it is a failed control point, and the run completes as passed with deviations."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    with pytest.raises(NoteRequired, match="failed control point: answered 'no'"):
        runs.mark(run_id, 1, "done", value="no")
    runs.mark(run_id, 1, "done", value="no", note="PPE missing; fetched and worn after")
    for number, value in ((2, "60"), (3, None), (4, None), (5, None), (6, "pass")):
        runs.mark(run_id, number, "done", value=value)
    run, _ = runs.complete(run_id)
    assert run.outcome is Outcome.PASSED_WITH_DEVIATIONS
    assert run.events[-1].outcome == "passed with deviations"


def test_outcomes_passed_and_failed_when_the_work_stops(demo_path: Path) -> None:
    """Issue 13 (outcomes): a clean run passes; a failed control point whose step says
    ``on_fail = "stop"`` lets the run complete with later steps pending, as failed."""
    runs = runs_in(demo_path)
    clean = runs.start("SOP-010").run.id
    walk_to_the_end(runs, clean)
    assert runs.complete(clean)[0].outcome is Outcome.PASSED
    sop = demo_path / "procedures/SOP-010-leach-sop.md"
    text = sop.read_text(encoding="utf-8")
    first = 'record = "yesno"'
    sop.write_text(text.replace(first, first + '\non_fail = "stop"', 1), encoding="utf-8")
    git.Repo(demo_path).git.commit("-qam", "SOP-010: the work stops without PPE")
    stopped = runs_in(demo_path).start("SOP-010").run.id
    with pytest.raises(RunError, match="control points 1, 2, 6 still lack"):
        runs_in(demo_path).complete(stopped)
    run = runs_in(demo_path).mark(stopped, 1, "done", value="no", note="no PPE on site")
    assert run.stopped() is not None and run.step(1).stops
    run, commit = runs_in(demo_path).complete(stopped)
    assert run.outcome is Outcome.FAILED and commit
    assert run.step(2).state is StepState.PENDING  # never reached
    assert cli(demo_path, "runs", "show", stopped) == 0


def test_undo_and_redo_keep_every_answer(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13 (the log): undo then redo keeps the first answer, the undo and the
    correction, in ``runs show --events`` and in the report; the correction points at
    what it corrects."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    first = runs.mark(run_id, 2, "done", value="58").step(2).event
    runs.mark(run_id, 2, "undo")
    run = runs.mark(run_id, 2, "done", value="61", note="re-read on the calibrated probe")
    kinds = [e.type for e in run.events]
    assert kinds == [EventType.START, EventType.DONE, EventType.UNDO, EventType.DONE]
    assert run.events[2].corrects == first and run.events[3].corrects == ""
    assert run.step(2).value == 61.0 and [e.type for e in run.step(2).history] == kinds[1:]
    again = runs.mark(run_id, 2, "done", value="62", note="third reading")
    assert again.events[-1].corrects == run.step(2).event  # a new answer corrects the last
    assert cli(demo_path, "runs", "show", run_id, "--events") == 0
    log = capsys.readouterr().out.splitlines()
    assert len(log) == 5 and "done step 2 = 58 °C" in log[1]
    assert "undo step 2 (takes back #2)" in log[2]
    assert "done step 2 = 62 °C (corrects #4)" in log[4]
    assert cli(demo_path, "runs", "show", run_id) == 0
    report = capsys.readouterr().out
    assert "value: 62 °C" in report
    assert "earlier: done step 2 = 58 °C" in report and "earlier: undo step 2" in report
    assert "earlier: done step 2 = 61 °C; note: re-read on the calibrated probe" in report


def test_deviations_are_accepted_by_a_second_allowed_person(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13 (acceptance): with ``[runs] deviation_approvers`` on main, a run with a
    deviation completes only once someone else allowed accepts it; the person who
    recorded it is refused (the same judge as approvals), and so is someone not allowed."""
    config = demo_path / "sopvault.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[runs]\ndeviation_approvers = ["role:quality manager"]\n',
        encoding="utf-8",
    )
    repo = git.Repo(demo_path)
    repo.git.commit("-qam", "Deviations need a quality manager")
    act_as(monkeypatch, "Dmitri Volkov")
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    runs.mark(run_id, 2, "done", value="70", note="thermostat drifted")
    with pytest.raises(RunError, match="step 2 .* is not accepted: nobody has accepted it yet"):
        runs_in(demo_path).complete(run_id)
    with pytest.raises(RunError, match="approved their own change"):
        runs_in(demo_path).accept(run_id)
    act_as(monkeypatch, "Carmen Ruiz")  # a warehouse lead: not allowed
    with pytest.raises(RunError, match="may not approve"):
        runs_in(demo_path).accept(run_id)
    act_as(monkeypatch, "Bilal Okafor")
    run, commit = runs_in(demo_path).accept(run_id, "thermostat replaced; batch re-tested")
    assert commit and run.unaccepted() == []
    assert dict(repo.commit(commit).trailers_list)["Run-Accepts"] == run.events[-1].id
    assert repo.commit(commit).committer.email == "bilal.okafor@harrowfinch.example"
    act_as(monkeypatch, "Dmitri Volkov")
    run, _ = runs_in(demo_path).complete(run_id)
    assert run.state is RunState.COMPLETED and run.outcome is Outcome.PASSED_WITH_DEVIATIONS
    assert cli(demo_path, "runs", "show", run_id) == 0
    assert "accepted: " in capsys.readouterr().out


def test_an_acceptance_line_written_by_hand_does_not_count(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (acceptance): an accept event appended to the file by hand, naming a
    quality manager, was never committed by them: it counts for nothing, and does not
    stop the real acceptance."""
    config = demo_path / "sopvault.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[runs]\ndeviation_approvers = ["bilal"]\n',
        encoding="utf-8",
    )
    git.Repo(demo_path).git.commit("-qam", "Deviations need Bilal")
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    run = runs.mark(run_id, 2, "done", value="70", note="drift", who=DMITRI)
    forged = {
        "type": "accept",
        "event": "0badc0de",
        "at": "2026-11-30T12:00:00.000000Z",
        "by": "Bilal Okafor <bilal.okafor@harrowfinch.example>",
        "accepts": [run.step(2).event],
    }
    with open(demo_path / run.file, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(forged) + "\n")
    with pytest.raises(RunError, match="nobody has accepted it yet"):
        runs_in(demo_path).complete(run_id)
    act_as(monkeypatch, "Bilal Okafor")  # the line written by hand does not block him
    assert runs_in(demo_path).accept(run_id)[1]
    assert runs_in(demo_path).complete(run_id)[0].state is RunState.COMPLETED


OLD = """run = "20251103-091500-0a1b"
document = "SOP-010"
title = "Leach and crystallise sulphate of potash"
version = "2.3"
commit = "COMMIT"
blob = "BLOB"
path = "procedures/SOP-010-leach-sop.md"
state = "open"
started_by = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
started_at = 2025-11-03T09:15:00Z

[[steps]]
number = 1
action = "Confirm the JSA for the leach area has been read and PPE is worn"
critical = true
state = "done"
by = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
at = 2025-11-03T09:16:00Z
value = "yes"

[[steps]]
number = 2
action = "Check the hot water temperature before filling"
critical = true
state = "pending"
"""


def test_a_run_file_of_the_old_format_loads_and_carries_on(demo_path: Path) -> None:
    """Issue 13 (stable format): a ``.toml`` run file written before runs were logs loads
    (converted on read, never rewritten); an open one carries on in a new log holding
    its converted events first."""
    folder = demo_path / "runs/SOP-010"
    folder.mkdir(parents=True)
    head = git.Repo(demo_path).head.commit
    blob = head.tree / "procedures/SOP-010-leach-sop.md"
    old = OLD.replace("COMMIT", head.hexsha).replace("BLOB", blob.hexsha)
    (folder / "20251103-091500-0a1b.toml").write_text(old, encoding="utf-8")
    runs = runs_in(demo_path)
    run = runs.load("20251103-091500-0a1b")
    assert run.legacy and run.step(1).state is StepState.DONE and run.step(1).by == DMITRI
    assert [e.type for e in run.events] == [EventType.START, EventType.DONE]
    assert all(e.imported for e in run.events)
    assert run.recorded_deviations() == []  # "yes" passes
    assert [s.id for s in runs.listing().runs] == ["20251103-091500-0a1b"]
    before = runs.load("20251103-091500-0a1b").events
    assert [e.id for e in before] == [e.id for e in run.events]  # the same ids every read
    after = runs.mark("20251103-091500-0a1b", 2, "done", value="60")
    assert not (folder / "20251103-091500-0a1b.toml").exists()
    assert (folder / "20251103-091500-0a1b.jsonl").is_file()
    assert [e.id for e in after.events[:2]] == [e.id for e in before]
    assert runs_in(demo_path).load("20251103-091500-0a1b").step(2).value == 60.0


def test_an_empty_run_is_discarded_by_its_starter_only(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (second run): an abandoned run that recorded nothing is discarded by the
    person who started it, without a commit; one with an event stays in the record."""
    act_as(monkeypatch, "Dmitri Volkov")
    runs = runs_in(demo_path)
    empty = runs.start("SOP-010").run
    used = runs.start("SOP-010").run.id
    runs.mark(used, 1, "done", value="yes")
    head = git.Repo(demo_path).head.commit.hexsha
    act_as(monkeypatch, "Erin Walsh")
    with pytest.raises(RunError, match="only Dmitri Volkov"):
        runs_in(demo_path).discard(empty.id)
    act_as(monkeypatch, "Dmitri Volkov")
    with pytest.raises(RunError, match="abort it with a reason"):
        runs_in(demo_path).discard(used)
    runs_in(demo_path).discard(empty.id)
    assert not (demo_path / empty.file).exists()
    assert git.Repo(demo_path).head.commit.hexsha == head


def _needs(demo_path: Path, approvers: str) -> None:
    """Commit ``[runs] deviation_approvers`` on main."""
    config = demo_path / "sopvault.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f"\n[runs]\ndeviation_approvers = {approvers}\n", encoding="utf-8")
    git.Repo(demo_path).git.commit("-qam", "Deviations need acceptance")


def test_an_acceptance_edited_after_its_commit_counts_only_as_committed(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (acceptance): a deviation recorded after an acceptance is not accepted by
    editing the committed accept line to name it too: the vote is read from its commit."""
    _needs(demo_path, '["role:quality manager"]')
    act_as(monkeypatch, "Dmitri Volkov")
    run_id = runs_in(demo_path).start("SOP-010").run.id
    walk_to_the_end(runs_in(demo_path), run_id)
    runs_in(demo_path).mark(run_id, 2, "done", value="70", note="drift", who=DMITRI)
    act_as(monkeypatch, "Bilal Okafor")
    accepted = runs_in(demo_path).accept(run_id)[0].events[-1]
    act_as(monkeypatch, "Dmitri Volkov")
    later = runs_in(demo_path).mark(run_id, 1, "done", value="no", note="gloves torn")
    late_id = later.step(1).event
    path = demo_path / later.file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for n, line in enumerate(lines):
        if f'"{accepted.id}"' in line:
            data = json.loads(line)
            data["accepts"].append(late_id)
            lines[n] = json.dumps(data, ensure_ascii=False) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SopvaultError, match="changed after it was shared"):
        runs_in(demo_path).complete(run_id)
    git.Repo(demo_path).git.checkout("--", later.file)
    runs_in(demo_path).mark(run_id, 1, "done", value="no", note="gloves torn", who=DMITRI)
    with pytest.raises(RunError, match="nobody has accepted it yet"):
        runs_in(demo_path).complete(run_id)


def test_who_typed_a_deviation_for_someone_else_may_not_accept_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (acceptance): an answer recorded ``--as`` another person keeps who typed
    it, and that person may not accept it; ``--as`` names only the vault's people."""
    _needs(demo_path, '["role:quality manager"]')
    act_as(monkeypatch, "Bilal Okafor")
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    with pytest.raises(RunError, match="not among \\[people\\]"):
        runs.mark(run_id, 1, "done", value="yes", who="Mallory <m@evil.example>")
    run = runs.mark(run_id, 1, "done", value="no", note="no PPE", who=DMITRI)
    assert run.events[-1].by == DMITRI
    assert run.events[-1].entered_by == "Bilal Okafor <bilal.okafor@harrowfinch.example>"
    with pytest.raises(RunError, match="typed it"):
        runs_in(demo_path).accept(run_id)


def test_a_control_point_marked_na_or_a_corrected_deviation_still_counts(
    demo_path: Path,
) -> None:
    """Issue 13 (deviations): n/a on a control point is a deviation; undoing or
    replacing a deviation needs a note, and the deviation still counts for the outcome:
    the operator alone cannot make it go away."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    run = runs.mark(run_id, 6, "na", reason="lab closed")
    assert run.step(6).deviation == "control point marked n/a"
    runs.mark(run_id, 2, "done", value="80", note="boiler overshot")
    with pytest.raises(NoteRequired, match="correcting it needs a note"):
        runs.mark(run_id, 2, "undo")
    with pytest.raises(NoteRequired, match="correcting it needs a note"):
        runs.mark(run_id, 2, "done", value="60")
    run = runs.mark(run_id, 2, "done", value="60", note="re-read: the probe was in steam")
    assert run.step(2).deviation == "" and len(run.recorded_deviations()) == 2
    runs.mark(run_id, 6, "done", value="pass", note="lab opened after all")
    for number, value in ((1, "yes"), (3, None), (4, None), (5, None)):
        runs.mark(run_id, number, "done", value=value)
    assert runs.complete(run_id)[0].outcome is Outcome.PASSED_WITH_DEVIATIONS


def test_a_wrong_clock_never_moves_an_answer_before_what_it_corrects(demo_path: Path) -> None:
    """Issue 13 (the log): events apply in the order they were appended, not by their
    times: an undo made on a machine whose clock is two hours slow still undoes."""
    from datetime import datetime, time, timedelta

    from sopvault.services.clock import running_from
    from sopvault.services.workspace import Workspace
    from tests.conftest import TODAY

    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    runs.mark(run_id, 3, "done")
    noon = datetime.combine(TODAY, time(12)).astimezone()
    slow = Runs(Workspace.open(demo_path, clock=running_from(noon - timedelta(hours=2))))
    slow.mark(run_id, 3, "undo")
    run = runs_in(demo_path).load(run_id)
    assert run.step(3).state is StepState.PENDING
    assert run.events[-1].type is EventType.UNDO and run.events[-1].at < run.events[-2].at


def test_a_log_line_changed_after_it_was_committed_is_refused(demo_path: Path) -> None:
    """Issue 13 (the log): a committed answer edited in place is not committed over the
    record; an event id that appears twice with different content is an error."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    runs.mark(run_id, 1, "done", value="no", note="no PPE")
    _needs(demo_path, "[]")  # any commit; then commit the run by accepting as someone else
    path = demo_path / runs.load(run_id).file
    git.Repo(demo_path).git.add(str(path))
    git.Repo(demo_path).git.commit("-qm", "run so far")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"value": "no"', '"value": "yes"'), encoding="utf-8")
    with pytest.raises(SopvaultError, match="changed after it was shared"):
        runs_in(demo_path).abort(run_id, "stopping")
    duplicated = text + text.splitlines(keepends=True)[1].replace('"no"', '"yes"')
    path.write_text(duplicated, encoding="utf-8")
    with pytest.raises(SopvaultError, match="appears twice with different content"):
        runs_in(demo_path).load(run_id)


def test_numbers_that_could_be_misread_are_refused() -> None:
    """Issue 13 (deviations): 1,000 is not read as 1, nor 6_0 as 60; a deviation's
    message keeps every digit given."""
    from sopvault.core.evidence import EvidenceError, accept, deviation
    from sopvault.model.document import EvidenceSpec, EvidenceType, Step

    spec = EvidenceSpec(EvidenceType.NUMBER, None, 55, 65, "°C")
    for typed in ("1,000", "6_0", "1,2,3"):
        with pytest.raises(EvidenceError, match="ambiguous"):
            accept(spec, typed)
    assert accept(spec, "58,5") == 58.5
    step = Step("Read the gauge", evidence=spec)
    assert deviation(step, 65.0000000001).startswith("65.0000000001 °C is above")


def test_a_record_rewritten_with_plain_git_or_completed_by_hand_is_caught(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (the log): a committed deviation rewritten and committed with plain git is
    refused when the run is completed; a ``complete`` line written by hand gets the
    outcome its events say, not the one it claims."""
    _needs(demo_path, '["role:quality manager"]')
    act_as(monkeypatch, "Dmitri Volkov")
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    run = runs.mark(run_id, 2, "done", value="80", note="overshot")
    repo = git.Repo(demo_path)
    repo.git.add(run.file)
    repo.git.commit("-qm", "run so far")
    path = demo_path / run.file
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(text[:-1]), encoding="utf-8")  # the deviation's line gone
    repo.git.commit("-qam", "fix typo")
    with pytest.raises(RunError, match="changed lines of .* an earlier commit recorded"):
        runs_in(demo_path).complete(run_id)
    other = runs.start("SOP-010").run.id
    walk_to_the_end(runs, other)
    done = runs.mark(other, 2, "done", value="80", note="overshot")
    forged = {
        "type": "complete",
        "event": "deadbeef",
        "at": "2026-11-30T15:52:12.000000Z",
        "by": DMITRI,
        "outcome": "passed",
    }
    with open(demo_path / done.file, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(forged) + "\n")
    run = runs_in(demo_path).load(other)
    assert run.outcome is Outcome.PASSED_WITH_DEVIATIONS and len(run.unaccepted()) == 1


def test_a_deviation_recorded_elsewhere_before_the_close_still_counts(demo_path: Path) -> None:
    """Issue 13 (concurrent writers): a deviation that reached the log after the run was
    completed on another clone is kept aside, and still counts in the outcome."""
    runs = runs_in(demo_path)
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    path = demo_path / runs.load(run_id).file
    before = path.read_text(encoding="utf-8")
    deviation = runs.mark(run_id, 2, "done", value="80", note="elsewhere").events[-1]
    path.write_text(before, encoding="utf-8")  # the other clone has not heard of it
    runs_in(demo_path).complete(run_id)
    from sopvault.store.runlog import event_line

    with open(path, "a", encoding="utf-8") as handle:  # ... until a sync joins it
        handle.write(event_line(deviation))
    run = runs_in(demo_path).load(run_id)
    assert run.late_events == [deviation] and run.recorded_deviations() == [deviation]
    assert run.outcome is Outcome.PASSED_WITH_DEVIATIONS
