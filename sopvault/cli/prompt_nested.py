"""The line prompt inside a step: a work instruction run in place (issue 15), its steps
asked one by one exactly as the run's own (``cli.prompt.LinePrompt``: the same answers,
deviations with their note, undo and back), each recorded in the same run's log as
``3.2``. When every one is dealt with, the parent step is done and the prompt goes on
with the run's next step; q leaves the whole run open, inside the instruction or not.
"""

from __future__ import annotations

from dataclasses import replace

from sopvault.cli.prompt import LinePrompt
from sopvault.errors import RunError
from sopvault.model.document import Document
from sopvault.model.run import Run, StepState
from sopvault.render.safetext import inert_line
from sopvault.services.runnested import instruction_of, open_in_step


class NestedPrompt(LinePrompt):
    """The prompt of the work instruction ``wi`` open in step ``within``. It walks a
    view of the run whose steps are the instruction's (progress, deadlines, undo and
    back then count them), and records each answer on the real run, naming the parent."""

    within: int

    def __init__(self, outer: LinePrompt, within: int, wi: Document) -> None:
        super().__init__(outer.runs, who=outer.who, ask=outer.ask, say=outer.say)
        self.within = within
        self.wi = wi

    def view(self, run: Run) -> Run:
        """``run`` seen from inside the instruction: its steps are the nested ones."""
        return replace(run, steps=run.step(self.within).nested)

    def _mark(self, run: Run, number: int, action: str, **fields: str | None) -> Run:
        return self.view(super()._mark(run, number, action, **fields))

    def in_place(self, run: Run, number: int) -> Run:
        """One level only: a work instruction's step is answered as a plain step."""
        raise RunError(
            f"step {self.within}.{number} is a step of a work instruction: its own"
            " instruction is shown (w), not run in place (one level only)"
        )

    def walk_steps(self, run: Run) -> Run:
        """Ask each pending nested step until none is left or a failed control point
        stops the work; the real run as saved. Quit and Ctrl-C go up to the run's loop."""
        view = self.view(run)
        while (current := view.current()) is not None and view.stopped() is None:
            view = self.one_step(view, self.wi, current.number)
        return self.runs.load(run.id)


def walk_in_place(prompt: LinePrompt, run: Run, number: int) -> Run:
    """Open step ``number``'s work instruction in ``run`` when it is not yet (its text on
    main pinned; what is odd about it said, refused under ``prompt.strict``) and walk its
    steps; the run as saved afterwards. RunError when the rules refuse it."""
    if run.step(number).instruction is None:
        opened = open_in_step(prompt.runs, run.id, number, strict=prompt.strict, who=prompt.who)
        for warning in opened.warnings:
            prompt.say(f"note: {inert_line(warning)}")
        run = opened.run
        pin = run.step(number).instruction
        assert pin is not None
        where = f"commit {pin.commit[:10]}" if pin.commit else "the working copy"
        prompt.say(
            inert_line(
                f"step {number}: running {pin.doc_id} {pin.title} {pin.version or ''} in place,"
                f" following {where}"
            )
        )
    wi = instruction_of(prompt.runs, run, number)
    run = NestedPrompt(prompt, number, wi).walk_steps(run)
    if run.step(number).state is StepState.DONE:
        prompt.say(inert_line(f"{wi.id} done: step {number} is done"))
    return run
