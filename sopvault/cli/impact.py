"""``sopvault impact``: what approving a change touches, before anyone signs (ISO 9001 §6.3,
§8.5.6): documents below and linking to it, open runs, who will owe an acknowledgement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, say, say_block
from sopvault.cli.params import DOCUMENT_ID, PROPOSAL, require_id, resolve_label

if TYPE_CHECKING:
    from datetime import tzinfo

    from sopvault.services.impact import Impact

EXIT_OK = 0


@click.command()
@click.argument("doc_id", metavar="[ID]", required=False, type=DOCUMENT_ID)
@click.option(
    "--proposal",
    metavar="N",
    type=PROPOSAL,
    help="the change proposal N (or ID/N) makes, with its proposed text's readers",
)
@json_option()
@vault_option
def impact(doc_id: str | None, proposal: str | None, as_json: bool) -> int:
    """What approving a change of ID touches: the documents below it in the tree and those
    linking to it (related, work instructions), transitively, with their status; its open
    runs and the revision each follows; who will owe an acknowledgement once approved (who
    is new). Of the working copy's edits when ID has any; `--proposal N` instead: of each
    document proposal N changes, as proposed."""
    from sopvault.render.impact import impact_json
    from sopvault.services.impact import Impacts

    if (doc_id is None) == (proposal is None):
        raise click.UsageError("name a document ID or --proposal N (one of them)")
    vault = open_vault()
    impacts = Impacts.open(vault)
    if proposal is not None:
        label = resolve_label(vault, proposal)
        found = impacts.of_proposal(label)
        if as_json:
            print_json({"proposal": label, "documents": [impact_json(i) for i in found]})
            return EXIT_OK
        for number, one in enumerate(found):
            if number:
                say("")
            _print(one, vault.zone)
        return EXIT_OK
    assert doc_id is not None
    # the id as the vault spells it, from what the walk reads (no load of the whole vault
    # when nothing changed); an unknown one is refused as everywhere, with "did you mean"
    one = impacts.of_document(impacts.spelled(doc_id) or require_id(vault, doc_id))
    if as_json:
        print_json(impact_json(one))
    else:
        _print(one, vault.zone)
    return EXIT_OK


def _print(one: Impact, zone: tzinfo | None) -> None:
    """The report's lines, plain (styles are the TUI's), written at once; times in
    ``zone``."""
    from sopvault.render.impact import impact_lines

    say_block("\n".join(line for _, line in impact_lines(one, zone=zone)))
