"""Shared option decorators (as in sqlite-utils): ``--vault`` on every command, ``--json``,
``--as``, ``--assign``, ``-m``; and the one place a command opens its vault."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sopvault.errors import SopvaultError

if TYPE_CHECKING:  # the services load only when a command runs
    from sopvault.services.asof import AsOf
    from sopvault.services.vault import Vault

F = TypeVar("F", bound=Callable[..., Any])
VAULT_ENV = "SOPVAULT_VAULT"
_VAULT_KEY = "sopvault.vault"


def _remember_vault(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Keep a typed ``--vault`` on the root context, wherever it was typed (before or after
    the command name; the later one wins). ``$SOPVAULT_VAULT`` is read by ``vault_path``
    only when nothing was typed: Click's own ``envvar`` and parameter sources changed
    between releases, so the rule is kept here."""
    if value is not None:
        ctx.find_root().meta[_VAULT_KEY] = value


def vault_option(command: F) -> F:
    """``--vault PATH`` (or ``$SOPVAULT_VAULT``), accepted before or after any command name."""
    option = click.option(
        "--vault",
        type=click.Path(path_type=Path),
        metavar="PATH",
        expose_value=False,
        callback=_remember_vault,
        help=f"the vault folder (default: ${VAULT_ENV}, else found by walking up from here)",
    )
    return option(command)


def vault_path(ctx: click.Context | None = None) -> Path | None:
    """The folder given with ``--vault`` or ``$SOPVAULT_VAULT``; None to search from here."""
    ctx = ctx or click.get_current_context()
    found = ctx.find_root().meta.get(_VAULT_KEY)
    if isinstance(found, Path):
        return found
    named = os.environ.get(VAULT_ENV)
    return Path(named) if named else None


def open_vault(ctx: click.Context | None = None) -> Vault:
    """Open the vault this command works on; raises VaultNotFound or ConfigError."""
    from sopvault.services.vault import Vault

    return Vault.open(vault_path(ctx))


def as_of_option(command: F) -> F:
    """``--as-of DATE``: the vault as approved on main at the end of DATE (the user's
    local time zone) or at an ISO timestamp; read only."""
    option = click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help="the vault as approved on that date (YYYY-MM-DD, local time; or an ISO"
        " timestamp), read from git; read only",
    )
    return option(command)


def open_as_of(vault: Vault, asked: str, *, whole: bool = True) -> AsOf:
    """The vault as of ``asked``, its banner said on stderr first (one line: the date,
    main's commit then, read only); ``whole=False`` for a listing (``AsOf.state``).
    Raises AsOfError, NotInHistory or NeedsGit."""
    from sopvault.cli.output import say
    from sopvault.services.asof import AsOf
    from sopvault.services.workspace import Workspace

    found = AsOf.open(Workspace.of(vault), asked, whole=whole)
    say(found.banner(), err=True)
    return found


def json_option(help_text: str = "print JSON for scripts") -> Callable[[F], F]:
    """``--json``: machine-readable output instead of the plain lines."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def who_option(command: F) -> F:
    """``--as 'NAME <EMAIL>'``: record someone else as acting (default: your git identity)."""
    option = click.option("--as", "who", metavar="'NAME <EMAIL>'", help="who is acting")
    return option(command)


def assign_option(command: F) -> F:
    """``--assign ROLE=PERSON``, repeatable; the command receives a dict role -> person."""
    option = click.option(
        "--assign",
        "roles",
        multiple=True,
        metavar="ROLE=PERSON",
        callback=_roles,
        help="who takes a role in this run (repeat for several)",
    )
    return option(command)


def _roles(ctx: click.Context, param: click.Parameter, pairs: tuple[str, ...]) -> dict[str, str]:
    """ROLE=PERSON pairs as a dict; raises SopvaultError (exit 1, as before) on a bad pair
    or a role given two people."""
    roles: dict[str, str] = {}
    for pair in pairs:
        role, sep, person = pair.partition("=")
        if not sep or not role.strip() or not person.strip():
            if ctx.resilient_parsing:
                continue
            raise SopvaultError(f"--assign wants ROLE=PERSON, not {pair!r}")
        if role.strip() in roles and roles[role.strip()] != person.strip():
            if ctx.resilient_parsing:
                continue
            raise SopvaultError(  # the first would be dropped without a word (issue 15)
                f"--assign names {role.strip()!r} twice ({roles[role.strip()]!r} and"
                f" {person.strip()!r}): one person per role; `runs assign` changes it later"
            )
        roles[role.strip()] = person.strip()
    return roles


def message_option(help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """``-m/--message``: the text kept in git with a proposal, approval or rejection."""
    if required:  # no default at all: Click 8.3+ counts an explicit None as a given value
        return click.option("-m", "--message", required=True, help=help_text)
    return click.option("-m", "--message", default="", help=help_text)


def major_option(help_text: str) -> Callable[[F], F]:
    """``--major``: count a change as major (2.0 after 1.4)."""
    return click.option("--major", is_flag=True, help=help_text)


class ListingGroup(click.Group):
    """A group that lists when no sub-command is named: ``runs``, ``runs SOP-010 --open``
    and ``reviews --state approved`` run the ``list`` sub-command with those arguments.

    The group's own options (``--vault``, ``--help``) are read first; the first word after
    them that is not a sub-command starts the listing's arguments."""

    default_command = "list"

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Sub-commands in the order they were defined (list first), not sorted."""
        return list(self.commands)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Insert ``list`` where the listing's arguments begin, then parse as usual."""
        index = self._own_options_end(ctx, args)
        rest = args[index:]
        named = bool(rest) and rest[0] in self.commands
        asks_help = bool(rest) and rest[0] in ctx.help_option_names
        if not named and not asks_help and (rest or not ctx.resilient_parsing):
            args = [*args[:index], self.default_command, *rest]
        return super().parse_args(ctx, args)

    def _own_options_end(self, ctx: click.Context, args: list[str]) -> int:
        """The index of the first word that is not one of this group's own options."""
        takes_value = {
            name: not (isinstance(p, click.Option) and p.is_flag)
            for p in self.get_params(ctx)
            for name in p.opts
            if name not in ctx.help_option_names
        }
        index = 0
        while index < len(args):
            word = args[index]
            name = word.split("=", 1)[0]
            if name not in takes_value:
                break
            index += 2 if takes_value[name] and "=" not in word else 1
        return index
