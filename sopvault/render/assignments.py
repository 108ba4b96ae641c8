"""A run's assignments as text: who fills each role, who assigned them and when, and whom
they replaced (issue 15). ``render.runs`` shows these lines in ``runs show`` and words each
assign event of ``runs show --events`` with ``assign_text``. An assignment is an event, so
a reassignment never hides the person before (21 CFR Part 11 §11.10(e))."""

from __future__ import annotations

from datetime import tzinfo

from sopvault.core.localtime import shown
from sopvault.core.wording import name_of
from sopvault.model.document import Document
from sopvault.model.run import Event, EventType, Run


def assignments(run: Run) -> dict[str, list[Event]]:
    """The assign events of ``run`` per role, in log order (a role assigned in a run
    file's header before assignments were events has none)."""
    found: dict[str, list[Event]] = {}
    for event in run.events:
        if event.type is EventType.ASSIGN and event.role:
            found.setdefault(event.role, []).append(event)
    return found


def previous(run: Run, event: Event) -> str:
    """Who filled ``event``'s role before it ("" for the first assignment): the assign
    event before it in the log, else the run header's."""
    before = ""
    for earlier in run.events:
        if earlier.id == event.id:
            return before
        if earlier.type is EventType.ASSIGN and earlier.role == event.role:
            before = earlier.person
    return before


def assign_text(run: Run, event: Event) -> str:
    """``lab technician to Erin Walsh <erin@...> (was Dmitri Volkov <...>)``."""
    was = previous(run, event)
    return f"{event.role} to {event.person}" + (f" (was {was})" if was else "")


def role_lines(run: Run, zone: tzinfo | None = None) -> list[str]:
    """The report's roles: each role's person now, then each earlier holder, with who
    assigned them and when (shown in ``zone``, None: the local zone)."""
    events = assignments(run)
    lines = []
    for role, person in run.roles.items():
        history = events.get(role, [])
        if not history:
            lines.append(f"role:     {role}: {person}")
            continue
        last = history[-1]
        lines.append(f"role:     {role}: {person} ({_by(last, zone)})")
        for earlier in reversed(history[:-1]):
            lines.append(f"          before: {earlier.person} ({_by(earlier, zone)})")
    return lines


def _by(event: Event, zone: tzinfo | None) -> str:
    return f"assigned {shown(event.at, zone, seconds=True)} by {name_of(event.by)}"


def assignees(run: Run, doc: Document | None) -> dict[int, str]:
    """Step number to the name of the person filling its role in ``run`` (by the roles of
    ``doc``, the text followed); steps without a role, or whose role nobody fills, are
    left out."""
    if doc is None:
        return {}
    return {
        number: name_of(run.roles[step.role])
        for number, step in enumerate(doc.steps, start=1)
        if step.role and step.role in run.roles
    }
