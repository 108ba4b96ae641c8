"""``sopvault notify`` (issue 15): tell each person of ``[people]`` what they must act on
now, grouped per person, each event once.

For each person, ``services.due`` gathers what is due for them (the rules of ``sopvault
due --mine``), ``core.notify`` turns it into notifications with event keys, and the keys
already sent to them on a channel (``store.notifystate``, in the user's state folder) are
left out. What is left goes as one e-mail per person, and one JSON object per
notification to the command channel's program. A key is recorded only once delivery to
that person on that channel succeeded; a failure for one person never stops the others.

Trust: the SMTP server is the vault's ``[notify]``; credentials come from the
environment; the command channel's program only from the user's own ``notify.toml``
(``store.userconfig``), never from the vault (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from sopvault.core.notify import notifications
from sopvault.core.notifyconfig import USER_FILE, plain_address, user_command
from sopvault.errors import ConfigError
from sopvault.model.config import Person
from sopvault.model.notify import Channel, Notification, NotifySettings
from sopvault.services.due import Due
from sopvault.services.notifysend import (
    Failed,
    credentials,
    run_command,
    send_email,
)
from sopvault.services.workspace import Workspace
from sopvault.store.notifystate import load_sent, mark_sent, state_file, taking_turns
from sopvault.store.userconfig import read_user_file


class Writer(Protocol):
    """How notifications are worded (``render.notify`` is the one the CLI passes): the
    services layer delivers, the render layer makes the text inert."""

    def email(self, person: Person, items: Sequence[Notification]) -> tuple[str, str]:
        """(subject, body) of one person's e-mail."""
        ...

    def payload(self, item: Notification) -> dict[str, Any]:
        """The JSON object the command channel's program reads for one notification."""
        ...


@dataclass
class Batch:
    """What one person gets on one channel in this run: ``items`` not sent to them yet.
    ``address`` is their e-mail (email) or handle (command); ``skipped`` says why nothing
    was tried (no e-mail); ``error`` why delivery failed; ``delivered`` the keys recorded
    as sent."""

    person: Person
    channel: Channel
    address: str
    items: list[Notification]
    skipped: str = ""
    error: str = ""
    delivered: list[str] = field(default_factory=list)

    @property
    def who(self) -> str:
        """``email:<address>`` or ``command:<handle>``: whom the state file records."""
        return f"{self.channel}:{self.address}"


@dataclass
class Outcome:
    """One run of ``notify``: the batches (delivered, skipped, failed), notes on what could
    not be read, the state file, and whether it was a dry run (nothing sent or marked)."""

    batches: list[Batch]
    notes: list[str]
    state: Path
    dry_run: bool

    def failed(self) -> list[Batch]:
        """The batches whose delivery failed (exit status 2)."""
        return [b for b in self.batches if b.error]


class Notify:
    """Notifications for one workspace; ``due`` is the caller's Due service when it has one."""

    def __init__(self, ws: Workspace, due: Due | None = None) -> None:
        self.ws = ws
        self.due = due or Due(ws)
        self._unreachable: Failed | None = None  # the SMTP server could not be reached

    def settings(self) -> NotifySettings:
        """The vault's ``[notify]`` with the user's own command added. Raises ConfigError
        when no channel is configured, when the command channel is on and the user's
        ``notify.toml`` names no program, and for credentials ``notifysend`` refuses."""
        settings = self.ws.vault.config.notify
        if not settings.channels:
            raise ConfigError("sopvault.toml has no [notify] section: see docs/notifications.md")
        if Channel.COMMAND in settings.channels:
            path, text = read_user_file(USER_FILE)
            command, timeout = user_command(text, str(path)) if text else ((), 30.0)
            if not command:
                raise ConfigError(
                    f"the command channel is on but {path} names no `command`: a vault never"
                    " names a program; write yours there (docs/notifications.md)"
                )
            settings = replace(settings, command=command, timeout=timeout)
        if Channel.EMAIL in settings.channels:
            credentials(settings)
        return settings

    def people(self) -> list[Person]:
        """``[people]`` as main's ``sopvault.toml`` names them (the working copy's outside
        git, or before main's first commit), by handle."""
        repo = self.ws.repo
        if repo is not None and repo.rev(self.ws.main_ref) is not None:
            return self.due.acknowledgements().people()
        return sorted(self.ws.vault.config.people.values(), key=lambda p: p.handle.lower())

    def versions(self) -> dict[str, str | None]:
        """Each effective document's current revision on main (the working copy's outside
        git), for the periodic reviews a notification names."""
        repo = self.ws.repo
        if repo is not None and repo.rev(self.ws.main_ref) is not None:
            view = self.due.acknowledgements().view()
            return {doc_id: entry[2][3] for doc_id, entry in view.effective.items()}
        return {d.id: d.version for d in self.ws.vault.state.documents.values()}

    def plan(self, settings: NotifySettings, path: Path) -> tuple[list[Batch], list[str]]:
        """Per person and channel, the notifications not yet sent, and the notes of what
        could not be read (once each)."""
        sent = load_sent(path)
        batches: list[Batch] = []
        notes: list[str] = []
        versions = self.versions()
        for person in self.people():
            report = self.due.for_person(person)
            notes += [n for n in report.notes if n not in notes]
            items = notifications(report, person, settings.site_url, versions)
            for channel in settings.channels:
                address = (person.email or "") if channel is Channel.EMAIL else person.handle
                done = sent.get(f"{channel}:{address}", {})
                pending = [i for i in items if i.key not in done]
                if pending:
                    batches.append(Batch(person, channel, address, pending))
        return batches, notes

    def send(self, writer: Writer, *, dry_run: bool = False) -> Outcome:
        """Plan and deliver, holding the state folder's lock; with ``dry_run`` only plan
        (nothing is sent, nothing marked). Raises ConfigError (settings), NotifyStateError
        (an unreadable state file), NotifyBusy (another notify holds the lock), GitError;
        delivery failures are in the outcome, never raised."""
        settings = self.settings()
        path = state_file(self.ws.root)
        self._unreachable = None
        self.due.acknowledgements().refresh()  # main as it is now, for every run
        with taking_turns(path):
            batches, notes = self.plan(settings, path)
            for batch in batches:
                if batch.channel is Channel.EMAIL and not plain_address(batch.address):
                    batch.skipped = (
                        f"[people] e-mail {batch.address!r} is not one plain address"
                        if batch.address
                        else "no e-mail address in [people]"
                    )
                if dry_run or batch.skipped:
                    continue
                self._deliver(settings, batch, writer, path)
        return Outcome(batches, notes, path, dry_run)

    def _deliver(self, settings: NotifySettings, batch: Batch, writer: Writer, path: Path) -> None:
        """Send one batch and record what arrived: the whole e-mail, or each program run
        that succeeded as soon as it did (in order, stopping at the first failure)."""
        if batch.channel is Channel.EMAIL:
            subject, body = writer.email(batch.person, batch.items)
            failed = self._unreachable or send_email(
                settings, batch.address, subject, body, self.ws.now(), credentials(settings)
            )
            if failed and failed.unreachable:
                self._unreachable = failed  # not waited for again for the next person
            error = failed.reason if failed else None
            if not error:
                mark_sent(path, batch.who, [i.key for i in batch.items], self.ws.now())
                batch.delivered = [i.key for i in batch.items]
        else:
            error = None
            for item in batch.items:
                error = run_command(settings, writer.payload(item))
                if error:
                    break
                mark_sent(path, batch.who, [item.key], self.ws.now())
                batch.delivered.append(item.key)
        batch.error = error or ""
