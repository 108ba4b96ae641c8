"""SopVaultApp: global bindings, the one error handler, and navigation: screens post
messages (open the history, a run is ready, ...) and the app pushes the screen."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Literal

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from sopvault.core.trailers import versions_label
from sopvault.errors import SopvaultError
from sopvault.model.control import Proposal
from sopvault.model.document import Document
from sopvault.render.safetext import inert_line
from sopvault.services.editor import editor_command, run_editor
from sopvault.services.workspace import Workspace
from sopvault.tui import messages as msg
from sopvault.tui.notices import notice

# Each screen is imported when first shown: the first screen then comes up without
# importing the reader, the runner, the history, search and their libraries (Markdown,
# diffs), a third of the start-up at 50,000 documents (issue 17).
if TYPE_CHECKING:
    from textual.screen import Screen

    from sopvault.services.due import Due
    from sopvault.services.dueahead import ReportAhead
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.runs import Runs
    from sopvault.tui.screens.browse import BrowseScreen

# The screen the app opens on: `sopvault tui` opens the dashboard of what is due.
FirstScreen = Literal["browse", "dashboard"]


class SopVaultApp(App[None]):
    """The app takes an opened Workspace (vault, repository, identity, clock), so tests
    build it from a temp vault with a fixed clock and no patching; ``first`` is the screen
    it opens on (the tree by default; `sopvault tui` asks for the dashboard)."""

    CSS_PATH = "app.tcss"
    TITLE = "sopvault"
    # Search, Help and Quit follow each screen's few keys in every footer; the footer has no
    # ^p palette item (tui.keys.footer), so 80 columns never hide them.
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        workspace: Workspace,
        first: FirstScreen = "browse",
        ahead: ReportAhead | None = None,
    ) -> None:
        super().__init__()
        self.first = first
        self.ahead = ahead  # the first report of what is due, read ahead (services.dueahead)
        self.workspace = workspace
        self.vault = vault = workspace.vault
        self.sub_title = inert_line(vault.config.name or str(vault.root))
        self._control: DocumentControl | None = None
        self._no_git: SopvaultError | None = None  # why there is no DocumentControl, once known
        self._runs: Runs | None = None
        self._due: Due | None = None

    def control(self) -> DocumentControl:
        """The document-control service, made once (the browse screen's load worker makes
        it first, off the UI thread). A vault outside git browses fine: this raises the
        ``SopvaultError`` that explains that history, reviews and sync need git."""
        if self._no_git is not None:
            raise self._no_git
        if self._control is None:
            from sopvault.services.review.control import DocumentControl

            try:
                self._control = DocumentControl(self.workspace)
            except SopvaultError as err:
                self._no_git = err
                raise
        return self._control

    def runs(self) -> Runs:
        """The checklist-run service (works without git: runs are then not committed)."""
        if self._runs is None:
            from sopvault.services.runs import Runs

            self._runs = Runs(self.workspace)
        return self._runs

    def due(self) -> Due:
        """The what-is-due service over the app's own services (made in a worker: it
        looks for the repository on disk; without git it lists reviews and runs)."""
        if self._due is None:
            from sopvault.services.due import Due

            try:
                control: DocumentControl | None = self.control()
            except SopvaultError:
                control = None
            self._due = Due(self.workspace, control, self.runs())
        return self._due

    def on_mount(self) -> None:
        """Open the first screen (each reads in a worker): the dashboard or the tree. Both
        are installed (each made when first shown), so going from one to the other keeps
        each one's place."""
        self.install_screen(self._make_browser, "browse")  # type: ignore[arg-type]
        self.install_screen(self._make_dashboard, "dashboard")  # type: ignore[arg-type]
        self.push_screen(self.first)

    def _make_browser(self) -> Screen[None]:
        from sopvault.tui.screens.browse import BrowseScreen

        return BrowseScreen(self.vault, self.control, self.runs)

    def _make_dashboard(self) -> Screen[None]:
        from sopvault.tui.screens.dashboard import DashboardScreen

        ahead = self.ahead.take if self.ahead is not None else None
        return DashboardScreen(self.due, self.runs, ahead)

    def _showing(self, module: str, name: str) -> bool:
        """Whether the screen shown is ``module``'s class ``name``; never imports it (a
        class not imported yet has no instance on screen)."""
        loaded = sys.modules.get(f"sopvault.tui.{module}")
        return loaded is not None and isinstance(self.screen, getattr(loaded, name))

    # ---- the one error path ------------------------------------------------------------

    def on_work_failed(self, event: msg.WorkFailed) -> None:
        """Every expected failure, from any worker, as one error notice (never a traceback)."""
        notice(self, str(event.error), title=event.title, severity="error")

    def _fail(self, err: SopvaultError | OSError, title: str) -> None:
        self.post_message(msg.WorkFailed(err, "app", title))

    # ---- global keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While an input has the focus, / is a letter to type: the footer shows the
        screen's Ctrl+F instead (the search screen's own query keeps / shown)."""
        if action == "search" and not self._showing("screens.search", "SearchScreen"):
            return not isinstance(self.focused, Input)
        return True

    def action_search(self) -> None:
        """Open search from anywhere; the chosen document opens in the browser."""
        from sopvault.tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.query_one("#search-input").focus()
            return

        def reveal(doc_id: str | None) -> None:
            browser = self._browser()
            if doc_id is not None and browser is not None:
                browser.reveal(doc_id)

        browser = self._browser()
        past = browser.as_of if browser is not None else None  # a past date: its texts
        self.push_screen(SearchScreen(past or self.vault), reveal)

    def action_search_typing(self) -> None:
        """Search from Ctrl+F while typing (the / key is then hidden, so not checked)."""
        self.action_search()

    def action_help(self) -> None:
        """Show the keys and the tree's marks."""
        from sopvault.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # ---- navigation --------------------------------------------------------------------

    def _browser(self) -> BrowseScreen | None:
        loaded = sys.modules.get("sopvault.tui.screens.browse")
        if loaded is None:  # never shown, so on no stack
            return None
        kind = loaded.BrowseScreen
        return next((s for s in self.screen_stack if isinstance(s, kind)), None)

    def _reload(self, reopen: str | None) -> None:
        browser = self._browser()
        if browser is not None:
            browser.reload(reopen)

    def _git(self) -> DocumentControl | None:
        try:
            return self.control()
        except SopvaultError as err:
            self._fail(err, "Needs git")
            return None

    def _show(self, name: FirstScreen) -> None:
        """Bring the tree or the dashboard to the top: back to it when it is under the
        screen shown, else pushed over it (``t`` and ``d`` go back and forth)."""
        target = self.get_screen(name)
        if target in self.screen_stack:
            while self.screen is not target:
                self.pop_screen()
        else:
            self.push_screen(name)

    def action_tree(self) -> None:
        """The tree of documents (`t` on the dashboard)."""
        self._show("browse")

    def action_dashboard(self) -> None:
        """The dashboard of what is due (`d` in the tree)."""
        self._show("dashboard")

    def action_my_work(self) -> None:
        """The steps assigned to me across open runs (`m` in the tree and the dashboard)."""
        from sopvault.tui.screens.mywork import MyWorkScreen

        if not isinstance(self.screen, MyWorkScreen):
            self.push_screen(MyWorkScreen(self.runs))

    @on(msg.OpenDocument)
    def open_document(self, event: msg.OpenDocument) -> None:
        """One document in the tree and the reader (Enter on a dashboard row)."""
        self._show("browse")
        browser = self._browser()
        if browser is not None:
            browser.reveal(event.doc_id)

    @on(msg.OpenHistory)
    def open_history(self, event: msg.OpenHistory) -> None:
        """Push the history screen of one document (needs git)."""
        control = self._git()
        if control is not None:
            from sopvault.tui.screens.history import HistoryScreen

            self.push_screen(HistoryScreen(control, event.doc_id, event.title))

    @on(msg.OpenReviews)
    def open_reviews(self, event: msg.OpenReviews) -> None:
        """Push the reviews inbox; reload the browser when a decision was made."""
        control = self._git()
        if control is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self._reload(event.reopen)

        from sopvault.tui.screens.reviews import ReviewsScreen

        self.push_screen(ReviewsScreen(control, self.vault.today, event.select), closed)

    @on(msg.OfferProposal)
    def offer_proposal(self, event: msg.OfferProposal) -> None:
        """The propose dialog over the local edits; the browser reloads after a proposal."""
        control = self._git()
        if control is None:
            return
        if not event.edits:
            notice(
                self,
                f"No document differs from {control.ws.main}: press e to edit one first.",
                severity="warning",
            )
            return

        def proposed(prop: Proposal | None) -> None:
            if prop is not None:
                notice(
                    self,
                    f"Proposal {prop.number}: {versions_label(prop.documents)}"
                    " waits for review (i opens the inbox).",
                )
                self._reload(event.selected)

        from sopvault.tui.dialogs.propose import ProposeScreen

        self.push_screen(ProposeScreen(control, event.edits, event.selected), proposed)

    @on(msg.OpenRuns)
    def open_runs(self) -> None:
        """Push the open runs, to resume one."""
        from sopvault.tui.screens.runs import RunsScreen

        self.push_screen(RunsScreen(self.runs()))

    @on(msg.RunReady)
    def open_run(self, event: msg.RunReady) -> None:
        """Push the runner; the runs list (when it asked) reads the runs again after."""
        from sopvault.tui.screens.run import RunScreen

        def left(_: None) -> None:
            from sopvault.tui.screens.runs import RunsScreen

            if isinstance(self.screen, RunsScreen):
                self.screen.load()

        self.push_screen(RunScreen.for_run(event.runs, event.started, event.doc), left)

    @on(msg.ShowText)
    def show_text(self, event: msg.ShowText) -> None:
        """A modal with something to read."""
        from sopvault.tui.dialogs.text import TextScreen

        self.push_screen(TextScreen(event.title, event.body))

    @on(msg.EditDocument)
    def edit_document(self, event: msg.EditDocument) -> None:
        """Hand the terminal to $EDITOR, then reload: the edit is the user's own file."""
        try:
            self.vault.must_be_writable(f"edit {event.doc.id}")
        except SopvaultError as err:
            notice(self, str(err), severity="warning")
            return
        status = self._edit(event.doc)
        if status is None:
            return
        if status != 0:
            notice(self, f"the editor exited with status {status}", severity="warning")
        self._reload(event.doc.id)
        notice(self, f"{event.doc.id} reloaded; c proposes your edits for review")

    def _edit(self, doc: Document) -> int | None:
        """The editor's exit status, or None when it could not start (a notice says why).
        It runs on the UI thread on purpose: the terminal is the editor's until it exits."""
        try:
            command = editor_command(os.environ, self.vault.path_of(doc))
            if self.is_headless:  # no terminal to hand over (tests, scripts)
                return run_editor(command)
            with self.suspend():
                return run_editor(command)
        except (SopvaultError, OSError) as err:
            self._fail(err, "Cannot edit")
            return None
