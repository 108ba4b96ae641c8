"""The document commands: init, new, list, show, tree, check and tui. Each opens the vault
and makes one call into the Vault service (``show --at`` into the revisions service)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sopvault.cli.options import (
    as_of_option,
    json_option,
    open_as_of,
    open_vault,
    vault_option,
    vault_path,
)
from sopvault.cli.output import note_skipped, print_json, say, say_skipped
from sopvault.cli.params import DOCUMENT_ID, KIND, STATUS, resolve_id, suggesting
from sopvault.model.document import Document, Kind, Status
from sopvault.model.finding import Severity
from sopvault.model.listing import Listed, Shown
from sopvault.render.safetext import inert_line
from sopvault.services.vault import DocumentFilter, Listing, Vault, VaultState

if TYPE_CHECKING:
    from sopvault.model.control import Standing
    from sopvault.services.asof import AsOf
    from sopvault.services.review.history import History

EXIT_OK, EXIT_ERRORS = 0, 1


@click.command()
@click.argument("folder", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
@click.option("--name", help="the vault's name (default: the folder's name)")
@vault_option
def init(folder: Path | None, name: str | None) -> int:
    """Create a vault in DIR (default: --vault, else .) and a git repository if needed."""
    given = vault_path()
    where = given if given and folder in (None, Path(".")) else folder or Path(".")
    vault, written, created_repo = Vault.init(where, name)
    for path in written:
        say(f"created {path.relative_to(vault.root)}")
    if created_repo:
        say(f"initialised a git repository in {vault.root}")
    say(f"vault '{vault.config.name}' is ready at {vault.root}")
    return EXIT_OK


@click.command()
@click.argument("kind", metavar="KIND", type=KIND)
@click.option("--title", required=True, help="the document's title")
@click.option("--parent", metavar="ID", type=DOCUMENT_ID, help="the document it sits under")
@vault_option
def new(kind: Kind, title: str, parent: str | None) -> int:
    """Create a draft document of KIND from the vault's template (wi, sop ... accepted)."""
    vault = open_vault()
    parent = resolve_id(vault, parent) if parent else None
    with suggesting(vault, parent or ""):
        doc = vault.new_document(kind, title, parent)
    say(f"created {doc.id} at {doc.path}")
    return EXIT_OK


@click.command("list")
@click.option("--kind", type=KIND, help="only documents of this kind")
@click.option("--status", type=STATUS, help="only documents in this status")
@click.option("--owner", help="owner handle")
@click.option("--tag", help="only documents with this tag")
@as_of_option
@json_option()
@vault_option
def list_documents(
    kind: Kind | None,
    status: Status | None,
    owner: str | None,
    tag: str | None,
    as_of: str | None,
    as_json: bool,
) -> int:
    """List documents (id, kind, status, version, title), optionally filtered; with
    --as-of, as they were approved on that date."""
    vault = open_vault()
    criteria = DocumentFilter(kind=kind, status=status, owner=owner, tag=tag)
    if as_of:
        asof = open_as_of(vault, as_of, whole=False)
        listing = Listing.of([Listed.of(d) for d in asof.select(criteria)], asof.state.skipped)
    else:
        listing = vault.listing(criteria)
    if as_json:
        print_json([_summary(row) for row in listing.rows])
    elif listing.shown:
        sys.stdout.write(listing_text(listing.shown))
    else:
        say("no documents match", err=True)
    say_skipped(len(listing.skipped))
    return EXIT_OK


def listing_text(rows: list[Shown]) -> str:
    """The lines of ``list``: id, kind, status, version and title in columns, each field
    made inert (``render.safetext.inert_line``). Fifty thousand lines are first made from
    the fields as they are, in one ``%`` over all of them, and kept when every field is
    printable (then none holds a character ``inert_line`` would change: each of those is
    unprintable)."""
    fields = [field if field is not None else "-" for field in chain.from_iterable(rows)]
    if "".join(fields).isprintable():
        return (LINE * len(rows)) % tuple(fields)
    lines = [
        f"{inert_line(doc_id):<12} {kind:<16} {status or '-':<10}"
        f" {inert_line(version or '-'):<6} {inert_line(title)}"
        for doc_id, kind, status, version, title in rows
    ]
    return "\n".join(lines) + "\n"


