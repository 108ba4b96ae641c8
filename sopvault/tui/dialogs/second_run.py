"""A second run of the same procedure is a decision: resume the open one, or start another."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from sopvault.core.wording import counted
from sopvault.model.run import RunSummary
from sopvault.render.runs import open_run_line
from sopvault.render.safetext import inert_line
from sopvault.tui.keys import DialogScreen, footer


class SecondRunScreen(DialogScreen[str | None]):
    """Returns the id of the open run to resume, "another" to start a new run, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, doc_id: str, waiting: list[RunSummary]) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.waiting = waiting  # newest first

    def compose(self) -> ComposeResult:
        """Who started each open run and when, then Resume, Start another and Cancel."""
        with Vertical(id="second-run-dialog", classes="dialog"):
            title = f"{self.doc_id} already has {counted(len(self.waiting), 'open run')}"
            yield Label(Text(inert_line(title)), classes="dialog-title")
            for summary in self.waiting:
                yield Label(Text(inert_line(open_run_line(summary))))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume the newest", variant="primary", id="second-run-resume")
                yield Button("Start another", id="second-run-another")
                yield Button("Cancel", id="second-run-cancel")
        yield footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Resume returns the newest open run's id, Start another "another", Cancel None."""
        if event.button.id == "second-run-resume":
            self.dismiss(self.waiting[0].id)
        elif event.button.id == "second-run-another":
            self.dismiss("another")
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Escape: start nothing."""
        self.dismiss(None)
