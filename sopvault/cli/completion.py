"""Shell completion: ``sopvault completion bash|zsh|fish`` prints the script (Click's
``shell_completion``; ``_SOPVAULT_COMPLETE=bash_source sopvault`` prints the same), and the
readers that offer document ids, run ids and proposal numbers from the vault.

The readers load no Textual: document ids come from the vault's load cache, run ids from
the runs cache, proposal numbers from git refs. A vault that cannot be read offers nothing:
completion must never print an error into the shell's command line.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from click.shell_completion import get_completion_class

from sopvault.cli.options import open_vault, vault_option
from sopvault.errors import SopvaultError

SHELLS = ("bash", "zsh", "fish")
PROG, COMPLETE_VAR = "sopvault", "_SOPVAULT_COMPLETE"


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@vault_option
def completion(shell: str) -> int:
    """Print the completion script for SHELL (bash, zsh or fish); see docs/cli.md."""
    root = click.get_current_context().find_root().command
    script_class = get_completion_class(shell)
    assert script_class is not None, shell
    click.echo(script_class(root, {}, PROG, COMPLETE_VAR).source())
    return 0


def _quietly(read: Callable[[click.Context], list[str]], ctx: click.Context) -> list[str]:
    """``read(ctx)``, or nothing when the vault cannot be opened or read."""
    try:
        return read(ctx)
    except SopvaultError:
        return []


def document_ids(ctx: click.Context) -> list[str]:
    """Every document id in the vault's working tree, sorted; [] if there is no vault."""
    return _quietly(lambda c: sorted(open_vault(c).state.documents), ctx)


def run_ids(ctx: click.Context) -> list[str]:
    """Every run id in the vault, newest first; [] if there is no vault."""

    def read(c: click.Context) -> list[str]:
        from sopvault.services.runs import Runs
        from sopvault.services.workspace import Workspace

        return [one.id for one in Runs(Workspace.of(open_vault(c))).listing().runs]

    return _quietly(read, ctx)


def proposal_numbers(ctx: click.Context) -> list[str]:
    """The numbers of the open proposals; [] outside git or without a vault."""

    def read(c: click.Context) -> list[str]:
        from sopvault.services.review.control import DocumentControl
        from sopvault.services.workspace import Workspace

        return [
            str(prop.number)
            for prop in DocumentControl(Workspace.of(open_vault(c))).proposals.listing()
        ]

    return _quietly(read, ctx)
