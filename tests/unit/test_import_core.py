"""Issue 16 (import): the pure parts of ``sopvault import`` (front matter read safely,
steps out of a numbered list, links rewritten) and the no-overwrite write, on text."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopvault.core.frontmatter import FrontMatterError
from sopvault.core.importfront import read_source
from sopvault.core.importing import document_text, folder_kind, make_draft
from sopvault.core.importlinks import Linker, anchor, relink
from sopvault.core.importsteps import extract_steps, is_step_heading
from sopvault.core.parse import parse_text
from sopvault.errors import Invalid, SopvaultError
from sopvault.model.document import Kind
from sopvault.store.newfile import write_new


def test_yaml_values_become_toml_values_and_nothing_is_dropped() -> None:
    """Issue 16 (import): null, numeric keys, huge integers, binary, sets and time stamps."""
    page = read_source(
        "\ufeff---\r\nempty:\r\n1: one\r\nbig: 123456789012345678901234567890\r\n"
        "blob: !!binary aGk=\r\nset: !!set {b, a}\r\nat: 2024-05-01 10:00:00+02:00\r\n"
        "day: 2024-05-01\r\n---\r\nBody\r\n"
    )
    assert page.format == "yaml" and page.body == "Body\n"
    assert page.front["empty"] == "" and page.front["1"] == "one"
    assert page.front["big"] == "123456789012345678901234567890"
    assert page.front["blob"] == "aGk=" and page.front["set"] == ["a", "b"]
    assert page.front["at"].utcoffset().total_seconds() == 7200
    assert page.front["day"] == date(2024, 5, 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\ntitle: x\n", 1, "no closing ---"),
        ("---\na: 1\nb: [\n---\n", 4, "YAML error"),
        ("---\n- a\n- b\n---\n", 1, "not a set of key: value fields"),
        ("+++\ntitle = \n+++\n", 2, "Invalid value"),
        ("#+TITLE: x\n\nbody\n", 1, "Org-mode"),
        ("---\nx: !!python/name:os.system\n---\n", 2, "could not determine a constructor"),
    ],
)
def test_front_matter_that_cannot_be_read_names_its_line(text: str, line: int, words: str) -> None:
    """Issue 16 (import): each unreadable front matter is a FrontMatterError at its line."""
    with pytest.raises(FrontMatterError) as caught:
        read_source(text)
    assert caught.value.line == line and words in caught.value.message


def test_json_front_matter_and_no_front_matter() -> None:
    """Issue 16 (import): JSON front matter (Hugo) and a page with none."""
    page = read_source('{"title": "T", "n": null}\n# Body\n')
    assert (page.format, page.front, page.body) == ("json", {"title": "T", "n": ""}, "# Body\n")
    assert read_source("Just text\n").format == "none"
    assert read_source('{"title": 1\n').format == "none"  # not JSON: text, as Hugo's lexer


STEPS_BODY = """# Title

## Notes

1. Not a step: this list is under Notes.

```
## Steps
1. Not a step either: inside a code block.
```

### Procedure for the night shift:

Before you start, read the notes.

1) Check the gauge
reading against the log.
2) Open valve 3.

       indented code kept as details

After the list.
"""


def test_the_list_under_a_step_heading_becomes_steps_and_no_text_is_lost() -> None:
    """Issue 16 (import): the first numbered list under a Steps/Procedure heading, lazy
    continuation lines joined, indented text kept as details, the rest of the body kept."""
    found = extract_steps(STEPS_BODY)
    assert found.steps == [
        {"action": "Check the gauge reading against the log."},
        {"action": "Open valve 3.", "details": "indented code kept as details"},
    ]
    assert found.lines == [16, 18]
    assert "### Procedure for the night shift:" in found.body
    assert "Before you start" in found.body and "After the list." in found.body
    assert "1. Not a step: this list is under Notes." in found.body
    assert "1. Not a step either" in found.body and "Check the gauge" not in found.body


def test_step_headings_in_other_words() -> None:
    """Issue 16 (import): which headings announce steps."""
    for text in ("Steps", "steps:", "**Procedure**", "Instructions", "Steps to follow", "Method"):
        assert is_step_heading(text), text
    for text in ("Notes", "Scope", "Stepping stones", "Background"):
        assert not is_step_heading(text), text


def linker() -> Linker:
    pages = {"other.md": "../procedures/SOP-2-other.md", "sub/x y.md": "WI-1-x-y.md"}
    names = {"Other": "../procedures/SOP-2-other.md"}
    return Linker(page=pages.get, name=names.get)


def test_links_to_imported_pages_are_rewritten_and_others_left() -> None:
    """Issue 16 (import): Markdown links (with titles, anchors, angle brackets, URL escapes,
    reference definitions), wiki links with labels and headings; images, embeds, web
    addresses, code and pages not imported stay as written."""
    text = (
        '[a](other.md "T") [b](<sub/x y.md>) [c](sub/x%20y.md#top) ![i](other.md)\n'
        "[[Other]] [[Other|see it]] [[Other#Hot water!]] ![[Other]] [[Nope]] [w](https://x/other.md)\n"
        "`[d](other.md)` [e](missing.md)\n"
        "[ref]: other.md\n"
        "```\n[[Other]]\n```\n"
    )
    done = relink(text, linker())
    assert done.text.split("\n")[:4] == [
        '[a](../procedures/SOP-2-other.md "T") [b](WI-1-x-y.md) [c](WI-1-x-y.md#top)'
        " ![i](other.md)",
        "[Other](../procedures/SOP-2-other.md) [see it](../procedures/SOP-2-other.md)"
        " [Other > Hot water!](../procedures/SOP-2-other.md#hot-water) ![[Other]] [[Nope]]"
        " [w](https://x/other.md)",
        "`[d](other.md)` [e](missing.md)",
        "[ref]: ../procedures/SOP-2-other.md",
    ]
    assert done.text.endswith("```\n[[Other]]\n```\n")
    assert done.rewritten == 7 and done.unresolved == ["[[Nope]]", "missing.md"]
    assert anchor("Check the valve, then go!") == "check-the-valve-then-go"


def test_a_draft_reads_back_as_a_draft_with_its_origin() -> None:
    """Issue 16 (import): the whole new file parses as a 0.1 draft with [imported]; a kind
    from the front matter's ``type``; no kind at all is refused with how to choose."""
    draft = make_draft("w/x.md", "---\ntype: SOP\nowner: [a, b]\n---\n# X\n", None, "0" * 64)
    assert draft.kind is Kind.PROCEDURE and draft.title == "X"
    text = document_text(draft, "SOP-9")
    result = parse_text("procedures/SOP-9-x.md", text)
    doc = result.document
    assert doc is not None and doc.version == "0.1" and doc.status is not None
    assert [f.code for f in result.findings] == []
    assert doc.front["imported"]["front_matter"] == {"type": "SOP", "owner": ["a", "b"]}
    with pytest.raises(Invalid, match="no kind: give --kind"):
        make_draft("x.md", "# X\n", None, "0" * 64)
    assert folder_kind("SOPs") is Kind.PROCEDURE and folder_kind("Work Instructions") is not None
    assert folder_kind("attachments") is None


