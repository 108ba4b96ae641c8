"""Running a step's work instruction in place from the runner (issue 15): ``i`` (or
``Enter`` on a step whose instruction is open) opens it in the run's log, pinned to its
text on main, off the UI thread, and shows its steps in the runner
(``nested_run.NestedRunScreen``); back in the run's steps, the run is as they left it."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from sopvault.model.document import Document
from sopvault.model.run import Run, StepState
from sopvault.services.runnested import instruction_of, open_in_step
from sopvault.services.runs import Runs
from sopvault.tui.notices import notice
from sopvault.tui.screens.run_record import RecordingScreen
from sopvault.tui.widgets.step_list import StepList
from sopvault.tui.workers import background


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
        opened = open_in_step(runs, run_id, number)
        run, warnings = opened.run, opened.warnings
    return InstructionReady(run, number, instruction_of(runs, run, number), warnings)


class InPlaceScreen(RecordingScreen):
    """A runner (``doc``, the highlighted step ``index``) whose steps' work instructions
    can run in place; ``RunScreen`` is one."""

    doc: Document
    inside = False  # a work instruction's steps are shown over this runner

    @property
    def index(self) -> int:
        """The highlighted step, from 0 (the runner's)."""
        raise NotImplementedError

    def action_complete(self) -> None:
        """Complete the run (the runner's: a stop inside the instruction ends here)."""
        raise NotImplementedError

    def action_in_place(self) -> None:
        """Run the step's work instruction in place: opened in the run's log, pinned to
        main's text, its steps shown in the runner."""
        if not self.doc.steps[self.index].instruction:
            notice(self, "this step names no work instruction", severity="warning")
        elif not self.recording():
            self.enter_instruction(self.index + 1)

    @background("in-place", "Cannot run in place")
    def enter_instruction(self, number: int) -> None:
        """Open the instruction (when not yet open) and read the text it follows."""
        self.post_message(enter(self.runs, self.run.id, number))

    def on_instruction_ready(self, event: InstructionReady) -> None:
        """The instruction's steps in the runner; back here, the run as they left it
        (on the next step when it is done; completing offered when it stopped the work)."""
        from sopvault.tui.screens.nested_run import NestedRunScreen  # it is a runner

        self.run, self.generation = event.run, self.generation + 1
        self.refresh_run()
        inner = NestedRunScreen(self.runs, event.run, event.within, event.wi, event.warnings)

        def back(_: None) -> None:
            self.inside = False
            self.run, self.generation = inner.real, self.generation + 1
            if self.run.step(event.within).state is not StepState.PENDING:
                self.query_one(StepList).move_on(self.run, event.within)
            self.refresh_run()
            if self.run.stopped() is not None:
                self.action_complete()

        self.inside = True
        self.app.push_screen(inner, back)

    def look_for_news(self) -> None:
        """Follow the run's file, except while its work instruction's steps are shown over
        this runner: what is recorded there is not news from elsewhere, and the run comes
        back from there as it is."""
        if not self.inside:
            super().look_for_news()
