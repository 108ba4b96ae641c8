"""The flow view (``l`` in the browse screen), issue 16: the selected procedure drawn as
a flow, its steps in a lane per role, as ``sopvault flow`` prints it; scrollable both
ways, Escape goes back. The drawing is inert text (``render.flow`` makes every text from
the document inert; Textual gets a ``Text``, never markup)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Header, Static

from sopvault.model.flow import Flow
from sopvault.render.flow import draw_flow
from sopvault.tui.keys import footer


class FlowScreen(Screen[None]):
    """One flow, drawn to the screen's width (wider when its lanes need more room)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("l", "close", "Back", show=False),
    ]

    def __init__(self, flow: Flow) -> None:
        super().__init__()
        self.flow = flow

    def compose(self) -> ComposeResult:
        """Header, the drawing in a container that scrolls both ways, footer."""
        yield Header()
        with ScrollableContainer(id="flow-scroll"):
            yield Static(id="flow-drawing", markup=False)
        yield footer()

    def on_mount(self) -> None:
        """Draw at the screen's width and give the drawing the focus to scroll it."""
        width = max(self.app.size.width - 4, 40)
        self.query_one("#flow-drawing", Static).update(Text(draw_flow(self.flow, width)))
        self.query_one("#flow-scroll").focus()

    def action_close(self) -> None:
        """Back to the browse screen."""
        self.dismiss(None)