# One line of ``list``: id, kind, status, version (each padded to its column) and title.
LINE = "%-12s %-16s %-10s %-6s %s\n"


def _status(doc: Document) -> str:
    return doc.status.value if doc.status else "-"


def _summary(row: Listed) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "status": row.status,
        "version": row.version,
        "owner": row.owner,
        "department": row.department,
        "parents": list(row.parents),
        "tags": list(row.tags),
        "path": row.path,
    }


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@json_option("print the front matter and body as JSON")
@click.option(
    "--at", metavar="VERSION_OR_REV", help="an old revision: a version (1.2) or git revision"
)
@click.option("--approved", is_flag=True, help="the latest approved revision, as main holds it")
@as_of_option
@vault_option
def show(doc_id: str, as_json: bool, at: str | None, approved: bool, as_of: str | None) -> int:
    """Print a document: metadata, numbered steps, body; and whether the working copy is
    the approved text. With --as-of: the revision in force that day, who approved it and
    the runs that followed it."""
    vault = open_vault()
    if sum(given is not None and given is not False for given in (at, approved, as_of)) > 1:
        raise click.UsageError("give one of --at, --approved and --as-of")
    if as_of is not None:
        return _show_as_of(open_as_of(vault, as_of), doc_id, as_json)
    doc_id = resolve_id(vault, doc_id)
    standing = None
    with suggesting(vault, doc_id):
        if at is None and not approved:
            doc = vault.get(doc_id)
            standing = _standing(vault, doc_id)
        else:
            history = _history(vault)
            doc = (
                history.approved_document(doc_id)
                if approved
                else history.document_at(doc_id, at or "")
            )
    if as_json:
        print_json({"path": doc.path, "front_matter": doc.front, "body": doc.body})
        return EXIT_OK
    from rich.text import Text

    from sopvault.render.rich import document_renderable, standing_line
    from sopvault.render.terminal import console

    names = {handle: person.name for handle, person in vault.config.people.items()}
    out = console()
    if standing is not None and standing.differs:  # first: read before the text it is about
        out.print(Text(standing_line(standing, vault.zone), style="bold yellow"))
    out.print(document_renderable(doc, names))
    note_skipped(vault.state)
    return EXIT_OK


def _show_as_of(asof: AsOf, doc_id: str, as_json: bool) -> int:
    """``show --as-of``: the auditor's answer, then the text in force (never the working
    copy: the id is taken as typed, then in any case, without loading today's vault)."""
    from sopvault.render.asof import in_force_json, in_force_lines
    from sopvault.services.inforce import in_force

    info = in_force(asof, doc_id)
    if as_json:
        answer = in_force_json(info, asof.moment.asked, asof.commit.sha)
        doc = info.document
        print_json({**answer, "front_matter": doc.front, "body": doc.body})
        return EXIT_OK
    from sopvault.render.rich import document_renderable
    from sopvault.render.terminal import console

    sys.stdout.write("\n".join(in_force_lines(info, asof.moment.asked, asof.ws.zone)) + "\n\n")
    names = {handle: person.name for handle, person in asof.config.people.items()}
    console().print(document_renderable(info.document, names))
    return EXIT_OK


def _history(vault: Vault) -> History:
    """The revisions service on this vault; raises NoRepository outside git."""
    from sopvault.services.review.history import History
    from sopvault.services.workspace import Workspace

    return History(Workspace.of(vault))


def _standing(vault: Vault, doc_id: str) -> Standing | None:
    """How the working copy stands against main; None outside git (nothing to compare)."""
    from sopvault.errors import NeedsGit

    try:
        return _history(vault).standing(doc_id)
    except NeedsGit:
        return None


