"""Issue 14 (what is due): the pure rules of `sopvault due`: spans, review windows, who
"I" am in owner and assignment fields, and which run steps fall to me."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sopvault.core.due import in_force, names_person, parse_days, review_due, steps_for
from sopvault.errors import Invalid
from sopvault.model.config import Person
from sopvault.model.control import Identity
from sopvault.model.document import Document, Kind, Status
from sopvault.model.due import ReviewDue
from sopvault.model.run import Run, RunState, StepEntry, StepState

TODAY = date(2026, 11, 25)
DMITRI = Person(
    "dmitri", "Dmitri Volkov", "dmitri.volkov@harrowfinch.example", ("plant supervisor",)
)
ME = Identity("Dmitri Volkov", "dmitri.volkov@harrowfinch.example")


def doc(next_review: date | None, status: Status | None = Status.EFFECTIVE) -> Document:
    return Document(
        "x.md", "SOP-1", "A title", Kind.PROCEDURE, "", "", status=status, next_review=next_review
    )


def due(d: Document, today: date, within: int) -> ReviewDue | None:
    """The review of ``d`` as `due` finds it: only documents in force are asked."""
    if not in_force([d]):
        return None
    return review_due(d.id, d.title, d.owner, d.next_review, today, within)


def test_spans_read_as_days() -> None:
    """Issue 14 (what is due): --within and --stale take days or weeks, nothing else."""
    assert parse_days("30d") == 30
    assert parse_days("2w") == 14
    assert parse_days(" 7 ") == 7
    assert parse_days("10 days") == 10
    for bad in ("", "3m", "-1d", "soon"):
        with pytest.raises(Invalid, match="number of days"):
            parse_days(bad)


def test_review_window_and_lateness() -> None:
    """Issue 14 (what is due): a review is listed from `within` days ahead and is late
    from the day after `next_review` (as check's review-overdue); only effective ones."""
    assert due(doc(TODAY + timedelta(days=31)), TODAY, 30) is None
    ahead = due(doc(TODAY + timedelta(days=30)), TODAY, 30)
    assert ahead is not None and not ahead.overdue and ahead.days == 30
    on_the_day = due(doc(TODAY), TODAY, 30)
    assert on_the_day is not None and not on_the_day.overdue
    late = due(doc(TODAY - timedelta(days=1)), TODAY, 0)
    assert late is not None and late.overdue and late.days == -1
    assert due(doc(TODAY - timedelta(days=5), Status.DRAFT), TODAY, 30) is None
    assert due(doc(TODAY - timedelta(days=5), Status.RETIRED), TODAY, 30) is None
    assert due(doc(None), TODAY, 30) is None


def test_names_person_by_handle_name_or_email() -> None:
    """Issue 14 (what is due): an owner or an assigned person names me by handle, name,
    e-mail or `Name <email>` (case ignored); another e-mail never does."""
    for text in ("dmitri", "Dmitri", "Dmitri Volkov", "dmitri.volkov@harrowfinch.example"):
        assert names_person(text, DMITRI, ME)
    assert names_person("D. Volkov <Dmitri.Volkov@harrowfinch.example>", DMITRI, ME)
    assert not names_person("Dmitri Volkov <someone@else.example>", DMITRI, ME)
    assert not names_person("bilal", DMITRI, ME)
    assert not names_person("", DMITRI, ME)
    assert not names_person(None, DMITRI, ME)
    assert names_person("Dmitri Volkov", None, ME)  # not in [people]: git's name counts
    assert not names_person("dmitri", None, None)


def test_steps_for_my_roles() -> None:
    """Issue 14 (what is due): the pending steps whose role I fill, with their deadlines;
    a done step or another role's step is not mine, a closed run has none."""
    start = datetime(2026, 11, 25, 8, tzinfo=UTC)
    steps = [
        StepEntry(1, "Confirm the JSA", state=StepState.DONE),
        StepEntry(2, "Check the water", due_at=start + timedelta(minutes=30)),
        StepEntry(3, "Leach the concentrate"),
        StepEntry(4, "Sample the crystals"),
    ]
    run = Run("20261125-080000-1a2b", "SOP-010", "Leach", "1.0", "", "", "p.md", "x", start)
    run.steps = steps
    roles = {1: "operator", 2: "operator", 3: "operator", 4: "lab"}
    now = start + timedelta(hours=1)
    mine = steps_for(run, roles, {"operator"}, now)
    assert [(s.number, s.overdue) for s in mine] == [(2, True), (3, False)]
    assert steps_for(run, roles, set(), now) == []
    run.state = RunState.COMPLETED
    assert steps_for(run, roles, {"operator"}, now) == []
