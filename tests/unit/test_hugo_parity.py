"""Trust §2 (Hugo parity): where front matter starts and ends, and what is a document and
what is a note, as Hugo decides (the cases in tests/hugo_cases.py were probed with Hugo)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopvault.core import delimiters, frontmatter
from sopvault.core.parse import parse_bytes, parse_text
from sopvault.model.finding import ParseResult, Severity
from sopvault.services.review.common import is_document
from tests.hugo_cases import ALL, DOCUMENT, ERROR, NOTE, Case


def _errors(result: ParseResult) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in result.findings if f.severity is Severity.ERROR]


def _warnings(result: ParseResult) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in result.findings if f.severity is Severity.WARNING]


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_each_case_reads_as_hugo_reads_it(case: Case) -> None:
    """Trust §2 (Hugo parity): a file Hugo builds with front matter is a document with the
    same fields and body, a file Hugo refuses is reported with its line, and a file without
    front matter is a note that is never an error, whatever its first characters."""
    result = parse_bytes(f"{case.name}.md", case.raw)
    if case.sopvault == DOCUMENT:
        assert result.document is not None, result.findings
        assert result.document.front == case.front
        assert result.document.body == case.body
        assert _errors(result) == []
    elif case.sopvault == ERROR:
        assert (case.line, case.code) in _errors(result)
        assert not result.ignored
    else:
        assert case.sopvault == NOTE
        assert result.ignored and result.document is None
        assert _errors(result) == []
        assert _warnings(result) == ([(case.line, case.code)] if case.code else [])


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_committed_bytes_are_judged_by_the_same_rule(case: Case) -> None:
    """Trust §2 (Hugo parity): verify and history decide "is this a document" on committed
    bytes with the rule the loader uses, so a note is never judged and a document never
    missed (a BOM or blank lines before +++ used to hide one)."""
    assert is_document(case.raw) == (case.sopvault != NOTE)


DOCUMENTS = [c for c in ALL if c.sopvault == DOCUMENT]


@pytest.mark.parametrize("case", DOCUMENTS, ids=[c.name for c in DOCUMENTS])
def test_an_edit_keeps_all_around_the_front_matter(case: Case) -> None:
    """Trust §2 (Hugo parity): an edit rewrites the front matter only; what stands before
    it (blanks, a BOM, a comment line) and the closing line's tail stay byte for byte."""
    text = case.raw.decode()
    parts = frontmatter.split(text)
    out = frontmatter.update(text, {"version": "2.0"})
    assert out.startswith(parts.head) and out.endswith(parts.close + parts.body)
    assert parse_text("x.md", out).document is not None
    assert frontmatter.split(out).body == case.body


def test_a_note_in_another_encoding_is_still_a_note() -> None:
    """Trust §2 (Hugo parity): whether a file is a document does not depend on its
    encoding (Hugo builds a Latin-1 note); only a document must be UTF-8."""
    note = parse_bytes("n.md", "Caf\u00e9 notes\n".encode("latin-1"))
    assert note.ignored and not note.findings
    document = parse_bytes("d.md", b'\n+++\nid = "caf\xe9"\n+++\n')
    assert [(f.line, f.code) for f in document.findings] == [(3, "encoding")]


def test_a_tomllib_error_at_the_end_points_at_the_closing_line() -> None:
    """Trust §2 (Hugo parity): an unterminated string is reported at the line where Hugo
    ended the front matter, with why it ended there."""
    result = parse_text("s.md", '+++\nid = "x"\npurpose = """\n+++ see below\n"""\n+++\n')
    [finding] = result.findings
    assert finding.line == 4 and "ends at line 4" in finding.message


BLANKS = st.text(alphabet=" \t\r\n\ufeff", max_size=6)
LINE_END = st.sampled_from(["\n", "\r\n"])
BODY = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(BLANKS, LINE_END, st.text(alphabet=" \t+x-", max_size=4), BODY)
def test_any_blanks_and_line_ends_around_the_delimiters(
    before: str, nl: str, tail: str, body: str
) -> None:
    """Trust §2 (Hugo parity): whatever spaces, tabs, line ends and BOMs stand before the
    opening +++, and whatever follows the closing +++ on its line, the fields are the same
    and the body starts right after the closing +++ and its line end, as in Hugo."""
    text = f'{before}+++{nl}id = "a"{nl}title = "t"{nl}kind = "form"{nl}+++{tail}{nl}{body}'
    result = parse_text("p.md", text)
    assert result.document is not None, result.findings
    assert result.document.front == {"id": "a", "title": "t", "kind": "form"}
    expected = f"{tail}{nl}{body}" if tail else body
    assert result.document.body == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=80).filter(
        lambda t: t.lstrip(" \t\r\n\ufeff")[:1] not in ("+", "-", "{", "#", "<")
    )
)
def test_a_file_without_a_front_matter_opening_is_a_quiet_note(text: str) -> None:
    """Trust §2 (Hugo parity): a file whose first non-blank character cannot open front
    matter is a note for Hugo and sopvault alike, with no finding at all."""
    result = parse_text("n.md", text)
    assert result.ignored and not result.findings
    assert not delimiters.has_front_matter(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=80))
def test_a_note_is_never_an_error(text: str) -> None:
    """Trust §2 (Hugo parity): whatever a file starts with, if it is not a document it
    carries no error; and every document-looking file is either loaded or has an error."""
    result = parse_text("n.md", text)
    if result.ignored:
        assert all(f.severity is Severity.WARNING for f in result.findings)
        assert not delimiters.has_front_matter(text)
    else:
        assert result.document is not None or _errors(result)
