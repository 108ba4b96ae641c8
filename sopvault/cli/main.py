"""The ``sopvault`` command: argument parsing, one Vault call per command, plain output.

Headless commands never import Textual; ``tui`` imports it lazily.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sopvault import __version__
from sopvault.cli import review as cli_review
from sopvault.cli import runs as cli_runs
from sopvault.errors import SopvaultError
from sopvault.model.document import Document, Kind, Status
from sopvault.model.finding import Finding, Severity
from sopvault.model.search import SearchResponse
from sopvault.render.safetext import inert
from sopvault.services.vault import DocumentFilter, Vault, VaultState

EXIT_OK, EXIT_ERRORS, EXIT_FAILURE, EXIT_USAGE = 0, 1, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"sopvault: error: {message} (see `sopvault {self._hint()}--help`)\n")
        raise SystemExit(EXIT_USAGE)

    def _hint(self) -> str:
        words = self.prog.split()[1:]
        return " ".join(words) + " " if words else ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sopvault",
        description="A git-native knowledge base for standard operating procedures.",
    )
    parser.add_argument("--version", action="version", version=f"sopvault {__version__}")
    parser.add_argument(
        "--vault",
        type=Path,
        metavar="PATH",
        help="the vault folder (default: found by walking up from the current folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    kinds = [k.value for k in Kind]
    statuses = [s.value for s in Status]

    p = sub.add_parser("init", help="create a vault (and a git repository if needed)")
    p.add_argument("dir", nargs="?", type=Path, default=Path("."), help="folder (default: .)")
    p.add_argument("--name", help="the vault's name (default: the folder's name)")

    p = sub.add_parser("new", help="create a draft document from the vault's template")
    p.add_argument("kind", choices=kinds, metavar="KIND", help="one of: " + ", ".join(kinds))
    p.add_argument("--title", required=True, help="the document's title")
    p.add_argument("--parent", metavar="ID", help="the document it sits under")

    p = sub.add_parser("list", help="list documents, optionally filtered")
    p.add_argument("--kind", choices=kinds)
    p.add_argument("--status", choices=statuses)
    p.add_argument("--owner", help="owner handle")
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = sub.add_parser("show", help="print a document: metadata, numbered steps, body")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print the front matter and body as JSON")
    p.add_argument(
        "--at", metavar="VERSION_OR_REV", help="an old revision: a version (1.2) or git revision"
    )

    p = sub.add_parser("tree", help="print the hierarchy (related processes marked <->)")
    p.add_argument("id", nargs="?", metavar="ID", help="only the branch under this document")

    p = sub.add_parser("check", help="validate the vault; exit 1 on errors")
    p.add_argument("--json", action="store_true", help="print findings as JSON")

    p = sub.add_parser("search", help="full-text search (the index is brought up to date first)")
    p.add_argument("query", nargs="+", metavar="QUERY", help="words, phrases, field:value ...")
    p.add_argument("--kind", choices=kinds)
    p.add_argument("--status", choices=statuses)
    p.add_argument("--limit", type=int, default=10, help="at most this many results (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = sub.add_parser("index", help="bring the search index up to date")
    p.add_argument("--rebuild", action="store_true", help="build it again from scratch")

    cli_review.add_parsers(sub)
    cli_runs.add_parsers(sub)

    p = sub.add_parser("tui", help="open the terminal UI")
    p.add_argument("path", nargs="?", type=Path, metavar="VAULT", help="vault folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every SopvaultError becomes one line on stderr and exit code 1."""
    args = build_parser().parse_args(argv)
    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except SopvaultError as err:
        sys.stderr.write(f"sopvault: error: {inert(str(err))}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        sys.stderr.write("sopvault: interrupted\n")
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # output piped into `head`: not an error worth a traceback
        return EXIT_OK


def _open(args: argparse.Namespace) -> Vault:
    return Vault.open(args.vault)


def _note_skipped(state: VaultState) -> None:
    if state.skipped:
        count = len(state.skipped)
        noun = "file was" if count == 1 else "files were"
        sys.stderr.write(
            f"note: {count} {noun} skipped because of errors; run `sopvault check` for details\n"
        )


def cmd_init(args: argparse.Namespace) -> int:
    folder: Path = args.vault if args.vault and args.dir == Path(".") else args.dir
    vault, written, created_repo = Vault.init(folder, args.name)
    for path in written:
        print(f"created {path.relative_to(vault.root)}")
    if created_repo:
        print(f"initialised a git repository in {vault.root}")
    print(f"vault '{inert(vault.config.name)}' is ready at {vault.root}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    vault = _open(args)
    doc = vault.new_document(Kind(args.kind), args.title, args.parent)
    print(f"created {doc.id} at {doc.path}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    vault = _open(args)
    criteria = DocumentFilter(
        kind=Kind(args.kind) if args.kind else None,
        status=Status(args.status) if args.status else None,
        owner=args.owner,
        tag=args.tag,
    )
    docs = vault.select(criteria)
    if args.json:
        print(json.dumps([_summary(d) for d in docs], indent=2, ensure_ascii=False))
    else:
        lines = [
            f"{inert(d.id):<12} {d.kind.value:<16} {_status(d):<10} {inert(d.version or '-'):<6}"
            f" {inert(d.title)}"
            for d in docs
        ]
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
        else:
            sys.stderr.write("no documents match\n")
    _note_skipped(vault.state)
    return EXIT_OK


def _status(doc: Document) -> str:
    return doc.status.value if doc.status else "-"


def _summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "kind": doc.kind.value,
        "status": doc.status.value if doc.status else None,
        "version": doc.version,
        "owner": doc.owner,
        "department": doc.department,
        "parents": doc.parents,
        "tags": doc.tags,
        "path": doc.path,
    }


def cmd_show(args: argparse.Namespace) -> int:
    vault = _open(args)
    if args.at is None:
        doc = vault.get(args.id)
    else:
        from sopvault.services.review.history import History
        from sopvault.services.workspace import Workspace

        doc = History(Workspace.of(vault)).document_at(args.id, args.at)
    if args.json:
        data = {"path": doc.path, "front_matter": doc.front, "body": doc.body}
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return EXIT_OK
    from rich.console import Console

    from sopvault.render.rich import document_renderable

    names = {handle: person.name for handle, person in vault.config.people.items()}
    Console(highlight=False).print(document_renderable(doc, names))
    _note_skipped(vault.state)
    return EXIT_OK


def cmd_tree(args: argparse.Namespace) -> int:
    vault = _open(args)
    state = vault.state
    out = []
    if args.id:
        root = vault.get(args.id)
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
    _note_skipped(state)
    return EXIT_OK


def _tree_label(state: VaultState, doc: Document) -> str:
    label = f"{inert(doc.id)}  {inert(doc.title)}  [{doc.kind.label}, {_status(doc)}]"
    related = state.tree.related.get(doc.id)
    if related:
        label += "  <-> " + ", ".join(related)
    return label


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


def cmd_check(args: argparse.Namespace) -> int:
    vault = _open(args)
    state = vault.state
    errors = [f for f in state.findings if f.severity is Severity.ERROR]
    warnings = [f for f in state.findings if f.severity is Severity.WARNING]
    if args.json:
        report = {
            "documents": len(state.documents),
            "skipped": state.skipped,
            "errors": len(errors),
            "warnings": len(warnings),
            "findings": [f.as_dict() for f in state.findings],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for finding in state.findings:
            print(_finding_line(finding))
        print(
            f"{len(state.documents)} documents checked: {len(errors)} errors,"
            f" {len(warnings)} warnings, {len(state.skipped)} files skipped"
        )
    return EXIT_ERRORS if errors else EXIT_OK


def _finding_line(finding: Finding) -> str:
    return inert(finding.format())


def cmd_search(args: argparse.Namespace) -> int:
    vault = _open(args)
    if args.limit < 1:
        raise SopvaultError("--limit must be at least 1")
    with _progress_bar("Building the search index") as progress:
        response = vault.search(
            " ".join(args.query),
            kind=args.kind,
            status=args.status,
            limit=args.limit,
            progress=progress,
        )
    for notice in response.notices:
        sys.stderr.write(f"note: {inert(notice)}\n")
    if args.json:
        print(json.dumps(_response_json(response), indent=2, ensure_ascii=False))
        return EXIT_OK if response.hits else EXIT_ERRORS
    if response.corrected and response.did_you_mean:
        sys.stderr.write(f"showing results for: {inert(response.did_you_mean)}\n")
    if not response.hits:
        hint = f"; did you mean: {inert(response.did_you_mean)}" if response.did_you_mean else ""
        sys.stderr.write(f"no documents match{hint}\n")
        return EXIT_ERRORS
    bold = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    lines = []
    for hit in response.hits:
        status = hit.status or "-"
        lines.append(f"{inert(hit.id):<12} {inert(hit.title)}  [{hit.kind}, {status}]")
        lines.append(f"{'':<12} {inert(hit.path)}")
        if hit.snippet:
            lines.append(f"{'':<12} {_snippet_line(hit.snippet, bold)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _snippet_line(snippet: tuple[tuple[str, bool], ...], bold: bool) -> str:
    """Matches in bold on a terminal; piped output stays plain text."""
    out = []
    for text, matched in snippet:
        safe = inert(text)
        out.append(f"\x1b[1m{safe}\x1b[22m" if matched and bold else safe)
    return "".join(out)


def _response_json(response: SearchResponse) -> dict[str, Any]:
    hits = []
    for hit in response.hits:
        position, spans = 0, []
        for text, matched in hit.snippet:
            if matched:
                spans.append([position, position + len(text)])
            position += len(text)
        hits.append(
            {
                "id": hit.id,
                "title": hit.title,
                "kind": hit.kind,
                "status": hit.status,
                "path": hit.path,
                "score": round(hit.score, 4),
                "snippet": hit.snippet_text,
                "highlights": spans,
            }
        )
    return {
        "query": response.query,
        "did_you_mean": response.did_you_mean,
        "corrected": response.corrected,
        "notices": list(response.notices),
        "hits": hits,
    }


def cmd_index(args: argparse.Namespace) -> int:
    vault = _open(args)
    with _progress_bar("Building the search index") as progress:
        report = vault.refresh_index(rebuild=args.rebuild, progress=progress)
    for notice in report.notices:
        sys.stderr.write(f"note: {inert(notice)}\n")
    if report.rebuilt:
        print(f"search index built: {report.documents} documents")
    elif report.updated or report.removed:
        print(f"search index updated: {report.updated} re-indexed, {report.removed} removed")
    else:
        print("search index is up to date")
    return EXIT_OK


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long index builds, shown only on a terminal and only
    once a build is under way (an up-to-date index costs no Rich import)."""
    if not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            from rich.progress import Progress

            state["bar"] = Progress(transient=True, console=_stderr_console())
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def cmd_tui(args: argparse.Namespace) -> int:
    from sopvault.services.workspace import Workspace
    from sopvault.tui.app import SopVaultApp

    SopVaultApp(Workspace.open(args.path or args.vault)).run()
    return EXIT_OK


COMMANDS = {
    "init": cmd_init,
    "new": cmd_new,
    "list": cmd_list,
    "show": cmd_show,
    "tree": cmd_tree,
    "check": cmd_check,
    "search": cmd_search,
    "index": cmd_index,
    "tui": cmd_tui,
    **cli_review.COMMANDS,
    **cli_runs.COMMANDS,
}
