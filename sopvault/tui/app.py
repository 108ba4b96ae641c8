"""SopVaultApp: global bindings and screens, built around one Vault service."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from sopvault.tui.browse_screen import BrowseScreen
from sopvault.tui.help_screen import HelpScreen
from sopvault.vault import Vault


class SopVaultApp(App[None]):
    """The app takes an opened Vault, so tests build it from a temp vault with no patching."""

    CSS_PATH = "app.tcss"
    TITLE = "sopvault"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.vault = vault
        self.sub_title = vault.config.name or str(vault.root)

    def on_mount(self) -> None:
        self.push_screen(BrowseScreen(self.vault))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
