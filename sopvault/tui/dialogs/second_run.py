"""A second run of the same procedure is a decision: resume the open one, start another,
or discard the open one when it recorded nothing and the person asking started it
(issue 13: empty abandoned runs can be discarded by their starter without a commit)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label

from sopvault.core.assignment import recorded_work
from sopvault.core.wording import counted
from sopvault.model.control import Identity
from sopvault.model.run import Run, RunState, RunSummary
from sopvault.render.runs import open_run_line
from sopvault.render.safetext import inert_line
from sopvault.services.runs import Runs
from sopvault.tui.keys import DialogScreen, footer
from sopvault.tui.messages import WorkFailed
from sopvault.tui.notices import notice
from sopvault.tui.workers import background


def discardable(run: Run, me: str) -> bool:
    """Whether ``me`` (``Name <email>``) may discard ``run`` without a trace: it is open,
    recorded nothing after its start but assignments, and ``me`` started it
    (``Runs.discard`` checks the same again, and that it is not in git)."""
    mine, starter = Identity.parse(me), Identity.parse(run.started_by)
    same = mine is not None and starter is not None and mine.same_as(starter)
    return same and not recorded_work(run) and run.state is RunState.OPEN


@dataclass
class Judged(Message):
    """The newest open run may be discarded by the person asking."""


@dataclass
class Discarded(Message):
    """The run was discarded: its file is gone, nothing was committed."""

    run_id: str


class SecondRunScreen(DialogScreen[str | None]):
    """Returns the id of the open run to resume, "another" to start a new run, or None
    (cancelled, or the empty run discarded). With ``runs``, it finds out in a worker
    whether the newest open run may be discarded, and offers Discard when so."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, doc_id: str, waiting: list[RunSummary], runs: Runs | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.waiting = waiting  # newest first
        self.runs = runs

    def compose(self) -> ComposeResult:
        """Who started each open run and when, then Resume, Start another, Discard (shown
        once judged) and Cancel."""
        with Vertical(id="second-run-dialog", classes="dialog"):
            title = f"{self.doc_id} already has {counted(len(self.waiting), 'open run')}"
            yield Label(Text(inert_line(title)), classes="dialog-title")
            zone = self.runs.ws.zone if self.runs is not None else None
            for summary in self.waiting:
                yield Label(Text(inert_line(open_run_line(summary, zone))))
            yield Label(
                "The newest is yours and recorded nothing: it can be discarded (no commit).",
                id="second-run-empty",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume the newest", variant="primary", id="second-run-resume")
                yield Button("Start another", id="second-run-another")
                yield Button("Discard the empty one", id="second-run-discard")
                yield Button("Cancel", id="second-run-cancel")
        yield footer()

    def on_mount(self) -> None:
        """Discard stays hidden until the newest run is judged discardable."""
        for hidden in ("#second-run-empty", "#second-run-discard"):
            self.query_one(hidden).display = False
        if self.runs is not None:
            self.judge(self.runs, self.waiting[0].id)

    @background("judge", "Cannot read the open run")
    def judge(self, runs: Runs, run_id: str) -> None:
        """Read the newest open run and who is asking (disk and git: in a worker)."""
        if discardable(runs.load(run_id), runs.who()):
            self.post_message(Judged())

    def on_judged(self) -> None:
        """Offer Discard."""
        for shown in ("#second-run-empty", "#second-run-discard"):
            self.query_one(shown).display = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Resume returns the newest open run's id, Start another "another", Cancel None;
        Discard removes the empty run first."""
        if event.button.id == "second-run-resume":
            self.dismiss(self.waiting[0].id)
        elif event.button.id == "second-run-another":
            self.dismiss("another")
        elif event.button.id == "second-run-discard" and self.runs is not None:
            self.discard(self.runs, self.waiting[0].id)
        else:
            self.dismiss(None)

    @background("discard", "Not discarded")
    def discard(self, runs: Runs, run_id: str) -> None:
        """Discard the empty run through the service (it checks the rules again)."""
        runs.discard(run_id)
        self.post_message(Discarded(run_id))

    def on_discarded(self, event: Discarded) -> None:
        """Say so, and start nothing."""
        notice(self.app, f"Run {event.run_id} discarded: it had recorded nothing.")
        self.dismiss(None)

    @on(WorkFailed)
    def failed(self, event: WorkFailed) -> None:
        """A refused discard is said as a notice; the dialog stays to choose again."""
        if event.group == "judge":
            event.stop()  # Discard is simply not offered

    def action_cancel(self) -> None:
        """Escape: start nothing."""
        self.dismiss(None)