@click.command()
@click.argument("doc_id", metavar="[ID]", type=DOCUMENT_ID, required=False)
@as_of_option
@vault_option
def tree(doc_id: str | None, as_of: str | None) -> int:
    """Print the hierarchy (related processes marked <->); with ID, only its branch; with
    --as-of, as it was approved on that date."""
    vault = open_vault()
    source: Vault | AsOf = open_as_of(vault, as_of, whole=False) if as_of else vault
    state = source.state
    out = []
    if doc_id:
        if as_of is None:
            doc_id = resolve_id(vault, doc_id)
            with suggesting(vault, doc_id):
                root = vault.get(doc_id)
        else:
            root = source.get(doc_id)
        out.append(_tree_label(state, root))
        out.extend(_branch(state, root.id, "", {root.id}))
    else:
        for kind in Kind:
            roots = state.tree.roots[kind]
            if not roots:
                continue
            heading = (
                kind.plural_label if kind is Kind.POLICY else f"{kind.plural_label} (no parent)"
            )
            out.append(heading)
            out.extend(_children(state, roots, "", set()))
    sys.stdout.write("\n".join(out) + "\n")
    note_skipped(state)
    return EXIT_OK


def _tree_label(state: VaultState, doc: Document) -> str:
    label = f"{doc.id}  {doc.title}  [{doc.kind.label}, {_status(doc)}]"
    related = state.tree.related.get(doc.id)
    if related:
        label += "  <-> " + ", ".join(related)
    return inert_line(label)


def _children(state: VaultState, ids: list[str], prefix: str, seen: set[str]) -> Iterator[str]:
    for index, child_id in enumerate(ids):
        last = index == len(ids) - 1
        doc = state.documents[child_id]
        yield f"{prefix}{'└── ' if last else '├── '}{_tree_label(state, doc)}"
        if child_id not in seen:
            yield from _branch(
                state, child_id, prefix + ("    " if last else "│   "), seen | {child_id}
            )


def _branch(state: VaultState, doc_id: str, prefix: str, seen: set[str]) -> Iterator[str]:
    kids = [k for k in state.tree.children_of(doc_id) if k not in seen]
    yield from _children(state, kids, prefix, seen)


@click.command()
@json_option("print findings as JSON")
@vault_option
def check(as_json: bool) -> int:
    """Validate the vault: one line per finding, exit 1 on errors."""
    from sopvault.core.wording import counted  # here: `list` never needs it
    from sopvault.services.localstate import state_findings

    vault = open_vault()
    state = vault.state
    findings = [*state.findings, *state_findings(vault)]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if as_json:
        print_json(
            {
                "documents": len(state.documents),
                "skipped": state.skipped,
                "errors": len(errors),
                "warnings": len(warnings),
                "findings": [f.as_dict() for f in findings],
            }
        )
    else:
        for finding in findings:
            say(finding.format())
        print(
            f"{counted(len(state.documents), 'document')} checked:"
            f" {counted(len(errors), 'error')}, {counted(len(warnings), 'warning')},"
            f" {counted(len(state.skipped), 'file')} skipped"
        )
    return EXIT_ERRORS if errors else EXIT_OK


@click.command()
@click.argument("path", metavar="[VAULT]", required=False, type=click.Path(path_type=Path))
@vault_option
def tui(path: Path | None) -> int:
    """Open the terminal UI on VAULT (or --vault, or the vault found from here), on the
    dashboard of what is due (t shows the tree)."""
    from sopvault.services import dueahead
    from sopvault.services.workspace import Workspace

    workspace = Workspace.open(path or vault_path())
    ahead = dueahead.start(workspace)  # before Textual: the process has one thread yet
    from sopvault.tui.app import SopVaultApp

    try:
        SopVaultApp(workspace, first="dashboard", ahead=ahead).run()
    finally:
        ahead.drop()  # the TUI quit before the dashboard took it: end the child
    return EXIT_OK
