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
) -> int:
    """Write the vault as approved on main (or --as-of DATE) to folder OUT: OUT/index.html
    and OUT/docs/<ID>.html. Again into the same folder, only what changed is written and
    pages of documents no longer exported are removed. A document on main that cannot be
    read (it does not parse, or shares its id) is named on stderr with the reason, its
    last exported page is kept, the rest is exported, and the exit status is 1."""
    from sopvault.cli.output import say
    from sopvault.render.site.pages import outputs
    from sopvault.services.publish import gather, source_line, source_of
    from sopvault.services.publishplan import write_export
    from sopvault.services.workspace import Workspace

    ws = Workspace.open(vault_path())
    source = source_of(ws, as_of)
    site = gather(source, drafts=include_drafts, retired=include_retired)
    report = write_export(out, outputs(site), force=force, keep=site.unreadable)
    say(f"Exported {len(site.pages)} documents from {source_line(source)} to {out}")
    say(f"{report.summary()}; open {out / 'index.html'}")
    if not site.problems:
        return 0
    for problem in site.problems:
        say(problem, err=True)
    kept = f"; kept from the last export: {', '.join(report.kept)}" if report.kept else ""
    say(f"{len(site.unreadable)} document file(s) on main not published{kept}", err=True)
    return 1
