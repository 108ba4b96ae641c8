"""The runner's traffic with its run's file, off the UI thread.

Answers are queued and recorded one at a time, in the order they were given, each by the
Runs service in a worker (appended and fsynced before the screen shows it). The run is
reloaded in a worker every few seconds, when the runner comes back into view and when the
terminal regains focus, so events made elsewhere (another terminal, the CLI, a sync from
another clone) show, each named in a notice ("step 3 recorded by Erin Walsh elsewhere";
issue 13). A reload never touches what is being typed: it redraws the steps and the
detail only, and a reload read before this runner recorded an answer is dropped as stale.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from textual import on
from textual.message import Message

from sopvault.model.run import Run, RunState
from sopvault.services.runs import Runs
from sopvault.tui.keys import TypingKeysScreen
from sopvault.tui.messages import WorkFailed
from sopvault.tui.notices import notice
from sopvault.tui.widgets.step_history import news
from sopvault.tui.workers import background, deliver

# At most this many events made elsewhere are named one by one; the rest are counted.
NAMED = 4


@dataclass(frozen=True)
class Mark:
    """One answer to record: step ``number``, the service's action ("done", "skip", "na",
    "note", "undo") and its fields (value, reason, note); ``within`` the parent step when
    the step is one of a work instruction run in place (issue 15)."""

    number: int
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    within: int | None = None


@dataclass
class StepMarked(Message):
    """The service recorded ``mark``; ``run`` is the run as it now is on disk."""

    mark: Mark
    run: Run


@dataclass
class RunReloaded(Message):
    """The run as its file holds it now, read for the runner's ``generation``; ``me`` is
    the acting person (``Name <email>``)."""

    run: Run
    me: str
    generation: int


class RecordingScreen(TypingKeysScreen[None]):
    """A screen showing one run (``run``, through ``runs``) that records answers on it
    (``mark_step``; the subclass hears ``StepMarked`` or ``WorkFailed`` in group "mark"
    for each, then calls ``next_mark``) and follows its file (``follow``, once mounted).
    The subclass draws the run in ``refresh_run`` and bumps ``generation`` whenever it
    sets ``run`` itself."""

    REFRESH_SECONDS = 3.0  # how often the run's file is read again

    run: Run
    runs: Runs

    def __init__(self) -> None:
        super().__init__()
        self.marks: deque[Mark] = deque()  # answered, not yet on disk: the first is in flight
        self.generation = 0  # which ``run`` is shown; a reload of an older one is stale
        self._reload_problem = ""  # the last refresh failure said, so it is said once

    def refresh_run(self) -> None:
        """Redraw everything from ``run`` (the subclass's)."""
        raise NotImplementedError

    # ---- recording -------------------------------------------------------------------

    def mark_step(self, number: int, action: str, **fields: str) -> None:
        """Queue one answer; answers reach the service one at a time, in order."""
        self.queue(Mark(number, action, fields))

    def queue(self, mark: Mark) -> None:
        """Queue ``mark`` (one on a nested step too: ``Mark.within``), sent in order."""
        self.marks.append(mark)
        if len(self.marks) == 1:
            self.record(self.marks[0])

    @background("mark", "Refused", exclusive=False)
    def record(self, mark: Mark) -> None:
        """Record one answer through the service: check, append and fsync it."""
        run = self.runs.mark(
            self.run.id, mark.number, mark.action, within=mark.within, **mark.fields
        )
        self.post_message(StepMarked(mark, run))

    def next_mark(self) -> Mark:
        """The answer in flight is dealt with (shown, or refused): send the next one.
        Returns the one dealt with."""
        done = self.marks.popleft()
        if self.marks:
            self.record(self.marks[0])
        return done

    def recording(self) -> bool:
        """True (with a notice) while answers are still on their way to disk."""
        if self.marks:
            notice(self, f"still recording step {self.marks[0].number}…", severity="warning")
        return bool(self.marks)

    # ---- following -------------------------------------------------------------------

    def follow(self) -> None:
        """Start following: the timer, and a reload whenever the terminal regains focus."""
        self.set_interval(self.REFRESH_SECONDS, self.look_for_news)
        self.watch(self.app, "app_focus", self._focus_changed, init=False)

    def _focus_changed(self, focused: bool) -> None:
        if focused:
            self.look_for_news()

    def on_screen_resume(self) -> None:
        """Back in view (a dialog closed, or back from another screen): look again."""
        self.look_for_news()

    def look_for_news(self) -> None:
        """Reload the run in a worker, unless answers are on their way (their result brings
        the run as it is on disk anyway) or the run is closed."""
        if self.marks or self.run.state is not RunState.OPEN:
            return
        self.reload(self.run.id, self.generation)

    @background("reload", "Cannot refresh the run")
    def reload(self, run_id: str, generation: int) -> None:
        """Read the run's file again (disk, and git once for who is acting)."""
        run = self.runs.load(run_id)
        deliver(self, RunReloaded(run, self.runs.who(), generation))

    def on_run_reloaded(self, event: RunReloaded) -> None:
        """Show what was recorded elsewhere, and say what it was."""
        if event.generation != self.generation or self.marks:
            return
        self._reload_problem = ""
        lines = news(self.run, event.run, event.me)
        if not lines:
            return
        self.run = event.run
        self.generation += 1
        self.refresh_run()
        for line in lines[:NAMED]:
            notice(self, line, title="Recorded elsewhere")
        if len(lines) > NAMED:
            notice(self, f"and {len(lines) - NAMED} more events", title="Recorded elsewhere")

    @on(WorkFailed)
    def reload_failed(self, event: WorkFailed) -> None:
        """A refresh that fails (the file went away, a torn line) is said once, not every
        few seconds."""
        if event.group != "reload":
            return
        event.stop()
        problem = str(event.error)
        if problem != self._reload_problem:
            self._reload_problem = problem
            notice(self, problem, title=event.title, severity="warning")
