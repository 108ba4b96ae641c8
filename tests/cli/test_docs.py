"""Every CLI command and option, and every TUI key binding, is documented in docs/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from textual.binding import Binding

from sopvault.cli.app import COMMANDS, cli
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.acknowledge import AcknowledgeScreen
from sopvault.tui.dialogs.asof import AsOfScreen
from sopvault.tui.dialogs.assign import AssignScreen
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.filter import FilterScreen
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.screens.acknowledging import AcknowledgingScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.dashboard import DashboardScreen
from sopvault.tui.screens.flow import FlowScreen
from sopvault.tui.screens.help import KEYS, HelpScreen
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.mywork import MyWorkScreen
from sopvault.tui.screens.past import PastDates
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.screens.runs import RunsScreen
from sopvault.tui.screens.search import SearchScreen
from sopvault.tui.widgets.doc_tree import DocTree

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _walk(group: click.Group, path: str) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``group`` as ("sopvault runs mark", command), groups included."""
    ctx = click.Context(group, info_name=path)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _walk(command, f"{path} {name}")


def test_every_command_and_option_is_in_the_cli_reference_with_help() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = dict(_walk(cli, "sopvault"))
    assert "sopvault runs abort" in commands and "sopvault reviews show" in commands
    for path, command in commands.items():
        top = path.split()[1]
        assert f"## sopvault {top}" in text, path
        assert f"`{path}" in text or f"{path} " in text, path
        assert command.help and command.help.strip(), f"{path} has no help"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{path} {param.opts} has no help"
                for flag in param.opts:
                    assert flag in text, f"{path} {flag}"


def test_the_root_help_lists_each_command_as_its_own_help_says() -> None:
    """`sopvault --help` reads COMMANDS without importing the commands; keep them in step."""
    ctx = click.Context(cli, info_name="sopvault")
    for name, (_, _, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, name
        assert short[0].islower() and not short.endswith("."), name


def _keys(bindings: list[object]) -> set[str]:
    keys = set()
    for binding in bindings:
        key = binding.key if isinstance(binding, Binding) else binding[0]  # type: ignore[index]
        keys.update(k.strip() for k in str(key).split(","))
    return keys


# A key Textual names by a word, shown as its character (``at`` is ``@``): the doc and the
# help show the character.
SHOWN_AS = {"at": "@"}


def test_every_binding_is_in_the_tui_doc_and_help() -> None:
    doc = (DOCS / "tui.md").read_text(encoding="utf-8")
    owners = (SopVaultApp, BrowseScreen, DocTree, FilterScreen, HelpScreen, HistoryScreen)
    owners += (ReviewsScreen, ProposeScreen, CommentScreen, RunScreen, RunsScreen, TextScreen)
    owners += (SearchScreen, AsOfScreen, PastDates, AcknowledgingScreen, AcknowledgeScreen)
    owners += (DashboardScreen,)
    owners += (MyWorkScreen, AssignScreen)  # issue 15 (assignment)
    owners += (FlowScreen,)  # issue 16 (flow pictures)
    for owner in owners:
        for key in _keys(list(owner.BINDINGS)):
            key = SHOWN_AS.get(key, key)
            assert f"`{key}`" in doc or f"(`{key}`)" in doc, f"{owner.__name__}: {key}"
    in_help = {key for key, _ in KEYS}
    for key in _keys([*BrowseScreen.BINDINGS, *PastDates.BINDINGS]):
        assert SHOWN_AS.get(key, key) in in_help, key


def test_docs_link_only_to_existing_files() -> None:
    import re

    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} -> {target}"
