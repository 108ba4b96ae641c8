"""SopVaultApp: global bindings and screens, built around one opened Workspace."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.help import HelpScreen
from sopvault.tui.screens.search import SearchScreen


class SopVaultApp(App[None]):
    """The app takes an opened Workspace, so tests build it from a temp vault with no patching."""

    CSS_PATH = "app.tcss"
    TITLE = "sopvault"
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace  # its clock is fixed in tests and screenshots
        self.vault = vault = workspace.vault
        self.sub_title = vault.config.name or str(vault.root)
        self._revisions: DocumentControl | None = None
        self._runs: Runs | None = None

    def revisions(self) -> DocumentControl:
        """The document-control service, made on first use: a vault outside git browses
        fine, and only the history and review keys explain that they need git."""
        if self._revisions is None:
            self._revisions = DocumentControl(self.workspace)
        return self._revisions

    def runs(self) -> Runs:
        """The checklist-run service (works without git: runs are then not committed)."""
        if self._runs is None:
            self._runs = Runs(self.workspace)
        return self._runs

    def on_mount(self) -> None:
        self.push_screen(BrowseScreen(self.vault, self.revisions, self.runs))

    def action_search(self) -> None:
        """Open search from anywhere; the chosen document opens in the browser."""
        if isinstance(self.screen, SearchScreen):
            self.screen.query_one("#search-input").focus()
            return

        def reveal(doc_id: str | None) -> None:
            browser = next((s for s in self.screen_stack if isinstance(s, BrowseScreen)), None)
            if doc_id is not None and browser is not None:
                browser.reveal(doc_id)

        self.push_screen(SearchScreen(self.vault), reveal)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
