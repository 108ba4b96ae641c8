"""Issue 15 (assignment): the one rule for who may fill a role of a run, and deadlines that
count from another step's answer (``due = "30m after 3"``), derived by the run's fold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sopvault.core.assignment import find_person, proposed, roles_of
from sopvault.core.checklist import assign, mark, new_run
from sopvault.core.conditions import ConditionError, Due, parse_due
from sopvault.core.due import steps_for
from sopvault.core.parse import parse_text
from sopvault.core.runlog import apply
from sopvault.errors import RunError
from sopvault.model.config import Person
from sopvault.model.document import Document
from sopvault.render.runs import event_lines, report_lines
from sopvault.store.runlog import dumps, loads

TEXT = """+++
id = "SOP-901"
title = "Release a batch"
kind = "procedure"
roles = ["plant operator"]

[[steps]]
action = "Sample the batch"
role = "lab technician"
due = "1h"

[[steps]]
action = "Test the sample"
role = "lab technician"

[[steps]]
action = "Release the batch"
role = "plant operator"
due = "30m after 2"

[[steps]]
action = "File the certificate"
+++
"""
pytestmark = pytest.mark.usefixtures("utc")
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WHO = "Hana Sato <hana.sato@harrowfinch.example>"
PEOPLE = {
    "erin": Person("erin", "Erin Walsh", "erin.walsh@harrowfinch.example", ("lab technician",)),
    "dmitri": Person("dmitri", "Dmitri Volkov", "dmitri.volkov@harrowfinch.example"),
    "nomail": Person("nomail", "No Mail", None, ("plant operator", "lab technician")),
}


def _doc(text: str = TEXT) -> Document:
    doc = parse_text("procedures/SOP-901.md", text).document
    assert doc is not None
    return doc


def test_roles_and_people_are_judged_by_one_rule() -> None:
    """Issue 15 (assignment): a role the document lacks is refused with its roles, a person
    not in [people] with the handles; a handle, e-mail, Name <email> or a unique name are
    recorded as the handle and Name <email>."""
    doc = _doc()
    assert roles_of(doc) == ["plant operator", "lab technician"]
    run = new_run("20261125-093000-1a2b", doc, commit="", blob="", who=WHO, now=T0)
    with pytest.raises(RunError, match=r"no role 'chef' \(its roles: plant operator, lab tech"):
        assign(run, doc, "chef", "erin", people=PEOPLE, who=WHO, now=T0)
    with pytest.raises(RunError, match=r"'zed' is not in \[people\].*dmitri, erin, nomail"):
        assign(run, doc, "lab technician", "zed", people=PEOPLE, who=WHO, now=T0)
    for said in (
        "erin",
        "ERIN",
        "erin.walsh@harrowfinch.example",
        "Erin Walsh",
        "E <erin.walsh@harrowfinch.example>",
    ):
        event = assign(run, doc, "Lab Technician", said, people=PEOPLE, who=WHO, now=T0)
        assert (event.role, event.handle) == ("lab technician", "erin")
        assert event.person == "Erin Walsh <erin.walsh@harrowfinch.example>"
    assert find_person("nomail", PEOPLE).person == "No Mail"
    for hostile in ("erin\x1b[2J", "Eve <eve@x.example>\u202e", "e\u200brin", " "):
        with pytest.raises(RunError, match="name a person"):
            find_person(hostile, {})


def test_without_people_a_name_and_email_is_needed() -> None:
    """Issue 15 (assignment): with [people] empty the refusal says so, and Name <email> is
    accepted (with no handle)."""
    with pytest.raises(RunError, match=r"\[people\] in sopvault.toml is empty"):
        find_person("erin", {})
    chosen = find_person("Erin Walsh <erin@x.example>", {})
    assert (chosen.handle, chosen.person) == ("", "Erin Walsh <erin@x.example>")


def test_the_dialog_offers_the_one_holder_of_each_role() -> None:
    """Issue 15 (assignment): a role held by one person is prefilled, by several or none
    left to choose."""
    doc = _doc()
    assert proposed(doc, PEOPLE) == {"plant operator": "nomail", "lab technician": ""}


def test_reassignment_is_an_event_and_the_report_shows_who_was_before() -> None:
    """Issue 15 (assignment): each assignment is an event; a reassignment keeps the person
    before it, in the log, the report and after a round trip through the file."""
    doc = _doc()
    run = new_run("20261125-093000-1a2b", doc, commit="", blob="", who=WHO, now=T0)
    apply(run, assign(run, doc, "lab technician", "erin", people=PEOPLE, who=WHO, now=T0))
    later = T0 + timedelta(minutes=5)
    apply(run, assign(run, doc, "lab technician", "dmitri", people=PEOPLE, who=WHO, now=later))
    again = loads(dumps(run), run.file)
    assert again.roles == {"lab technician": "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"}
    assert [e.handle for e in again.events[1:]] == ["erin", "dmitri"]
    log = event_lines(again, doc)
    assert log[2].endswith(
        "assigned lab technician to Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
        " (was Erin Walsh <erin.walsh@harrowfinch.example>)"
    )
    report = report_lines(again, doc, later)
    at = report.index(
        "role:     lab technician: Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
        " (assigned 2026-11-25 09:35:00 UTC by Hana Sato)"
    )
    assert report[at + 1] == (
        "          before: Erin Walsh <erin.walsh@harrowfinch.example>"
        " (assigned 2026-11-25 09:30:00 UTC by Hana Sato)"
    )


def test_old_logs_with_free_text_still_read() -> None:
    """Issue 15 (assignment): a log written before assignments named a handle (free text,
    roles in the header) loads exactly as before."""
    doc = _doc()
    run = new_run(
        "20261125-093000-1a2b",
        doc,
        commit="",
        blob="",
        who=WHO,
        now=T0,
        roles={"plant operator": "the night shift"},
    )
    old = dumps(run) + (
        '{"type": "assign", "event": "0a0b0c0d", "at": "2026-11-25T09:31:00.000000Z",'
        ' "by": "Hana Sato <hana@x>", "role": "lab technician", "person": "Erin"}\n'
    )
    again = loads(old, run.file)
    assert again.roles == {"plant operator": "the night shift", "lab technician": "Erin"}
    assert again.events[1].handle == ""
    assert "role:     plant operator: the night shift" in report_lines(again, doc, T0)


def test_a_due_after_another_step() -> None:
    """Issue 15 (assignment): due = "30m after 2" reads as a span from step 2's answer."""
    assert parse_due("2h") == Due(7200)
    assert parse_due("30m after 2") == Due(1800, 2)
    assert parse_due("1.5h after step 12") == Due(5400, 12)
    for bad in ("soon after 2", "30m after", "after 2", "30m before 2"):
        with pytest.raises(ConditionError):
            parse_due(bad)


