"""``sopvault import PATH...``: pages from Obsidian, Hugo, MkDocs or a wiki export become
drafts in the vault (issue 16); the work is ``services.importing``, the words
``render.importing``. Exit 1 when any page was not imported (the others are)."""

from __future__ import annotations

from pathlib import Path

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, say
from sopvault.cli.params import KIND
from sopvault.errors import Invalid
from sopvault.model.document import Kind

EXIT_OK, EXIT_REFUSED = 0, 1


def _folders(ctx: click.Context, param: click.Parameter, pairs: tuple[str, ...]) -> dict[str, Kind]:
    """``--map FOLDER=KIND`` pairs as a folder name -> kind (a path keeps its last folder)."""
    mapping: dict[str, Kind] = {}
    for pair in pairs:
        folder, equals, word = pair.partition("=")
        name = folder.strip().rstrip("/").rsplit("/", 1)[-1]
        if not equals or not name:
            raise click.BadParameter(f"{pair!r}: write FOLDER=KIND (procedures=procedure)")
        try:
            mapping[name] = Kind.parse(word)
        except Invalid as err:
            raise click.BadParameter(str(err)) from None
    return mapping


@click.command("import")
@click.argument(
    "paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option("--kind", type=KIND, help="the kind of every page imported")
@click.option(
    "--map",
    "folders",
    metavar="FOLDER=KIND",
    multiple=True,
    callback=_folders,
    help="pages under a folder of this name are of this kind (repeatable)",
)
@click.option("--dry-run", is_flag=True, help="print what would be created; write nothing")
@json_option()
@vault_option
def import_pages(
    paths: tuple[Path, ...],
    kind: Kind | None,
    folders: dict[str, Kind],
    dry_run: bool,
    as_json: bool,
) -> int:
    """Import Markdown pages and folders (Obsidian, Hugo, MkDocs, wiki exports) as drafts:
    fresh ids, links between them rewritten, the mapping from old path to new id printed;
    nothing existing is overwritten and nothing is committed."""
    from sopvault.render.importing import report_json, report_lines
    from sopvault.services.importing import Choice, import_pages

    vault = open_vault()
    report = import_pages(vault, list(paths), Choice(kind, folders, dry_run))
    if as_json:
        print_json(report_json(report))
    else:
        for line in report_lines(report):
            say(line)
    return EXIT_REFUSED if report.refused else EXIT_OK
