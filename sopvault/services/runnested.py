"""Running a step's work instruction in place (issue 15): the instruction's approved text
on main is pinned in an ``instruction`` event of the same run, and its steps are answered
in that run's log (``3.2``: step 2 of the instruction inside step 3).

The text an instruction follows is chosen exactly as a run's own (``text_to_run``, which
``Runs.start`` uses too): main's text, pinned by commit and blob id; a retired one is
refused (ISO 9001 §7.5.3.2 d: obsolete documents must not be used by mistake), one that
is not effective or carries no sign-off is warned about, or refused under ``strict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sopvault.core.lifecycle import refusal_to_run
from sopvault.core.nestedrun import named_instruction, open_instruction
from sopvault.core.parse import parse_text
from sopvault.errors import RunError
from sopvault.model.document import Document, Status
from sopvault.model.run import Run
from sopvault.services.runtext import FollowedTexts

if TYPE_CHECKING:
    from sopvault.services.runs import Runs


@dataclass
class Opened:
    """A work instruction just opened inside a step, and what is odd about its text."""

    run: Run
    warnings: list[str] = field(default_factory=list)


def text_to_run(
    texts: FollowedTexts, doc_id: str, strict: bool
) -> tuple[Document, str, str, list[str]]:
    """The document ``doc_id`` as main holds it, with that commit, its blob id and what
    is odd about it (not effective, no sign-off, the working copy differs or is followed
    outside git). RunError when it cannot be read, is retired (naming its successor), or
    something is odd and ``strict`` is set."""
    warnings: list[str] = []
    text, path, commit, blob = texts.to_follow(doc_id, warnings)
    result = parse_text(path, text)
    doc = result.document
    if doc is None:
        problem = result.findings[0].message if result.findings else "not a document"
        raise RunError(f"{doc_id} cannot be read: {problem}")
    refused = refusal_to_run(doc)  # a retired text: no new run (ISO 9001 §7.5.3.2 d)
    if refused:
        raise RunError(refused)
    if doc.status is not Status.EFFECTIVE:
        state = doc.status.value.replace("_", " ") if doc.status else "without a status"
        warnings.append(f"{doc_id} is {state}, not effective")
    if strict and warnings:
        raise RunError(f"refused (--strict): {warnings[0]}")
    texts.known[blob] = doc
    return doc, commit, blob, warnings


def open_in_step(
    runs: Runs, run_id: str, number: int, *, strict: bool = False, who: str | None = None
) -> Opened:
    """Open the work instruction step ``number`` of run ``run_id`` names, in place: its
    text on main pinned in an ``instruction`` event appended to the run's log. RunError
    as ``text_to_run`` and ``core.nestedrun.open_instruction``."""
    runs.vault.must_be_writable("run a work instruction")
    with runs._turn(run_id) as run:
        doc = runs.document(run)
        wi_id = named_instruction(run, doc, number)
        if run.step(number).instruction is not None:
            raise RunError(f"step {number} already runs {wi_id} in place: mark {number}.N")
        wi, commit, blob, warnings = text_to_run(runs.texts, wi_id, strict)
        event = open_instruction(
            run, doc, number, wi, commit=commit, blob=blob, who=runs.who(who), now=runs.ws.now()
        )
        runs.files.append(run, runs._as(event))
    return Opened(run, [f"{wi_id}: {w}" if not w.startswith(wi_id) else w for w in warnings])


def nested_step_roles(texts: FollowedTexts, run: Run) -> dict[int, dict[int, str]]:
    """The roles of the steps of each work instruction open in ``run``, by parent step
    (``{3: {1: "plant operator"}}``), read from the texts pinned (``texts``: the runs'
    ``Runs.texts``); RunError when one is gone."""
    return {
        entry.number: {i: s.role for i, s in enumerate(wi.steps, start=1) if s.role}
        for entry in run.steps
        if entry.instruction is not None
        for wi in (texts.instruction(run, entry.instruction),)
    }


def instruction_of(runs: Runs, run: Run, number: int) -> Document:
    """The pinned text of the work instruction open in step ``number`` of ``run``, parsed;
    RunError when none is open there or its text is gone."""
    entry = run.step(number)
    if entry.instruction is None:
        raise RunError(f"step {number} has no work instruction open in it")
    return runs.texts.instruction(run, entry.instruction)
