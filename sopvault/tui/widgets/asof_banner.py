"""The banner the browse screen shows while it shows the vault of a past date: which date,
main's commit then, read only, and how to come back to today."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from sopvault.render.safetext import inert_line
from sopvault.services.asof import AsOf

BACK = "  @ picks another date; an empty date (or Today) comes back to today."


@dataclass
class AsOfOpened(Message):
    """The vault of a past date was read (off the UI thread): show it."""

    asof: AsOf


@dataclass
class InForceRead(Message):
    """The auditor's answer for the shown document on the date shown was read."""

    doc_id: str
    lines: list[str]


class AsOfBanner(Static):
    """One line over the tree, hidden while today's vault is shown."""

    def show_past(self, asof: AsOf | None) -> None:
        """Show the banner of ``asof`` (text from git made inert), or hide it (None)."""
        self.display = asof is not None
        self.update(Text(inert_line(asof.banner()) + BACK) if asof is not None else "")
