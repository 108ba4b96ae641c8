"""The run rules, the run file and the run's text, without a vault or git."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sopvault.core.checklist import abort, complete, completion_problem, mark, new_run
from sopvault.core.parse import parse_text
from sopvault.core.runlog import apply
from sopvault.errors import Refused, RunError
from sopvault.model.document import Document
from sopvault.model.run import RunState, StepState
from sopvault.render.runs import report_lines, span, summary_lines
from sopvault.store.runlog import dumps, loads

TEXT = """+++
id = "SOP-900"
title = "Check the cold store"
kind = "procedure"
version = "1.2"

[[steps]]
action = "Read the thermometer"
critical = true
due = "10m"
record = { type = "number", min = 2, max = 8, unit = "°C" }

[[steps]]
action = "Log the reading"

[[steps]]
action = "Call the technician"
when = "step 1 > 6"
+++
"""
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WHO = "Alice Moreno <alice@x.example>"


def _doc() -> Document:
    doc = parse_text("procedures/SOP-900.md", TEXT).document
    assert doc is not None
    return doc


def test_a_run_follows_the_rules() -> None:
    doc = _doc()
    run = new_run("20261125-093000-1a2b", doc, commit="c" * 40, blob="b" * 40, who=WHO, now=T0)
    assert run.steps[0].due_at == T0 + timedelta(minutes=10)
    with pytest.raises(RunError, match="control point: say why"):
        mark(run, doc, 1, "skip", who=WHO, now=T0)
    apply(run, mark(run, doc, 1, "done", who=WHO, now=T0 + timedelta(minutes=12), value="4.5"))
    entry = run.step(1)
    assert (entry.state, entry.value, entry.by) == (StepState.DONE, 4.5, WHO)
    assert run.step(3).state is StepState.NA and run.step(3).auto  # 4.5 is not above 6
    assert run.late(T0 + timedelta(minutes=13)) == [1]
    assert completion_problem(run) == ("step 2 is still pending: mark each done, skip or na")
    apply(run, mark(run, doc, 2, "note", who=WHO, now=T0, note="probe T-3"))
    apply(run, mark(run, doc, 2, "done", who=WHO, now=T0 + timedelta(minutes=15)))
    apply(run, complete(run, who=WHO, now=T0 + timedelta(minutes=16)))
    assert run.state is RunState.COMPLETED
    with pytest.raises(Refused, match="can no longer change"):
        abort(run, who=WHO, now=T0, reason="late")


def test_the_file_and_the_text() -> None:
    doc = _doc()
    run = new_run("20261125-093000-1a2b", doc, commit="", blob="", who=WHO, now=T0)
    apply(run, mark(run, doc, 1, "done", who=WHO, now=T0 + timedelta(seconds=65), value="7"))
    text = dumps(run)
    assert '"critical": true' in text and "auto" not in text  # step 3 is pending: 7 > 6
    assert loads(text, run.file) == run
    assert run.file == "runs/SOP-900/20261125-093000-1a2b.jsonl"
    assert summary_lines(run)[0] == "[x]  1. Read the thermometer = 7"
    report = report_lines(run, doc, T0 + timedelta(minutes=2))
    assert "[x]  1. Read the thermometer  CONTROL POINT" in report
    assert "       value: 7 °C" in report
    assert report[-1] == "elapsed so far: 2m 00s"
    assert [span(timedelta(seconds=s)) for s in (5, 725, 7380, -3)] == [
        "5s",
        "12m 05s",
        "2h 03m",
        "0s",
    ]
