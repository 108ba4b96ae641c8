""" "My work" as text and JSON: the rows ``sopvault runs --mine`` prints and the TUI's "My
work" screen shows, one per pending step that is mine. Deadlines are shown in ``[vault]
timezone`` or the user's zone (``core.localtime``); JSON keeps UTC ISO times."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sopvault.core.localtime import shown
from sopvault.model.mywork import MyWork, WorkItem

HEADERS = ("DUE", "RUN", "DOCUMENT", "ROLE", "STEP", "OPEN WITH")
NO_DEADLINE = "-"


def due_text(item: WorkItem, zone: tzinfo | None) -> str:
    """``2026-11-25 10:30 CET LATE``, ``2026-11-25 10:30 CET`` or ``-`` (no deadline)."""
    if item.due_at is None:
        return NO_DEADLINE
    return shown(item.due_at, zone) + (" LATE" if item.overdue else "")


def step_text(item: WorkItem, width: int | None = None) -> str:
    """``3. Record the brine temperature``, cut to ``width`` characters (with ``…``)."""
    text = f"{item.label}. {item.action}"
    if width is not None and len(text) > width:
        return text[: width - 1] + "…"
    return text


def work_row(item: WorkItem, zone: tzinfo | None, width: int | None = None) -> list[str]:
    """One step as the cells of ``HEADERS`` (a step mine as the run's starter shows the
    role as ``(starter)`` when it has none); ``width`` cuts the step's action."""
    return [
        due_text(item, zone),
        item.run_id,
        item.doc_id,
        item.role or "(starter)",
        step_text(item, width),
        item.command,
    ]


def work_json(work: MyWork) -> list[dict[str, Any]]:
    """The steps as ``runs --mine --json`` prints them: UTC ISO deadlines, ``late`` and the
    command that opens each."""
    return [
        {
            "run": item.run_id,
            "document": item.doc_id,
            "title": item.title,
            "step": item.number,
            **({"within": item.within} if item.within is not None else {}),
            "action": item.action,
            "role": item.role or None,
            "due_at": item.due_at.isoformat() if item.due_at else None,
            "late": item.overdue,
            "command": item.command,
        }
        for item in work.items
    ]
