"""The keys every screen shares in its footer: Search, Help and Quit stay readable at 80
columns, and stay at hand while an input has the focus (``/``, ``?`` and ``q`` are then
letters to type, so F1, Ctrl+Q and Ctrl+F stand in)."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input

ResultType = TypeVar("ResultType")

# Where a change is shown (history, reviews inbox): the change in words or git's diff.
RAW_DIFF = Binding("d", "toggle_raw", "Raw diff")

# The actions of the stand-in keys, shown (and working) only while an input has the focus.
TYPING_ACTIONS = ("typing_search", "typing_help", "typing_quit")


def footer() -> Footer:
    """The footer of every screen, without Textual's ``^p palette`` item: it took the room
    of Quit at 80 columns. Ctrl+P still opens the palette; the help lists it."""
    return Footer(show_command_palette=False)


class TypingKeysScreen(Screen[ResultType]):
    """A screen with an input: while it has the focus the footer shows F1 Help, Ctrl+Q
    Quit and (unless the screen is the search) Ctrl+F Search, which work there."""

    TYPING_SEARCH = True  # False on the search screen: its input is the search

    BINDINGS = [
        Binding("ctrl+f", "typing_search", "Search"),
        Binding("f1", "typing_help", "Help"),
        Binding("ctrl+q", "typing_quit", "Quit", priority=True),
    ]

    def typing(self) -> bool:
        """True while an input on this screen has the focus."""
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The stand-ins show (and work) only while typing; elsewhere the app's ``/``,
        ``?`` and ``q`` do the same."""
        if action == "typing_search" and not self.TYPING_SEARCH:
            return False
        if action in TYPING_ACTIONS:
            return self.typing()
        return True

    async def action_typing_search(self) -> None:
        """Search, from an input."""
        await self.app.run_action("app.search_typing")

    async def action_typing_help(self) -> None:
        """The help, from an input."""
        await self.app.run_action("app.help")

    async def action_typing_quit(self) -> None:
        """Quit, from an input."""
        await self.app.action_quit()


class DialogScreen(ModalScreen[ResultType], TypingKeysScreen[ResultType]):
    """A dialog over a screen. The app's keys do not reach past a modal screen, so ``/``,
    ``?`` and ``q`` are bound here too (while no input has the focus), and the dialog
    yields a footer of its own (``footer()``) with the keys that work in it."""

    # True where q closes the dialog (help, text): Ctrl+Q is then shown for Quit.
    CTRL_Q_SHOWN = False

    BINDINGS = [
        Binding("slash", "dialog_search", "Search", key_display="/"),
        Binding("question_mark", "dialog_help", "Help", key_display="?"),
        Binding("q", "dialog_quit", "Quit"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The letters while no input has the focus, the stand-ins while one has."""
        if action in ("dialog_search", "dialog_help", "dialog_quit"):
            return not self.typing()
        if action == "typing_quit" and self.CTRL_Q_SHOWN:
            return True
        return super().check_action(action, parameters)

    async def action_dialog_search(self) -> None:
        """Search, from a dialog (the dialog stays open under it)."""
        await self.action_typing_search()

    async def action_dialog_help(self) -> None:
        """The help, from a dialog."""
        await self.action_typing_help()

    async def action_dialog_quit(self) -> None:
        """Quit, from a dialog."""
        await self.action_typing_quit()


# Acknowledge the shown document's current revision, "read and understood" (issue 14):
# the reader's key, shared by every screen that shows what a person owes. Not in the
# footer (the reader's prompt names it, and so does the help).
ACKNOWLEDGE = Binding("a", "acknowledge", "Acknowledge", show=False)
