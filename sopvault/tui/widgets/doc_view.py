"""The reading pane: metadata header, numbered steps with control points, Markdown body."""

from __future__ import annotations

from datetime import tzinfo

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from sopvault.model.ack import Reading
from sopvault.model.control import Standing
from sopvault.model.document import Document
from sopvault.model.finding import Finding, Severity
from sopvault.render.acks import reading_line
from sopvault.render.rich import metadata_table, standing_line, steps_renderable
from sopvault.render.safetext import inert, inert_line
from sopvault.tui.keys import ACKNOWLEDGE
from sopvault.tui.notices import notice


class DocView(VerticalScroll):
    """Shows one document; empty until ``show_document`` is called."""

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        # Where the person acting stands on the shown document's current revision.
        self.reading: Reading | None = None

    def compose(self) -> ComposeResult:
        """Title, findings, metadata, steps and the Markdown body."""
        yield Static(Text("Select a document in the tree.", style="dim"), id="doc-title")
        yield Static("", id="doc-standing")
        yield Static("", id="doc-ack")
        yield Static("", id="doc-findings")
        yield Static("", id="doc-meta")
        yield Static("", id="doc-steps")
        # Links in a document are shown, never followed: Textual would hand any href to
        # the system's browser opener (file:, ssh:, a custom scheme's handler).
        yield Markdown("", id="doc-body", open_links=False)

    def on_mount(self) -> None:
        """The findings box shows only when a document has findings; the working copy
        line only when it is not the approved text."""
        self.query_one("#doc-findings").display = False
        self.query_one("#doc-standing").display = False
        self.query_one("#doc-ack").display = False

    def show_document(
        self, doc: Document, findings: list[Finding], people_names: dict[str, str]
    ) -> None:
        """Show ``doc`` with its ``findings``; ``people_names`` maps handles to names."""
        self.document = doc
        self.reading = None
        title = Text()
        title.append(inert_line(doc.id), style="bold")
        title.append("  ")
        title.append(inert_line(doc.title), style="bold")
        self.query_one("#doc-title", Static).update(title)
        self.query_one("#doc-standing").display = False  # until the worker says
        self.query_one("#doc-ack").display = False
        problems = self.query_one("#doc-findings", Static)
        problems.display = bool(findings)
        problems.update(_findings_text(findings))
        self.query_one("#doc-meta", Static).update(metadata_table(doc, people_names))
        steps = self.query_one("#doc-steps", Static)
        steps.display = bool(doc.steps)
        steps.update(steps_renderable(doc) if doc.steps else "")
        self.query_one("#doc-body", Markdown).update(inert(doc.body))
        self.scroll_home(animate=False)

    @on(Markdown.LinkClicked)
    def show_link(self, event: Markdown.LinkClicked) -> None:
        """A link in the body: an anchor scrolls to its heading; any other target is only
        shown (inert), so text in a document cannot open a program or run an action."""
        event.stop()
        if event.href.startswith("#") and event.markdown.goto_anchor(event.href[1:]):
            return
        notice(self, f"link to {event.href} (sopvault does not open links from documents)")

    def show_standing(self, doc_id: str, standing: Standing, zone: tzinfo | None = None) -> None:
        """Say how the shown document's working copy stands against main, when it is
        not the approved text (``standing`` was read in a worker for ``doc_id``; its
        day in ``zone``)."""
        if self.document is None or self.document.id != doc_id:
            return  # another document was opened meanwhile
        line = self.query_one("#doc-standing", Static)
        line.update(Text(standing_line(standing, zone)))
        line.display = standing.differs

    def show_in_force(self, doc_id: str, lines: list[str]) -> None:
        """On a past date: which revision was in force, who approved it and the runs
        that followed it (``lines``, inert, read in a worker for ``doc_id``)."""
        if self.document is None or self.document.id != doc_id:
            return
        line = self.query_one("#doc-standing", Static)
        line.update(Text("\n".join(lines)))
        line.display = True

    def show_reading(
        self, doc_id: str, reading: Reading | None, zone: tzinfo | None = None
    ) -> None:
        """Say whether the person acting has acknowledged the shown document's current
        revision (``reading`` was read in a worker for ``doc_id``): "You have not
        acknowledged v2.1 (a: acknowledge)", or when they did (the day in ``zone``)."""
        if self.document is None or self.document.id != doc_id:
            return
        self.reading = reading
        line = self.query_one("#doc-ack", Static)
        text = reading_line(reading, zone)
        line.display = text is not None
        owed = reading is not None and reading.ack is None
        line.set_class(owed, "owed")
        hint = f"  (press {ACKNOWLEDGE.key} to acknowledge)" if owed else ""
        line.update(Text(inert_line(text or "") + hint))


def _findings_text(findings: list[Finding]) -> Group:
    lines = []
    for finding in findings:
        style = "bold red" if finding.severity is Severity.ERROR else "yellow"
        line = Text(f"{finding.severity.value}: ", style=style)
        line.append(inert_line(f"line {finding.line}: {finding.message}"))
        lines.append(line)
    return Group(*lines)
