"""Asking before a step's command runs (issue 15): the command in full, each argument on a
line of its own (its exact bounds), the time limit, and two buttons. Cancel has the focus,
so an Enter pressed out of habit runs nothing; only "Run command" runs it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from sopvault.render.runcommand import confirm_lines
from sopvault.render.safetext import inert_lines
from sopvault.services.runcommand import Prepared
from sopvault.tui.keys import DialogScreen, footer

RUN = "Run command"


class CommandScreen(DialogScreen[bool]):
    """Dismisses with True when "Run command" is pressed, else False (Escape, Cancel)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prepared: Prepared) -> None:
        super().__init__()
        self.prepared = prepared

    def compose(self) -> ComposeResult:
        """The question, the command as it will run, and the buttons."""
        with VerticalScroll(id="command-dialog", classes="dialog"):
            yield Label(
                Text(f"Run the command of step {self.prepared.label}?"), classes="dialog-title"
            )
            yield Static(Text(inert_lines(confirm_lines(self.prepared))), id="command-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(RUN, variant="warning", id="command-run")
                yield Button("Cancel", variant="primary", id="command-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Cancel has the focus: running takes a deliberate choice."""
        self.query_one("#command-cancel").focus()

    @on(Button.Pressed, "#command-run")
    def confirmed(self) -> None:
        """Return True: the operator read the command and runs it."""
        self.dismiss(True)

    @on(Button.Pressed, "#command-cancel")
    def action_cancel(self) -> None:
        """Return False: nothing runs."""
        self.dismiss(False)
