"""``sopvault diff`` and the way the CLI shows a change: the structured diff by default
(metadata, steps paired by what they say, rules called out, the body word by word), git's
unified diff with ``--raw``, JSON with ``--json``. ISO 9001 §7.5.3.2 c: changes identified."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from sopvault.cli.options import json_option, vault_option
from sopvault.cli.output import print_json, say
from sopvault.cli.params import DOCUMENT_ID, resolve_id
from sopvault.cli.review import _control, _known
from sopvault.render.safetext import inert
from sopvault.render.terminal import colour_wanted, console

if TYPE_CHECKING:
    from sopvault.model.redline import DocumentDiff

EXIT_OK = 0
COLOR_CHOICES = click.Choice(["auto", "always", "never"])


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@click.argument("rev_a", metavar="[REV_A]", required=False)
@click.argument("rev_b", metavar="[REV_B]", required=False)
@click.option("--worktree", is_flag=True, help="your unsaved edits against main (or REV_A)")
@click.option(
    "--color",
    type=COLOR_CHOICES,
    default="auto",
    help="colour the diff (default: auto, on a terminal)",
)
@click.option("--raw", is_flag=True, help="git's unified diff, line by line")
@json_option("print the structured diff as JSON")
@vault_option
def diff(
    doc_id: str,
    rev_a: str | None,
    rev_b: str | None,
    worktree: bool,
    color: str,
    raw: bool,
    as_json: bool,
) -> int:
    """What changed in document ID between REV_A and REV_B (versions such as 1.2 or git
    revisions); by default between its last two approved revisions. Shown in words:
    metadata, steps added, removed, moved or reworded, rules changed, then the body."""
    from sopvault.core.redline import compare

    control = _control()
    doc_id = resolve_id(control.ws.vault, doc_id)
    with _known(control, doc_id):
        old, new = control.history.diff_texts(doc_id, rev_a, rev_b, worktree=worktree)
    show_changes([compare(old, new)], color=color, raw=raw, as_json=as_json)
    return EXIT_OK


def show_changes(
    found: list[DocumentDiff], *, color: str = "auto", raw: bool = False, as_json: bool = False
) -> None:
    """Print each document's change: as JSON, as git's diff (``raw``), or structured,
    styled when ``color`` says so (``auto``: on a terminal without ``NO_COLOR``), else
    with ``[-old-]{+new+}`` marks. "no differences" (on stderr) when nothing changed."""
    if as_json:
        from sopvault.render.redline import redline_json

        print_json([redline_json(d) for d in found] if len(found) != 1 else redline_json(found[0]))
        return
    changes = [d for d in found if not d.unchanged]
    if not changes:
        say("no differences", err=True)
        return
    styled = color == "always" or (color == "auto" and colour_wanted(sys.stdout))
    if raw:
        text = "".join(d.raw for d in changes)
        if not styled:
            sys.stdout.write(inert(text))
            return
        from sopvault.render.rich import diff_renderable

        console(colour=True).print(diff_renderable(text))
        return
    from sopvault.render.redline import redline_plain, redline_renderable

    for n, change in enumerate(changes):
        if n:
            sys.stdout.write("\n")
        if styled:
            console(colour=True).print(redline_renderable(change))
        else:
            sys.stdout.write(redline_plain(change))
