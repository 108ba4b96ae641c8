"""Trust §1 (read-back): every TOML writer reads its bytes back before they count.

The property tests generate front matter from the constructs a line scanner or a careless
writer gets wrong (multi-line strings whose lines look like tables or ``+++``, arrays of
arrays, inline tables, quoted, escaped, dotted and unicode keys, comments, CRLF, keys in
any order) and apply every kind of edit the app makes: propose's version and status,
approve's status, effective and next_review, restore (the same edit on an older text),
set fields, and a new document made from a template with a tricky title.
"""

from __future__ import annotations

import json
import math
import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from sopvault.core import frontmatter
from sopvault.core.config import default_config_text, parse_config
from sopvault.core.frontmatter import FrontMatterError
from sopvault.core.readback import differences, mismatch
from sopvault.core.runlog import replay
from sopvault.model.document import Kind
from sopvault.model.run import Event, EventType, Outcome, Run, StepEntry
from sopvault.services import scaffold
from sopvault.services.runfiles import RunFiles
from sopvault.store import runlog

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

# ---- the comparison itself ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1", {"a": True}),  # Python's == says True == 1
        ("a = 1", {"a": 1.0}),  # and 1 == 1.0
        ("a = 0.0", {"a": -0.0}),
        (
            "a = 1979-05-27T07:32:00Z",
            {"a": datetime(1979, 5, 27, 8, 32, tzinfo=timezone(timedelta(hours=1)))},
        ),
        ("a = 1979-05-27T07:32:00", {"a": datetime(1979, 5, 27, 7, 32, tzinfo=UTC)}),
        ("a = 1979-05-27T00:00:00", {"a": date(1979, 5, 27)}),
        ("a = [1, [2]]", {"a": [1, [2, 3]]}),
        ("a = [1]", {"a": (1,)}),
        ("a.b = 1", {"a": {"b": 1, "c": 2}}),
    ],
)
def test_mismatch_is_strict_where_python_equality_is_loose(
    text: str, expected: dict[str, Any]
) -> None:
    """Trust §1 (read-back): a value that reads back as another type, offset or shape is a
    mismatch, though Python's ``==`` may call the two equal."""
    problem = mismatch(text, expected)
    assert problem is not None and "would not read back as written (a" in problem
    assert "\n" not in problem


