"""A modal that shows one renderable to read (a work instruction, what changed, a run's
summary), optionally with a button to confirm an action."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from sopvault.render.safetext import inert_line
from sopvault.tui.keys import DialogScreen, footer


class TextScreen(DialogScreen[bool]):
    """Dismisses with True when ``confirm`` is given and pressed, else False."""

    CTRL_Q_SHOWN = True  # q closes the text
    BINDINGS = [
        Binding("escape", "close", "Close", key_display="esc/q"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, title: str, body: RenderableType, confirm: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        """The title, the body, and the confirm and cancel buttons when asked."""
        with VerticalScroll(id="text-dialog", classes="dialog"):
            yield Label(Text(inert_line(self.title_text)), classes="dialog-title")
            yield Static(self.body, id="text-body")
            if self.confirm:
                with Horizontal(classes="dialog-buttons"):
                    yield Button(self.confirm, variant="primary", id="text-confirm")
                    yield Button("Cancel", id="text-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Focus the confirm button, else the text to scroll it."""
        if self.confirm:
            self.query_one("#text-confirm").focus()
        else:
            self.query_one("#text-dialog").focus()

    @on(Button.Pressed, "#text-confirm")
    def confirmed(self) -> None:
        """Return True: the action shown is confirmed."""
        self.dismiss(True)

    @on(Button.Pressed, "#text-cancel")
    def action_close(self) -> None:
        """Return False: closed without confirming."""
        self.dismiss(False)
