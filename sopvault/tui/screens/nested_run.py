"""A work instruction run in place inside a step (issue 15): the runner of the run's own
steps, opened on the instruction's steps (``3.1``, ``3.2``...).

It is the checklist runner itself (``RunScreen``: the same list, detail, evidence input,
deviation note, skip, n/a, note, undo), shown on a view of the run whose steps are the
instruction's, each answer recorded on the real run naming its parent step, in the same
log. When every step is dealt with the parent step is done, and the screen goes back to
the run's own steps; Escape goes back at any time, the run staying where it is.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.widgets import Static

from sopvault.model.document import Document
from sopvault.model.run import Run, StepState
from sopvault.render.safetext import inert_line
from sopvault.services.runs import Runs
from sopvault.tui.notices import notice
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.screens.run_command import CommandRan
from sopvault.tui.screens.run_record import Mark, RunReloaded, StepMarked
from sopvault.tui.widgets.run_view import run_title
from sopvault.tui.widgets.step_list import StepList
from sopvault.tui.widgets.step_panel import StepPanel
from sopvault.tui.workers import background


def inside(run: Run, within: int) -> Run:
    """``run`` seen from inside step ``within``: its steps are the work instruction's
    (progress, lateness, the current step and a stop then count those)."""
    return replace(run, steps=run.step(within).nested)


class NestedRunScreen(RunScreen):
    """The steps of the work instruction open in step ``within`` of ``run``; ``real``
    is the whole run as last recorded, which the runner takes back when this closes."""

    within: int

    BINDINGS = [
        Binding("escape", "leave", "Back to the run"),
        Binding("c", "complete", "Complete", show=False),
        Binding("x", "abort", "Abort", show=False),
    ]

    def __init__(
        self, runs: Runs, run: Run, within: int, wi: Document, notices: list[str] | None = None
    ) -> None:
        super().__init__(runs, inside(run, within), wi, notices)
        self.real = run
        self.within = within
        self._leaving = False

    def on_mount(self) -> None:
        """Say whose steps these are: the parent step and the text followed."""
        pin = self.real.step(self.within).instruction
        assert pin is not None
        title = run_title(self.real)
        title.append(f"\nstep {self.within} runs ", style="bold")
        title.append(f"{inert_line(pin.doc_id)} {inert_line(pin.title)}", style="bold cyan")
        where = f"commit {pin.commit[:8]}" if pin.commit else "the working copy"
        title.append(f"  v{inert_line(pin.version or '?')}, following {where}", style="cyan")
        self.query_one("#run-title", Static).update(title)

    @background("mark", "Refused", exclusive=False)
    def record(self, mark: Mark) -> None:
        """Record one answer on the instruction's step, in the run's log."""
        run = self.runs.mark(
            self.run.id, mark.number, mark.action, within=self.within, **mark.fields
        )
        self.post_message(StepMarked(mark, run))

    def on_step_marked(self, event: StepMarked) -> None:
        """The real run kept; the runner's handler (called next) draws the view. When the
        last step is dealt with, back to the run's own steps."""
        was_open = self.run.current() is not None
        self.real = event.run
        event.run = inside(event.run, self.within)
        if was_open and event.run.current() is None and len(self.marks) <= 1:
            self.call_later(self._all_dealt_with)

    def on_command_ran(self, message: CommandRan) -> None:
        """A step's command ran: the real run kept, the view drawn (the runner's handler,
        called next, shows its result)."""
        self.real = message.run
        message.run = inside(message.run, self.within)

    def on_run_reloaded(self, event: RunReloaded) -> None:
        """A reload of the real run, shown as the view (when it is not stale)."""
        if event.generation == self.generation and not self.marks:
            self.real = event.run
        event.run = inside(event.run, self.within)

    def _all_dealt_with(self) -> None:
        if self.real.step(self.within).state is StepState.DONE:
            notice(self, f"{self.doc.id} done: step {self.within} is done", title="Recorded")
        self._back()

    def _back(self) -> None:
        if not self._leaving:
            self._leaving = True
            self.dismiss(None)

    def action_complete(self) -> None:
        """The run is completed from its own steps: back there (a stop is said there)."""
        self._back()

    def action_abort(self) -> None:
        """The run is aborted from its own steps."""
        notice(self, "Escape goes back to the run: x aborts it there", severity="warning")

    def action_in_place(self) -> None:
        """One level only: a work instruction's step is answered as a plain step."""
        notice(
            self,
            "a work instruction's own steps are answered here; their instruction is shown"
            " (w), not run in place",
            severity="warning",
        )

    def action_leave(self) -> None:
        """Back to the run's own steps (from the input: back to the steps)."""
        if self.query_one(StepPanel).field.has_focus:
            self.query_one(StepList).focus()
            return
        self._back()
