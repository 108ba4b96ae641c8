"""A one-line text dialog: the comment of an approval, the reason of a rejection, the
note a deviation must carry."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sopvault.render.safetext import inert_line
from sopvault.tui.keys import DialogScreen, footer


class CommentScreen(DialogScreen[str | None]):
    """Returns the text typed (possibly empty when not required), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    REQUIRED = "A reason is required: it is kept in git with the decision."

    def __init__(
        self,
        title: str,
        prompt: str,
        button: str,
        *,
        required: bool,
        draft: str = "",
        missing: str = REQUIRED,
    ) -> None:
        """``missing`` is what the dialog says when a required text is left empty."""
        super().__init__()
        self.missing = missing
        self.title_text = title
        self.prompt = prompt
        self.button = button
        self.required = required
        self.draft = draft

    def compose(self) -> ComposeResult:
        """The prompt, the text input, the error line and the buttons."""
        with Vertical(id="comment-dialog", classes="dialog"):
            yield Label(Text(inert_line(self.title_text)), classes="dialog-title")
            yield Label(Text(inert_line(self.prompt)))
            yield Input(value=self.draft, id="comment-input")
            yield Static("", id="comment-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.button, variant="primary", id="comment-ok")
                yield Button("Cancel", id="comment-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Focus the input, with any draft typed before already in it."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#comment-input")
    @on(Button.Pressed, "#comment-ok")
    def submit(self) -> None:
        """Return the text, unless it is required and empty (then say so)."""
        text = self.query_one(Input).value.strip()
        if self.required and not text:
            self.query_one("#comment-error", Static).update(Text(self.missing, style="red"))
            return
        self.dismiss(text)

    @on(Button.Pressed, "#comment-cancel")
    def action_cancel(self) -> None:
        """Return None: nothing is done."""
        self.dismiss(None)
