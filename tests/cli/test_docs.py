"""Every CLI command and option, and every TUI key binding, is documented in docs/."""

from __future__ import annotations

import argparse
from pathlib import Path

from textual.binding import Binding

from sopvault.cli.main import build_parser
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.filter import FilterScreen
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.help import KEYS, HelpScreen
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.screens.runs import RunsScreen
from sopvault.tui.screens.search import SearchScreen
from sopvault.tui.widgets.doc_tree import DocTree

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, sub in _subcommands().items():
        assert f"## sopvault {name}" in text, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in text, f"{name} {flag}"


def _keys(bindings: list[object]) -> set[str]:
    keys = set()
    for binding in bindings:
        key = binding.key if isinstance(binding, Binding) else binding[0]  # type: ignore[index]
        keys.update(k.strip() for k in str(key).split(","))
    return keys


def test_every_binding_is_in_the_tui_doc_and_help() -> None:
    doc = (DOCS / "tui.md").read_text(encoding="utf-8")
    owners = (SopVaultApp, BrowseScreen, DocTree, FilterScreen, HelpScreen, HistoryScreen)
    owners += (ReviewsScreen, ProposeScreen, CommentScreen, RunScreen, RunsScreen, TextScreen)
    owners += (SearchScreen,)
    for owner in owners:
        for key in _keys(list(owner.BINDINGS)):
            assert f"`{key}`" in doc or f"(`{key}`)" in doc, f"{owner.__name__}: {key}"
    in_help = {key for key, _ in KEYS}
    for key in _keys(list(BrowseScreen.BINDINGS)):
        assert key in in_help, key


def test_docs_link_only_to_existing_files() -> None:
    import re

    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} -> {target}"
