"""Reassigning roles from the runner (issue 15): ``g`` opens the assignment dialog with the
run's current assignments; each role changed becomes one assign event through the Runs
service, in a worker, and the runner shows the run as it then is."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sopvault.core.assignment import roles_of
from sopvault.model.document import Document
from sopvault.model.run import EventType, Run
from sopvault.services.runs import Runs
from sopvault.tui.dialogs.assign import AssignScreen
from sopvault.tui.notices import notice
from sopvault.tui.screens.run_record import RecordingScreen
from sopvault.tui.workers import background


@dataclass
class RolesAssigned(Message):
    """The assignments were recorded; ``run`` is the run as its file now holds it and
    ``said`` one line per role assigned."""

    run: Run
    said: list[str]


def current(run: Run) -> dict[str, str]:
    """Each role's person as the dialog prefills it: the handle of the latest assignment
    (``Name <email>`` or the free text of an older log when it has none)."""
    shown = dict(run.roles)
    for event in run.events:
        if event.type is EventType.ASSIGN and event.role:
            shown[event.role] = event.handle or event.person
    return shown


class AssigningScreen(RecordingScreen):
    """The runner's ``g`` (its BINDINGS name it); the runner holds ``runs``, ``run`` and
    ``doc`` (the text the run follows, whose roles are offered)."""

    doc: Document

    def action_assign(self) -> None:
        """Reassign a role: the dialog, then each change recorded."""
        roles = roles_of(self.doc)
        if not roles:
            notice(self, f"{self.run.doc_id} names no roles to assign", severity="warning")
            return
        before = current(self.run)

        def decided(chosen: dict[str, str] | None) -> None:
            changed = {r: p for r, p in (chosen or {}).items() if before.get(r) != p}
            if changed:
                self.assign_roles(self.runs, self.run.id, changed)

        people = self.runs.vault.config.people
        title = f"Run {self.run.id}: who fills each role?"
        self.app.push_screen(AssignScreen(title, roles, before, people, "Assign"), decided)

    @background("assign", "Not assigned")
    def assign_roles(self, runs: Runs, run_id: str, chosen: dict[str, str]) -> None:
        """Record each assignment through the service (judged again there)."""
        said = []
        run = self.run
        for role, person in chosen.items():
            run = runs.assign(run_id, role, person)
            said.append(f"{role} is {run.roles.get(role, person)}")
        self.post_message(RolesAssigned(run, said))

    def on_roles_assigned(self, event: RolesAssigned) -> None:
        """Show the run with its new assignments, and say them."""
        self.run = event.run
        self.generation += 1
        self.refresh_run()
        for line in event.said:
            notice(self, line, title="Assigned")
