"""The TUI's first report of what is due, read ahead by a forked child while the TUI starts.

``sopvault tui`` opens on the dashboard, and on a big vault reading what is due (main's
documents in force, proposals, acknowledgements, runs) is a third of the time until it
shows (issue 17: 0.3 s of about 1.0 s at 50,000 documents), all of it waiting behind
Textual's own start-up on one core. Here it starts first, in a forked copy of the process
(``store.forked``: Linux, two cores, one thread, the only moment the TUI process has one
thread), while this process imports Textual and builds the screen; the dashboard takes
the report when it first shows, and reads it itself on every later show (``r``, coming
back to it).

The report crosses the pipe as plain data (``marshal``, never a pickle): ``plain`` writes
each value of ``model.due`` as a tagged tuple, and ``report_of`` makes back only the
classes named in ``_CLASSES``; anything else is refused. Whatever goes wrong in the child
(no git, an unreadable vault, a crash) only means the dashboard reads the report itself,
as it did before: what it shows never depends on the child.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime
from typing import Any

from sopvault.errors import SopvaultError
from sopvault.model.control import Identity
from sopvault.model.due import AckDue, DueReport, ProposalDue, ReviewDue, RunDue, StepDue
from sopvault.services.workspace import Workspace
from sopvault.store import forked

# The classes a report is made of, by name: the only ones ``report_of`` makes.
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (DueReport, ReviewDue, ProposalDue, AckDue, RunDue, StepDue)
} | {"Identity": Identity}


class ReportAhead:
    """A report of what is due being read by a forked child, taken once: by the dashboard
    when it first shows, or dropped (the child ended) when the TUI quits first."""

    def __init__(self, handle: forked.Forked | None) -> None:
        self._handle = handle
        self._lock = threading.Lock()  # taken in a worker thread, dropped in the main one

    def _claim(self) -> forked.Forked | None:
        with self._lock:
            handle, self._handle = self._handle, None
        return handle

    def take(self) -> DueReport | None:
        """The child's report (waiting for it) the first time; None after, or when the
        child failed or answered something that is not a report."""
        return take(self._claim())

    def drop(self) -> None:
        """End and reap the child when its report was never taken; nothing after (its
        taker reaped it)."""
        handle = self._claim()
        if handle is not None:
            handle.cancel()


def start(ws: Workspace) -> ReportAhead:
    """Start reading ``ws``'s report of what is due (the dashboard's defaults) in a forked
    child; one that holds nothing when this process does not fork (``store.forked``)."""
    return ReportAhead(forked.start(lambda: plain(_report(ws))))


def take(handle: forked.Forked | None) -> DueReport | None:
    """The child's report (waiting for it), or None when there is none to take: no
    child, or one that failed or answered something that is not a report."""
    if handle is None:
        return None
    try:
        report = report_of(handle.result())
    except (forked.ForkFailed, OSError, ValueError, TypeError):
        return None
    return report


def _report(ws: Workspace) -> DueReport:
    """What the TUI's dashboard reads first (``tui.app.SopVaultApp.due``)."""
    from sopvault.services.due import Due
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.runs import Runs

    try:
        control: DocumentControl | None = DocumentControl(ws)
    except SopvaultError:
        control = None
    return Due(ws, control, Runs(ws)).report()


def plain(value: Any) -> Any:
    """``value`` as data ``marshal`` writes: a date, a datetime, a tuple and a
    dataclass of ``_CLASSES`` each become a tuple tagged with what it was (so every
    tuple in the result is a tag); strings, numbers, None, lists and dicts stay. Raises
    TypeError for anything else."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return ("datetime", value.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return ("tuple", [plain(item) for item in value])
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    name = type(value).__name__
    if _CLASSES.get(name) is type(value):
        fields = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return ("dataclass", name, fields)
    raise TypeError(f"{name} is not part of a report of what is due")


def report_of(data: Any) -> DueReport:
    """The report ``plain`` wrote. Raises ValueError or TypeError for anything else."""
    report = _made(data)
    if not isinstance(report, DueReport):
        raise TypeError("not a report of what is due")
    return report


def _made(data: Any) -> Any:
    """One value ``plain`` wrote, made back (``report_of``)."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [_made(item) for item in data]
    if isinstance(data, dict):
        return {key: _made(item) for key, item in data.items()}
    if not isinstance(data, tuple) or not data:
        raise TypeError(f"{type(data).__name__} is not part of a report")
    tag = data[0]
    if tag == "datetime" and len(data) == 2:
        return datetime.fromisoformat(data[1])
    if tag == "date" and len(data) == 2:
        return date.fromisoformat(data[1])
    if tag == "tuple" and len(data) == 2 and isinstance(data[1], list):
        return tuple(_made(item) for item in data[1])
    if tag == "dataclass" and len(data) == 3 and data[1] in _CLASSES:
        fields = data[2]
        if not isinstance(fields, dict):
            raise TypeError("a dataclass's fields are a dict")
        return _CLASSES[data[1]](**{key: _made(item) for key, item in fields.items()})
    raise ValueError(f"unknown tag {tag!r} in a report")
