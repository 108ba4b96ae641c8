"""Splitting, locating and editing +++ front matter."""

from __future__ import annotations

import tomllib

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
