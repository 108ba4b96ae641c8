"""The checklist runner: the steps with their states, the highlighted step's details and
history, an evidence input that checks the value as you type, progress and elapsed time.

Every answer goes through the Runs service in a worker, which appends it to the run's log
and fsyncs it before the screen shows it, so leaving this screen, quitting the app or
losing the terminal keeps the run where it was. Answers are recorded one at a time, in the
order they were given, so a quick hand never reorders the run's events. An answer that is
a deviation (issue 13) is refused by the service until a note says what happened: the
runner asks for it and records the answer again with it. The run's file is followed
(``run_follow``), so what others record on it shows here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, OptionList, ProgressBar, Static

from sopvault.core.checklist import NoteRequired, completion_problem
from sopvault.model.document import Document
from sopvault.model.run import Outcome, Run, RunState, StepState
from sopvault.render.rich import diff_renderable, document_renderable, unified_diff
from sopvault.render.safetext import inert_lines
from sopvault.services.runs import Resumed, Runs, Started
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.deviation import DeviationNoteScreen, departure
from sopvault.tui.dialogs.text import TextScreen
from sopvault.tui.keys import footer
from sopvault.tui.messages import ShowText, WorkFailed
from sopvault.tui.notices import notice
from sopvault.tui.screens.in_place import InPlaceScreen
from sopvault.tui.screens.run_assign import AssigningScreen
from sopvault.tui.screens.run_command import CommandRunner
from sopvault.tui.screens.run_record import Mark, StepMarked
from sopvault.tui.widgets.run_view import revised_notices, run_status, run_title, summary
from sopvault.tui.widgets.step_list import StepList
from sopvault.tui.widgets.step_panel import StepPanel
from sopvault.tui.workers import background

__all__ = ["Mark", "RunFinished", "RunScreen", "StepMarked"]


@dataclass
class RunFinished(Message):
    """The run was completed or aborted and committed; ``message`` says where it went."""

    message: str


class RunScreen(InPlaceScreen, CommandRunner, AssigningScreen):
    """Dismissed when the run ends or the person leaves it open (Escape). While the
    evidence input has the focus, Ctrl+F, F1 and Ctrl+Q stand in for /, ? and q."""

    # s, a and n are named in the status line and w in the step's detail; the footer keeps
    # room for Search, Help and Quit at 80 columns.
    BINDINGS = [
        Binding("escape", "leave", "Leave (stays open)"),
        Binding("c", "complete", "Complete"),
        Binding("x", "abort", "Abort"),
        Binding("w", "instruction", "Work instr.", show=False),
        Binding("i", "in_place", "Run in place", show=False),
        Binding("s", "skip", "Skip", show=False),
        Binding("a", "not_applicable", "N/A", show=False),
        Binding("n", "note", "Note", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("v", "changes", "What changed", show=False),
        Binding("r", "run_command", "Run command", show=False),
        Binding("g", "assign", "Assign", show=False),
    ]

    def __init__(
        self, runs: Runs, run: Run, doc: Document, notices: list[str] | None = None
    ) -> None:
        super().__init__()
        self.runs = runs
        self.run = run
        self.doc = doc
        self.notices = list(notices or [])
        self.revised: Resumed | None = None

    @classmethod
    def for_run(cls, runs: Runs, started: Started | Resumed, doc: Document) -> RunScreen:
        """The runner for a run just started (with its warnings) or resumed (with a notice
        when the procedure was revised since the run began)."""
        if isinstance(started, Started):
            return cls(runs, started.run, doc, started.warnings)
        screen = cls(runs, started.run, doc, revised_notices(started))
        screen.revised = started if started.changed_since else None
        return screen

    def compose(self) -> ComposeResult:
        """Title, notices, the steps beside the step panel, progress and status."""
        yield Header()
        yield Static(run_title(self.run, self.runs.ws.zone), id="run-title")
        yield Static(Text(inert_lines(self.notices), style="yellow"), id="run-notices")
        with Horizontal(id="run-body"):
            yield StepList(self.run, self.runs.now(), id="run-steps", doc=self.doc)
            yield StepPanel(id="run-side")
        yield ProgressBar(total=len(self.run.steps), show_eta=False, id="run-progress")
        yield Static("", id="run-status")
        yield footer()

    def on_mount(self) -> None:
        """Highlight the first pending step and start the clock of the status line."""
        self.query_one("#run-notices").display = bool(self.notices)
        steps = self.query_one(StepList)
        current = self.run.current()
        steps.highlighted = (current.number - 1) if current else 0
        steps.focus()
        self.refresh_run()
        self.set_interval(1.0, self.show_status)
        self.follow()

    # ---- showing -----------------------------------------------------------------------

    def refresh_run(self) -> None:
        """Redraw the steps, the progress, the detail and the status from ``self.run``."""
        self.query_one(StepList).show_run(self.run, self.runs.now())
        done, _ = self.run.progress()
        self.query_one(ProgressBar).update(progress=done)
        self.show_detail()
        self.show_status()

    def show_status(self) -> None:
        """Progress, elapsed time and late steps (every second)."""
        self.query_one("#run-status", Static).update(run_status(self.run, self.runs.now()))

    @property
    def index(self) -> int:
        """The highlighted step, from 0."""
        return self.query_one(StepList).index

    def show_detail(self) -> None:
        """The highlighted step in the panel beside the list."""
        index = self.index
        entry = self.run.steps[index]
        step, now, zone = self.doc.steps[index], self.runs.now(), self.runs.ws.zone
        self.query_one(StepPanel).show_step(self.run, step, entry, now, zone)

    # ---- recording -------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#run-steps")
    def highlighted(self) -> None:
        """A new step highlighted: a fresh input and its detail."""
        self.query_one(StepPanel).field.value = ""
        self.show_detail()

    @on(OptionList.OptionSelected, "#run-steps")
    def selected(self) -> None:
        """Enter on a step: done, or to the evidence input first when the step asks for it."""
        step = self.doc.steps[self.index]
        record = self.run.steps[self.index]
        if record.instruction is not None:  # answered by its work instruction's steps
            return self.action_in_place()
        if record.state is not StepState.PENDING:
            notice(self, f"step {record.number} is {record.state.value}; u reopens it")
            return
        if step.command:
            self.action_run_command()
            return
        if step.evidence is not None:
            self.query_one(StepPanel).field.focus()
            return
        self.mark_step(record.number, "done")

    @on(StepPanel.EvidenceGiven)
    def submitted(self, event: StepPanel.EvidenceGiven) -> None:
        """Enter in the evidence input: record it (the input clears once it is on disk)."""
        self.mark_step(self.index + 1, "done", value=event.value)

    def on_step_marked(self, event: StepMarked) -> None:
        """Show the recorded answer and move on to the next pending step; a failed control
        point that stops the work offers to complete the run as failed."""
        stopped_before = self.run.stopped() is not None
        self.run = event.run
        self.generation += 1
        mark = event.mark
        if mark.action in ("done", "skip", "na"):
            self.query_one(StepList).move_on(self.run, mark.number)
        if "value" in mark.fields:
            self.query_one(StepPanel).field.value = ""
            self.query_one(StepList).focus()
        self.refresh_run()
        self.next_mark()
        stopped = self.run.stopped()
        if stopped is not None and not stopped_before and not self.marks:
            notice(
                self,
                f"control point {stopped.number} failed and stops the work",
                title="Stopped",
                severity="warning",
            )
            self.action_complete()

    def on_work_failed(self, event: WorkFailed) -> None:
        """A refused answer: a deviation without its note asks for the note; evidence
        refused is said under the input (not as a notice)."""
        if event.group != "mark":
            return
        mark = self.next_mark()
        if isinstance(event.error, NoteRequired) and not mark.fields.get("note"):
            event.stop()
            self.ask_deviation_note(mark, str(event.error))
        elif mark.action == "done" and "value" in mark.fields:
            self.query_one(StepPanel).refuse(str(event.error))
            event.stop()

    def ask_deviation_note(self, mark: Mark, refusal: str) -> None:
        """Say what departs and ask what happened; with the note the answer is recorded
        again, as a deviation. Escape records nothing; the value typed stays in the input."""
        departs = departure(self.doc.steps[mark.number - 1], mark.fields.get("value"))

        def answered(note: str | None) -> None:
            if note is None:
                self.query_one(StepPanel).say(
                    Text("not recorded: a deviation is recorded with its note", style="yellow")
                )
                return
            self.mark_step(mark.number, mark.action, **{**mark.fields, "note": note})

        self.app.push_screen(DeviationNoteScreen(mark.number, departs, refusal), answered)

    def _ask(self, title: str, prompt: str, required: bool, then: str) -> None:
        number = self.index + 1

        def answered(text: str | None) -> None:
            if text is None:
                return
            key = "note" if then == "note" else "reason"
            self.mark_step(number, then, **{key: text})

        self.app.push_screen(
            CommentScreen(title, prompt, title.split()[0], required=required), answered
        )

    def action_skip(self) -> None:
        """Skip the step (asks why)."""
        self._ask_why("Skip", "Why is it skipped?", "skip")

    def action_not_applicable(self) -> None:
        """Mark the step n/a (asks why)."""
        self._ask_why("N/A", "Why does it not apply?", "na")

    def _ask_why(self, verb: str, question: str, action: str) -> None:
        """A reason, required on a control point, optional elsewhere."""
        critical = self.doc.steps[self.index].control_point
        required = " (required: a control point)" if critical else ""
        self._ask(f"{verb} step {self.index + 1}", question + required, critical, action)

    def action_note(self) -> None:
        """Add a note to the step."""
        self._ask(f"Note on step {self.index + 1}", "The note:", True, "note")

    def action_undo(self) -> None:
        """Reopen a step already dealt with."""
        record = self.run.steps[self.index]
        if record.state is StepState.PENDING:
            return
        self.mark_step(record.number, "undo")

    def action_instruction(self) -> None:
        """Show the step's work instruction (read in a worker)."""
        step = self.doc.steps[self.index]
        if not step.instruction:
            notice(self, "this step names no work instruction", severity="warning")
            return
        self.read_instruction(step.instruction)

    @background("instruction", "Cannot open")
    def read_instruction(self, doc_id: str) -> None:
        """Read a work instruction from the vault and ask the app to show it."""
        wi = self.runs.vault.get(doc_id)
        self.post_message(ShowText(f"{wi.id} {wi.title}", document_renderable(wi)))

    def action_changes(self) -> None:
        """What changed in the procedure since the run began (texts read on resume)."""
        revised = self.revised
        if revised is None:
            notice(self, "the procedure has not been revised since this run began")
            return
        diff = unified_diff(*revised.old, *revised.new)
        self.app.push_screen(
            TextScreen(f"What changed in {self.run.doc_id}", diff_renderable(diff))
        )

    # ---- ending ------------------------------------------------------------------------

    def action_complete(self) -> None:
        """Complete the run: a summary with the outcome it will have to confirm, then it is
        committed. A refusal (deviations not yet accepted under ``[runs]
        deviation_approvers``) comes back from the service as a notice."""
        if self.recording():
            return
        problem = completion_problem(self.run)
        if problem:
            notice(self, problem, title="Not yet", severity="error")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.finish(complete=True, reason="")

        failed = self.run.judged_outcome() is Outcome.FAILED
        button = "Complete as failed and commit" if failed else "Complete and commit"
        self.app.push_screen(
            TextScreen(f"Complete run {self.run.id}?", summary(self.run, self.doc), button),
            confirmed,
        )

    def action_abort(self) -> None:
        """Abort the run (asks why) and commit it."""
        if self.recording():
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                self.finish(complete=False, reason=reason)

        self.app.push_screen(
            CommentScreen(
                f"Abort run {self.run.id}", "Why is the run aborted?", "Abort", required=True
            ),
            reason_given,
        )

    @background("finish", "Not done")
    def finish(self, *, complete: bool, reason: str) -> None:
        """Complete or abort through the service, which commits the run file."""
        if complete:
            run, commit = self.runs.complete(self.run.id)
        else:
            run, commit = self.runs.abort(self.run.id, reason)
        where = f"committed as {commit[:10]}" if commit else f"saved in {run.file} (not in git)"
        state = f"{run.state.value} ({run.outcome.value})" if run.outcome else run.state.value
        self.post_message(RunFinished(f"Run {run.id} {state}: {where}"))

    def on_run_finished(self, event: RunFinished) -> None:
        """Say where the run went, and close the runner."""
        notice(self, event.message, title="Run recorded")
        self.dismiss(None)

    def action_leave(self) -> None:
        """Leave the run open (from the input: back to the steps)."""
        if self.query_one(StepPanel).field.has_focus:
            self.query_one(StepList).focus()
            return
        if self.run.state is RunState.OPEN:
            notice(self, f"Run {self.run.id} stays open: o lists open runs to resume it.")
        self.dismiss(None)
