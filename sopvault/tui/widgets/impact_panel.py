"""The impact panel: what approving a change touches (documents below and linking to it,
open runs, who will owe an acknowledgement), shown in the propose dialog and the reviews
inbox so that nobody signs without seeing it (ISO 9001 §6.3, §8.5.6).

A screen composes one panel and asks it for a proposal or for documents; the panel works
it out in its own worker (``services.impact``) and shows the report, or in place why it
could not.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from sopvault.model.control import Proposal
from sopvault.render.impact import impact_lines
from sopvault.render.safetext import inert_line
from sopvault.services.impact import Impact, Impacts
from sopvault.services.review.control import DocumentControl
from sopvault.tui.messages import WorkFailed
from sopvault.tui.workers import background, deliver

STYLES = {"heading": "bold", "item": "", "warning": "yellow", "dim": "dim"}
TITLE = "What approving it touches"
MOST = 50  # documents listed in the panel; the CLI lists them all


@dataclass
class ImpactLoaded(Message):
    """The impact of each document of one change, worked out in the panel's worker."""

    impacts: list[Impact]


class ImpactPanel(VerticalScroll):
    """The report for the change a screen shows; empty until asked."""

    def __init__(self, control: DocumentControl, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="impact-panel")
        self.border_title = TITLE
        self.control = control
        self.impacts: list[Impact] = []

    def compose(self) -> ComposeResult:
        """One text that holds the report."""
        yield Static("", classes="impact-text")

    def show_proposal(self, prop: Proposal | None) -> None:
        """Work out what approving ``prop`` touches (None: show nothing)."""
        if prop is None:
            self._clear(Text(""))
            return
        self._show(Text("Working it out…", style="dim"))
        self.load_proposal(f"{prop.first_id}/{prop.number}")

    def show_documents(self, ids: list[str]) -> None:
        """Work out what approving the working copy's edits of ``ids`` touches."""
        if not ids:
            self._clear(Text("Tick a document to see what approving it touches.", style="dim"))
            return
        self._show(Text("Working it out…", style="dim"))
        self.load_documents(list(ids))

    @background("impact", "Cannot work out what the change touches")
    def load_proposal(self, label: str) -> None:
        """The impact of each document of proposal ``label`` (``ID/N``), as proposed."""
        deliver(self, ImpactLoaded(Impacts.of(self.control.ws).of_proposal(label)))

    @background("impact", "Cannot work out what the change touches")
    def load_documents(self, ids: list[str]) -> None:
        """The impact of each document's working copy."""
        service = Impacts.of(self.control.ws)
        deliver(self, ImpactLoaded([service.of_document(doc_id) for doc_id in ids]))

    def on_impact_loaded(self, event: ImpactLoaded) -> None:
        """Show the reports, one after the other, under the panel's title."""
        event.stop()
        self.impacts = event.impacts
        text, zone = Text(), self.control.ws.zone
        for number, impact in enumerate(event.impacts):
            for index, (style, line) in enumerate(impact_lines(impact, MOST, zone)):
                if number or index:
                    text.append("\n\n" if number and not index else "\n")
                text.append(line, style=STYLES.get(style, ""))
        self._show(text)
        self.scroll_home(animate=False)

    def on_work_failed(self, event: WorkFailed) -> None:
        """Said in the panel, not as a notice: the rest of the screen still works."""
        if event.group == "impact":
            event.stop()
            self.impacts = []
            failed = Text("Cannot tell: ", style="bold red")
            failed.append(inert_line(str(event.error)), style="red")
            self._show(failed)

    def _clear(self, text: Text) -> None:
        """Nothing to show but ``text``: a report still being worked out is dropped."""
        self.workers.cancel_group(self, "impact")
        self.impacts = []
        self._show(text)

    def _show(self, text: Text) -> None:
        self.query_one(".impact-text", Static).update(text)
