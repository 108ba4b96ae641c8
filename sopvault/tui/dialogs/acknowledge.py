"""Acknowledging a document is a signature, so it is confirmed first: the dialog says
which revision, who signs, and what the signature means, "read and understood" (21 CFR
Part 11 §11.50: a signature states its meaning), before anything is committed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from sopvault.model.ack import MEANING, Reading
from sopvault.render.safetext import inert_line
from sopvault.tui.keys import DialogScreen, footer


class AcknowledgeScreen(DialogScreen[bool]):
    """Returns True to acknowledge ``reading``'s revision of the document titled
    ``title``, False when cancelled (Escape, n, or the Cancel button)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("y", "confirm", "Acknowledge"),
        Binding("n", "cancel", "Cancel", show=False),
    ]

    def __init__(self, reading: Reading, title: str) -> None:
        super().__init__()
        self.reading = reading
        self.title_text = title

    def compose(self) -> ComposeResult:
        """What is acknowledged, its meaning and who signs, then Acknowledge and Cancel."""
        reading = self.reading
        person = reading.person
        with Vertical(id="ack-dialog", classes="dialog"):
            heading = f"Acknowledge {reading.doc_id} v{reading.version}: {self.title_text}"
            yield Label(Text(inert_line(heading)), classes="dialog-title")
            yield Label(
                Text(
                    f"By acknowledging you sign that you have {MEANING} revision"
                    f" {inert_line(reading.version)} of this document."
                )
            )
            signer = f"{person.name} <{person.email}>" if person.email else person.name
            yield Label(
                Text(
                    f"Signed as {inert_line(signer)}: one record committed on main at once"
                    " (signed with your key when the vault requires signatures); it is"
                    " never changed or deleted."
                )
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Acknowledge (y)", variant="primary", id="ack-confirm")
                yield Button("Cancel (n)", id="ack-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Cancel has the focus: a stray Enter signs nothing."""
        self.query_one("#ack-cancel").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Acknowledge returns True, Cancel False."""
        self.dismiss(event.button.id == "ack-confirm")

    def action_confirm(self) -> None:
        """y: acknowledge."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Escape or n: nothing is signed."""
        self.dismiss(False)
