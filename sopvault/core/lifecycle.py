"""The life-cycle rules about retired documents and who must read: obsolete documents kept
from unintended use (ISO 9001 §7.5.3.2 d), and ``readers`` that name somebody (§7.2).

Pure: documents and the vault's people in, findings or a refusal out. ``check`` reports
the findings (warnings: a retired link does not stop the vault from working), and runs
ask ``refusal_to_run`` before they start.
"""

from __future__ import annotations

from collections.abc import Iterable

from sopvault.core.readers import unknown_readers
from sopvault.model.config import Person
from sopvault.model.document import Document, Status
from sopvault.model.finding import Finding, Severity


def refusal_to_run(doc: Document) -> str | None:
    """Why a new run of ``doc`` may not start, one line naming the successor to run
    instead; None when it may. Only a retired document is refused: a run already open
    on it can still be finished or aborted (the refusal is asked only at start)."""
    if doc.status is not Status.RETIRED:
        return None
    if doc.superseded_by:
        return f"{doc.id} is retired (superseded by {doc.superseded_by}): run {doc.superseded_by}"
    return f"{doc.id} is retired: it is no longer in force and may not be run"


def _retired(documents: dict[str, Document], doc_id: str) -> str | None:
    """ " is retired (superseded by X)" when ``doc_id`` is a retired document, else None."""
    target = documents.get(doc_id)
    if target is None or target.status is not Status.RETIRED:
        return None
    if target.superseded_by:
        return f"is retired (superseded by {target.superseded_by})"
    return "is retired"


def retired_links(doc: Document, documents: dict[str, Document]) -> list[Finding]:
    """Warnings for an effective document that links to a retired one: a parent, a related
    document, or a step's ``instruction``, each at the line of the link (the links the
    vault resolves; ``core.checks`` reports the ones that resolve to nothing)."""
    if doc.status is not Status.EFFECTIVE:
        return []
    found: list[Finding] = []
    links = (("parents", "parent", doc.parents), ("related", "related", doc.related))
    for key, label, ids in links:
        for linked in ids:
            said = _retired(documents, linked)
            if said:
                message = f"{label} '{linked}' {said}"
                found.append(_warning(doc, doc.line_of(key), "retired-link", message))
    for number, step in enumerate(doc.steps, start=1):
        said = _retired(documents, step.instruction) if step.instruction else None
        if said:
            message = f"step {number}: instruction '{step.instruction}' {said}"
            found.append(_warning(doc, step.line, "retired-link", message))
    return found


def successor_problems(doc: Document, documents: dict[str, Document]) -> list[Finding]:
    """A warning when ``superseded_by`` names no document of the vault, or one that is
    retired itself: runs of the retired document would send people nowhere."""
    successor = doc.superseded_by
    if not successor:
        return []
    line = doc.line_of("superseded_by")
    if successor not in documents:
        message = f"superseded_by '{successor}' is not a document in this vault"
        return [_warning(doc, line, "unknown-successor", message)]
    said = _retired(documents, successor)
    if said and successor != doc.id:
        return [_warning(doc, line, "retired-successor", f"superseded_by '{successor}' {said}")]
    return []


def reader_problems(doc: Document, people: Iterable[Person]) -> list[Finding]:
    """A warning for each ``readers`` entry that names nobody in ``[people]`` (a handle
    nobody has, a role nobody holds), by ``core.readers.unknown_readers``: nobody would
    owe that reading."""
    line = doc.line_of("readers")
    return [
        _warning(
            doc,
            line,
            "unknown-reader",
            f"readers entry '{entry}' names nobody in [people] of sopvault.toml",
        )
        for entry in unknown_readers(doc, people)
    ]


def _warning(doc: Document, line: int, code: str, message: str) -> Finding:
    return Finding(doc.path, line, Severity.WARNING, code, message)