def test_mismatch_accepts_the_same_data_nan_included() -> None:
    """Trust §1 (read-back): NaN, infinities, -0.0, offsets and local times read back as
    themselves; a parse error is reported in one line."""
    text = "n = nan\ni = -inf\nz = -0.0\nt = 07:32:00\nd = 1979-05-27T07:32:00-08:00\n"
    expected = tomllib.loads(text)
    assert mismatch(text, expected) is None
    assert math.isnan(expected["n"])
    assert mismatch(text, {**expected, "t": time(7, 32, 1)}) == (
        "it would not read back as written (t)"
    )
    problem = mismatch("a = ", {})
    assert problem is not None and problem.startswith("it would not parse") and "\n" not in problem
    assert differences({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == ["a[1].b"]


def test_writers_refuse_what_would_not_read_back() -> None:
    """Trust §1 (read-back): a new file, an edit and the new settings each refuse a value
    that would come back as something else (a tuple is written as an array, a list)."""
    with pytest.raises(FrontMatterError, match="nothing written"):
        frontmatter.compose({"id": "a", "limits": (1, 2)}, "body\n")
    with pytest.raises(FrontMatterError, match="nothing written"):
        frontmatter.update('+++\nid = "a"\n+++\n', {"limits": (1, 2)})


# ---- front matter a person might write ------------------------------------------------

TRICKY_LINES = st.sampled_from(
    [
        "[Draft]",
        "[[steps]]",
        "[a.b]  # a table?",
        'version = "9.9"',
        'status = "effective"',
        "effective = 2020-01-01",
        "# not a comment",
        "+++ draft",
        "++++",
        " +++",
        "+ 1 agreed",
        "ends with a backslash \\\\",
        "",
    ]
)


@st.composite
def multiline_strings(draw: st.DrawFn) -> str:
    """A multi-line basic or literal string whose lines look like TOML structure."""
    lines = draw(st.lists(TRICKY_LINES, min_size=1, max_size=4))
    if draw(st.booleans()):
        return "'''\n" + "\n".join(lines) + "\n'''"
    escapes = draw(st.sampled_from(["", "tab\\there \\u00e9\\U0001F600", 'a \\"quoted\\" word']))
    return '"""\n' + "\n".join(lines) + escapes + '\n"""'


# (key, text) pairs: one value per key, as TOML requires; None keys are comments.
ROOT_ITEMS = st.one_of(
    st.builds(lambda v: ("purpose", f"purpose = {v}"), multiline_strings()),
    st.builds(lambda v: ("notes", f"notes = {v}  # trailing comment"), multiline_strings()),
    st.just(("limits", 'limits = [\n  ["pressure bar", 1.0, 3.0], # bar\n  [2, [3, 4]],\n]')),
    st.just(("quoted", '"quoted key" = { a = 1, "b.c" = "[x]", n = { d = [1, 2] } }')),
    st.just(("site", 'site.name = "Plant 1"\nsite."bldg.no" = 7')),
    st.just(("dotted", '"a.b".c = true')),
    st.just(("escaped", '"key \\"with\\" quotes" = \'C:\\path [x]\'')),
    st.just(("unicode", '"ключ" = "значение"\n"ü" = "[ü]"')),
    st.just(("ints", "ints = [0xDEAD_beef, 0o755, 0b1101, 1_000_000, -17, +3]")),
    st.just(("floats", "floats = [inf, -inf, nan, 6.626e-34, -0.0, +1.5, 1e+06]")),
    st.just(
        ("when", "when.odt = 1979-05-27T07:32:00-08:00\nwhen.ldt = 1979-05-27 07:32:00.999999")
    ),
    st.just(("day", "day = 1979-05-27\nat_time = 07:32:00\nzulu = 1979-05-27T07:32:00Z")),
    st.just(("next-review", "next-review = 'not next_review'")),
    st.just((None, '# [fake.table] and version = "9" in a comment')),
    st.just((None, "")),
)
TABLE_ITEMS = st.sampled_from(
    [
        (
            "steps",
            '[[steps]]\naction = "Check [the] boiler"\n\n[[steps]]\naction = """\n[[steps]]\n"""',
        ),
        ("extra", '[extra]\n# c\nx = 1\n"y.z" = """\n[not.a.table]\n"""'),
        ("extra.sub", '[extra.sub]\nz = [ [1], ["a"] ]  # arrays of arrays'),
        ("log", "[[log]]\nat = 2026-01-01T00:00:00Z\n[[log]]\nat = 2026-02-01"),
        ("quoted table", "[\"quoted table\"]\nk = 'v'"),
        ("inline", "[inline]\ninl = { a = { b = 1 } }"),
    ]
)
DOC_KEYS = ['id = "SOP-001"', "title = 'Check the boiler'", 'kind = "procedure"']
STATE_KEYS = ['version = "1.0"', 'status = "effective"  # as approved']


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A document's text (LF or CRLF) and the items it holds besides sopvault's own keys,
    as written (the edits must leave each of them exactly so, in the same order)."""
    extras = draw(st.lists(ROOT_ITEMS, max_size=6, unique_by=lambda i: i[0] or i[1]))
    tables = draw(st.lists(TABLE_ITEMS, max_size=3, unique_by=lambda i: i[0]))
    own = DOC_KEYS + (STATE_KEYS if draw(st.booleans()) else [])
    root = draw(st.permutations([*own, *(text for _, text in extras)]))
    front = "\n".join([*root, *(text for _, text in tables)])
    body = draw(st.text(max_size=30))
    text = f"+++\n{front}\n+++\n{body}"
    crlf = draw(st.booleans())
    if crlf:
        text = text.replace("\n", "\r\n")
    kept = [t for t in root if t and t not in own] + [t for _, t in tables]
    if crlf:
        kept = [t.replace("\n", "\r\n") for t in kept]
    return text, kept


TITLES = st.text(max_size=30).map(lambda t: " ".join(t.split()) or "T")
DAYS = st.dates(date(2000, 1, 1), date(2099, 12, 31))
EDITS = st.one_of(
    st.builds(  # propose, restore
        lambda v: {"version": v, "status": "in_review"}, st.sampled_from(["0.2", "1.1", "2.0"])
    ),
    st.builds(  # approve
        lambda day, review: {"status": "effective", "effective": day, "next_review": review},
        DAYS,
        st.none() | DAYS,
    ),
    st.builds(lambda title, owner: {"title": title, "owner": owner}, TITLES, st.text(max_size=10)),
)


def _in_order(text: str, items: list[str]) -> bool:
    """Every item appears verbatim in ``text``, one after another in the order given."""
    position = 0
    for item in items:
        found = text.find(item, position)
        if found < 0:
            return False
        position = found + len(item)
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(("+++\nid = 'a'\ntitle = 't'\nkind = 'policy'\n+++\n", []), {"title": '"""\x00\x1b'})
@given(documents(), EDITS)
def test_every_edit_the_app_makes_reads_back_exactly(
    document: tuple[str, list[str]], edit: dict[str, Any]
) -> None:
    """Trust §1 (read-back): each kind of edit on any front matter gives exactly the old data
    plus the change, the body byte for byte, and every other item (comments, quoting, key
    order included) as it was written."""
    text, kept = document
    try:
        before = tomllib.loads(frontmatter.split(text).front)
    except tomllib.TOMLDecodeError:
        assume(False)  # a combination TOML itself forbids
    out = frontmatter.update(text, edit)
    expected = {k: v for k, v in {**before, **edit}.items() if v is not None}
    assert differences(tomllib.loads(frontmatter.split(out).front), expected) == []
    assert frontmatter.split(out).body == frontmatter.split(text).body
    assert _in_order(out, kept)
    assert ("# as approved" in out) == ("# as approved" in text)  # a changed key's comment


@settings(max_examples=150, deadline=None)
@given(documents(), TITLES, st.lists(st.sampled_from(["PRC-001", "POL-002"]), max_size=2))
def test_a_new_document_from_any_template_and_title_reads_back(
    document: tuple[str, list[str]], title: str, parents: list[str]
) -> None:
    """Trust §1 (read-back): ``new`` sets id, title, version, status and parents on a template a
    person may have written in any style, and puts the title in the body only."""
    text, kept = document
    template = text + "# {{title}}\n"
    try:
        before = tomllib.loads(frontmatter.split(template).front)
    except tomllib.TOMLDecodeError:
        assume(False)
    out = scaffold.fill_template(template, "templates/procedure.md", "SOP-002", title, parents)
    # Issue 14 (versions): a new document is a draft 0.1 whatever the template says
    changes: dict[str, Any] = {"id": "SOP-002", "title": title, "version": "0.1", "status": "draft"}
    if parents:
        changes["parents"] = parents
    assert differences(tomllib.loads(frontmatter.split(out).front), {**before, **changes}) == []
    body = frontmatter.split(template).body.replace("{{title}}", title)
    assert frontmatter.split(out).body == body
    assert _in_order(out, kept)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(Kind)), TITLES)
