"""Notifications as data (issue 15, reminders that reach people): the ``[notify]`` settings
and one notification, the thing a person must act on now. No I/O and no rules:
``core.notify`` decides which notifications there are, ``services.notify`` delivers them
once each, ``render.notify`` words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model.config holds NotifySettings: imported for the type alone
    from sopvault.model.config import Person

DEFAULT_SMTP_PORT = 25


class Channel(StrEnum):
    """How a notification reaches a person: an e-mail over SMTP, or a program the user
    configured (a chat webhook) that reads one JSON object per notification."""

    EMAIL = "email"
    COMMAND = "command"


class NoticeKind(StrEnum):
    """What a notification asks for; ``late`` and ``actionable`` of one step are two
    events, so a step that becomes late is told again."""

    STEP_ACTIONABLE = "step-actionable"
    STEP_LATE = "step-late"
    REVIEW_WAITING = "proposal-waiting"
    ACK_OWED = "ack-owed"
    REVIEW_DUE = "review-due"
    REVIEW_LATE = "review-late"


@dataclass(frozen=True)
class NotifySettings:
    """``[notify]`` of ``sopvault.toml``: the channels used, the SMTP server (host, port,
    STARTTLS, the From address) and ``site_url``, the HTML export's address (pages at
    ``<site_url>/docs/<ID>.html``). Credentials are never here: they come from the
    environment. The command channel's program is never here either: it comes from the
    user's own configuration file (``command``, filled in by the service)."""

    channels: tuple[Channel, ...] = ()
    smtp_host: str = "localhost"
    smtp_port: int = DEFAULT_SMTP_PORT
    starttls: bool = False
    sender: str = ""
    site_url: str = ""
    command: tuple[str, ...] = ()
    timeout: float = 30.0  # seconds the command channel's program may take per message


@dataclass(frozen=True)
class Notification:
    """One thing one person must act on now, named by ``key`` (kind, ids, revision and
    state: what is recorded as sent, so it is sent once).

    ``doc_id``/``title``/``revision`` name the document (``revision`` None when unknown);
    ``run_id``/``step``/``action`` the run's step, ``proposal`` the proposal's label
    (``SOP-003/7``); ``due`` is an aware UTC moment (a step's deadline) and ``due_date``
    a day (a periodic review's); ``late`` says the deadline has passed. ``command`` is the
    exact command line that opens it, ``url`` the exported page ("" without ``site_url``).
    """

    person: Person
    kind: NoticeKind
    key: str
    doc_id: str
    title: str
    revision: str | None
    command: str
    url: str = ""
    run_id: str = ""
    step: int | None = None
    within: int | None = None  # the parent step of a work instruction's step (3.2)
    action: str = ""
    role: str = ""
    proposal: str = ""
    summary: str = ""
    due: datetime | None = None
    due_date: str = ""  # ISO date of a periodic review
    late: bool = False

    @property
    def step_label(self) -> str:
        """How people name the step: ``3``, or ``3.2`` inside step 3 ("" for none)."""
        if self.step is None:
            return ""
        return f"{self.within}.{self.step}" if self.within is not None else str(self.step)
