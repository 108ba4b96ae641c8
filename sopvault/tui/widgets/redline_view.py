"""What changed, shown in words: the structured diff of one or more documents (metadata,
steps added, removed, moved or reworded, rules called out, the body word by word), or
git's unified diff when ``raw`` is on (``RAW_DIFF`` in ``tui.keys`` toggles it).

Used by the history screen and the reviews inbox, so a reviewer reads the same view in
both (ISO 9001 §7.5.3.2 c: changes identified). Only renders: the diffs are made in the
screens' workers.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from sopvault.model.redline import DocumentDiff
from sopvault.render.redline import redline_renderable
from sopvault.render.rich import diff_renderable


class RedlineView(Static):
    """Shows ``diffs`` structured, or as git's diff while ``raw`` is True; diffs with no
    change read "No differences.", an empty list nothing."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.diffs: list[DocumentDiff] = []
        self.raw = False

    def show(self, diffs: list[DocumentDiff]) -> None:
        """Show these diffs in the current mode."""
        self.diffs = diffs
        self.update(self._renderable())

    def toggle_raw(self) -> bool:
        """Switch between the change in words and git's diff; returns the new ``raw``."""
        self.raw = not self.raw
        self.update(self._renderable())
        return self.raw

    def _renderable(self) -> RenderableType:
        changes = [d for d in self.diffs if not d.unchanged]
        if not self.diffs:
            return Text("")
        if not changes:
            return Text("No differences.", style="dim")
        if self.raw:
            title = Text("git's diff (d: the change in words)", style="dim")
            return Group(title, diff_renderable("".join(d.raw for d in changes)))
        parts: list[RenderableType] = [Text("in words (d: git's diff)", style="dim")]
        for change in changes:
            parts.append(redline_renderable(change))
        return Group(*parts)
