"""Issue 15 (nested work instruction): the fold and the rules of a work instruction run in
place inside a step, without a vault or git: addressing, opening, nested answers by the
same rules, the parent derived, refusals, and the log read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sopvault.core.checklist import completion_problem, mark, new_run
from sopvault.core.nested import address
from sopvault.core.nestedrun import mark_at, open_instruction
from sopvault.core.parse import parse_text
from sopvault.core.runlog import apply
from sopvault.errors import RunError
from sopvault.model.document import Document
from sopvault.model.run import EventType, Outcome, Run, StepState
from sopvault.render.runs import event_lines, report_lines, summary_lines
from sopvault.store.runlog import dumps, event_line, loads, merged

SOP = """+++
id = "SOP-900"
title = "Start the flotation line"
kind = "procedure"
version = "1.2"

[[steps]]
action = "Read the JSA"

[[steps]]
action = "Start the cell"
instruction = "WI-900"

[[steps]]
action = "Log the start"
when = "step 2 is done"
+++
"""
WI = """+++
id = "WI-900"
title = "Operate the cell"
kind = "work_instruction"
version = "2.0"

[[steps]]
action = "Check the guard is fitted"
critical = true
record = "yesno"

[[steps]]
action = "Set the froth depth"
due = "15m"
record = { type = "number", min = 10, max = 15, unit = "cm" }