def test_the_built_in_templates_take_any_title(kind: Kind, title: str) -> None:
    """Trust §1 (read-back): a title with quotes, backslashes, ``+++`` or control
    characters cannot break a new document made from a packaged template."""
    out = scaffold.fill_template(scaffold.packaged_template(kind), "t", "X-001", title, [])
    assert tomllib.loads(frontmatter.split(out).front)["title"] == title
    assert f"# {title}" in frontmatter.split(out).body


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_the_new_settings_read_back_with_any_name(name: str) -> None:
    """Trust §1 (read-back): ``init``'s sopvault.toml reads back with the name as given."""
    assert parse_config(default_config_text(name)).name == name


# ---- run files --------------------------------------------------------------------------

OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5.5))])
MOMENTS = st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1), timezones=OFFSETS)
WORDS = st.text(max_size=20)


@st.composite
def events(draw: st.DrawFn) -> Event:
    """An event with any text a person may type (quotes, newlines, control characters,
    JSON-like lines), aware times at several offsets and evidence of every kind."""
    return Event(
        id=draw(st.from_regex(r"[0-9a-f]{8}", fullmatch=True)),
        type=draw(st.sampled_from(list(EventType))),
        by=draw(WORDS),
        at=draw(MOMENTS),
        step=draw(st.none() | st.integers(1, 40)),
        value=draw(
            st.none() | st.floats(allow_nan=False, allow_infinity=False) | WORDS.filter(bool)
        ),
        note=draw(st.sampled_from(["", '{"type": "done"}\n', "+++\n"]) | WORDS),
        reason=draw(WORDS),
        corrects=draw(st.sampled_from(["", "0123abcd"])),
        deviation=draw(WORDS),
        stops=draw(st.booleans()),
        role=draw(WORDS),
        person=draw(WORDS),
        accepts=tuple(draw(st.lists(st.from_regex(r"[0-9a-f]{8}", fullmatch=True), max_size=3))),
        outcome=draw(st.sampled_from(["", *(o.value for o in Outcome)])),
        seen=draw(WORDS),
        imported=draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None)
@given(events())
def test_an_event_reads_back_as_the_same_event(event: Event) -> None:
    """Trust §1 (read-back), issue 13: each event is one line that parses back to the same
    event (the same instant: times are written in UTC), whatever people typed into it."""
    line = runlog.event_line(event)
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert runlog.event_from(json.loads(line)) == event


def _id(event: Event) -> str:
    return event.id


@settings(max_examples=50, deadline=None)
@given(
    st.lists(events().filter(lambda e: e.type is not EventType.START), max_size=6, unique_by=_id),
    WORDS,
    st.sampled_from(["1.0", "", "2.10"]),
)
def test_a_run_log_reads_back_as_the_same_run(more: list[Event], title: str, version: str) -> None:
    """Trust §1 (read-back), issue 13: a whole log (its start line with the header, then
    any events) reads back as the same run, derived the same way."""
    start = Event("5a5a5a5a", EventType.START, "Ana <ana@x>", T0)
    run = Run("20261125-080000-abcd", "SOP-001", title, version or None, "", "", "p.md", "", T0)
    run.steps = [StepEntry(1, "Read the gauge", control_point=True, due_at=T0)]
    replay(run, [start, *more])
    back = runlog.loads(runlog.dumps(run), run.file)
    assert back == run


def test_an_event_that_would_not_read_back_is_refused() -> None:
    """Trust §1 (read-back): an event whose line would read back as something else (a NaN
    value, never equal to itself) is refused in one line naming the file."""
    run = Run("20261125-080000-abcd", "SOP-001", "t", "1.0", "", "", "p.md", "ana", T0)
    event = Event("5a5a5a5a", EventType.DONE, "ana", T0, step=1, value=float("nan"))
    with pytest.raises(runlog.RunFileError, match="nothing written") as err:
        runlog.event_line(event)
    with pytest.raises(runlog.RunFileError, match="nothing written") as err:
        RunFiles.line_of(run, event)
    assert "\n" not in str(err.value) and str(err.value).startswith(run.file)
