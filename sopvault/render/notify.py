"""How a notification reads (issue 15): one e-mail per person (subject and body) and the
JSON object the command channel's program gets. Every piece of text from a file (titles,
step actions, summaries, names) is inert: one-line places through ``inert_line``, so no
newline can add a header to the e-mail and no escape sequence reaches a terminal or a chat.
Times are shown in ``[vault] timezone`` (else the local zone) by ``core.localtime``; JSON
keeps UTC ISO times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sopvault.core.localtime import shown
from sopvault.core.wording import counted
from sopvault.model.config import Person
from sopvault.model.notify import NoticeKind, Notification
from sopvault.render.safetext import inert_line, inert_lines

SUBJECT_TITLE = 60  # characters of a title kept in a subject


@dataclass(frozen=True)
class NotifyWriter:
    """Words notifications for the vault named ``vault`` (its ``name``), times in ``zone``
    (None: the local zone), as of ``now`` (aware UTC)."""

    vault: str
    zone: tzinfo | None
    now: datetime

    def headline(self, item: Notification) -> str:
        """What to do, in one line: ``Step 3 of SOP-010 "Leach" (revision 2.4) is yours
        to do now``; made inert."""
        doc = f'{item.doc_id} "{item.title}"'
        rev = f" (revision {item.revision})" if item.revision else ""
        if item.kind is NoticeKind.REVIEW_WAITING and item.revision:
            rev = f" ({item.doc_id} {item.revision} proposed)"
        if item.kind is NoticeKind.STEP_LATE:
            text = f"Step {item.step_label} of {doc}{rev} is late"
        elif item.kind is NoticeKind.STEP_ACTIONABLE:
            text = f"Step {item.step_label} of {doc}{rev} is yours to do now"
        elif item.kind is NoticeKind.REVIEW_WAITING:
            text = f'Proposal {item.proposal}{rev} waits for your review: "{item.summary}"'
        elif item.kind is NoticeKind.ACK_OWED:
            text = f"Read and acknowledge {doc}{rev}"
        elif item.kind is NoticeKind.REVIEW_LATE:
            text = f"The periodic review of {doc}{rev} was due on {item.due_date}"
        else:
            text = f"The periodic review of {doc}{rev} is due on {item.due_date}"
        return inert_line(text)

    def details(self, item: Notification) -> list[str]:
        """The lines under the headline: the step and its role, the deadline, the command
        that opens it and the exported page; each made inert."""
        lines = []
        if item.step is not None:
            lines.append(f"{item.step_label}. {item.action}  (run {item.run_id}, role {item.role})")
        if item.due is not None:
            word = "Decision wanted by" if item.kind is NoticeKind.REVIEW_WAITING else "Due"
            late = " (late)" if item.late else ""
            lines.append(f"{word} {shown(item.due, self.zone)}{late}")
        lines.append(f"Open it: {item.command}")
        if item.url:
            lines.append(f"Page: {item.url}")
        return [inert_line(line) for line in lines]

    def email(self, person: Person, items: Sequence[Notification]) -> tuple[str, str]:
        """(subject, body) of ``person``'s one e-mail listing ``items``: the subject says
        how many and how many are late; the body numbers them, each with what to do,
        by when and how to open it."""
        late = sum(1 for i in items if i.late)
        late_text = f", {late} late" if late else ""
        first = items[0].doc_id if len(items) == 1 else ""
        about = f": {first}" if first else ""
        subject = f"[sopvault] {self.vault}: {counted(len(items), 'thing')} to do{late_text}{about}"
        lines = [
            f"Hello {person.name},",
            "",
            f"{counted(len(items), 'thing')} for you to do in {self.vault}"
            f" (as of {shown(self.now, self.zone)}):",
        ]
        for number, item in enumerate(items, start=1):
            mark = "LATE  " if item.late else ""
            lines += ["", f"{number}. {mark}{self.headline(item)}"]
            lines += [f"   {line}" for line in self.details(item)]
        lines += [
            "",
            "-- ",
            "sent by `sopvault notify`; you get each of these once.",
        ]
        return inert_line(subject[:200]), inert_lines(lines) + "\n"

    def payload(self, item: Notification) -> dict[str, Any]:
        """The command channel's JSON object for one notification (docs/notifications.md
        gives the shape); strings made inert, times in UTC ISO 8601 (``...Z``)."""
        person = item.person
        return {
            "vault": inert_line(self.vault),
            "kind": str(item.kind),
            "key": inert_line(item.key),
            "person": {
                "handle": person.handle,
                "name": inert_line(person.name),
                "email": inert_line(person.email or ""),
            },
            "document": {
                "id": item.doc_id,
                "title": inert_line(item.title),
                "revision": item.revision,
                "url": item.url or None,
            },
            "run": item.run_id or None,
            "step": (
                {
                    "number": item.step,
                    **({"within": item.within} if item.within is not None else {}),
                    "action": inert_line(item.action),
                    "role": inert_line(item.role),
                }
                if item.step is not None
                else None
            ),
            "proposal": item.proposal or None,
            "due": _utc(item.due),
            "due_date": item.due_date or None,
            "late": item.late,
            "command": item.command,
            "text": self.headline(item),
        }


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
