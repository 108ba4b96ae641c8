"""Issue 16 (export evidence): the period an audit asks about, read as ``--as-of`` reads a
date: whole days in the vault's time zone, or ISO timestamps; refused when it ends before
it starts or starts in the future. Pure: no git, no clock."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sopvault.core.asof import AsOfError
from sopvault.core.period import PeriodError, read_period

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def test_whole_days_in_the_zone() -> None:
    """Issue 16 (export evidence): --since is the start of its day, --until the end of
    its day, in the zone given (summer time in Berlin on both ends)."""
    period = read_period("2026-06-01", "2026-06-30", BERLIN, NOW)
    assert period.start == datetime(2026, 6, 1, 0, 0, tzinfo=BERLIN)
    assert period.end == datetime(2026, 6, 30, 23, 59, 59, tzinfo=BERLIN)
    assert period.start.utcoffset() == period.end.utcoffset()
    assert period.holds(datetime(2026, 5, 31, 22, 0, tzinfo=UTC))  # midnight in Berlin
    assert not period.holds(datetime(2026, 5, 31, 21, 59, 59, tzinfo=UTC))
    assert (period.since, period.until) == ("2026-06-01", "2026-06-30")


def test_no_end_is_now_and_timestamps_are_instants() -> None:
    """Issue 16 (export evidence): without --until the period ends now; a timestamp
    means that instant, its own offset kept."""
    period = read_period("2026-11-25T08:30:00+01:00", None, BERLIN, NOW)
    assert period.start == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert period.end == NOW and period.until == ""


@pytest.mark.parametrize(
    ("since", "until", "error", "words"),
    [
        ("2026-02-30", None, AsOfError, "--since '2026-02-30' is not a real date"),
        ("March", None, AsOfError, "--since 'March' is not a date"),
        ("2026-03-01", "soon", AsOfError, "--until 'soon' is not a date"),
        ("2026-03-02", "2026-03-01", PeriodError, "before it starts"),
        ("2026-11-26", None, PeriodError, "is in the future"),
    ],
)
def test_refused_periods_say_why(
    since: str, until: str | None, error: type[Exception], words: str
) -> None:
    """Issue 16 (export evidence): a malformed date names its option; a period that ends
    before it starts, or starts after now, is refused."""
    with pytest.raises(error, match=words):
        read_period(since, until, BERLIN, NOW)
