"""The life-cycle commands: ``retire`` (a proposal that makes a document obsolete, ISO 9001
§7.5.3.2 d). Versions themselves are given by ``propose`` and ``approve``."""

from __future__ import annotations

import click

from sopvault.cli.options import message_option, open_vault, vault_option
from sopvault.cli.output import say
from sopvault.cli.params import DOCUMENT_ID, require_id
from sopvault.core.trailers import versions_label

EXIT_OK = 0


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@message_option("why it is retired: the summary reviewers read", required=True)
@click.option(
    "--superseded-by",
    "successor",
    metavar="NEW",
    default="",
    type=DOCUMENT_ID,
    help="the document that replaces it (runs of ID then point there)",
)
@vault_option
def retire(doc_id: str, message: str, successor: str) -> int:
    """Propose retiring document ID (status `retired` once approved), optionally
    superseded by NEW; reviewed and approved like any other change."""
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.workspace import Workspace

    vault = open_vault()
    control = DocumentControl(Workspace.of(vault))
    doc_id = require_id(vault, doc_id)  # a typo gets "did you mean"
    successor = require_id(vault, successor) if successor else ""
    prop = control.retirements.retire(doc_id, message, successor)
    replaced = f" (superseded by {successor})" if successor else ""
    say(
        f"proposal {prop.number}: {versions_label(prop.documents)} retires {doc_id}{replaced}"
        " (waiting for review)"
    )
    return EXIT_OK
