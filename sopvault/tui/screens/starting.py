"""Starting and resuming runs from a screen that shows a document: ``k`` runs the shown
procedure (asking first when a run of it is open, then who fills each of its roles) and a
chosen open run resumes. Git and the disk are read in workers; the app opens the runner on
``RunReady``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.message import Message
from textual.screen import Screen

from sopvault.core.assignment import proposed, roles_of
from sopvault.core.lifecycle import refusal_to_run
from sopvault.errors import RunError
from sopvault.model.config import Person
from sopvault.model.document import Document
from sopvault.services.runs import Runs
from sopvault.tui import messages as msg
from sopvault.tui.dialogs.assign import AssignScreen
from sopvault.tui.dialogs.second_run import SecondRunScreen
from sopvault.tui.notices import notice
from sopvault.tui.workers import background, busy, deliver


@dataclass
class AssignmentNeeded(Message):
    """A run of ``doc_id`` is about to start: ask who fills each of its ``roles``
    (``offers``: the one holder of each, from ``people``)."""

    doc_id: str
    roles: list[str]
    offers: dict[str, str]
    people: dict[str, Person]


class StartingRuns(Screen[None]):
    """What the browse screen does to start a run. ``runs`` makes (or returns) the app's
    run service and is called in workers only; ``current_document`` is the shown one."""

    runs: Callable[[], Runs]

    def current_document(self) -> Document | None:
        """The document the run would follow (the browse screen's reading pane)."""
        raise NotImplementedError

    def refused_in_past(self, what: str) -> bool:
        """Whether ``what`` is refused because a past date is shown (``PastDates``)."""
        return False

    def action_run(self) -> None:
        """Run the document as a checklist."""
        doc = self.current_document()
        if doc is None or self.refused_in_past(f"run {doc.id}"):
            return
        if not doc.steps:
            notice(self, f"{doc.id} has no steps to run", severity="warning")
            return
        if not busy(self, "run"):  # k again while a run starts would start two
            self.start_run(doc.id)

    @background("run", "Cannot start")
    def start_run(
        self, doc_id: str, another: bool = False, roles: dict[str, str] | None = None
    ) -> None:
        """Start in a worker: it reads main's text from git and fsyncs the new run file.
        With a run of ``doc_id`` open, ask first unless ``another`` was chosen; then, when
        the procedure has roles and ``roles`` is None, ask who fills them."""
        runs = self.runs()
        waiting = [] if another else runs.listing(doc_id, open_only=True).runs
        if waiting:
            self.post_message(msg.SecondRun(doc_id, waiting, runs))
            return
        if roles is None:
            doc, people = runs.vault.get(doc_id), runs.vault.config.people
            refused = refusal_to_run(doc)  # said before anyone is asked to fill a role
            if refused:
                raise RunError(refused)
            if roles_of(doc):
                offers = proposed(doc, people)
                self.post_message(AssignmentNeeded(doc_id, roles_of(doc), offers, dict(people)))
                return
        started = runs.start(doc_id, roles=roles)
        self.post_message(msg.RunReady(runs, started, runs.document(started.run)))

    @on(msg.SecondRun)
    def ask_second_run(self, event: msg.SecondRun) -> None:
        """Resume the open run, start another, or nothing, as the person decides."""

        def decided(choice: str | None) -> None:
            if choice == "another":
                self.start_run(event.doc_id, another=True)
            elif choice is not None:
                self.resume_run(choice)

        self.app.push_screen(SecondRunScreen(event.doc_id, event.waiting, event.runs), decided)

    @on(AssignmentNeeded)
    def ask_assignment(self, event: AssignmentNeeded) -> None:
        """The assignment dialog; Start starts the run with the roles filled, Escape
        starts nothing."""

        def decided(roles: dict[str, str] | None) -> None:
            if roles is not None:
                self.start_run(event.doc_id, another=True, roles=roles)

        title = f"Start a run of {event.doc_id}: who fills each role?"
        dialog = AssignScreen(title, event.roles, event.offers, event.people)
        self.app.push_screen(dialog, decided)

    @background("resume", "Cannot resume")
    def resume_run(self, run_id: str) -> None:
        """Resume an open run in a worker (it reads the pinned text from git)."""
        runs = self.runs()
        resumed = runs.resume(run_id)
        deliver(self, msg.RunReady(runs, resumed, resumed.document))  # once: Enter twice