[[steps]]
action = "Call the supervisor"
when = "step 2 > 14"
+++
"""
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WHO = "Alice Moreno <alice@x.example>"


def _doc(path: str, text: str) -> Document:
    doc = parse_text(path, text).document
    assert doc is not None
    return doc


def _opened() -> tuple[Run, Document, Document]:
    sop, wi = _doc("procedures/SOP-900.md", SOP), _doc("work-instructions/WI-900.md", WI)
    run = new_run("20261125-093000-1a2b", sop, commit="c" * 40, blob="b" * 40, who=WHO, now=T0)
    apply(run, mark(run, sop, 1, "done", who=WHO, now=T0))
    event = open_instruction(run, sop, 2, wi, commit="d" * 40, blob="e" * 40, who=WHO, now=T0)
    apply(run, event)
    return run, sop, wi


def test_addresses_name_a_step_or_a_step_of_its_work_instruction() -> None:
    """Issue 15 (nested work instruction): `3` is step 3, `3.2` is step 2 of the work
    instruction inside step 3; anything else is refused with what a step looks like."""
    assert address("3") == (3, None)
    assert address("3.2") == (2, 3)
    for bad in ("3.2.1", "x", "3.", "0.1", "٣"):
        with pytest.raises(RunError, match="a step is a number|numbered from 1"):
            address(bad)


def test_opening_pins_the_instruction_and_its_steps_in_the_log() -> None:
    """Issue 15 (nested work instruction): the instruction event pins the text (commit,
    blob, version) and copies its steps with deadlines from the opening, so the log
    alone derives the nested checklist; the parent is pending until they are dealt with."""
    run, _, _ = _opened()
    parent = run.step(2)
    assert parent.instruction is not None and parent.instruction.doc_id == "WI-900"
    assert (parent.instruction.version, parent.instruction.commit) == ("2.0", "d" * 40)
    assert [s.label for s in parent.nested] == ["2.1", "2.2", "2.3"]
    assert parent.nested[1].due_at == T0 + timedelta(minutes=15)
    assert parent.state is StepState.PENDING
    again = loads(dumps(run), run.file)
    assert again.step(2).instruction == parent.instruction
    assert [s.label for s in again.step(2).nested] == ["2.1", "2.2", "2.3"]
    assert dumps(again) == dumps(run)


def test_nested_steps_follow_the_same_rules_and_the_parent_is_derived() -> None:
    """Issue 15 (nested work instruction): a control point, a value out of range (a
    deviation that needs its note), conditions on the instruction's own steps and undo
    work on nested steps as on top-level ones; the parent is done when every nested step
    is dealt with and pending again after an undo, and steps after it see that."""
    run, _, wi = _opened()
    later = T0 + timedelta(minutes=20)
    with pytest.raises(RunError, match="step 2.1 is a control point: say why"):
        mark_at(run, wi, 1, "skip", within=2, who=WHO, now=T0)
    apply(run, mark_at(run, wi, 1, "done", within=2, who=WHO, now=T0, value="yes"))
    with pytest.raises(RunError, match="step 2.2 not recorded: 18 cm is above"):
        mark_at(run, wi, 2, "done", within=2, who=WHO, now=later, value="18")
    done = mark_at(run, wi, 2, "done", within=2, who=WHO, now=later, value="18", note="air")
    assert done.within == 2 and done.step == 2
    apply(run, done)
    parent = run.step(2)
    assert parent.nested[2].state is StepState.PENDING  # 18 > 14: the supervisor is called
    assert parent.state is StepState.PENDING and run.step(3).state is StepState.PENDING
    apply(run, mark_at(run, wi, 3, "done", within=2, who=WHO, now=later))
    assert parent.state is StepState.DONE and (parent.by, parent.at) == (WHO, later)
    assert parent.deviation == "step 2.2: 18 cm is above the maximum (allowed 10 to 15 cm)"
    assert [e.id for e in run.recorded_deviations()] == [done.id]
    # 2.2 was answered 20 minutes after the opening, past its 15: its parent is late
    assert run.progress() == (2, 3) and run.late(later) == [2]
    assert parent.nested[1].is_late(later, True)  # done after its 15 minutes
    assert run.step(3).state is StepState.PENDING  # its condition holds: step 2 is done
    undo = mark_at(run, wi, 3, "undo", within=2, who=WHO, now=later)
    apply(run, undo)
    assert parent.state is StepState.PENDING and parent.at is None
    assert run.judged_outcome() is Outcome.PASSED_WITH_DEVIATIONS


def test_the_parent_is_not_answered_by_hand_once_its_instruction_is_open() -> None:
    """Issue 15 (nested work instruction): done, skip, n/a and undo on the parent are
    refused while its instruction runs in it (a note is welcome); before it is opened
    the step is answered as any step, and a step answered by hand is not opened."""
    run, sop, wi = _opened()
    for action in ("done", "skip", "na", "undo"):
        with pytest.raises(RunError, match=r"step 2 runs WI-900 in place: .*steps 2\.1, 2\.2"):
            mark(run, sop, 2, action, who=WHO, now=T0, reason="why")
    apply(run, mark(run, sop, 2, "note", who=WHO, now=T0, note="second cell"))
    with pytest.raises(RunError, match="already runs WI-900 in place"):
        open_instruction(run, sop, 2, wi, commit="", blob="e" * 40, who=WHO, now=T0)
    with pytest.raises(RunError, match="step 1 names no work instruction"):
        open_instruction(run, sop, 1, wi, commit="", blob="e" * 40, who=WHO, now=T0)
    with pytest.raises(RunError, match=r"step 2\.4 does not exist: WI-900 has steps 2\.1 to"):
        mark_at(run, wi, 4, "done", within=2, who=WHO, now=T0)
    with pytest.raises(RunError, match="step 1 has no work instruction open in it"):
        mark_at(run, wi, 1, "done", within=1, who=WHO, now=T0)
    assert completion_problem(run) == "steps 2, 3 are still pending: mark each done, skip or na"
    fresh = new_run("20261125-093000-1a2c", sop, commit="", blob="b" * 40, who=WHO, now=T0)
    apply(fresh, mark(fresh, sop, 2, "done", who=WHO, now=T0))
    assert fresh.step(2).state is StepState.DONE  # run without its instruction: allowed
    with pytest.raises(RunError, match="step 2 is already done: undo it first"):
        open_instruction(fresh, sop, 2, wi, commit="", blob="e" * 40, who=WHO, now=T0)


def test_a_hand_answer_joined_from_another_clone_does_not_count_on_an_open_parent() -> None:
    """Issue 15 (nested work instruction): a joined log may hold a hand answer on a step
    whose instruction another clone opened: kept in its history, never applied, and a
    second opening is kept and ignored: the first one counts."""
    run, sop, wi = _opened()
    fresh = new_run("20261125-093000-1a2d", sop, commit="", blob="b" * 40, who=WHO, now=T0)
    by_hand = mark(fresh, sop, 2, "done", who=WHO, now=T0)
    apply(run, by_hand)
    second = open_instruction(fresh, sop, 2, wi, commit="", blob="f" * 40, who=WHO, now=T0)
    apply(run, second)
    parent = run.step(2)
    assert parent.state is StepState.PENDING and parent.instruction is not None
    assert parent.instruction.blob == "e" * 40
    assert by_hand in parent.history and second in parent.history


def test_old_logs_read_exactly_as_before_and_new_lines_read_back() -> None:
    """Issue 15 (nested work instruction): a log without nested events derives the same
    run and writes the same lines; a nested answer's line carries `within`, the opening
    its `instruction` object, and both read back to the same events."""
    sop = _doc("procedures/SOP-900.md", SOP)
    plain = new_run("20261125-093000-1a2e", sop, commit="", blob="b" * 40, who=WHO, now=T0)
    apply(plain, mark(plain, sop, 1, "done", who=WHO, now=T0))
    text = dumps(plain)
    assert '"within"' not in text and '"instruction"' not in text
    assert dumps(loads(text, plain.file)) == text
    run, _, wi = _opened()
    apply(run, mark_at(run, wi, 1, "done", within=2, who=WHO, now=T0, value="yes"))
    opening = next(e for e in run.events if e.type is EventType.INSTRUCTION)
    assert '"instruction": {"document": "WI-900"' in event_line(opening)
    assert '"within": 2' in event_line(run.events[-1])
    assert loads(dumps(run), run.file).events == run.events


def test_the_report_and_the_log_show_the_nesting() -> None:
    """Issue 15 (nested work instruction): the report shows the instruction under its
    step with the id, version and text followed, its steps indented as 2.1, 2.2; the
    event log names nested steps 2.N; the summary before completing indents them."""
    run, _, wi = _opened()
    apply(run, mark_at(run, wi, 1, "done", within=2, who=WHO, now=T0, value="yes"))
    lines = report_lines(run, _doc("procedures/SOP-900.md", SOP), T0, instructions={2: wi})
    at = lines.index("[ ]  2. Start the cell")
    assert lines[at + 1].startswith("       work instruction WI-900 Operate the cell (version 2.0)")
    assert "commit dddddddddd blob eeeeeeeeee work-instructions/WI-900.md" in lines[at + 1]
    assert lines[at + 2] == "    [x] 2.1. Check the guard is fitted  CONTROL POINT"
    assert "    [ ] 2.2. Set the froth depth" in lines
    events = event_lines(run, None, instructions={2: wi})
    assert "work instruction opened in step 2: runs WI-900 version 2.0 in place" in events[2]
    assert events[3].endswith("done step 2.1 = yes")
    assert "    [x] 2.1. Check the guard is fitted = yes" in summary_lines(run)


def test_two_clones_logs_join_into_one_nested_checklist() -> None:
    """Issue 15 (nested work instruction): two clones that each answered a step of the
    instruction after it was opened join into one log (sync's merge by event id) that
    derives both answers inside step 2."""
    run, _, wi = _opened()
    shared = dumps(run)
    here = loads(shared, run.file)
    apply(here, mark_at(here, wi, 1, "done", within=2, who=WHO, now=T0, value="yes"))
    there = loads(shared, run.file)
    apply(there, mark_at(there, wi, 2, "done", within=2, who=WHO, now=T0, value="12"))
    joined = loads(merged(dumps(here), dumps(there), run.file), run.file)
    nested = joined.step(2).nested
    assert [(s.state, s.value) for s in nested[:2]] == [
        (StepState.DONE, "yes"),
        (StepState.DONE, 12.0),
    ]
