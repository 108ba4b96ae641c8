"""The main screen: the vault tree beside the selected document, and the problems panel.

Blocking work runs in workers that post typed messages; other screens are the app's to
open, so this screen asks for them with messages (history, reviews, runs, the editor)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Tree

from sopvault.core.flow import NotAFlow, build_flow
from sopvault.errors import NeedsGit, SopvaultError
from sopvault.model.document import Document
from sopvault.render.safetext import inert_lines
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.sync import Sync
from sopvault.services.syncplan import Distance
from sopvault.services.vault import DocumentFilter, Vault
from sopvault.tui import messages as msg
from sopvault.tui.dialogs.filter import FilterScreen
from sopvault.tui.keys import footer
from sopvault.tui.notices import notice
from sopvault.tui.screens.acknowledging import AcknowledgingScreen
from sopvault.tui.screens.flow import FlowScreen
from sopvault.tui.screens.past import PastDates
from sopvault.tui.screens.starting import StartingRuns
from sopvault.tui.widgets.asof_banner import AsOfBanner
from sopvault.tui.widgets.doc_tree import DocTree, NodeData
from sopvault.tui.widgets.doc_view import DocView
from sopvault.tui.widgets.problems_panel import ProblemsPanel
from sopvault.tui.widgets.status_bar import StatusBar
from sopvault.tui.widgets.tree_pane import TreePane
from sopvault.tui.workers import background, busy, deliver

NO_GIT = "not in git: history, reviews and sync are unavailable"


class BrowseScreen(PastDates, AcknowledgingScreen, StartingRuns):
    """Loads the vault in a thread worker so the first screen never waits on the disk.

    ``control`` and ``runs`` make (or return) the app's services; they are called in
    workers only, since the first call finds the repository on disk."""

    # The footer at 80 columns shows the app's Search, Help and Quit after these few.
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("k", "run", "Run"),
        Binding("h", "history", "History"),
        Binding("i", "reviews", "Reviews"),
        Binding("f", "filter", "Filter", show=False),
        Binding("t", "filter_text", "Filter by text", show=False),
        Binding("p", "toggle_problems", "Problems", show=False),
        Binding("r", "reload", "Reload", show=False),
        Binding("c", "propose", "Propose", show=False),
        Binding("o", "open_runs", "Open runs", show=False),
        Binding("s", "sync", "Sync", show=False),
        Binding("d", "app.dashboard", "Due", show=False),
        Binding("m", "app.my_work", "My work", show=False),
        Binding("l", "flow", "Flow", show=False),
    ]

    def __init__(
        self, vault: Vault, control: Callable[[], DocumentControl], runs: Callable[[], Runs]
    ) -> None:
        super().__init__()
        self.vault = vault
        self.control = control
        self.runs = runs
        self.loaded: msg.Loaded | None = None
        self._reopen: str | None = None  # the document to show again after a reload

    def compose(self) -> ComposeResult:
        """Header, tree beside document, problems panel, status line, footer."""
        yield Header()
        yield AsOfBanner(id="asof-banner")
        with Horizontal(id="browse"):
            yield TreePane(id="tree-pane")
            yield DocView(id="doc")
        yield ProblemsPanel(id="problems")
        yield StatusBar(Text("Loading the vault…"), id="status")
        yield footer()

    def on_mount(self) -> None:
        """Start loading; the problems panel opens on ``p``."""
        self.query_one("#problems").display = False
        self.load_vault(fresh=False)

    # ---- loading -----------------------------------------------------------------------

    @background("load", "Could not load the vault")
    def load_vault(self, fresh: bool) -> None:
        """Read the vault (from the cache unless ``fresh``), and git's distance."""
        if self.posted_past():  # a past date does not change: nothing to reload
            return
        state = self.vault.reload() if fresh else self.vault.state
        read_only = not self.vault.writable  # a probe of the disk: here, not in the UI
        self.runs()  # made here: it looks for the repository on disk
        git_note = ""
        distance: Distance | None = None
        try:
            control = self.control()
        except SopvaultError:
            git_note = NO_GIT
        else:
            try:
                distance = Sync(control).distance()
            except SopvaultError:
                distance = None  # no server configured: nothing to say
        self.post_message(msg.VaultLoaded(msg.Loaded(state, distance, git_note, read_only)))

    def on_vault_loaded(self, event: msg.VaultLoaded) -> None:
        """Show the tree, the problems and the status; reopen a document after a reload."""
        self.loaded = event.loaded
        tree = self.query_one(DocTree)
        tree.show_state(event.loaded.state)
        self.query_one(ProblemsPanel).show_findings(event.loaded.state.findings)
        self.refresh_status()
        tree.focus()
        if self._reopen is not None:
            tree.select_document(self._reopen)
            self.open_document(self._reopen)
            self._reopen = None

    def on_work_failed(self, event: msg.WorkFailed) -> None:
        """Say in the status line what failed; the app shows the notice as for any worker."""
        if event.group == "load":
            self.query_one(StatusBar).say(
                f"Could not load the vault: {event.error}", style="bold red"
            )
        elif event.group in ("sync", "asof"):  # the status line said what was under way
            self.refresh_status()

    def refresh_status(self) -> None:
        """Show the counts, notes and filter of what is loaded."""
        if self.loaded is not None:
            criteria = self.query_one(DocTree).active_filter
            self.query_one(StatusBar).show_loaded(self.loaded, criteria)

    def reload(self, reopen: str | None = None) -> None:
        """Read the vault again from disk and show ``reopen`` (a document id) after."""
        self._reopen = reopen
        self.query_one(StatusBar).say("Reloading…")
        self.load_vault(fresh=True)

    # ---- reading -----------------------------------------------------------------------

    @on(Tree.NodeSelected, "#tree")
    def open_selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        """Enter on a document opens it; on a ``↔`` link it jumps to that process."""
        data = event.node.data
        if data is None or data.doc_id is None:
            return
        if data.role == "link":
            self.query_one(DocTree).select_document(data.doc_id)
        self.open_document(data.doc_id)

    @on(Tree.NodeHighlighted, "#tree")
    def preview_highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        """Moving the cursor shows the document under it."""
        data = event.node.data
        if data is not None and data.role == "doc" and data.doc_id is not None:
            self.open_document(data.doc_id)

    def open_document(self, doc_id: str) -> None:
        """Read and show one document, when it is in the loaded vault."""
        if self.loaded is not None and doc_id in self.loaded.state.documents:
            self.read_document(doc_id)

    @background("open", "Cannot open")
    def read_document(self, doc_id: str) -> None:
        """Read the full document off the UI thread; a newer selection makes this one moot."""
        if self.delivered_past(doc_id):  # a past date: its text and approval, not today's
            return
        doc = self.vault.get(doc_id)
        deliver(self, msg.DocumentRead(doc, self.vault.findings_for(doc.path)))
        try:  # git work, after the text is on screen
            standing = self.control().history.standing(doc_id)
        except NeedsGit:
            return  # outside git there is no approved text to compare with
        deliver(self, msg.StandingRead(doc_id, standing))
        self.read_acknowledgement(doc_id)

    def on_document_read(self, event: msg.DocumentRead) -> None:
        """Show the document read in the reading pane."""
        names = {handle: person.name for handle, person in self.vault.config.people.items()}
        self.query_one(DocView).show_document(event.doc, event.findings, names)

    def on_standing_read(self, event: msg.StandingRead) -> None:
        """Say whether the shown document's working copy is the approved text."""
        self.query_one(DocView).show_standing(event.doc_id, event.standing, self.vault.zone)

    def reveal(self, doc_id: str) -> None:
        """Show a document chosen elsewhere (search, the dashboard), now or once loaded."""
        if self.loaded is None:
            self._reopen = doc_id
            return
        if doc_id not in self.loaded.state.documents:  # a past date, or gone since
            when = f" as of {self.as_of.moment.asked} (@ picks another date)" if self.as_of else ""
            notice(self, f"{doc_id} is not in the vault{when}", severity="warning")
            return
        self.query_one(TreePane).clear_text()
        tree = self.query_one(DocTree)
        if tree.active_filter != DocumentFilter():
            tree.show_state(self.loaded.state, DocumentFilter())  # the filter may hide it
            self.refresh_status()
        tree.select_document(doc_id)
        self.open_document(doc_id)
        tree.focus()

    @on(ProblemsPanel.OpenFinding)
    def open_finding(self, event: ProblemsPanel.OpenFinding) -> None:
        """Enter on a problem opens its document, when the file could be loaded at all."""
        if self.loaded is None:
            return
        for doc in self.loaded.state.documents.values():
            if doc.path == event.path:
                self.query_one(DocTree).select_document(doc.id)
                self.open_document(doc.id)
                return
        notice(
            self,
            f"{event.path} could not be loaded; fix it and press r",
            severity="warning",
        )

    def action_toggle_problems(self) -> None:
        """Show or hide the problems panel."""
        panel = self.query_one(ProblemsPanel)
        panel.display = not panel.display
        if panel.display:
            panel.focus()

    def action_reload(self) -> None:
        """Reload the vault from disk (unchanged files come from the cache)."""
        self.reload(self._reopen)

    def action_filter(self) -> None:
        """Filter the tree by kind and status."""
        tree = self.query_one(DocTree)

        def apply(criteria: DocumentFilter | None) -> None:
            if criteria is not None and self.loaded is not None:
                tree.show_state(self.loaded.state, criteria)
                self.refresh_status()

        self.app.push_screen(FilterScreen(tree.active_filter), apply)

    def action_filter_text(self) -> None:
        """Narrow the tree by what is typed (id, title, owner, tag), as it is typed."""
        self.query_one(TreePane).start_filter()

    # ---- asking the app for other screens ----------------------------------------------

    def current_document(self) -> Document | None:
        """The document in the reading pane: what h, e, c and k act on."""
        doc = self.query_one(DocView).document
        if doc is None:
            notice(self, "Select a document in the tree first.", severity="warning")
        return doc

    def _shown_id(self) -> str | None:
        doc = self.query_one(DocView).document
        return doc.id if doc is not None else None

    def action_history(self) -> None:
        """The document's approved revisions and their diffs."""
        doc = self.current_document()
        if doc is not None:
            self.post_message(msg.OpenHistory(doc.id, doc.title))

    def action_flow(self) -> None:
        """The document drawn as a flow (procedures and work instructions with steps)."""
        doc = self.current_document()
        if doc is None:
            return
        try:
            drawn = build_flow(doc)
        except NotAFlow as refused:
            notice(self, str(refused), severity="warning")
            return
        self.app.push_screen(FlowScreen(drawn))

    def action_edit(self) -> None:
        """Edit the document in $VISUAL / $EDITOR, then reload it."""
        doc = self.current_document()
        if doc is not None and not self.refused_in_past(f"edit {doc.id}"):
            self.post_message(msg.EditDocument(doc))

    def action_reviews(self) -> None:
        """The reviews inbox."""
        self.post_message(msg.OpenReviews(self._shown_id()))

    def action_open_runs(self) -> None:
        """The open runs, to resume one."""
        if not self.refused_in_past("resume a run"):
            self.post_message(msg.OpenRuns())

    def action_propose(self) -> None:
        """Propose the local edits for review (the shown document ticked first)."""
        if not self.refused_in_past("propose") and not busy(self, "edits"):
            self.find_edits(self._shown_id())  # once: c again would open a second dialog

    @background("edits", "Cannot propose")
    def find_edits(self, selected: str | None) -> None:
        """Which documents differ from main (git work, so in a worker)."""
        edits = self.control().proposals.local_edits()
        self.post_message(msg.OfferProposal(edits, selected))

    def action_sync(self) -> None:
        """Sync with the team's git server and show what came in."""
        if not self.refused_in_past("sync"):
            self.query_one(StatusBar).say("Syncing with the server…")
            self.run_sync()

    @background("sync", "Sync failed")
    def run_sync(self) -> None:
        """Fetch, merge and push (network and git), then report."""
        self.post_message(msg.Synced(Sync(self.control()).sync()))

    def on_synced(self, event: msg.Synced) -> None:
        """Show the report, and reload what came in."""
        report = event.report
        body = Text(inert_lines(report.lines()))
        self.post_message(msg.ShowText(f"Synced with {report.remote} ({report.url})", body))
        self.reload(self._shown_id())
