"""Property tests: any document the model can hold survives write then read unchanged, and
the query parser never raises anything but its own clear error."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopvault.core.parse import parse_text, render
from sopvault.errors import SopvaultError
from sopvault.model.document import Document, EvidenceSpec, EvidenceType, Kind, Status, Step
from sopvault.search.query import QueryError, parse

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,12}", fullmatch=True)
# Text a person could type on one line (no control characters: TOML forbids most of them).
line = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)
text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200
)
words = st.lists(line, max_size=4)
durations = st.sampled_from(["5m", "15m", "2h", "1d", "30s", "1.5h"])
numbers = st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3))


@st.composite
def records(draw: st.DrawFn) -> EvidenceSpec:
    kind = draw(st.sampled_from(list(EvidenceType)))
    label = draw(st.none() | line)
    if kind is EvidenceType.NUMBER:
        low, high = sorted([draw(numbers), draw(numbers)])
        return EvidenceSpec(
            kind,
            label,
            draw(st.none() | st.just(low)),
            draw(st.none() | st.just(high)),
            draw(st.none() | line),
        )
    if kind is EvidenceType.CHOICE:
        choices = draw(st.lists(line, min_size=2, max_size=4, unique=True))
        return EvidenceSpec(kind, label, choices=tuple(choices))
    return EvidenceSpec(kind, label)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    return Step(
        action=draw(line),
        role=draw(st.none() | line),
        duration=draw(st.none() | durations),
        details=draw(st.none() | text),
        instruction=draw(st.none() | ids),
        control_point=draw(st.booleans()),
        evidence=draw(st.none() | records()),
        substeps=draw(words),
        due=draw(st.none() | durations),
    )


@st.composite
def documents(draw: st.DrawFn) -> Document:
    kind = draw(st.sampled_from(list(Kind)))
    dates = st.none() | st.dates(date(1990, 1, 1), date(2100, 12, 31))
    doc = Document(
        path="doc.md",
        id=draw(ids),
        title=draw(line),
        kind=kind,
        front_text="",
        body=draw(text),
        status=draw(st.none() | st.sampled_from(list(Status))),
        version=draw(st.none() | st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True)),
        owner=draw(st.none() | line),
        department=draw(st.none() | line),
        parents=draw(st.lists(ids, max_size=3)),
        related=draw(st.lists(ids, max_size=3)),
        roles=draw(words),
        tags=draw(words),
        purpose=draw(st.none() | text.filter(bool)),
        scope=draw(st.none() | line),
        trigger=draw(st.none() | line),
        effective=draw(dates),
        next_review=draw(dates),
        review_every=draw(st.none() | st.sampled_from(["12 months", "2 years", "6 months"])),
        hazards=draw(words),
        ppe=draw(words),
        regulations=draw(words),
        reviewers=draw(words),
        steps=draw(st.lists(steps(), max_size=4)),
    )
    return doc


def typed(doc: Document) -> dict[str, Any]:
    """The fields a person sets: everything but where and how it was read."""
    skip = {"path", "front_text", "field_lines", "complete"}
    values = {k: v for k, v in vars(doc).items() if k not in skip and k != "front"}
    values["steps"] = [{**vars(s), "line": 0} for s in doc.steps]
    return values


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_document_survives_write_then_read(doc: Document) -> None:
    result = parse_text("doc.md", render(doc))
    assert result.document is not None, result.findings
    assert typed(result.document) == typed(doc)
    assert result.document.body == doc.body


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_the_query_parser_only_raises_its_own_error(query: str) -> None:
    try:
        parse(query)
    except QueryError as err:
        assert isinstance(err, SopvaultError) and str(err)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable + 'éü"*~:()-', max_size=40))
def test_query_syntax_soup_only_raises_its_own_error(query: str) -> None:
    try:
        parse(query)
    except QueryError as err:
        assert str(err)