def test_the_fold_derives_a_deadline_from_the_step_it_counts_from() -> None:
    """Issue 15 (assignment): no deadline until step 2 is answered; 30 minutes after its
    answer then; none again after an undo; kept through the file."""
    doc = _doc()
    run = new_run("20261125-093000-1a2b", doc, commit="", blob="", who=WHO, now=T0)
    assert run.step(1).due_at == T0 + timedelta(hours=1)
    assert run.step(3).due_at is None and run.step(3).due_after == (2, 1800)
    answered = T0 + timedelta(minutes=20)
    apply(run, mark(run, doc, 1, "done", who=WHO, now=answered))
    apply(run, mark(run, doc, 2, "done", who=WHO, now=answered))
    assert run.step(3).due_at == answered + timedelta(minutes=30)
    assert run.late(answered + timedelta(minutes=31)) == [3]
    assert loads(dumps(run), run.file).step(3).due_at == answered + timedelta(minutes=30)
    apply(run, mark(run, doc, 2, "undo", who=WHO, now=answered))
    assert run.step(3).due_at is None


def test_check_refuses_a_due_after_a_later_or_missing_step() -> None:
    """Issue 15 (assignment): a due that counts from a step that is not earlier, or does not
    exist, is an error finding on the due's line."""
    text = TEXT.replace('due = "30m after 2"', 'due = "30m after 3"')
    findings = parse_text("procedures/SOP-901.md", text).findings
    [err] = [f for f in findings if "counts from step 3" in f.message]
    assert err.line == text.splitlines().index('due = "30m after 3"') + 1
    assert "is not earlier than step 3" in err.message
    text = TEXT.replace('due = "30m after 2"', 'due = "30m after 0"')
    assert any("does not exist" in f.message for f in parse_text("x.md", text).findings)


def test_steps_without_a_role_fall_to_the_starter() -> None:
    """Issue 15 (my work): a step with no role, or a role nobody fills, is the starter's;
    a role filled by someone else is not."""
    doc = _doc()
    run = new_run("20261125-093000-1a2b", doc, commit="", blob="", who=WHO, now=T0)
    apply(run, assign(run, doc, "plant operator", "dmitri", people=PEOPLE, who=WHO, now=T0))
    roles = {i: s.role for i, s in enumerate(doc.steps, start=1) if s.role}
    mine = steps_for(run, roles, set(), T0, starter=True)
    assert [s.number for s in mine] == [1, 2, 4]
    assert [s.number for s in steps_for(run, roles, {"plant operator"}, T0)] == [3]
