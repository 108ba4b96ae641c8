"""The reviews inbox: open proposals, the diff of each, and approve or reject.

Whether you may approve the highlighted proposal (not your own change, allowed by the
rules, not approved by you already) is worked out and shown before you press anything;
the service checks it again when you do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Header, Static

from sopvault.core.localtime import day_iso, shown_iso
from sopvault.core.trailers import landed_label, versions_label
from sopvault.core.wording import counted
from sopvault.model.control import ApproveResult, Identity, Proposal
from sopvault.model.redline import DocumentDiff
from sopvault.render.safetext import inert, inert_line
from sopvault.services.review.control import DocumentControl
from sopvault.services.review.redlines import Redlines
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.keys import RAW_DIFF, footer
from sopvault.tui.messages import WorkFailed
from sopvault.tui.notices import notice
from sopvault.tui.widgets.impact_panel import ImpactPanel
from sopvault.tui.widgets.redline_view import RedlineView
from sopvault.tui.widgets.tables import add_rows
from sopvault.tui.workers import background, busy, deliver


@dataclass(frozen=True)
class Review:
    """What the inbox shows for one proposal, read from git in a worker."""

    proposal: Proposal
    changes: list[DocumentDiff]  # per file, in words; git's diff kept in each for ``d``
    refusal: str | None  # why you may not approve it; None when you may
    needed: int


@dataclass
class ProposalsLoaded(Message):
    """Who you are, and the open proposals, read from git."""

    me: Identity
    found: list[Proposal]


@dataclass
class ReviewLoaded(Message):
    """One proposal's diff and whether you may approve it."""

    review: Review


@dataclass
class Decided(Message):
    """Proposal ``number`` was approved or rejected; ``message`` says what happened."""

    number: int
    message: str


def days_ago(iso: str, today: date, zone: tzinfo | None = None) -> str:
    """``YYYY-MM-DD (3d ago)`` from an ISO date or timestamp (its day in ``zone``; None:
    the local zone); the input when unreadable."""
    shown = day_iso(iso, zone)
    try:
        then = date.fromisoformat(shown)
    except ValueError:
        return iso
    days = (today - then).days
    return f"{shown} ({'today' if days <= 0 else f'{days}d ago'})"


