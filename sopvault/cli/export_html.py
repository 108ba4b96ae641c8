"""``sopvault export html OUT``: the approved vault as a static site (issue 16) that opens
from ``file://`` with no server: a tree, every document with its steps and sign-offs, a
search box, a print stylesheet, incremental on a second run (docs/publishing.md)."""

from __future__ import annotations

from pathlib import Path

import click

from sopvault.cli.options import as_of_option, vault_option, vault_path


@click.command("html")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@as_of_option
@vault_option
@click.option(
    "--include-drafts", is_flag=True, help="also drafts and documents in review, marked DRAFT"
)
@click.option("--include-retired", is_flag=True, help="also retired documents, marked RETIRED")
@click.option(
    "--force",
    is_flag=True,
    help="write into a non-empty folder that holds no earlier export (nothing there is deleted)",
)
def html(
    out: Path, as_of: str | None, include_drafts: bool, include_retired: bool, force: bool
) -> None:
    """Write the vault as approved on main (or --as-of DATE) to folder OUT: OUT/index.html
    and OUT/docs/<ID>.html. Again into the same folder, only what changed is written and
    pages of documents no longer exported are removed."""
    from sopvault.cli.output import say
    from sopvault.render.site.pages import outputs
    from sopvault.services.publish import gather, source_line, source_of
    from sopvault.services.publishplan import write_export
    from sopvault.services.workspace import Workspace

    ws = Workspace.open(vault_path())
    source = source_of(ws, as_of)
    site = gather(source, drafts=include_drafts, retired=include_retired)
    report = write_export(out, outputs(site), force=force)
    say(f"Exported {len(site.pages)} documents from {source_line(source)} to {out}")
    say(f"{report.summary()}; open {out / 'index.html'}")
