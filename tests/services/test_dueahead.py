"""The TUI's first report of what is due, read ahead by a forked child while the TUI starts
(issue 17, ``services.dueahead``): the report crosses the pipe as plain data and comes back
equal, field for field, on the demo vault with every kind of item due; the child's report
is the one this process would read; anything but a report is refused, and a child that
fails leaves the dashboard to read the report itself."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sopvault.model.due import DueReport
from sopvault.services import dueahead
from sopvault.services.due import Due
from sopvault.services.workspace import Workspace
from sopvault.store import forked
from tests.conftest import act_as
from tests.tui.test_tui_dashboard import start_run

pytestmark = pytest.mark.usefixtures("utc")

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def full_report(root: Path, monkeypatch: pytest.MonkeyPatch) -> DueReport:
    """The demo's report for Alice with an open run of hers: reviews, a proposal,
    acknowledgements owed and a run with steps of hers."""
    start_run(root, monkeypatch, operator="alice")
    act_as(monkeypatch, "Alice Moreno")
    report = Due(Workspace.open(root, clock=lambda: NOW)).report()
    assert report.reviews and report.proposals and report.acknowledgements and report.runs
    assert report.me is not None and report.runs[0].my_steps
    return report


def test_a_report_crosses_as_plain_data_and_comes_back_equal(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = full_report(demo_path, monkeypatch)
    data = marshal.loads(marshal.dumps(dueahead.plain(report)))  # what the pipe carries
    back = dueahead.report_of(data)
    assert back == report
    assert [type(r) for r in back.runs[0].my_steps] == [type(r) for r in report.runs[0].my_steps]
    assert back.now.utcoffset() == report.now.utcoffset()


CHILD = """
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from sopvault.services import dueahead
from sopvault.services.due import Due
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace

ws = Workspace.open(Path(sys.argv[1]), clock=lambda: datetime(2026, 11, 25, 12, tzinfo=UTC))
reading = dueahead.start(ws)
ahead = reading.take()  # None when it did not fork
assert reading.take() is None  # taken once
here = Due(ws, DocumentControl(ws), Runs(ws)).report()
print("same" if ahead == here else f"differ: {ahead!r} != {here!r}")
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="the report is read ahead on Linux with two cores",
)
def test_the_child_reads_the_report_this_process_would(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_report(demo_path, monkeypatch)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(demo_path)], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "same", out.stderr


@pytest.mark.parametrize(
    "data",
    [
        ("dataclass", "Path", {}),  # a class that is not part of a report
        (
            "dataclass",
            "ReviewDue",
            {
                "doc_id": "SOP-1",
                "title": "t",
                "owner": None,
                "next_review": ("date", "2026-01-01"),
                "overdue": False,
                "days": 1,
            },
        ),  # part of one, not a report
        ("eval", "1+1"),
        ("tuple",),
        {"today": ("date", "2026-11-25")},
        b"bytes",
    ],
)
def test_anything_but_a_report_is_refused(data: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        dueahead.report_of(data)


def test_only_the_classes_of_a_report_are_written() -> None:
    with pytest.raises(TypeError):
        dueahead.plain(object())
    with pytest.raises(TypeError):
        dueahead.plain(Path("/etc/passwd"))


@pytest.mark.skipif(not forked.can_fork(), reason="this process does not fork")
def test_a_child_that_fails_leaves_nothing_to_take() -> None:
    assert dueahead.take(None) is None
    assert dueahead.take(forked.start(lambda: 1 // 0)) is None
    assert dueahead.take(forked.start(lambda: ("eval", "x"))) is None


@pytest.mark.skipif(not forked.can_fork(), reason="this process does not fork")
def test_a_report_never_taken_is_dropped_with_its_child() -> None:
    handle = forked.start(lambda: time.sleep(60))
    reading = dueahead.ReportAhead(handle)
    reading.drop()  # at once: the child is ended, not waited for
    with pytest.raises(forked.ForkFailed):
        handle.result()  # reaped already
    assert reading.take() is None
