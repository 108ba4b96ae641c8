"""The vault tree with its filter line: typing narrows the tree by id, title, owner and tag.

The line is hidden until ``t`` opens it and stays while a text narrows the tree, so the
tree never looks complete when it is not. Enter goes back to the tree keeping the filter;
Escape (in the line or in the tree) or clearing the text brings back the tree as it was,
branches open and cursor where they were. The kind and status filter (``f``) applies on
top of the text.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from sopvault.tui.widgets.doc_tree import DocTree

PLACEHOLDER = "Filter: id, title, owner, tag (Enter: to the tree, Esc: clear)"


class TreePane(Vertical):
    """Holds the ``DocTree`` (id ``tree``) under its filter line (id ``tree-filter``)."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear filter")]

    def compose(self) -> ComposeResult:
        """The filter line, hidden at first, above the tree."""
        yield Input(placeholder=PLACEHOLDER, id="tree-filter")
        yield DocTree(id="tree")

    def on_mount(self) -> None:
        """No line until someone filters."""
        self.query_one("#tree-filter", Input).display = False

    def start_filter(self) -> None:
        """Show the line and put the cursor in it (``t``)."""
        line = self.query_one("#tree-filter", Input)
        line.display = True
        line.focus()

    @on(Input.Changed, "#tree-filter")
    def narrow(self, event: Input.Changed) -> None:
        """Each key narrows (or widens) the tree at once: no index, a few words a document."""
        event.stop()
        self.query_one(DocTree).filter_text(event.value.strip())

    @on(Input.Submitted, "#tree-filter")
    def to_tree(self, event: Input.Submitted) -> None:
        """Enter: move to the narrowed tree; an empty line closes."""
        event.stop()
        if not event.value.strip():
            self.action_clear_filter()
            return
        self.query_one(DocTree).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape is ours only while the line is open; elsewhere it goes on up."""
        if action == "clear_filter":
            return self.query_one("#tree-filter", Input).display
        return True

    def action_clear_filter(self) -> None:
        """Close the line and bring back the tree as it was before the first letter."""
        line = self.query_one("#tree-filter", Input)
        self.query_one(DocTree).filter_text("")
        with line.prevent(Input.Changed):
            line.value = ""
        line.display = False
        self.query_one(DocTree).focus()

    def clear_text(self) -> None:
        """Drop the text filter, if any (a document chosen elsewhere is about to be shown
        and must not be hidden by it)."""
        if self.query_one("#tree-filter", Input).display:
            self.action_clear_filter()
