"""``sopvault export pdf ID OUT.pdf``: one document's page printed to PDF with WeasyPrint,
with its controlled-copy banner and sign-off page (issue 16, docs/publishing.md)."""

from __future__ import annotations

from pathlib import Path

import click

from sopvault.cli.options import as_of_option, vault_option, vault_path
from sopvault.cli.params import DOCUMENT_ID


@click.command("pdf")
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@as_of_option
@vault_option
@click.option("--force", is_flag=True, help="replace OUT.pdf when it exists")
def pdf(doc_id: str, out: Path, as_of: str | None, force: bool) -> None:
    """Print document ID as approved on main (or --as-of DATE) to OUT.pdf: the page of
    `export html` with the print stylesheet. Needs `pip install 'sopvault[pdf]'`."""
    from sopvault.cli.output import say
    from sopvault.render.site.pdf import page_pdf
    from sopvault.services.publish import gather, source_line, source_of
    from sopvault.services.publishplan import write_file
    from sopvault.services.workspace import Workspace

    ws = Workspace.open(vault_path())
    source = source_of(ws, as_of)
    site = gather(source, only=doc_id)
    data = page_pdf(site)
    write_file(out, data, force=force)
    page = site.pages[0]
    what = f"revision {page.version}" if page.approved else "(NOT APPROVED text)"
    say(f"Printed {page.id} {what} from {source_line(source)} to {out}")
