"""The reader's acknowledgement prompt (issue 14), for a screen that shows a document in a
``DocView``: where the person acting stands on its current revision, and ``a`` to
acknowledge it after a dialog that states the meaning, "read and understood" (ISO 9001
§7.3; 21 CFR Part 11 §11.50). Git is read and written in workers only."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from sopvault.services.acks import Acknowledgements
from sopvault.services.review.control import DocumentControl
from sopvault.tui import messages as msg
from sopvault.tui.dialogs.acknowledge import AcknowledgeScreen
from sopvault.tui.keys import ACKNOWLEDGE
from sopvault.tui.notices import notice
from sopvault.tui.widgets.doc_view import DocView
from sopvault.tui.workers import background, deliver


class AcknowledgingScreen(Screen[None]):
    """A screen with a ``DocView`` whose document the person acting may owe an
    acknowledgement of. ``control`` makes (or returns) the app's document control, as on
    the browse screen; it is called in workers only."""

    BINDINGS = [ACKNOWLEDGE]

    control: Callable[[], DocumentControl]
    _acks: Acknowledgements | None = None

    def acknowledgements(self) -> Acknowledgements:
        """The acknowledgement service (made once, in a worker: it finds the repository)."""
        if self._acks is None:
            self._acks = Acknowledgements(self.control().ws)
        return self._acks

    def read_acknowledgement(self, doc_id: str) -> None:
        """From inside a worker: read where the person acting stands on ``doc_id`` and
        post it (``AckRead``) unless a newer worker made this one moot."""
        deliver(self, msg.AckRead(doc_id, self.acknowledgements().reading(doc_id)))

    def on_ack_read(self, event: msg.AckRead) -> None:
        """Say whether the person acting owes the shown document's current revision."""
        zone = self.acknowledgements().ws.zone  # made by the worker that read it
        self.query_one(DocView).show_reading(event.doc_id, event.reading, zone)

    def refused_in_past(self, what: str) -> bool:
        """Whether ``what`` is refused because a past date is shown: never here; a screen
        that can show the past (``PastDates``, before this class in its bases) says so."""
        return False

    def action_acknowledge(self) -> None:
        """Acknowledge the shown document's current revision, once confirmed."""
        view = self.query_one(DocView)
        doc, reading = view.document, view.reading
        if doc is None:
            notice(self, "Select a document in the tree first.", severity="warning")
            return
        if self.refused_in_past(f"acknowledge {doc.id}"):
            return
        if reading is None or reading.doc_id != doc.id:
            notice(self, f"{doc.id}: nothing for you to acknowledge", severity="warning")
            return
        if reading.ack is not None:
            notice(self, f"You acknowledged {doc.id} v{reading.version} already.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.acknowledge(doc.id)

        self.app.push_screen(AcknowledgeScreen(reading, doc.title), confirmed)

    @background("ack", "Not acknowledged")
    def acknowledge(self, doc_id: str) -> None:
        """Record the acknowledgement (git work) and read the prompt again."""
        acks = self.acknowledgements()
        ack = acks.record(doc_id)
        self.post_message(msg.Acknowledged(ack, acks.reading(doc_id)))

    def on_acknowledged(self, event: msg.Acknowledged) -> None:
        """Say it is recorded, and update the prompt."""
        ack = event.ack
        notice(self, f"Acknowledged {ack.doc_id} v{ack.version} ({ack.meaning}): {ack.commit[:10]}")
        zone = self.acknowledgements().ws.zone
        self.query_one(DocView).show_reading(ack.doc_id, event.reading, zone)
