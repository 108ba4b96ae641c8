"""The one way the TUI shows a notification: its text inert, one line, never markup.

A notice quotes ids, titles, paths, git's and the vault's messages; ``App.notify`` parses
its message as content markup by default (``[@click=app.quit]`` in a title would be a
button), so every notice goes through ``notice`` and ``tests/tui/test_inert.py`` fails on
any other ``notify`` call in the package.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.widget import Widget

from sopvault.render.safetext import inert_line


def notice(
    where: Widget | App[Any],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
) -> None:
    """Show ``message`` (and ``title``) as a toast from ``where``, each as one inert line of
    plain text: control characters and newlines visible, markup shown as typed."""
    where.notify(inert_line(message), title=inert_line(title), severity=severity, markup=False)
