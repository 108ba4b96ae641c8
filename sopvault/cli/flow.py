"""``sopvault flow ID`` (a procedure drawn as a flow: in the terminal, as Mermaid text or
as an SVG file) and ``sopvault graph`` (the process map), issue 16."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from sopvault.cli.options import as_of_option, open_as_of, open_vault, vault_option
from sopvault.cli.output import say
from sopvault.cli.params import DOCUMENT_ID, resolve_id, suggesting
from sopvault.core.flow import build_flow
from sopvault.model.document import Document
from sopvault.render.flow import can_draw_unicode

EXIT_OK = 0


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@click.option("--mermaid", is_flag=True, help="print Mermaid flowchart text (GitHub, GitLab)")
@click.option(
    "--svg",
    "svg_out",
    metavar="OUT.svg",
    type=click.Path(path_type=Path, dir_okay=False),
    help="write the picture as an SVG file",
)
@click.option("--force", is_flag=True, help="with --svg: replace OUT.svg if it exists")
@click.option("--approved", is_flag=True, help="the latest approved text, as main holds it")
@as_of_option
@click.option(
    "--width",
    metavar="N",
    type=click.IntRange(40, 400),
    help="columns to draw in (default: the terminal's)",
)
@vault_option
def flow(
    doc_id: str,
    mermaid: bool,
    svg_out: Path | None,
    force: bool,
    approved: bool,
    as_of: str | None,
    width: int | None,
) -> int:
    """Draw procedure ID as a flow: its steps in order in a lane per role, conditional
    steps as branches, control points, work instructions and evidence marked. Default:
    the working copy; --approved: main's text; --as-of DATE: the revision in force then."""
    if mermaid and svg_out is not None:
        raise click.UsageError("give one of --mermaid and --svg")
    if approved and as_of is not None:
        raise click.UsageError("give one of --approved and --as-of")
    if force and svg_out is None:
        raise click.UsageError("--force only goes with --svg")
    doc = _document(doc_id, approved, as_of)
    drawn = build_flow(doc)
    if svg_out is not None:
        from sopvault.render.flowsvg import flow_picture
        from sopvault.services.flows import save_picture

        written = save_picture(svg_out, flow_picture(drawn) + "\n", replace=force)
        say(f"wrote the flow of {doc.id} to {written}")
    elif mermaid:
        from sopvault.render.mermaid import flow_mermaid

        sys.stdout.write(flow_mermaid(drawn))
    else:
        from sopvault.render.flow import draw_flow

        columns = width or shutil.get_terminal_size((80, 24)).columns
        unicode = can_draw_unicode(sys.stdout.encoding)
        sys.stdout.write(draw_flow(drawn, columns, unicode=unicode) + "\n")
    return EXIT_OK


def _document(doc_id: str, approved: bool, as_of: str | None) -> Document:
    """The text to draw: working copy, main's approved text, or the one in force then."""
    from sopvault.services.flows import flow_document, flow_document_as_of

    vault = open_vault()
    if as_of is not None:
        return flow_document_as_of(open_as_of(vault, as_of), doc_id)
    doc_id = resolve_id(vault, doc_id)
    with suggesting(vault, doc_id):
        return flow_document(vault, doc_id, approved=approved)


@click.command()
@click.option("--mermaid", is_flag=True, help="print Mermaid flowchart text (GitHub, GitLab)")
@as_of_option
@vault_option
def graph(mermaid: bool, as_of: str | None) -> int:
    """Draw the process map: every process, the processes it intersects (`related`) and
    the procedures below it; with --as-of, as approved on that date."""
    from sopvault.services.flows import vault_map

    vault = open_vault()
    source = open_as_of(vault, as_of, whole=False) if as_of else vault
    found = vault_map(source)
    if mermaid:
        from sopvault.render.mermaid import map_mermaid

        sys.stdout.write(map_mermaid(found))
    else:
        from sopvault.render.processmap import map_lines

        unicode = can_draw_unicode(sys.stdout.encoding)
        sys.stdout.write("\n".join(map_lines(found, unicode=unicode)) + "\n")
    return EXIT_OK
