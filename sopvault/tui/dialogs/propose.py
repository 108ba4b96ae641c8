"""The "propose revision" dialog: which edited documents, why, and minor or major.

The proposal is made from here, so a refusal (no summary, errors in the document, the
same text already proposed) is shown in the dialog with everything typed still in it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, SelectionList, Static

from sopvault.core.versioning import next_version
from sopvault.model.control import LocalEdit, Proposal
from sopvault.render.safetext import inert_line
from sopvault.services.review.control import DocumentControl
from sopvault.tui.keys import DialogScreen, footer
from sopvault.tui.messages import Proposed, WorkFailed
from sopvault.tui.widgets.impact_panel import ImpactPanel
from sopvault.tui.workers import background


class ProposeScreen(DialogScreen[Proposal | None]):
    """Returns the proposal made, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, control: DocumentControl, edits: list[LocalEdit], selected: str | None
    ) -> None:
        super().__init__()
        self.control = control
        self.edits = edits
        fresh = [e.id for e in edits if e.proposed_as is None]
        self.selected = selected if selected in fresh else None
        # Ticked at the start: the document being read, or the only one there is.
        self.ticked = {self.selected} if self.selected else set(fresh if len(fresh) == 1 else [])

    def compose(self) -> ComposeResult:
        """The edited documents to tick, the summary, minor or major, the versions."""
        with Vertical(id="propose-dialog", classes="dialog"):
            yield Label("Propose a revision for review", classes="dialog-title")
            yield Label("Documents with local edits (space ticks one):")
            yield SelectionList[str](
                *((_edit_label(e), e.id, e.id in self.ticked) for e in self.edits),
                id="propose-docs",
            )
            yield Label("Summary: what changed and why")
            yield Input(placeholder="e.g. Count fast movers weekly", id="propose-summary")
            with RadioSet(id="propose-kind"):
                yield RadioButton("Minor change", value=True, id="propose-minor")
                yield RadioButton("Major change", id="propose-major")
            yield Static("", id="propose-versions")
            yield ImpactPanel(self.control, id="propose-impact")
            yield Static("", id="propose-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Propose", variant="primary", id="propose-ok")
                yield Button("Cancel", id="propose-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Focus the summary; show the versions that would be proposed and what the
        change touches."""
        self.query_one("#propose-summary", Input).focus()
        self.show_versions()
        self.show_impact()

    @property
    def major(self) -> bool:
        """True when a major change is chosen (1.2 -> 2.0), else minor (1.2 -> 1.3); a
        document never approved becomes 1.0 either way (``core.versioning.next_version``,
        the rule ``propose`` applies)."""
        return self.query_one("#propose-major", RadioButton).value

    def chosen(self) -> list[str]:
        """The ids of the ticked documents."""
        return list(self.query_one("#propose-docs", SelectionList).selected)

    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    def show_versions(self) -> None:
        """Each ticked document's version now and after the proposal."""
        chosen = set(self.chosen())
        text = Text("Versions: ", style="bold")
        parts = [
            f"{e.id} {e.version or 'new'} → {next_version(e.version, self.major)}"
            for e in self.edits
            if e.id in chosen
        ]
        text.append(inert_line(", ".join(parts)) if parts else "tick at least one document")
        self.query_one("#propose-versions", Static).update(text)

    @on(SelectionList.SelectedChanged)
    def show_impact(self) -> None:
        """What approving the ticked documents' edits would touch (worked out by the
        panel in its worker)."""
        self.query_one(ImpactPanel).show_documents(sorted(self.chosen()))

    @on(Input.Submitted, "#propose-summary")
    @on(Button.Pressed, "#propose-ok")
    def submit(self) -> None:
        """Check what is typed here, then propose in a worker (once: Enter again while it
        is made would make a second proposal)."""
        if self.proposing:
            return
        ids = self.chosen()
        summary = self.query_one("#propose-summary", Input).value
        if not ids:
            self.show_error("Tick at least one document to propose.")
            return
        if not summary.strip():
            self.show_error("Write a summary: reviewers read it first, and git keeps it.")
            self.query_one("#propose-summary", Input).focus()
            return
        self.show_error("")
        self.query_one("#propose-ok", Button).disabled = True
        self.propose(ids, summary.strip(), self.major)

    @background("propose", "Cannot propose")
    def propose(self, ids: list[str], summary: str, major: bool) -> None:
        """Make the proposal in git (a branch under the proposals namespace)."""
        self.post_message(Proposed(self.control.proposals.propose(ids, summary, major=major)))

    def on_proposed(self, event: Proposed) -> None:
        """Made: return it to whoever opened the dialog."""
        self.dismiss(event.proposal)

    def on_work_failed(self, event: WorkFailed) -> None:
        """Refused: said in the dialog, with everything typed still in it."""
        self.query_one("#propose-ok", Button).disabled = False
        self.show_error(str(event.error))
        event.stop()

    def show_error(self, message: str) -> None:
        """Say in the dialog why the proposal cannot be made (inert text)."""
        self.query_one("#propose-error", Static).update(Text(inert_line(message), style="bold red"))

    @property
    def proposing(self) -> bool:
        """True while the proposal is being made (Propose is disabled meanwhile)."""
        return self.query_one("#propose-ok", Button).disabled

    @on(Button.Pressed, "#propose-cancel")
    def action_cancel(self) -> None:
        """Return None: nothing is proposed. Refused while the proposal is being made: it
        would be made all the same, behind a dialog that said it was cancelled."""
        if self.proposing:
            self.show_error("The proposal is being made; it cannot be cancelled now.")
            return
        self.dismiss(None)


def _edit_label(edit: LocalEdit) -> Text:
    label = Text(inert_line(f"{edit.id}  {edit.title}"))
    if edit.proposed_as is not None:
        label.append(f"  (waits as proposal {edit.proposed_as})", style="dim")
    return label
