"""Issue 15 (assignment), a hostile tester's findings: a ``due`` so long that the run's
start (or the step it counts from) plus it leaves the calendar made every command that
read the run fail with a traceback once that step was answered; now ``check`` refuses a
span over 100 years, and a log already holding one still reads (no deadline). A name two
people share is refused naming both."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sopvault.core.checklist import mark, new_run
from sopvault.core.conditions import ConditionError, parse_due
from sopvault.core.parse import parse_text
from sopvault.core.runlog import apply
from sopvault.store.runlog import dumps, loads
from tests.unit.test_assignment import TEXT, WHO

pytestmark = pytest.mark.usefixtures("utc")
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("due", ["1000000000h after 2", "1000000000h", "36526d"])
def test_check_refuses_a_due_longer_than_100_years(due: str) -> None:
    """Issue 15 (assignment): the finding names the span and the limit, on the due's line."""
    text = TEXT.replace('due = "30m after 2"', f'due = "{due}"')
    findings = parse_text("procedures/SOP-901.md", text).findings
    [err] = [f for f in findings if "longer than 100 years" in f.message]
    assert err.line == text.splitlines().index(f'due = "{due}"') + 1
    with pytest.raises(ConditionError, match="longer than 100 years"):
        parse_due(due)
    assert parse_due("36525d").seconds == 36525 * 86400


def test_a_log_holding_a_span_past_the_calendar_still_reads() -> None:
    """Issue 15 (assignment): a run whose step counts a span past year 9999 from step 2
    (as a log written before the limit holds it) reads, with no deadline for that step,
    before and after step 2 is answered, and back from its file."""
    parsed = parse_text("procedures/SOP-901.md", TEXT).document
    assert parsed is not None
    run = new_run("20261125-093000-1a2b", parsed, commit="", blob="", who=WHO, now=T0)
    run.steps[2] = replace(run.steps[2], due_after=(2, 3_600_000_000_000))
    apply(run, mark(run, parsed, 1, "done", who=WHO, now=T0 + timedelta(minutes=5)))
    apply(run, mark(run, parsed, 2, "done", who=WHO, now=T0 + timedelta(minutes=9)))
    assert run.step(3).due_at is None
    again = loads(dumps(run), "runs/SOP-901/20261125-093000-1a2b.jsonl")
    assert again.step(2).state.value == "done" and again.step(3).due_at is None


def test_a_name_two_people_share_is_refused_naming_both() -> None:
    """Issue 15 (assignment): a name two people of [people] share said it was "not in
    [people]"; now the refusal names both handles and asks for a handle or e-mail."""
    from sopvault.core.assignment import find_person
    from sopvault.errors import RunError
    from sopvault.model.config import Person

    people = {
        h: Person(h, "Alex Smith", f"{h}@harrowfinch.example", ("plant operator",))
        for h in ("alex1", "alex2")
    }
    with pytest.raises(RunError, match=r"'alex SMITH' is the name of 2 people .*alex1, alex2"):
        find_person("alex SMITH", people)
    assert find_person("alex2", people).handle == "alex2"
