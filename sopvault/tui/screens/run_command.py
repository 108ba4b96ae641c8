"""The runner's command steps (issue 15): ``r`` (or Enter on a command step) reads the
command and whether it may run in a worker, asks in a dialog (``dialogs.command``) with
the command in full, runs it in a worker (``services.runcommand``: only from the approved
text on main, with its time limit, never through a shell) and shows how it ended; the
step's detail then shows the command's exit status and the end of its output, inert.

A refusal (a draft, an edited working copy, a run following an older revision) is one
notice and nothing runs. A step whose answer is a deviation asks first why it is run
again (the first result stays in the record)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sopvault.model.document import Document
from sopvault.model.run import Event, Run
from sopvault.render.runcommand import outcome_text
from sopvault.services.runcommand import CommandSteps, Prepared
from sopvault.tui.dialogs.command import CommandScreen
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.notices import notice
from sopvault.tui.screens.run_record import RecordingScreen
from sopvault.tui.widgets.step_list import StepList
from sopvault.tui.workers import background, busy, deliver

GROUP = "command"  # the workers' group: one command at a time per runner


@dataclass
class CommandReady(Message):
    """Step ``prepared.number``'s command, read and judged, with the ``note`` given."""

    prepared: Prepared
    note: str


@dataclass
class CommandRan(Message):
    """The command ran and ``event`` (its result) is recorded; ``run`` is as on disk."""

    run: Run
    event: Event


class CommandRunner(RecordingScreen):
    """A RecordingScreen that runs its steps' commands; the subclass sets ``doc``, and
    ``within`` when its steps are those of a work instruction run in place in that step."""

    doc: Document
    within: int | None = None

    def recording(self) -> bool:
        """True (with a notice) while a command or answers are on their way to disk:
        completing or aborting waits for them."""
        if busy(self, GROUP):
            notice(self, "a step's command is still running…", severity="warning")
            return True
        return super().recording()

    def action_run_command(self) -> None:
        """Run the highlighted step's command, after asking."""
        number = self.query_one(StepList).index + 1
        if not self.doc.steps[number - 1].command:
            label = f"{self.within}.{number}" if self.within is not None else str(number)
            notice(self, f"step {label} runs no command", severity="warning")
            return
        if self.recording():
            return
        entry = self.run.steps[number - 1]
        if not entry.deviation:
            self.prepare_command(number, "")
            return

        def answered(note: str | None) -> None:
            if note:
                self.prepare_command(number, note)

        self.app.push_screen(
            CommentScreen(
                f"Run step {number}'s command again",
                f"Its answer is a deviation ({entry.deviation}); why is it run again?",
                "Go on",
                required=True,
            ),
            answered,
        )

    @background(GROUP, "Command not run")
    def prepare_command(self, number: int, note: str) -> None:
        """Read the command and whether this run's text lets it run."""
        prepared = CommandSteps(self.runs).prepare(self.run.id, number, note, self.within)
        deliver(self, CommandReady(prepared, note))

    def on_command_ready(self, message: CommandReady) -> None:
        """Refused in one notice, or asked in the dialog; runs only on "Run command"."""
        prepared = message.prepared
        if prepared.refusal:
            notice(
                self,
                f"the command of step {prepared.label} was not run: {prepared.refusal}",
                title="Command not run",
                severity="error",
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                notice(self, f"running step {prepared.label}'s command…")
                self.execute_command(prepared.number, message.note)

        self.app.push_screen(CommandScreen(prepared), answered)

    @background(GROUP, "Command not run")
    def execute_command(self, number: int, note: str) -> None:
        """Run it and record its result (the service holds the run's turn meanwhile)."""
        steps = CommandSteps(self.runs)
        run, event = steps.run(self.run.id, number, confirmed=True, note=note, within=self.within)
        deliver(self, CommandRan(run, event))

    def on_command_ran(self, message: CommandRan) -> None:
        """Show the recorded result, the step kept highlighted so its output is in view."""
        event, number = message.event, message.event.step or 0
        self.run = message.run
        self.generation += 1
        self.query_one(StepList).highlighted = number - 1
        self.refresh_run()
        if event.deviation:
            notice(
                self,
                f"step {number}: {outcome_text(event)}: recorded as a deviation (n adds a note)",
                title="Command failed",
                severity="warning",
            )
        else:
            notice(self, f"step {number}: {outcome_text(event)}", title="Command done")
