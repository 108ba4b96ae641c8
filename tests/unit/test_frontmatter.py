"""Splitting, locating and editing +++ front matter."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sopvault.core import frontmatter
from sopvault.core.frontmatter import FrontMatterError

DOC = """+++
# a comment a person wrote
id = "SOP-001"
title = "Receive goods"   # trailing comment
kind = "procedure"
custom_field = { a = 1 }

[[steps]]
action = "Check the delivery"
+++
# Body

Some *text*.\r\nwith mixed endings
"""


def test_split_keeps_body_exactly() -> None:
    parts = frontmatter.split(DOC)
    assert parts.body == "# Body\n\nSome *text*.\r\nwith mixed endings\n"
    assert parts.front.startswith("# a comment")


def test_missing_closing_delimiter_names_last_line() -> None:
    with pytest.raises(FrontMatterError) as err:
        frontmatter.split('+++\nid = "x"\ntitle = "y"\n')
    assert "no closing +++" in err.value.message
    assert err.value.line == 4


def test_yaml_front_matter_is_explained() -> None:
    with pytest.raises(FrontMatterError, match="YAML"):
        frontmatter.split("---\ntitle: x\n---\n")


def test_toml_error_line_is_a_file_line() -> None:
    with pytest.raises(FrontMatterError) as err:
        frontmatter.parse_toml('id = "a"\ntitle = \n', 2)
    assert err.value.line == 3
    assert "TOML syntax error" in err.value.message


def test_locate_keys_finds_top_and_step_lines() -> None:
    parts = frontmatter.split(DOC)
    keys = frontmatter.locate_keys(parts.front, parts.front_start)
    assert keys.top["id"] == 3
    assert keys.top["title"] == 4
    assert keys.steps[0][0] == 8
    assert keys.steps[0][1]["action"] == 9


HEADS = [
    'id = "X"\ntitle = "T"\nkind = "form"\n',
    'id = "X"\r\ntitle = "T"\r\n',  # CRLF
    'id = "X"\ntitle = "T"',  # no line end at the end
    '  \t"quoted key" = 1\n\'single\' = 2\n"a\\"b" = 3\n"" = 4\n',
    "a.b.c = 1\nsite . name = 2\nx=1\n",  # dotted keys, no blanks
    'notes = """\nid = "inside a string"\nowner = "x"\n"""\nid = "real"\n',  # a line scan
    'list = [\n  "a",\n  "b",\n]\nafter = 1\n\n# comment = 1\n',
    'bad key = 1\nkey-2_x = 2\n= 3\n"unclosed = 4\nid = 5\nid = 6\n',
    "",
    "\n\n\n",
    "k = 1\rl = 2\n",  # a bare CR is no line end
]


@pytest.mark.parametrize("head", HEADS)
def test_locate_top_keys_is_locate_keys_of_a_head(head: str) -> None:
    """Issue 14 (speed): the one-pass scan of a head (no table line) finds the same lines
    as the general line scan, for every shape of key and line."""
    for start in (1, 2, 40):
        expected = frontmatter.locate_keys(head, start)
        assert frontmatter.locate_top_keys(head, start) == expected


def test_update_replaces_only_changed_lines() -> None:
    out = frontmatter.update(DOC, {"title": "Receive goods in", "status": "effective"})
    assert "# a comment a person wrote" in out
    assert 'title = "Receive goods in"' in out
    assert 'status = "effective"' in out
    assert out.endswith(frontmatter.split(DOC).body)
    data = tomllib.loads(frontmatter.split(out).front)
    assert data["custom_field"] == {"a": 1}
    assert data["steps"] == [{"action": "Check the delivery"}]


def test_update_removes_a_key_with_none() -> None:
    out = frontmatter.update(DOC, {"custom_field": None})
    assert "custom_field" not in out
    assert "# trailing comment" in out


def test_update_of_multiline_value_rewrites_whole_front_matter() -> None:
    text = '+++\nid = "a"\ntitle = """two\nlines"""\nkind = "policy"\n+++\nbody\n'
    out = frontmatter.update(text, {"title": "one line"})
    assert tomllib.loads(frontmatter.split(out).front)["title"] == "one line"
    assert out.endswith("+++\nbody\n")


def test_update_keeps_crlf_and_bom() -> None:
    text = '\ufeff+++\r\nid = "a"\r\ntitle = "t"\r\nkind = "policy"\r\n+++\r\nbody\r\n'
    out = frontmatter.update(text, {"version": "2.0"})
    assert out.startswith("\ufeff+++\r\n")
    assert 'version = "2.0"\r\n' in out
    assert "\n" not in out.replace("\r\n", "")


values = st.recursive(
    st.one_of(
        st.text(),
        st.integers(-(2**63), 2**63 - 1),
        st.booleans(),
        st.floats(allow_nan=False),
        st.dates(),
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


@settings(max_examples=150, deadline=None)
@example({"a": "\r\n"}, "")  # found by hypothesis: a CR inside a multi-line string was lost
@given(
    st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), values, max_size=6),
    st.text(),
)
def test_compose_then_parse_round_trips(front: dict[str, object], body: str) -> None:
    text = frontmatter.compose(front, body)
    parts = frontmatter.split(text)
    assert parts.body == body
    assert tomllib.loads(parts.front) == front


def test_a_value_holding_the_delimiter_cannot_end_front_matter() -> None:
    front = {"id": "a", "details": "before\n+++\nafter"}
    parts = frontmatter.split(frontmatter.compose(front, "body\n"))
    assert tomllib.loads(parts.front) == front
    assert parts.body == "body\n"


BOILER = (
    '+++\nid = "SOP-001"\ntitle = "Check the boiler"\nkind = "procedure"\n'
    'purpose = """\nKeep the boiler safe.\n[Draft]\n"""\nversion = "1.0"\nstatus = "effective"\n'
    "+++\nThe body.\n"
)
LIMITS = (
    '+++\nid = "SOP-001"\ntitle = "Check the boiler"\nkind = "procedure"\nlimits = [\n'
    '  ["pressure bar", 1.0, 3.0],\n]\nversion = "1.0"\nstatus = "effective"\n+++\nThe body.\n'
)


@pytest.mark.parametrize("text", [BOILER, LIMITS])
def test_a_proposal_edits_its_own_keys_and_nothing_inside_strings_or_arrays(text: str) -> None:
    """Issue 12's two documents: a table-like line inside a multi-line string, and an array
    of arrays, must stay exactly as they were."""
    out = frontmatter.update(text, {"version": "1.1", "status": "in_review"})
    before = tomllib.loads(frontmatter.split(text).front)
    after = tomllib.loads(frontmatter.split(out).front)
    assert after == {**before, "version": "1.1", "status": "in_review"}
    assert out.replace('"1.1"', '"1.0"').replace('"in_review"', '"effective"') == text


def test_an_edit_that_would_not_read_back_is_refused() -> None:
    with pytest.raises(FrontMatterError, match="would not read back as written"):
        frontmatter.read_back(BOILER, {"id": "SOP-001"}, "The body.\n")
    with pytest.raises(FrontMatterError, match="would change the body"):
        frontmatter.read_back(BOILER, tomllib.loads(frontmatter.split(BOILER).front), "")


# Lines that a line scanner would take for structure, inside values that are not.
TRICKY_LINES = st.sampled_from(
    ["[Draft]", "[[steps]]", "version = 9", 'status = "x"', "# not a comment", "[a.b]", "+ 1"]
)
MULTILINE = st.builds(
    lambda lines, literal: (
        "'''\n" + "\n".join(lines) + "\n'''" if literal else '"""\n' + "\n".join(lines) + '\n"""'
    ),
    st.lists(TRICKY_LINES, min_size=1, max_size=4),
    st.booleans(),
)
EXTRA_ITEMS = st.lists(
    st.one_of(
        st.builds(lambda v: f"purpose = {v}", MULTILINE),
        st.just('limits = [\n  ["pressure bar", 1.0, 3.0],\n  [2, 3],\n]'),
        st.just('"quoted key" = { a = 1, "b.c" = "[x]" }'),
        st.just('site.name = "Plant 1"'),
        st.just("# a comment a person wrote"),
        st.just('escaped = "a \\"[b]\\" c"'),
    ),
    max_size=5,
    unique_by=lambda item: item.split(" = ")[0],  # one value per key, as TOML requires
)
EDITS = st.sampled_from(
    [
        {"version": "1.1", "status": "in_review"},
        {"status": "effective", "effective": date(2026, 3, 12), "next_review": date(2027, 3, 12)},
        {"version": None},
        {"title": "A [new] title", "owner": "hana"},
    ]
)


@settings(max_examples=200, deadline=None)
@given(EXTRA_ITEMS, st.booleans(), st.booleans(), EDITS, st.text(max_size=40))
def test_every_edit_reads_back_exactly(
    extra: list[str], version_first: bool, crlf: bool, edit: dict[str, object], body: str
) -> None:
    keys = ['id = "SOP-001"', 'title = "t"', 'kind = "procedure"']
    fixed = ['version = "1.0"', 'status = "draft"']
    lines = (fixed + keys + extra) if version_first else (keys + extra + fixed)
    lines.append('[[steps]]\naction = "Check [the] boiler"')
    text = "+++\n" + "\n".join(lines) + "\n+++\n" + body.replace("\r", "")
    if crlf:
        text = text.replace("\n", "\r\n")
    front = tomllib.loads(frontmatter.split(text).front)
    out = frontmatter.update(text, edit)
    expected = {k: v for k, v in {**front, **edit}.items() if v is not None}
    assert tomllib.loads(frontmatter.split(out).front) == expected
    assert frontmatter.split(out).body == frontmatter.split(text).body
    for item in extra:  # what a person wrote elsewhere is still there, as written
        assert item.replace("\n", "\r\n" if crlf else "\n") in out
