"""A work instruction run in place inside a step (issue 15): the exact text it follows,
as the ``instruction`` event that opens it records it.

A step that names ``instruction = "WI-001"`` may run that work instruction's own steps as
a nested checklist in the same run. The event that opens it pins the instruction's
approved text on main (commit, blob id, path, version), exactly as a run's start pins the
procedure's, and copies its steps as they were then, so the log alone derives the nested
checklist (ISO 9001 §7.5.3.2: the version in force is the one used, and the record says
which). Plain data, no I/O and no rules: ``core.nested`` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlannedStep:
    """One step of a work instruction as it was when it was opened in a run: its action,
    whether it is a control point, its deadline (aware, UTC; from the moment it was
    opened), or ``due_after`` (``(step, seconds)``: a span after another of the
    instruction's own steps is answered), and its condition (``when``, on the
    instruction's own steps)."""

    action: str
    control_point: bool = False
    due_at: datetime | None = None
    when: str | None = None
    due_after: tuple[int, int] | None = None


@dataclass(frozen=True)
class Pin:
    """The text of a work instruction a run follows inside one step: its id, title and
    version, the main commit, the blob id and the vault path of that text (``commit``
    "" outside git), and its steps as they were when it was opened."""

    doc_id: str
    title: str
    version: str | None
    commit: str
    blob: str
    path: str
    steps: tuple[PlannedStep, ...] = ()
