"""The browse screen's past: picking a date shows the vault as approved then, read only
(``services.asof``), under a banner; writers are refused with one line while it shows."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import Screen

from sopvault.errors import SopvaultError
from sopvault.render.asof import in_force_lines
from sopvault.services.asof import AsOf
from sopvault.services.inforce import in_force
from sopvault.services.review.control import DocumentControl
from sopvault.tui import messages as msg
from sopvault.tui.dialogs.asof import AsOfScreen
from sopvault.tui.notices import notice
from sopvault.tui.widgets.asof_banner import AsOfBanner, AsOfOpened, InForceRead
from sopvault.tui.widgets.doc_view import DocView
from sopvault.tui.widgets.status_bar import StatusBar
from sopvault.tui.workers import background, deliver


class PastDates(Screen[None]):
    """What the browse screen does with dates: ``@`` picks one, the vault of that date is
    read in a worker and shown until an empty date brings today back. ``as_of`` is the
    date shown (None: today); the browse screen reads documents from it while it is set."""

    BINDINGS = [Binding("at", "as_of", "As of", key_display="@", show=False)]

    as_of: AsOf | None = None
    control: Callable[[], DocumentControl]

    def reload(self, reopen: str | None = None) -> None:
        """Load what is shown again, reopening document ``reopen`` (the browse screen's)."""
        raise NotImplementedError

    def _shown_id(self) -> str | None:
        raise NotImplementedError

    def action_as_of(self) -> None:
        """Pick a date to see the vault as approved then (read only); empty: today."""

        def chosen(asked: str | None) -> None:
            if asked is None:
                return
            if not asked:  # today: a date still being read is not shown after all
                self.workers.cancel_group(self, "asof")
                self.show_past(None)
            else:
                self.query_one(StatusBar).say(f"Reading the vault as of {asked}…")
                self.open_past(asked)

        current = self.as_of.moment.asked if self.as_of is not None else ""
        self.app.push_screen(AsOfScreen(current), chosen)

    @background("asof", "Cannot show that date")
    def open_past(self, asked: str) -> None:
        """Read main's commit in force at ``asked`` and its documents (git work)."""
        past = AsOf.open(self.control().ws, asked)
        past.state  # noqa: B018 - loaded here, off the UI thread
        deliver(self, AsOfOpened(past))  # unless another date, or today, was picked since

    def on_as_of_opened(self, event: AsOfOpened) -> None:
        """Show the vault of the date picked."""
        self.show_past(event.asof)

    def show_past(self, past: AsOf | None) -> None:
        """Show the vault as of ``past`` (read only, under its banner), or today's (None)."""
        self.as_of = past
        self.query_one(AsOfBanner).show_past(past)
        self.reload(self._shown_id())

    def refused_in_past(self, what: str) -> bool:
        """While a past date is shown, refuse ``what`` with one line and return True."""
        if self.as_of is None:
            return False
        try:
            self.as_of.must_be_writable(what)
        except SopvaultError as err:
            notice(self, str(err), severity="warning")
        return True

    def posted_past(self) -> bool:
        """While a past date is shown, post its loaded vault (read only) and return True;
        False for today. Called in the load worker (the first call reads git)."""
        if self.as_of is None:
            return False
        self.post_message(msg.VaultLoaded(msg.Loaded(self.as_of.state, None, "", read_only=True)))
        return True

    def delivered_past(self, doc_id: str) -> bool:
        """While a past date is shown, deliver ``doc_id`` as it was then, with its findings,
        then the auditor's answer (which revision was in force, its approval, its runs),
        and return True; False for today. Git work: call it in a worker. Raises
        SopvaultError as ``AsOf.get`` and ``in_force`` do."""
        past = self.as_of
        if past is None:
            return False
        doc = past.get(doc_id)
        deliver(self, msg.DocumentRead(doc, past.findings_for(doc.path)))
        lines = in_force_lines(in_force(past, doc_id), past.moment.asked, past.ws.zone)
        deliver(self, InForceRead(doc_id, lines))
        return True

    def on_in_force_read(self, event: InForceRead) -> None:
        """On a past date: the revision in force, its approval and runs, over the text."""
        self.query_one(DocView).show_in_force(event.doc_id, event.lines)
