"""The browse screen's status line: counts, problems, read-only and git notes, the
distance to the team's server, and the active filter."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sopvault.model.finding import Severity
from sopvault.render.safetext import inert_line
from sopvault.services.syncplan import Distance
from sopvault.services.vault import DocumentFilter
from sopvault.tui.messages import Loaded


class StatusBar(Static):
    """One line of text; the screen hands it what to show (attributes down)."""

    def show_loaded(self, loaded: Loaded, criteria: DocumentFilter) -> None:
        """Show a loaded vault; ``criteria`` is the tree's filter."""
        state = loaded.state
        errors = sum(1 for f in state.findings if f.severity is Severity.ERROR)
        warnings = len(state.findings) - errors
        text = Text(f"{len(state.documents)} documents")
        text.append("  ·  ")
        text.append(f"{errors} errors", style="bold red" if errors else "green")
        text.append(f", {warnings} warnings", style="yellow" if warnings else "")
        if state.skipped:
            text.append(f"  ·  {len(state.skipped)} files skipped (p: problems)", style="red")
        if loaded.read_only:
            text.append("  ·  read-only: browse and search only", style="bold yellow")
        if loaded.git_note:
            text.append(f"  ·  {loaded.git_note}", style="dim")
        if loaded.distance is not None:
            text.append_text(_distance(loaded.distance))
        if criteria != DocumentFilter():
            parts = [p for p in (criteria.kind, criteria.status) if p is not None]
            text.append("  ·  filter: " + ", ".join(p.value for p in parts), style="bold cyan")
        self.update(text)

    def say(self, message: str, style: str = "") -> None:
        """Show a passing state ("Reloading…") or a problem, as inert text."""
        self.update(Text(inert_line(message), style=style))


def _distance(distance: Distance) -> Text:
    if distance.ahead or distance.behind:
        return Text(
            f"  ·  {distance.ahead} ahead, {distance.behind} behind"
            f" {inert_line(distance.remote)} (s syncs)",
            style="bold yellow",
        )
    return Text(f"  ·  in step with {inert_line(distance.remote)}", style="dim")
