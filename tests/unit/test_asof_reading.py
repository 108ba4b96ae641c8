"""Pure parts of the vault on any date: what a typed date means, and reading a document's
top-level fields only (``core.parse.parse_head``) for the listings of a past date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sopvault.core.asof import AsOfError, read_moment
from sopvault.core.parse import parse_bytes, parse_head
from tests.conftest import SAMPLE

FIELDS = ("id", "title", "kind", "status", "version", "owner", "parents", "related", "tags")


def test_a_bare_date_is_the_whole_day_in_the_zone() -> None:
    """Issue 14 (the vault on any date): 3 March means up to 23:59:59 that day where the
    user is, with that date's daylight saving (Paris: +01:00 in March, +02:00 in July)."""
    paris = ZoneInfo("Europe/Paris")
    march = read_moment("2026-03-03", paris)
    assert march.until == datetime(2026, 3, 3, 22, 59, 59, tzinfo=UTC)
    assert (march.day, march.whole_day) == (date(2026, 3, 3), True)
    assert read_moment("2026-07-01", paris).until.utcoffset() == timedelta(hours=2)
    assert read_moment(" 2026-03-03 ", UTC).epoch == int(
        datetime(2026, 3, 3, 23, 59, 59, tzinfo=UTC).timestamp()
    )


def test_a_timestamp_is_that_instant() -> None:
    """Issue 14 (the vault on any date): a full ISO timestamp is taken as given; without an
    offset it is in the user's zone; its day is the user's."""
    tokyo = timezone(timedelta(hours=9))
    moment = read_moment("2026-03-03T20:00:00Z", tokyo)
    assert moment.until == datetime(2026, 3, 3, 20, tzinfo=UTC)
    assert (moment.day, moment.whole_day) == (date(2026, 3, 4), False)
    assert read_moment("2026-03-03T10:15", tokyo).until == datetime(2026, 3, 3, 1, 15, tzinfo=UTC)
    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert read_moment("2026-03-03", UTC).is_future(now) is False
    assert read_moment("2026-03-04", UTC).is_future(now) is True
    assert read_moment("2026-03-03T12:00:01Z", UTC).is_future(now) is True


@pytest.mark.parametrize(
    "typed", ["", "March", "2026-3-3", "03/03/2026", "2026-02-30", "2026-03-03T25:00"]
)
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    """Issue 14 (the vault on any date): one line naming the two forms accepted."""
    with pytest.raises(AsOfError, match=r"give a date \(2026-03-03\) or an ISO timestamp"):
        read_moment(typed, UTC)


def test_the_head_gives_the_same_top_level_fields_as_the_whole() -> None:
    """Issue 14 (the vault on any date): every sample document read up to its first table
    has the fields a listing shows exactly as read whole, and is marked incomplete (no
    steps, no body: a reader asks for it whole)."""
    for path in sorted(SAMPLE.rglob("*.md")):
        raw = path.read_bytes()
        rel = path.relative_to(SAMPLE).as_posix()
        head, whole = parse_head(rel, raw), parse_bytes(rel, raw)
        if whole.document is None:
            assert head.findings == whole.findings
            continue
        assert head.document is not None
        for name in FIELDS:
            assert getattr(head.document, name) == getattr(whole.document, name), (rel, name)
        if head.document.complete:  # no table: read whole
            assert head.document.body == whole.document.body
        else:
            assert head.document.body == "" and whole.document.steps


@pytest.mark.parametrize(
    "front",
    [
        'purpose = """\n[not a table]\n"""\n\n[[steps]]\naction = "Check it"\n',
        'tags = [\n["a"],\n]\n\n[[steps]]\naction = "Check it"\n',
        'status = "effective"\n',
    ],
)
def test_an_unusual_head_is_read_whole(front: str) -> None:
    """Issue 14 (the vault on any date): a ``[`` line inside a multi-line string or array,
    or no table at all: the document is read whole, with exactly the findings of a whole
    read."""
    raw = f'+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\n{front}+++\nBody.\n'.encode()
    head, whole = parse_head("a.md", raw), parse_bytes("a.md", raw)
    assert head.findings == whole.findings
    assert (head.document is None) == (whole.document is None)
    if whole.document is not None and head.document is not None:
        assert head.document.front == whole.document.front


def test_an_error_past_the_first_table_is_for_a_whole_read() -> None:
    """Issue 14 (the vault on any date): what the head does not read it does not judge: a
    syntax error in the steps leaves the listing's fields readable (``show`` and the TUI
    read the document whole and report it)."""
    raw = b'+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\n[[steps]]\nbroken =\n+++\n'
    assert parse_bytes("a.md", raw).document is None
    head = parse_head("a.md", raw)
    assert head.document is not None and head.document.id == "SOP-1" and not head.findings


def test_a_note_and_a_binary_file_read_as_before(tmp_path: Path) -> None:
    """Issue 14 (the vault on any date): files that are not documents take the whole path."""
    for raw in (b"# Just a note\n", b"\x00\x01binary", "caf\xe9".encode("latin-1")):
        assert parse_head("n.md", raw) == parse_bytes("n.md", raw)
