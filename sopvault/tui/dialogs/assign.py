"""The assignment dialog (issue 15): one row per role of the procedure, each filled with a
person from ``[people]`` by handle (or e-mail). Asked when a run starts, prefilled with the
one person holding each role, and from the runner (``g``) to reassign. Each row is judged
as it is accepted by ``core.assignment``, the rule the service applies again."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from sopvault.core.assignment import find_person, holders
from sopvault.errors import RunError
from sopvault.model.config import Person
from sopvault.render.safetext import inert_line
from sopvault.tui.keys import DialogScreen, footer


class AssignScreen(DialogScreen[dict[str, str] | None]):
    """Returns the roles filled, role to what was typed (a handle or e-mail; a row left
    empty is left out), or None when cancelled. ``values`` prefills the rows; ``people``
    is the vault's ``[people]`` (each row's hint names who holds the role)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        roles: list[str],
        values: Mapping[str, str],
        people: Mapping[str, Person],
        button: str = "Start",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.roles = roles
        self.values = dict(values)
        self.people = dict(people)
        self.button = button

    def compose(self) -> ComposeResult:
        """A row per role (name, input, who holds it), the error line and the buttons."""
        with Vertical(id="assign-dialog", classes="dialog"):
            yield Label(Text(inert_line(self.title_text)), classes="dialog-title")
            for index, role in enumerate(self.roles):
                with Horizontal(classes="assign-row"):
                    yield Label(Text(inert_line(role)), classes="assign-role")
                    yield Input(
                        value=self.values.get(role, ""),
                        placeholder="handle or e-mail",
                        id=f"assign-{index}",
                        classes="assign-input",
                    )
                    yield Label(Text(inert_line(self._hint(role)), style="dim"))
            yield Static("", id="assign-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.button, variant="primary", id="assign-ok")
                yield Button("Cancel", id="assign-cancel")
        yield footer()

    def _hint(self, role: str) -> str:
        held = [p.handle for p in holders(role, self.people)]
        if held:
            return "held by " + ", ".join(held)
        return "nobody holds it" if self.people else "Name <email>"

    def on_mount(self) -> None:
        """The first row without a person has the focus; when every row has one, the
        button does (Enter accepts, and a letter typed by mistake changes nothing)."""
        empty = next((i for i in self.query(Input) if not i.value), None)
        if empty is not None:
            empty.focus()
        else:
            self.query_one("#assign-ok", Button).focus()

    @on(Input.Submitted, ".assign-input")
    @on(Button.Pressed, "#assign-ok")
    def submit(self) -> None:
        """Return the rows filled, unless one names nobody in ``[people]`` (said below)."""
        chosen: dict[str, str] = {}
        for index, role in enumerate(self.roles):
            typed = self.query_one(f"#assign-{index}", Input).value.strip()
            if not typed:
                continue
            try:
                find_person(typed, self.people)
            except RunError as err:
                self.query_one("#assign-error", Static).update(
                    Text(inert_line(f"{role}: {err}"), style="red")
                )
                self.query_one(f"#assign-{index}", Input).focus()
                return
            chosen[role] = typed
        self.dismiss(chosen)

    @on(Button.Pressed, "#assign-cancel")
    def action_cancel(self) -> None:
        """Return None: nothing is assigned (and no run is started)."""
        self.dismiss(None)
