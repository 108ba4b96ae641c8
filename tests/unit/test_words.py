"""Kinds and statuses as people type them (the CLI's choices and filters use these)."""

from __future__ import annotations

import pytest

from sopvault.errors import Invalid
from sopvault.model.document import Kind, Status


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("work_instruction", Kind.WORK_INSTRUCTION),
        ("work-instruction", Kind.WORK_INSTRUCTION),
        ("work instruction", Kind.WORK_INSTRUCTION),
        ("  Work Instructions ", Kind.WORK_INSTRUCTION),
        ("WI", Kind.WORK_INSTRUCTION),
        ("sop", Kind.PROCEDURE),
        ("SOP", Kind.PROCEDURE),
        ("procedures", Kind.PROCEDURE),
        ("policies", Kind.POLICY),
        ("processes", Kind.PROCESS),
        ("standard", Kind.STANDARD),
        ("template", Kind.FORM),
        ("in_review", Status.IN_REVIEW),
        ("in-review", Status.IN_REVIEW),
        ("In Review", Status.IN_REVIEW),
        ("review", Status.IN_REVIEW),
        ("effective", Status.EFFECTIVE),
        ("DRAFT", Status.DRAFT),
        ("obsolete", Status.RETIRED),
        ("retired", Status.RETIRED),
    ],
)
def test_parse_what_people_type(typed: str, meant: Kind | Status) -> None:
    assert type(meant).parse(typed) is meant


def test_unknown_words_list_the_valid_ones() -> None:
    with pytest.raises(Invalid) as kind:
        Kind.parse("manual")
    assert str(kind.value) == (
        "'manual' is not a kind: use one of policy, process, procedure, work-instruction,"
        " standard, form"
    )
    with pytest.raises(Invalid, match="use one of draft, in-review, effective, retired"):
        Status.parse("approved")
    with pytest.raises(Invalid):
        Kind.parse("")
