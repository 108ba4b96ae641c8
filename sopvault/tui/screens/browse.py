"""The main screen: the vault tree beside the selected document, and the problems panel."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from sopvault.core.trailers import versions_label
from sopvault.errors import SopvaultError
from sopvault.model.control import LocalEdit, Proposal
from sopvault.model.document import Document
from sopvault.model.finding import Finding, Severity
from sopvault.render.safetext import inert
from sopvault.services.editor import editor_command
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs, Started
from sopvault.services.sync import Sync
from sopvault.services.syncplan import Distance, SyncReport
from sopvault.services.vault import DocumentFilter, Vault, VaultState
from sopvault.tui.dialogs.filter import FilterScreen
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.screens.runs import RunsScreen
from sopvault.tui.widgets.doc_tree import DocTree, NodeData
from sopvault.tui.widgets.doc_view import DocView
from sopvault.tui.widgets.problems_panel import ProblemsPanel


class BrowseScreen(Screen[None]):
    """Loads the vault in a thread worker so the first screen never waits on the disk."""

    BINDINGS = [
        Binding("f", "filter", "Filter"),
        Binding("p", "toggle_problems", "Problems"),
        Binding("r", "reload", "Reload"),
        Binding("e", "edit", "Edit"),
        Binding("h", "history", "History"),
        Binding("c", "propose", "Propose"),
        Binding("i", "reviews", "Reviews"),
        Binding("k", "run", "Run"),
        Binding("o", "open_runs", "Open runs"),
        Binding("s", "sync", "Sync"),
    ]

    def __init__(
        self, vault: Vault, revisions: Callable[[], DocumentControl], runs: Callable[[], Runs]
    ) -> None:
        super().__init__()
        self.vault = vault
        self.revisions = revisions
        self.runs = runs
        self.state: VaultState | None = None
        self._reopen: str | None = None  # the document to show again after a reload
        self.distance: Distance | None = None  # ahead/behind the server, as last fetched
        self.git_note = ""  # why the git features are unavailable, when they are

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse"):
            yield DocTree(id="tree")
            yield DocView(id="doc")
        yield ProblemsPanel(id="problems")
        yield Static(Text("Loading the vault…"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#problems").display = False
        self.load_vault(fresh=False)

    @work(thread=True, exclusive=True, group="load")
    def load_vault(self, fresh: bool) -> VaultState:
        state = self.vault.reload() if fresh else self.vault.state
        self.distance = self._distance()
        return state

    def _distance(self) -> Distance | None:
        """Ahead/behind the server for the status bar (no network; None without one)."""
        try:
            revisions = self.revisions()
        except SopvaultError:
            self.git_note = "not in git: history, reviews and sync are unavailable"
            return None
        try:
            return Sync(revisions).distance()
        except SopvaultError:
            return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "load":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, VaultState):
            self.show_state(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, SopvaultError | OSError) else repr(error)
            self.set_status(Text(f"Could not load the vault: {inert(message)}", style="bold red"))

    def show_state(self, state: VaultState) -> None:
        self.state = state
        tree = self.query_one(DocTree)
        tree.show_state(state)
        self.query_one(ProblemsPanel).show_findings(state.findings)
        self.refresh_status()
        tree.focus()
        if self._reopen is not None:
            tree.select_document(self._reopen)
            self.open_document(self._reopen)
            self._reopen = None

    def refresh_status(self) -> None:
        if self.state is None:
            return
        errors = sum(1 for f in self.state.findings if f.severity is Severity.ERROR)
        warnings = len(self.state.findings) - errors
        text = Text(f"{len(self.state.documents)} documents")
        text.append("  ·  ")
        text.append(f"{errors} errors", style="bold red" if errors else "green")
        text.append(f", {warnings} warnings", style="yellow" if warnings else "")
        if self.state.skipped:
            text.append(f"  ·  {len(self.state.skipped)} files skipped (p: problems)", style="red")
        if self.vault.read_only:
            text.append("  ·  read-only: browse and search only", style="bold yellow")
        if self.git_note:
            text.append(f"  ·  {self.git_note}", style="dim")
        distance = self.distance
        if distance is not None:
            if distance.ahead or distance.behind:
                text.append(
                    f"  ·  {distance.ahead} ahead, {distance.behind} behind"
                    f" {inert(distance.remote)} (s syncs)",
                    style="bold yellow",
                )
            else:
                text.append(f"  ·  in step with {inert(distance.remote)}", style="dim")
        criteria = self.query_one(DocTree).active_filter
        if criteria != DocumentFilter():
            parts = [p for p in (criteria.kind, criteria.status) if p is not None]
            text.append("  ·  filter: " + ", ".join(p.value for p in parts), style="bold cyan")
        self.set_status(text)

    def set_status(self, text: Text) -> None:
        self.query_one("#status", Static).update(text)

    @on(Tree.NodeSelected, "#tree")
    def open_selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if data is None or data.doc_id is None:
            return
        if data.role == "link":
            self.query_one(DocTree).select_document(data.doc_id)
        self.open_document(data.doc_id)

    @on(Tree.NodeHighlighted, "#tree")
    def preview_highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        data = event.node.data
        if data is not None and data.role == "doc" and data.doc_id is not None:
            self.open_document(data.doc_id)

    def open_document(self, doc_id: str) -> None:
        if self.state is not None and doc_id in self.state.documents:
            self.read_document(doc_id)

    @work(thread=True, exclusive=True, group="open")
    def read_document(self, doc_id: str) -> None:
        """Read the full document off the UI thread; a newer selection makes this one moot."""
        try:
            doc = self.vault.get(doc_id)
        except SopvaultError as err:
            self.app.call_from_thread(self.notify, inert(str(err)), severity="error")
            return
        if get_current_worker().is_cancelled:
            return
        findings = self.vault.findings_for(doc.path)
        self.app.call_from_thread(self._show_document, doc, findings)

    def _show_document(self, doc: Document, findings: list[Finding]) -> None:
        names = {handle: person.name for handle, person in self.vault.config.people.items()}
        self.query_one(DocView).show_document(doc, findings, names)

    def reveal(self, doc_id: str) -> None:
        """Show a document chosen elsewhere (search): select it in the tree and open it."""
        tree = self.query_one(DocTree)
        if tree.active_filter != DocumentFilter() and self.state is not None:
            tree.show_state(self.state, DocumentFilter())  # the filter may hide it
            self.refresh_status()
        tree.select_document(doc_id)
        self.open_document(doc_id)
        tree.focus()

    @on(ProblemsPanel.OpenFinding)
    def open_finding(self, event: ProblemsPanel.OpenFinding) -> None:
        if self.state is None:
            return
        for doc in self.state.documents.values():
            if doc.path == event.path:
                self.query_one(DocTree).select_document(doc.id)
                self.open_document(doc.id)
                return
        self.notify(
            f"{inert(event.path)} could not be loaded; fix it and press r", severity="warning"
        )

    def action_toggle_problems(self) -> None:
        panel = self.query_one(ProblemsPanel)
        panel.display = not panel.display
        if panel.display:
            panel.focus()

    def action_reload(self) -> None:
        self.set_status(Text("Reloading…"))
        self.load_vault(fresh=True)

    def action_filter(self) -> None:
        tree = self.query_one(DocTree)

        def apply(criteria: DocumentFilter | None) -> None:
            if criteria is not None and self.state is not None:
                tree.show_state(self.state, criteria)
                self.refresh_status()

        self.app.push_screen(FilterScreen(tree.active_filter), apply)

    # ---- document control ------------------------------------------------------------

    def current_document(self) -> Document | None:
        """The document in the reading pane: what h, e and c act on."""
        doc = self.query_one(DocView).document
        if doc is None:
            self.notify("Select a document in the tree first.", severity="warning")
        return doc

    def _service(self) -> DocumentControl | None:
        try:
            return self.revisions()
        except SopvaultError as err:
            self.notify(inert(str(err)), title="Needs git", severity="error")
            return None

    def action_history(self) -> None:
        doc = self.current_document()
        revisions = self._service() if doc is not None else None
        if doc is not None and revisions is not None:
            self.app.push_screen(HistoryScreen(revisions, doc.id, doc.title))

    def action_edit(self) -> None:
        """Hand the terminal to $EDITOR, then reload: the edit is the user's own file."""
        doc = self.current_document()
        if doc is None:
            return
        if self.vault.read_only:
            self.notify(inert(self.vault.notes()[0]), severity="warning")
            return
        try:
            command = editor_command(os.environ, self.vault.path_of(doc))
            if self.app.is_headless:  # no terminal to hand over (tests, scripts)
                done = subprocess.run(command, check=False)
            else:
                with self.app.suspend():
                    done = subprocess.run(command, check=False)
        except (SopvaultError, OSError) as err:
            self.notify(inert(str(err)), title="Cannot edit", severity="error")
            return
        if done.returncode != 0:
            self.notify(f"the editor exited with status {done.returncode}", severity="warning")
        self._reopen = doc.id
        self.action_reload()
        self.notify(f"{inert(doc.id)} reloaded; c proposes your edits for review")

    def action_propose(self) -> None:
        doc = self.query_one(DocView).document
        revisions = self._service()
        if revisions is not None:
            self.find_edits(revisions, doc.id if doc else None)

    @work(thread=True, exclusive=True, group="edits")
    def find_edits(self, revisions: DocumentControl, selected: str | None) -> None:
        try:
            edits = revisions.proposals.local_edits()
        except SopvaultError as err:
            self.app.call_from_thread(self.notify, inert(str(err)), severity="error")
            return
        self.app.call_from_thread(self._offer_proposal, revisions, edits, selected)

    def _offer_proposal(
        self, revisions: DocumentControl, edits: list[LocalEdit], selected: str | None
    ) -> None:
        if not edits:
            self.notify(
                f"No document differs from {revisions.ws.main}: press e to edit one first.",
                severity="warning",
            )
            return

        def proposed(prop: Proposal | None) -> None:
            if prop is not None:
                self.notify(
                    f"Proposal {prop.number}: {inert(versions_label(prop.documents))}"
                    " waits for review (i opens the inbox)."
                )
                self._reopen = selected
                self.action_reload()

        self.app.push_screen(ProposeScreen(revisions, edits, selected), proposed)

    def action_reviews(self) -> None:
        revisions = self._service()
        if revisions is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                doc = self.query_one(DocView).document
                self._reopen = doc.id if doc is not None else None
                self.action_reload()

        self.app.push_screen(ReviewsScreen(revisions, self.vault.today), closed)

    # ---- checklist runs --------------------------------------------------------------

    def action_run(self) -> None:
        doc = self.current_document()
        if doc is None:
            return
        if not doc.steps:
            self.notify(f"{inert(doc.id)} has no steps to run", severity="warning")
            return
        self.start_run(doc.id)

    @work(thread=True, exclusive=True, group="run")
    def start_run(self, doc_id: str) -> None:
        """Start in a worker: it reads main's text from git and fsyncs the new run file."""
        try:
            runs = self.runs()
            started = runs.start(doc_id)
            doc = runs.document(started.run)
        except SopvaultError as err:
            self.app.call_from_thread(
                self.notify, inert(str(err)), title="Cannot start", severity="error"
            )
            return
        self.app.call_from_thread(self._show_run, runs, started, doc)

    def _show_run(self, runs: Runs, started: Started, doc: Document) -> None:
        self.app.push_screen(RunScreen(runs, started.run, doc, started.warnings))

    def action_open_runs(self) -> None:
        self.app.push_screen(RunsScreen(self.runs()))

    # ---- the team's server -----------------------------------------------------------

    def action_sync(self) -> None:
        self.set_status(Text("Syncing with the server…"))
        self.run_sync()

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self) -> None:
        try:
            report = Sync(self.revisions()).sync()
        except SopvaultError as err:
            self.app.call_from_thread(self._sync_failed, str(err))
            return
        self.app.call_from_thread(self._synced, report)

    def _sync_failed(self, message: str) -> None:
        self.notify(inert(message), title="Sync failed", severity="error", timeout=12)
        self.refresh_status()

    def _synced(self, report: SyncReport) -> None:
        body = Text(inert("\n".join(report.lines())))
        self.app.push_screen(TextScreen(f"Synced with {report.remote} ({report.url})", body))
        doc = self.query_one(DocView).document
        self._reopen = doc.id if doc is not None else None
        self.action_reload()
