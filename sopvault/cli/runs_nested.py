"""What ``runs mark`` and ``runs show`` add for a work instruction run in place inside a
step (issue 15): the first ``3.N`` opens it, the report reads its texts, and the JSON of a
step holds its nested steps. Kept apart so ``cli/runs.py`` stays one screenful per command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sopvault.cli.output import say
from sopvault.core.nested import address as address  # ``3`` or ``3.2``, for ``runs mark``
from sopvault.errors import SopvaultError
from sopvault.services.runnested import instruction_of, open_in_step

if TYPE_CHECKING:
    from sopvault.model.document import Document
    from sopvault.model.run import Run, StepEntry
    from sopvault.services.runs import Runs


def open_first(service: Runs, run_id: str, within: int, *, strict: bool, who: str | None) -> None:
    """Open step ``within``'s work instruction in run ``run_id`` unless it is open, saying
    what is odd about its text on stderr; RunError when refused (``strict``, retired)."""
    if service.load(run_id).step(within).instruction is None:
        for warning in open_in_step(service, run_id, within, strict=strict, who=who).warnings:
            say(f"note: {warning}", err=True)


def instruction_texts(service: Runs, one: Run) -> dict[int, Document]:
    """The texts of the work instructions run inside the run's steps, by parent step
    (those that can no longer be read are left out: the report reads without them)."""
    texts: dict[int, Document] = {}
    for entry in one.steps:
        if entry.instruction is not None:
            try:
                texts[entry.number] = instruction_of(service, one, entry.number)
            except SopvaultError:
                continue
    return texts


def step_json(s: StepEntry) -> dict[str, Any]:
    """One step entry as JSON; a step running a work instruction in place also holds
    ``instruction`` (the text followed) and its ``nested`` steps (issue 15)."""
    data: dict[str, Any] = {
        "number": s.number,
        "action": s.action,
        "critical": s.control_point,
        "state": s.state.value,
        "by": s.by or None,
        "at": s.at.isoformat() if s.at else None,
        "value": s.value,
        "note": s.note or None,
        "reason": s.reason or None,
        "due_at": s.due_at.isoformat() if s.due_at else None,
        "deviation": s.deviation or None,
        "event": s.event or None,
    }
    if s.instruction is not None:
        pin = s.instruction
        data["instruction"] = {
            "document": pin.doc_id,
            "version": pin.version,
            "commit": pin.commit or None,
            "blob": pin.blob,
            "path": pin.path,
        }
        data["nested"] = [step_json(n) for n in s.nested]
    return data
