"""The search commands: ``search`` (the index brought up to date first) and ``index``.
Each is one call into the Vault service; Whoosh loads only here, never for ``list``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from sopvault.cli.options import as_of_option, json_option, open_as_of, open_vault, vault_option
from sopvault.cli.output import print_json, say
from sopvault.cli.params import KIND, STATUS
from sopvault.core.wording import counted
from sopvault.errors import SopvaultError
from sopvault.model.document import Kind, Status
from sopvault.model.search import SearchResponse
from sopvault.render.safetext import inert_line
from sopvault.render.terminal import colour_wanted, console

EXIT_OK, EXIT_NO_MATCH = 0, 1
INDEX_LABEL = "Building the search index"


@click.command()
@click.argument("query", nargs=-1, required=True, metavar="QUERY...")
@click.option("--kind", type=KIND, help="only documents of this kind")
@click.option("--status", type=STATUS, help="only documents in this status")
@click.option("--limit", type=int, default=10, help="at most this many results (default 10)")
@as_of_option
@json_option()
@vault_option
def search(
    query: tuple[str, ...],
    kind: Kind | None,
    status: Status | None,
    limit: int,
    as_of: str | None,
    as_json: bool,
) -> int:
    """Full-text search: words, phrases, field:value ...; exit 1 when nothing matches.
    With --as-of, in the texts as they were approved on that date."""
    vault = open_vault()
    if limit < 1:
        raise SopvaultError("--limit must be at least 1")
    words = " ".join(query)
    kind_value, status_value = kind.value if kind else None, status.value if status else None
    with _progress_bar(INDEX_LABEL) as progress:
        if as_of is not None:
            from sopvault.services.asofsearch import search_as_of

            response = search_as_of(
                open_as_of(vault, as_of),
                words,
                kind=kind_value,
                status=status_value,
                limit=limit,
                progress=progress,
            )
        else:
            response = vault.search(
                words, kind=kind_value, status=status_value, limit=limit, progress=progress
            )
    for notice in response.notices:
        say(f"note: {notice}", err=True)
    if as_json:
        print_json(_response_json(response))
        return EXIT_OK if response.hits else EXIT_NO_MATCH
    if response.corrected and response.did_you_mean:
        say(f"showing results for: {response.did_you_mean}", err=True)
    if not response.hits:
        hint = (
            f"; did you mean: {inert_line(response.did_you_mean)}" if response.did_you_mean else ""
        )
        say(f"no documents match{hint}", err=True)
        return EXIT_NO_MATCH
    bold = colour_wanted(sys.stdout)
    lines = []
    for hit in response.hits:
        lines.append(
            f"{inert_line(hit.id):<12} {inert_line(hit.title)}  [{hit.kind}, {hit.status or '-'}]"
        )
        lines.append(f"{'':<12} {inert_line(hit.path)}")
        if hit.snippet:
            where = f"{inert_line(hit.snippet_field)}: " if hit.snippet_field else ""
            lines.append(f"{'':<12} {where}{_snippet_line(hit.snippet, bold)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _snippet_line(snippet: tuple[tuple[str, bool], ...], bold: bool) -> str:
    """Matches in bold on a terminal; piped output stays plain text."""
    out = []
    for text, matched in snippet:
        safe = inert_line(text)
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
                "snippet_field": hit.snippet_field,
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


@click.command()
@click.option("--rebuild", is_flag=True, help="build it again from scratch")
@vault_option
def index(rebuild: bool) -> int:
    """Bring the search index up to date (search does this itself before every query)."""
    vault = open_vault()
    with _progress_bar(INDEX_LABEL) as progress:
        report = vault.refresh_index(rebuild=rebuild, progress=progress)
    for notice in report.notices:
        say(f"note: {notice}", err=True)
    if report.rebuilt:
        say(f"search index built: {counted(report.documents or 0, 'document')}")
    elif report.updated or report.removed:
        say(f"search index updated: {report.updated} re-indexed, {report.removed} removed")
    else:
        say("search index is up to date")
    return EXIT_OK


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long index builds, shown only on a terminal and only
    once a build is under way (an up-to-date index costs no Rich import)."""
    if not colour_wanted(sys.stderr):
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            from rich.progress import Progress

            state["bar"] = Progress(transient=True, console=console(stderr=True))
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
