"""``sopvault sync``: meet the team on the git server; one call into the sync service."""

from __future__ import annotations

import click

from sopvault.cli.options import open_vault, vault_option
from sopvault.cli.output import say

EXIT_OK = 0


@click.command()
@click.option("--remote", metavar="NAME", help="the git remote (default: main's, or origin)")
@vault_option
def sync(remote: str | None) -> int:
    """Fetch, bring main up to date, push; report what came in."""
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.sync import Sync
    from sopvault.services.workspace import Workspace

    vault = open_vault()
    vault.must_be_writable("sync")  # before looking for a remote: the first thing to know
    report = Sync(DocumentControl(Workspace.of(vault)), remote).sync()
    say(f"synced with {report.remote} ({report.url})")
    for line in report.lines():
        say(line)
    return EXIT_OK