class ReviewsScreen(Screen[bool]):
    """Dismisses with True when something was approved or rejected (the browser reloads)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("a", "approve", "Approve"),
        Binding("x", "reject", "Reject"),
        Binding("r", "refresh", "Refresh"),
        RAW_DIFF,
    ]

    def __init__(self, control: DocumentControl, today: date, select: str | None = None) -> None:
        super().__init__()
        self.control = control
        self.today = today
        self.select = select  # the proposal (``SOP-003/7``) to highlight first
        self.me: Identity | None = None
        self.proposals: list[Proposal] = []
        self.review: Review | None = None
        self.changed = False
        self.drafts: dict[int, str] = {}  # comments typed for an action that then failed

    def compose(self) -> ComposeResult:
        """Title, table of proposals, verdict, buttons and the diff."""
        yield Header()
        yield Static(Text("Reading proposals from git…", style="dim"), id="reviews-title")
        yield DataTable(id="reviews-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reviews-verdict")
        yield ImpactPanel(self.control, id="reviews-impact")
        with Horizontal(id="reviews-buttons", classes="dialog-buttons"):
            yield Button("Approve (a)", variant="success", id="reviews-approve", disabled=True)
            yield Button("Reject (x)", variant="error", id="reviews-reject", disabled=True)
        with VerticalScroll(id="reviews-diff-scroll"):
            yield Static("", id="reviews-diff")
            yield RedlineView(id="reviews-redline")
        yield footer()

    def on_mount(self) -> None:
        """The columns, then the proposals (read from git in a worker)."""
        table = self.query_one(DataTable)
        table.add_columns("#", "Documents", "Author", "Proposed", "Approvals", "Summary")
        self.load_proposals()

    # ---- loading ---------------------------------------------------------------------

    @background("proposals", "Cannot read proposals")
    def load_proposals(self) -> None:
        """Who you are and the open proposals."""
        self.post_message(
            ProposalsLoaded(self.control.ws.identity(), self.control.proposals.listing())
        )

    def on_work_failed(self, event: WorkFailed) -> None:
        """Reading failed: said in place of the verdict. A refused decision is a notice."""
        if event.group in ("proposals", "review"):
            self.set_verdict(Text(inert_line(str(event.error)), style="bold red"))
            event.stop()

    def on_proposals_loaded(self, event: ProposalsLoaded) -> None:
        """Fill the table and show the first proposal's review."""
        me, found = event.me, event.found
        self.me = me
        self.proposals = found
        title = Text(counted(len(found), "open proposal"), style="bold")
        title.append(f"   you are {inert_line(str(me))}", style="dim")
        self.query_one("#reviews-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear()
        cells = [
            [
                str(prop.number),
                versions_label(prop.documents),
                prop.author.name,
                days_ago(prop.date, self.today, self.control.ws.zone),
                str(len(prop.approvals)),
                prop.summary,
            ]
            for prop in found
        ]
        add_rows(table, [(row[0], [Text(inert_line(c)) for c in row]) for row in cells])
        if not found:
            self.review = None
            self.query_one(ImpactPanel).show_proposal(None)
            self._set_buttons()
            self.set_verdict(Text("Nothing waits for review.", style="green"))
            self.query_one("#reviews-diff", Static).update("")
            self.query_one(RedlineView).show([])
            return
        table.focus()
        first = next(
            (i for i, p in enumerate(found) if f"{p.first_id}/{p.number}" == self.select), 0
        )
        self.select = None
        if first:
            table.move_cursor(row=first)  # highlighting it reviews it
        else:
            self.load_review(found[0])

    @on(DataTable.RowHighlighted, "#reviews-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Moving the cursor reviews that proposal."""
        if 0 <= event.cursor_row < len(self.proposals):
            self.load_review(self.proposals[event.cursor_row])

    @background("review", "Cannot read the proposal")
    def load_review(self, prop: Proposal) -> None:
        """The rules, whether you may approve, and the diff of one proposal."""
        rules = self.control.approvals.rules_for(prop)
        refusal = self.control.approvals.check_approver(prop, self.me, rules)
        changes = Redlines(self.control.ws).proposal(prop)
        deliver(self, ReviewLoaded(Review(prop, changes, refusal, rules.approvals)))

    def on_review_loaded(self, event: ReviewLoaded) -> None:
        """The verdict, the buttons, and the proposal's header and diff."""
        review = self.review = event.review
        prop = review.proposal
        self.query_one(ImpactPanel).show_proposal(prop)
        if review.refusal is not None:
            verdict = Text("You may not approve this: ", style="bold red")
            verdict.append(inert_line(review.refusal), style="red")
        else:
            verdict = Text("You may approve this.", style="bold green")
            after = len(prop.approvals) + 1
            if after < review.needed:
                verdict.append(f" It needs {review.needed} approvals; yours is {after}.")
            else:
                landed = landed_label(prop.documents, prop.retires)
                verdict.append(f" Approving puts it on main: {inert_line(landed)}.")
        self.set_verdict(verdict)
        self._set_buttons()
        header = Text(f"proposal {prop.number}: ", style="bold")
        header.append(inert_line(versions_label(prop.documents)), style="bold cyan")
        when = shown_iso(prop.date, self.control.ws.zone)
        header.append(f"\nby {inert_line(str(prop.author))} on {inert_line(when)}\n")
        header.append(inert_line(prop.summary), style="bold")
        if prop.body:
            header.append(f"\n{inert(prop.body)}")
        for who in prop.approvals:
            header.append(f"\napproved by {inert_line(str(who))}", style="green")
        view = self.query_one("#reviews-diff", Static)
        view.update(Group(header, Text("")))
        self.query_one(RedlineView).show(review.changes)
        self.query_one("#reviews-diff-scroll", VerticalScroll).scroll_home(animate=False)

    def set_verdict(self, text: Text) -> None:
        """The line that says whether you may approve (or what went wrong)."""
        self.query_one("#reviews-verdict", Static).update(text)

    def _set_buttons(self) -> None:
        review = self.review
        self.query_one("#reviews-approve", Button).disabled = (
            review is None or review.refusal is not None
        )
        self.query_one("#reviews-reject", Button).disabled = review is None

    # ---- deciding --------------------------------------------------------------------

    @on(Button.Pressed, "#reviews-approve")
    def action_approve(self) -> None:
        """Approve the highlighted proposal (asks for an optional comment)."""
        review = self.review
        if review is None:
            return
        if review.refusal is not None:
            notice(self, review.refusal, title="Cannot approve", severity="error")
            return
        self._ask(review.proposal.number, approve=True)

    @on(Button.Pressed, "#reviews-reject")
    def action_reject(self) -> None:
        """Reject it (asks for the reason, which is required)."""
        if self.review is not None:
            self._ask(self.review.proposal.number, approve=False)

    def _ask(self, number: int, *, approve: bool) -> None:
        """The comment (approve) or reason (reject) dialog, holding what was typed for a
        decision that failed before; then the decision. Not while a decision is being
        recorded: a second one would race it in git."""
        if busy(self, "decide"):
            notice(self, "A decision is being recorded; wait for it.", severity="warning")
            return
        verb = "Approve" if approve else "Reject"
        prompt = (
            "Comment (optional), kept in the sign-off commit:"
            if approve
            else "Reason (required), kept in git and shown to the author:"
        )

        def answered(text: str | None) -> None:
            if text is not None:
                self.drafts[number] = text
                self.decide(number, text, approve=approve)

        self.app.push_screen(
            CommentScreen(
                f"{verb} proposal {number}",
                prompt,
                verb,
                required=not approve,
                draft=self.drafts.get(number, ""),
            ),
            answered,
        )

    @background("decide", "Not done")
    def decide(self, number: int, text: str, *, approve: bool) -> None:
        """Approve (with ``text`` as comment) or reject (``text`` the reason) in git."""
        if approve:
            message = _approved(self.control.approvals.approve(str(number), text), self.control)
        else:
            self.control.proposals.reject(str(number), text)
            message = f"Rejected proposal {number}; the reason is kept in git."
        self.post_message(Decided(number, message))

    def on_decided(self, event: Decided) -> None:
        """Say what happened, forget the draft, and read the proposals again."""
        self.changed = True
        self.drafts.pop(event.number, None)
        notice(self, event.message, title="Done")
        self.load_proposals()

    def action_toggle_raw(self) -> None:
        """The change in words, or git's diff (again: back)."""
        self.query_one(RedlineView).toggle_raw()

    def action_refresh(self) -> None:
        """Read the proposals from git again."""
        self.load_proposals()

    def action_close(self) -> None:
        """Back to the browser (True when something was decided)."""
        self.dismiss(self.changed)


def _approved(result: ApproveResult, control: DocumentControl) -> str:
    prop = result.proposal
    if not result.landed:
        return (
            f"Approval recorded for proposal {prop.number}: {result.approvals} of"
            f" {result.needed}; it lands on {control.ws.main} with the last approval."
        )
    text = (
        f"Approved proposal {prop.number}: {landed_label(prop.documents, prop.retires)}"
        f" on {control.ws.main} ({result.commit[:10]})."
    )
    for path in result.kept_local:
        text += f" Your own edits in {path} were kept; it now differs from main."
    return text