def test_a_new_file_is_never_written_over_an_existing_one(tmp_path: Path) -> None:
    """Issue 16 (import): write_new refuses a name that exists and leaves no temp file."""
    target = tmp_path / "a.md"
    write_new(target, b"first")
    with pytest.raises(FileExistsError):
        write_new(target, b"second")
    assert target.read_bytes() == b"first" and os.listdir(tmp_path) == ["a.md"]


def test_front_matter_nested_thousands_deep_is_refused_not_a_crash() -> None:
    """Issue 16 (import): YAML lists and JSON objects nested 5000 deep (Python's parsers
    recurse) are one page's error, and the vault's own loader reads such a file as a note
    with Hugo's complaint instead of stopping on a RecursionError."""
    with pytest.raises(FrontMatterError, match="YAML error"):
        read_source("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    deep = '{"a":' * 5000 + "1" + "}" * 5000 + "\n"
    assert read_source(deep).format == "none"
    result = parse_text("deep.md", deep)
    assert result.document is None and [f.code for f in result.findings] == ["hugo-cannot-build"]
    for bad in ("---\nd: 2024-13-45\n---\n", "---\nx: !!float abc\n---\n"):
        with pytest.raises(FrontMatterError, match="YAML error"):
            read_source(bad)


PIECES = [
    "---\n",
    "+++\n",
    "{",
    "}",
    "# T\n",
    "## Steps\n",
    "### Procedure\n",
    "1. Check x\n",
    "2) Open y\n",
    "   - sub\n",
    "    more\n",
    "```\n",
    "~~~\n",
    "\n",
    "title: a\n",
    'title = "a"\n',
    "tags: [a, b]\n",
    "x: &a [1]\n",
    "y: *a\n",
    "[[Page]]\n",
    "[t](p.md)\n",
    "\t",
    "\r\n",
    "\u202e",
    "\x1b[31m",
    "key: !!python/object:os.system\n",
    "- a\n",
    ": :\n",
    "null: ~\n",
    "d: 2024-02-30\n",
    "[x]\n",
    "a = [\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=25))
def test_any_page_becomes_a_draft_that_reads_back_or_one_error(parts: list[str]) -> None:
    """Issue 16 (import): whatever a page holds, ``make_draft`` gives a draft whose file
    reads back as a 0.1 draft, or raises one sopvault error (never another exception);
    every word of a step list is in the steps or the body."""
    text = "".join(parts)
    try:
        draft = make_draft("p/x.md", text, Kind.PROCEDURE, "0" * 64)
        new = document_text(draft, "SOP-1")
    except SopvaultError:
        return
    result = parse_text("procedures/SOP-1-x.md", new)
    assert result.document is not None and result.document.version == "0.1"
    assert result.document.body == draft.body
    kept = draft.body + repr(draft.steps) + repr(draft.imported)
    for word in ("Check", "Open", "sub", "more"):
        if word in text.replace("\r\n", "\n"):
            assert word in kept or word in draft.title, word


LINK_PIECES = ["[", "]", "(", ")", "[[", "]]", "|", "#", "!", "`", "other.md", "Other", "<", ">"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINK_PIECES), st.text(max_size=5)), max_size=30))
def test_links_that_reach_no_imported_page_leave_the_text_as_it_was(parts: list[str]) -> None:
    """Issue 16 (import): relinking any text never fails, and changes nothing when no
    link reaches an imported page."""
    text = "".join(parts)
    nothing = Linker(page=lambda _: None, name=lambda _: None)
    assert relink(text, nothing).text == text
    relink(text, linker())
