"""Parsing one document: the model, findings with file and line, and writing back."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sopvault.core.parse import parse_bytes, parse_text, with_changes
from sopvault.model.document import EvidenceType, Kind, Status
from sopvault.model.finding import Severity

GOOD = """+++
id = "SOP-100"
title = "Check the cold store"
kind = "procedure"
status = "effective"
version = "1.0"
owner = "carmen"
effective = 2026-01-01
tags = ["cold"]
shelf_colour = "blue"

[[steps]]
action = "Read the thermometer"
role = "warehouse operative"
duration = "5m"
critical = true
record = { type = "number", min = 2, max = 8, unit = "°C" }

[[steps]]
action = "Record the reading"
record = "yesno"
substeps = ["initial the sheet"]
future_key = 3
+++
Body text.
"""


def codes(result: object) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in result.findings]  # type: ignore[attr-defined]


def test_good_document_loads_every_field() -> None:
    result = parse_text("p/SOP-100.md", GOOD)
    doc = result.document
    assert doc is not None
    assert doc.kind is Kind.PROCEDURE and doc.status is Status.EFFECTIVE
    assert doc.effective == date(2026, 1, 1)
    assert doc.body == "Body text.\n"
    assert [s.action for s in doc.steps] == ["Read the thermometer", "Record the reading"]
    first = doc.steps[0]
    assert first.control_point and first.role == "warehouse operative" and first.line == 12
    assert first.evidence is not None and first.evidence.type is EvidenceType.NUMBER
    assert (first.evidence.min, first.evidence.max, first.evidence.unit) == (2.0, 8.0, "°C")
    assert doc.steps[1].evidence is not None and doc.steps[1].evidence.type is EvidenceType.YESNO
    assert doc.steps[1].substeps == ["initial the sheet"]


def test_unknown_fields_are_warnings_and_kept() -> None:
    result = parse_text("p.md", GOOD)
    assert codes(result) == [(10, "unknown-field"), (23, "unknown-field")]
    assert all(f.severity is Severity.WARNING for f in result.findings)
    assert result.document is not None
    assert result.document.front["shelf_colour"] == "blue"


def test_writing_back_keeps_body_and_unknown_fields() -> None:
    out = with_changes(GOOD, {"status": "retired", "version": "2.0"})
    again = parse_text("p.md", out).document
    assert again is not None
    assert again.status is Status.RETIRED and again.version == "2.0"
    assert again.body == "Body text.\n"
    assert again.front["shelf_colour"] == "blue"
    assert again.front["steps"][1]["future_key"] == 3


def test_toml_syntax_error_points_at_the_line() -> None:
    result = parse_text("bad.md", '+++\nid = "x"\ntitle = "y\nkind = "policy"\n+++\n')
    assert result.document is None
    assert codes(result) == [(3, "front-matter")]
    assert "TOML syntax error" in result.findings[0].message


def test_missing_and_wrong_typed_fields() -> None:
    text = '+++\nid = "A-1"\nkind = "policy"\nversion = 1.2\ntags = "x"\n+++\n'
    result = parse_text("w.md", text)
    assert result.document is None  # no title: unusable
    assert (1, "missing-field") in codes(result)
    text = '+++\nid = "A-1"\ntitle = "T"\nkind = "policy"\nversion = 1.2\ntags = "x"\n+++\n'
    result = parse_text("w.md", text)
    assert result.document is not None  # optional fields wrong: still usable
    assert codes(result) == [(5, "wrong-type"), (6, "wrong-type")]
    assert "quote it" in result.findings[0].message


def test_bad_id_kind_status_and_dates() -> None:
    text = (
        '+++\nid = "../etc"\ntitle = "T"\nkind = "memo"\nstatus = "live"\n'
        'effective = "2026-01-01"\n+++\n'
    )
    result = parse_text("b.md", text)
    assert result.document is None
    assert {c for _, c in codes(result)} >= {"bad-id", "bad-kind"}


def test_step_errors_name_step_lines() -> None:
    text = """+++
id = "S"
title = "T"
kind = "procedure"

[[steps]]
role = "x"

[[steps]]
action = "Weigh the bag"
duration = "soon"
critical = "yes"
record = { type = "number", min = 5, max = 1 }

[[steps]]
action = "Pick one"
record = { type = "choice", choices = ["only"] }
+++
"""
    result = parse_text("s.md", text)
    assert result.document is not None
    assert codes(result) == [
        (6, "missing-field"),
        (11, "bad-value"),
        (12, "wrong-type"),
        (13, "bad-value"),
        (17, "bad-value"),
    ]


def test_invalid_utf8_binary_and_plain_markdown() -> None:
    bad = parse_bytes("u.md", b'+++\nid = "a"\ntitle = "\xff"\n+++\n')
    assert bad.document is None and codes(bad) == [(3, "encoding")]
    binary = parse_bytes("b.md", b"\x89PNG\r\n\x00\x00")
    assert codes(binary) == [(1, "binary")]
    readme = parse_bytes("README.md", b"# Just notes\n")
    assert readme.ignored and not readme.skipped and not readme.findings


def test_conflict_markers_are_reported() -> None:
    text = (
        '+++\nid = "a"\ntitle = "t"\nkind = "policy"\n+++\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n'
    )
    assert (6, "conflict-marker") in codes(parse_text("c.md", text))


def test_bom_and_crlf_parse() -> None:
    text = '\ufeff+++\r\nid = "a"\r\ntitle = "t"\r\nkind = "policy"\r\n+++\r\nbody\r\n'
    result = parse_text("c.md", text)
    assert result.document is not None and result.document.body == "body\r\n"
    assert result.document.line_of("title") == 3


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_parsing_never_raises_on_any_text(text: str) -> None:
    result = parse_text("fuzz.md", "+++\n" + text)
    assert result.document is not None or result.findings or result.ignored
    for finding in result.findings:
        assert finding.line >= 1 and finding.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parsing_never_raises_on_any_bytes(raw: bytes) -> None:
    result = parse_bytes("fuzz.md", raw)
    assert result.document is not None or result.findings or result.ignored
