"""An import's report (``services.importing``) as the lines ``sopvault import`` prints
and as JSON (issue 16). Every path, title and reason from the imported pages is made inert
as one line here (``render.safetext``): a page's text cannot act on the terminal."""

from __future__ import annotations

from typing import Any

from sopvault.core.wording import counted
from sopvault.model.document import STEPPED_KINDS
from sopvault.render.safetext import inert_line
from sopvault.services.importing import Created, ImportReport

NOT_COMMITTED = (
    "Nothing is committed: review each draft (title, kind, steps, the [imported] table),"
    " then propose it with `sopvault propose`."
)


def report_lines(report: ImportReport) -> list[str]:
    """The report: each draft (old path -> new id and file), the pages not imported with
    file, line and reason, the files left out, what ``check`` will say, then a summary."""
    lines: list[str] = []
    if report.created:
        lines.append("would create (dry run):" if report.dry_run else "created:")
        lines += [f"  {_created(item)}" for item in report.created]
    if report.refused:
        lines.append("not imported:")
        for refusal in report.refused:
            where = f"{refusal.file}:{refusal.line}" if refusal.line else refusal.file
            lines.append(inert_line(f"  {where}: {refusal.reason}"))
    if report.left_out:
        lines.append("left out:")
        lines += [inert_line(f"  {path}: {why}") for path, why in report.left_out]
    if report.findings:
        lines.append("findings (what `sopvault check` will report, and links left as written):")
        lines += [inert_line(f"  {finding.format()}") for finding in report.findings]
    lines.append(summary(report))
    return lines


def _created(item: Created) -> str:
    details = [item.draft.kind.label]
    if item.draft.steps or item.draft.kind in STEPPED_KINDS:
        details.append(counted(len(item.draft.steps), "step"))
    if item.links:
        details.append(counted(item.links, "link") + " rewritten")
    return inert_line(
        f"{item.page.file} -> {item.doc_id} {item.rel} ({', '.join(details)}): {item.draft.title}"
    )


def summary(report: ImportReport) -> str:
    """One line: how many drafts, how many pages refused, and what to do next."""
    made = counted(len(report.created), "draft")
    refused = f"; {counted(len(report.refused), 'page')} not imported" if report.refused else ""
    if report.dry_run:
        return f"Dry run: {made} would be created{refused}; nothing written."
    return f"{made} created{refused}. {NOT_COMMITTED}"


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report as JSON-ready data (``import --json``)."""
    return {
        "dry_run": report.dry_run,
        "committed": False,
        "created": [
            {
                "source": str(item.page.file),
                "recorded_as": item.page.name,
                "id": item.doc_id,
                "path": item.rel,
                "kind": item.draft.kind.value,
                "title": item.draft.title,
                "steps": len(item.draft.steps),
                "links_rewritten": item.links,
            }
            for item in report.created
        ],
        "mapping": {str(item.page.file): item.doc_id for item in report.created},
        "refused": [{"source": r.file, "line": r.line, "reason": r.reason} for r in report.refused],
        "left_out": [{"path": path, "reason": why} for path, why in report.left_out],
        "findings": [finding.as_dict() for finding in report.findings],
    }
