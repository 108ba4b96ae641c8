"""A dialog that narrows the tree to one kind and/or status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select

from sopvault.model.document import Kind, Status
from sopvault.services.vault import DocumentFilter
from sopvault.tui.keys import DialogScreen, footer


class FilterScreen(DialogScreen[DocumentFilter | None]):
    """Returns the new filter, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: DocumentFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        """A kind and a status to choose, and Apply, Clear and Cancel."""
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Label("Filter the tree", classes="dialog-title")
            yield Label("Kind")
            yield Select(
                [(kind.label, kind.value) for kind in Kind],
                prompt="any kind",
                value=self.current.kind.value if self.current.kind else Select.NULL,
                id="filter-kind",
            )
            yield Label("Status")
            yield Select(
                [(status.value.replace("_", " "), status.value) for status in Status],
                prompt="any status",
                value=self.current.status.value if self.current.status else Select.NULL,
                id="filter-status",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="filter-apply")
                yield Button("Clear", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")
        yield footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply returns the chosen filter, Clear an empty one, Cancel None."""
        if event.button.id == "filter-apply":
            kind = self.query_one("#filter-kind", Select).value
            status = self.query_one("#filter-status", Select).value
            self.dismiss(
                DocumentFilter(
                    kind=Kind(kind) if isinstance(kind, str) else None,
                    status=Status(status) if isinstance(status, str) else None,
                )
            )
        elif event.button.id == "filter-clear":
            self.dismiss(DocumentFilter())
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Return None: the tree keeps its filter."""
        self.dismiss(None)
