"""Front-matter delimiter edge cases with what Hugo 0.111.3 does with each (probed by
building real sites) and what sopvault must do: shared by the unit tests and the test that
builds a Hugo site (docs/format.md, "Hugo compatibility", is this table in words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

# What Hugo does with a file: builds it as a page with front matter ("fields", possibly
# none), builds it as a page without front matter ("plain"), or stops the build ("refuses").
FIELDS, PLAIN, REFUSES = "fields", "plain", "refuses"
# What sopvault makes of it: a document, a file reported with an error, or a note.
DOCUMENT, ERROR, NOTE = "document", "error", "note"


@dataclass(frozen=True)
class Case:
    """One file. ``line`` and ``code`` are the finding sopvault reports (an error, or for a
    note Hugo refuses the ``hugo-cannot-build`` warning); ``front`` and ``body`` what a
    document loads as."""

    name: str
    raw: bytes
    hugo: str
    sopvault: str
    line: int = 0
    code: str = ""
    front: dict[str, Any] = field(default_factory=dict)
    body: str = ""


def _ident(name: str) -> str:
    return f'id = "HP-{name}"\ntitle = "Hugo case {name}"\nkind = "form"\n'


def _fields(name: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"HP-{name}", "title": f"Hugo case {name}", "kind": "form", **extra}


def _doc(name: str, text: str, body: str = "body\n", **extra: Any) -> Case:
    """A document both read alike; ``{F}`` in ``text`` stands for the identity fields."""
    raw = text.replace("{F}", _ident(name)).encode()
    return Case(name, raw, FIELDS, DOCUMENT, front=_fields(name, **extra), body=body)


def _crlf(name: str) -> Case:
    raw = ("+++\r\n" + _ident(name).replace("\n", "\r\n") + "+++\r\nbody\r\n").encode()
    return Case(name, raw, FIELDS, DOCUMENT, front=_fields(name), body="body\r\n")


DOCUMENTS = [
    _doc("plain", "+++\n{F}+++\nbody\n"),
    _doc("bom", "\ufeff+++\n{F}+++\nbody\n"),
    _crlf("crlf"),
    _doc("blank-lines-before", "\n\n+++\n{F}+++\nbody\n"),
    _doc("blanks-before", " \t\n\t \n  +++\n{F}+++\nbody\n"),
    _doc("bom-after-blank-line", "\n\ufeff+++\n{F}+++\nbody\n"),
    _doc("opening-trailing-blanks", "+++  \t\n{F}+++\nbody\n"),
    _doc("closing-trailing-blanks", "+++\n{F}+++ \t\nbody\n", body=" \t\nbody\n"),
    _doc("text-after-opening", '+++ purpose = "p"\n{F}+++\nbody\n', purpose="p"),
    _doc("text-after-closing", "+++\n{F}+++ more words\nbody\n", body=" more words\nbody\n"),
    _doc("four-plus-closing", "+++\n{F}++++\nbody\n", body="+\nbody\n"),
    _doc(
        "indented-plus-in-string",
        '+++\n{F}purpose = """\n  +++\n"""\n+++\nbody\n',
        purpose="  +++\n",
    ),
    _doc("plus-lines-in-body", "+++\n{F}+++\n+++\n---\n+1 agreed\n", body="+++\n---\n+1 agreed\n"),
    _doc("in-html-comment", "<!--\n+++\n{F}+++\n-->\nbody\n", body="-->\nbody\n"),
    _doc("ends-at-closing", "+++\n{F}+++", body=""),
    _doc(
        "dates-and-tables",
        "+++\n{F}effective = 2026-01-31\nreviewed_at = 2026-01-31T10:00:00Z\n"
        "local_at = 2026-01-31T10:00:00\n[extra]\nshift = 07:30:00\n+++\nbody\n",
        effective=date(2026, 1, 31),
        reviewed_at=datetime(2026, 1, 31, 10, tzinfo=UTC),
        local_at=datetime(2026, 1, 31, 10),
        extra={"shift": time(7, 30)},
    ),
]
# Hugo reads these with front matter; sopvault reports them (TOML only, fields in lower case).
REPORTED = [
    Case("empty-front-matter", b"+++\n+++\nbody\n", FIELDS, ERROR, 1, "missing-field"),
    Case("yaml", b"---\nid: HP-yaml\ntitle: T\n---\nbody\n", FIELDS, ERROR, 1, "front-matter"),
    Case("json", b'{"id": "HP-json", "title": "T"}\nbody\n', FIELDS, ERROR, 1, "front-matter"),
    Case("org", b"#+TITLE: hello\nbody\n", FIELDS, ERROR, 1, "front-matter"),
    Case(
        "key-case",
        b'+++\nid = "HP-key-case"\nTitle = "T"\nkind = "form"\n+++\n',
        FIELDS,
        ERROR,
        3,
        "field-case",
    ),
]
# Markdown files without front matter: notes to both (Hugo: a page with no fields).
NOTES = [
    Case("heading", b"# Notes\n\nsome text\n", PLAIN, NOTE),
    Case("plus-later", b'Notes\n\n+++\nid = "x"\n+++\n', PLAIN, NOTE),
    Case("no-break-space-before", '\u00a0+++\nid = "x"\n+++\n'.encode(), PLAIN, NOTE),
    Case("form-feed-before", b'\x0c+++\nid = "x"\n+++\n', PLAIN, NOTE),
    Case("hashtag", b"#hashtag\n", PLAIN, NOTE),
    Case("org-without-keywords", b"#+1 agreed\n", FIELDS, NOTE),
    Case("empty-file", b"", PLAIN, NOTE),
    Case("blank-file", b"\n \n", PLAIN, NOTE),
    Case("html-comment-note", b"<!--\na comment\n-->\ntext\n", PLAIN, NOTE),
    Case("fullwidth-plus", "\uff0b\uff0b\uff0b\nid = 1\n".encode(), PLAIN, NOTE),
]
# Hugo 0.111 stops the build on these; sopvault reads them as notes and warns.
HUGO_REFUSES_NOTES = [
    Case(name, raw, REFUSES, NOTE, line, "hugo-cannot-build")
    for name, raw, line in [
        ("todo", b"- [ ] todo\n", 1),
        ("plus-one", b"+1 agreed\n", 1),
        ("plus-item", b"+ item\n", 1),
        ("two-plus", b"++ x\n", 1),
        ("indented-list", b"\n  - item\n", 2),
        ("html", b"<p>hi</p>\n", 1),
        ("html-comment-no-end", b"<!-- a note -->\ntext\n", 2),
        ("shortcode", b'{{< figure src="x" >}}\n', 1),
        ("brace", b"{ not json\n", 1),
    ]
]
# Hugo stops the build on these; sopvault reports an error at the line.
HUGO_REFUSES_DOCUMENTS = [
    Case(name, raw, REFUSES, ERROR, line, code)
    for name, raw, line, code in [
        ("no-closing", b'+++\nid = "x"\nbody\n', 4, "front-matter"),
        ("only-opening", b"+++", 1, "front-matter"),
        ("only-opening-line", b"+++\n", 2, "front-matter"),
        ("four-plus-opening", b'++++\nid = "x"\n+++\n', 1, "front-matter"),
        ("text-after-opening-not-toml", b'+++ hello\nid = "x"\n+++\n', 1, "front-matter"),
        ("indented-closing", b'+++\nid = "x"\n  +++\n+++\n', 3, "front-matter"),
        (
            "plus-line-in-string",
            b'+++\nid = "x"\npurpose = """\n+++\n"""\n+++\nb\n',
            4,
            "front-matter",
        ),
        (
            "plus-text-in-string",
            b'+++\nid = "x"\npurpose = """\n+++ x\n"""\n+++\nb\n',
            4,
            "front-matter",
        ),
        ("bad-toml", b"+++\nid = \n+++\nbody\n", 2, "front-matter"),
        ("duplicate-key", b'+++\nid = "a"\nid = "b"\n+++\n', 3, "front-matter"),
        ("carriage-returns-only", b'+++\rid = "x"\r+++\rbody\r', 1, "front-matter"),
        ("yaml-no-closing", b"---\n\ntext\n", 1, "front-matter"),
        ("yaml-bad", b"--- a\nid: x\n---\n", 1, "front-matter"),
    ]
]
ALL = DOCUMENTS + REPORTED + NOTES + HUGO_REFUSES_NOTES + HUGO_REFUSES_DOCUMENTS
