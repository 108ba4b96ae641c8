"""Rich renderables for a document, shared by ``sopvault show`` and the TUI's reader.

Every string from a file passes through ``inert`` here, so no file can send escape
sequences to a terminal, and all text is built as ``Text`` objects (never parsed as markup).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from sopvault.core.localtime import day_iso
from sopvault.core.wordiff import unified_diff as unified_diff  # shown as before, made in core
from sopvault.model.control import Standing, WorkingCopy
from sopvault.model.document import Document, Status, Step
from sopvault.render.safetext import inert, inert_line

STATUS_STYLES = {
    Status.DRAFT: "yellow",
    Status.IN_REVIEW: "magenta",
    Status.EFFECTIVE: "green",
    Status.RETIRED: "dim",
}


def status_text(doc: Document) -> Text:
    """The document's status as styled text (``in review``, dim ``no status``)."""
    if doc.status is None:
        return Text("no status", style="dim")
    return Text(doc.status.value.replace("_", " "), style=STATUS_STYLES[doc.status])


def metadata_table(doc: Document, people_names: dict[str, str] | None = None) -> Table:
    """The who/what/when header: the fields an auditor or a new starter looks at first."""
    names = people_names or {}
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    kind = Text(doc.kind.label)
    kind.append("  ")
    kind.append_text(status_text(doc))
    if doc.version:
        kind.append(f"  v{inert_line(doc.version)}", style="cyan")
    table.add_row("Kind", kind)

    def row(label: str, value: str | None, block: bool = False) -> None:
        if value:  # the cell wraps in its column; only prose fields keep their lines
            table.add_row(label, Text(inert(value) if block else inert_line(value)))

    owner = doc.owner
    if owner and owner in names:
        owner = f"{names[owner]} ({owner})"
    row("Owner", owner)
    row("Department", doc.department)
    row("Purpose", doc.purpose, block=True)
    row("Scope", doc.scope, block=True)
    row("Trigger", doc.trigger, block=True)
    row("Roles", ", ".join(doc.roles))
    row("Parents", ", ".join(doc.parents))
    row("Related", ", ".join(doc.related))
    row("Effective", doc.effective.isoformat() if doc.effective else None)
    review = doc.next_review.isoformat() if doc.next_review else None
    if review and doc.review_every:
        review += f" (every {doc.review_every})"
    row("Next review", review or (f"every {doc.review_every}" if doc.review_every else None))
    row("Tags", ", ".join(doc.tags))
    row("Regulations", "; ".join(doc.regulations))
    if doc.hazards:
        table.add_row("Hazards", Text(inert_line("; ".join(doc.hazards)), style="bold red"))
    if doc.ppe:
        table.add_row("PPE", Text(inert_line("; ".join(doc.ppe)), style="bold yellow"))
    row("File", doc.path)
    return table


def step_text(number: int, step: Step) -> Text:
    """One numbered step: action, role, duration, control point, evidence, sub-steps."""
    text = Text()
    text.append(f"{number:>2}. ", style="bold")
    text.append(inert_line(step.action), style="bold")
    tags: list[tuple[str, str]] = []
    if step.role:
        tags.append((f"[{inert_line(step.role)}]", "cyan"))
    if step.duration:
        tags.append((f"({inert_line(step.duration)})", "dim"))
    if step.control_point:
        tags.append(("CONTROL POINT", "bold red"))
    for tag, style in tags:
        text.append(" ")
        text.append(tag, style=style)
    if step.when:
        text.append("\n    only when: ", style="dim")
        text.append(inert_line(step.when), style="magenta")
    if step.due:
        text.append("\n    due: ", style="dim")
        said = inert_line(step.due)
        text.append(said if " after " in said.lower() else f"{said} after the run starts")
    if step.evidence is not None:
        text.append("\n    record: ", style="dim")
        text.append(inert_line(step.evidence.describe()))
    if step.instruction:
        text.append("\n    see: ", style="dim")
        text.append(inert_line(step.instruction), style="underline")
    for sub in step.substeps:
        text.append("\n    - ")
        text.append(inert_line(sub))
    if step.details:
        for line in inert(step.details).strip().splitlines():
            text.append("\n    ")
            text.append(line, style="italic")
    return text


def steps_renderable(doc: Document) -> RenderableType:
    """The heading and the numbered steps, control points and evidence marked."""
    parts: list[RenderableType] = [Text("Steps", style="bold underline")]
    parts.extend(step_text(i, step) for i, step in enumerate(doc.steps, start=1))
    return Group(*parts)


def body_markdown(doc: Document) -> Markdown:
    """The Markdown body rendered inert: no links followed, no markup from the file."""
    return Markdown(inert(doc.body), hyperlinks=False)


def document_renderable(doc: Document, people_names: dict[str, str] | None = None) -> Group:
    """The whole document for a terminal: title, metadata, numbered steps, then the body."""
    title = Text()
    title.append(inert_line(doc.id), style="bold cyan")
    title.append("  ")
    title.append(inert_line(doc.title), style="bold")
    parts: list[RenderableType] = [title, metadata_table(doc, people_names), Text("")]
    if doc.steps:
        parts.extend([steps_renderable(doc), Text("")])
    if doc.body.strip():
        parts.append(body_markdown(doc))
    return Group(*parts)


def diff_renderable(diff_text: str) -> RenderableType:
    """A diff coloured by Pygments' diff lexer, control characters shown inert."""
    from rich.syntax import Syntax

    return Syntax(inert(diff_text), "diff", theme="ansi_dark", background_color="default")


def age(iso: str, now: datetime) -> str:
    """How long ago, in the largest whole unit: a reviewer's queue is read by age."""
    try:
        then = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return "?"
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def standing_line(standing: Standing, zone: tzinfo | None = None) -> str:
    """One line on how the working copy stands against main, e.g. ``working copy: edited,
    not approved; approved v1.6 on 2026-03-02 by Bilal Okafor`` (ISO 9001 §7.5.3.2 c:
    the reader must know whether the text in front of them is the approved one); the day
    of approval is the one in ``zone`` (None: the local zone)."""
    rev = standing.approved
    state = standing.working_copy
    approved = ""
    if rev is not None:
        who = ", ".join(a.name for a in rev.approvers) or "nobody"
        approved = f"approved v{rev.version} on {day_iso(rev.date, zone)} by {who}"
    if state is WorkingCopy.APPROVED:
        return inert_line(f"working copy: the {approved}")
    if state is WorkingCopy.EDITED:
        if rev is None:
            return "working copy: edited, not approved; no revision of it was ever approved"
        return inert_line(f"working copy: edited, not approved; {approved}")
    if state is WorkingCopy.UNAPPROVED:
        return "working copy: as on main, but not yet approved (no sign-off landed it)"
    return "working copy: not on main (new here, never approved)"
