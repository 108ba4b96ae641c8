"""An impact report (``services.impact``) as lines the CLI prints and the TUI's impact
panel shows, and as JSON. Each line comes with a style name (``heading``, ``item``,
``warning``, ``dim``) that the TUI colours and the CLI ignores; text from documents and
the config is made inert here, one line each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from sopvault.core.localtime import shown
from sopvault.core.wording import counted
from sopvault.model.config import Person
from sopvault.model.control import Identity
from sopvault.render.safetext import inert_line
from sopvault.services.impact import Impact, OpenRun

# (style name, text): one shown line.
Line = tuple[str, str]


def headline(impact: Impact) -> str:
    """``WI-004 Count stock for a cycle count: working copy (1.0 on main)``."""
    doc = impact.document
    change = impact.change or "no change yet"
    now = f"{impact.version_now} on main" if impact.version_now else "not on main yet"
    if impact.change and impact.change.startswith("proposal") and doc.version:
        now += f", proposed as {doc.version}"
    return inert_line(f"{doc.id} {doc.title}: {change} ({now})")


def impact_lines(impact: Impact, most: int | None = None, zone: tzinfo | None = None) -> list[Line]:
    """The whole report: the headline, the documents reached (the ``most`` nearest when
    given, then how many more), the open runs (started when, in ``zone``; None: the local
    zone), who will owe an acknowledgement, then notes."""
    lines: list[Line] = [("heading", headline(impact))]
    lines += document_lines(impact, most)
    lines += run_lines(impact.runs, impact.document.id, zone)
    lines += reader_lines(impact)
    lines += [("dim", f"note: {inert_line(n)}") for n in impact.notes]
    return lines


def document_lines(impact: Impact, most: int | None = None) -> list[Line]:
    """Below it in the tree and linking to it, with status and how each is reached; only
    the ``most`` nearest when given (the TUI's panel), then how many more there are."""
    reached = impact.reached
    if not reached:
        return [("dim", "Documents it touches: none (nothing below it or linking to it)")]
    retired = sum(1 for r in reached if r.status == "retired")
    title = f"Documents it touches: {len(reached)}"
    below = sum(1 for r in reached if r.below)
    title += f" ({below} below it in the tree, {len(reached) - below} linking to it)"
    lines: list[Line] = [("heading", title)]
    shown = reached if most is None else reached[:most]
    rows = [
        [r.id, (r.status or "-").replace("_", " "), r.kind.label, r.how(), r.title] for r in shown
    ]
    for row, item in zip(_aligned(rows), shown, strict=True):
        lines.append(("warning" if item.status == "retired" else "item", f"  {row}"))
    if len(shown) < len(reached):
        more = len(reached) - len(shown)
        lines.append(
            ("dim", f"  and {more} more (sopvault impact {impact.document.id} lists them all)")
        )
    if retired:
        lines.append(("warning", f"  {counted(retired, 'retired document')} among them"))
    return lines


def run_lines(runs: Sequence[OpenRun], doc_id: str, zone: tzinfo | None = None) -> list[Line]:
    """The open runs and the version each follows; after approval all follow an older
    revision (a run keeps the text it started with). Start times in ``zone``."""
    if not runs:
        return [("dim", f"Open runs of {inert_line(doc_id)}: none")]
    older = sum(1 for r in runs if r.older)
    heading = f"Open runs of {inert_line(doc_id)}: {len(runs)}"
    lines: list[Line] = [
        ("heading", f"{heading} ({older} on an older revision now; all of them once approved)")
    ]
    rows = [
        [
            r.id,
            f"follows {r.version or '?'}",
            f"started {shown(r.started_at, zone)} by {_name(r.started_by)}",
            "older than main" if r.older else "main's text",
        ]
        for r in runs
    ]
    for row, run in zip(_aligned(rows), runs, strict=True):
        lines.append(("warning" if run.older else "item", f"  {row}"))
    return lines


def reader_lines(impact: Impact) -> list[Line]:
    """Who will owe an acknowledgement once approved, who is new or no longer must read
    it, and the roles it names with their holders."""
    readers = impact.readers
    lines: list[Line] = [
        ("heading", f"Who will owe an acknowledgement once approved: {len(readers.people)}")
    ]
    new = {p.handle for p in readers.new}
    for person in readers.people:
        mark = "  (new: did not have to read it before)" if person.handle in new else ""
        lines.append(("warning" if mark else "item", f"  {_person(person)}{mark}"))
    for person in readers.dropped:
        lines.append(("dim", f"  {_person(person)}  (no longer has to read it)"))
    for role, holders in readers.roles:
        held = ", ".join(holders) if holders else "nobody holds it"
        lines.append(("item" if holders else "warning", inert_line(f"  role {role}: {held}")))
    for entry in readers.unknown:
        lines.append(("warning", inert_line(f"  readers entry {entry!r} names nobody")))
    return lines


def impact_json(impact: Impact) -> dict[str, Any]:
    """The report as JSON-ready data (``sopvault impact --json``)."""
    doc = impact.document
    readers = impact.readers
    return {
        "id": doc.id,
        "title": doc.title,
        "change": impact.change,
        "version_on_main": impact.version_now,
        "version": doc.version,
        "documents": [
            {
                "id": r.id,
                "title": r.title,
                "kind": r.kind.value,
                "status": r.status.value if r.status else None,
                "version": r.version,
                "relation": r.relation.value,
                "below": r.below,
                "path": list(r.path),
            }
            for r in impact.reached
        ],
        "open_runs": [
            {
                "id": r.id,
                "version": r.version,
                "started_at": r.started_at.isoformat(),
                "started_by": r.started_by,
                "older": r.older,
            }
            for r in impact.runs
        ],
        "readers": {
            "people": [_person_json(p, readers.new) for p in readers.people],
            "no_longer": [p.handle for p in readers.dropped],
            "roles": {role: list(holders) for role, holders in readers.roles},
            "unknown": list(readers.unknown),
        },
        "notes": list(impact.notes),
    }


def _name(who: str) -> str:
    """The name in ``Name <email>`` (the whole text when it is not one)."""
    found = Identity.parse(who)
    return found.name if found is not None else who


def _person(person: Person) -> str:
    return inert_line(f"{person.handle}  {person.name}")


def _person_json(person: Person, new: Sequence[Person]) -> dict[str, Any]:
    return {
        "handle": person.handle,
        "name": person.name,
        "new": any(p.handle == person.handle for p in new),
    }


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows as lines, each cell inert and padded to its column's width, two spaces apart
    (the last column unpadded)."""
    # One pass over every cell first: when none holds anything to show (the usual case),
    # the cells of ten thousand documents need not each go through inert_line.
    plain = " ".join(" ".join(row) for row in rows)
    cells = rows if inert_line(plain) == plain else [[inert_line(c) for c in r] for r in rows]
    widths = [max(map(len, column)) for column in zip(*cells, strict=True)]
    line = "  ".join([*(f"{{:<{w}}}" for w in widths[:-1]), "{}"]).format
    return [line(*row) for row in cells]
