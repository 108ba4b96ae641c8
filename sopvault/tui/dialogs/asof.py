"""The dialog that picks a date to see the vault as it was approved then (read only), or
clears it to come back to today."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sopvault.core.asof import FORMS, AsOfError, read_moment
from sopvault.tui.keys import DialogScreen, footer

PROMPT = (
    "The vault as approved at the end of a day (your local time), or at an ISO timestamp."
    " Leave it empty to come back to today."
)


class AsOfScreen(DialogScreen[str | None]):
    """Returns the date typed (checked to be a date or an ISO timestamp), "" to come back
    to today, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str = "") -> None:
        """``current`` is the date shown now ("" for today), put in the input."""
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        """The prompt, the date input, the error line and the buttons."""
        with Vertical(id="asof-dialog", classes="dialog"):
            yield Label("The vault on a date", classes="dialog-title")
            yield Label(PROMPT)
            yield Input(value=self.current, placeholder="YYYY-MM-DD", id="asof-input")
            yield Static("", id="asof-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Show", variant="primary", id="asof-ok")
                yield Button("Today", id="asof-today")
                yield Button("Cancel", id="asof-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#asof-input")
    @on(Button.Pressed, "#asof-ok")
    def submit(self) -> None:
        """Return the date when it reads as one (empty: today); else say what to type."""
        text = self.query_one(Input).value.strip()
        if text:
            try:
                read_moment(text)
            except AsOfError:
                error = Text(f"Not a date: give {FORMS}.", style="red")
                self.query_one("#asof-error", Static).update(error)
                return
        self.dismiss(text)

    @on(Button.Pressed, "#asof-today")
    def today(self) -> None:
        """Return "": back to today's vault."""
        self.dismiss("")

    @on(Button.Pressed, "#asof-cancel")
    def action_cancel(self) -> None:
        """Return None: nothing changes."""
        self.dismiss(None)
