"""Opening a step's work instruction in place from the runner (issue 15), off the UI
thread: the message a worker posts, and the service calls that make it."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from sopvault.model.document import Document
from sopvault.model.run import Run
from sopvault.services.runs import Runs


@dataclass
class InstructionReady(Message):
    """Step ``within``'s work instruction is open in ``run``; ``wi`` is the text it
    follows (pinned), ``warnings`` what is odd about it (said once, when it was opened)."""

    run: Run
    within: int
    wi: Document
    warnings: list[str] = field(default_factory=list)


def enter(runs: Runs, run_id: str, number: int) -> InstructionReady:
    """Open step ``number``'s work instruction in run ``run_id`` when it is not open yet
    (main's text pinned in the run's log), and read the text it follows. Raises RunError
    when the rules refuse it (retired, a step answered by hand...)."""
    run = runs.load(run_id)
    warnings: list[str] = []
    if run.step(number).instruction is None:
        opened = runs.open_instruction(run_id, number)
        run, warnings = opened.run, opened.warnings
    return InstructionReady(run, number, runs.instruction(run, number), warnings)
