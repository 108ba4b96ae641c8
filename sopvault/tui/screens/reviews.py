"""The reviews inbox: open proposals, the diff of each, and approve or reject.

Whether you may approve the highlighted proposal (not your own change, allowed by the
rules, not approved by you already) is worked out and shown before you press anything;
the service checks it again when you do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from sopvault.core.trailers import versions_label
from sopvault.errors import SopvaultError
from sopvault.model.control import ApproveResult, Identity, Proposal
from sopvault.render.rich import diff_renderable
from sopvault.render.safetext import inert
from sopvault.services.review.control import DocumentControl
from sopvault.tui.dialogs.comment import CommentScreen


@dataclass(frozen=True)
class Review:
    """What the inbox shows for one proposal, read from git in a worker."""

    proposal: Proposal
    diff: str
    refusal: str | None  # why you may not approve it; None when you may
    needed: int


def days_ago(iso: str, today: date) -> str:
    try:
        then = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    days = (today - then).days
    return f"{iso[:10]} ({'today' if days <= 0 else f'{days}d ago'})"


class ReviewsScreen(Screen[bool]):
    """Dismisses with True when something was approved or rejected (the browser reloads)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("a", "approve", "Approve"),
        Binding("x", "reject", "Reject"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, revisions: DocumentControl, today: date) -> None:
        super().__init__()
        self.revisions = revisions
        self.today = today
        self.me: Identity | None = None
        self.proposals: list[Proposal] = []
        self.review: Review | None = None
        self.changed = False
        self.drafts: dict[int, str] = {}  # comments typed for an action that then failed

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Reading proposals from git…", style="dim"), id="reviews-title")
        yield DataTable(id="reviews-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reviews-verdict")
        with Horizontal(id="reviews-buttons", classes="dialog-buttons"):
            yield Button("Approve (a)", variant="success", id="reviews-approve", disabled=True)
            yield Button("Reject (x)", variant="error", id="reviews-reject", disabled=True)
        with VerticalScroll(id="reviews-diff-scroll"):
            yield Static("", id="reviews-diff")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Documents", "Author", "Proposed", "Approvals", "Summary")
        self.load_proposals()

    # ---- loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="proposals")
    def load_proposals(self) -> None:
        try:
            me = self.revisions.ws.identity()
            found = self.revisions.proposals.listing()
        except SopvaultError as err:
            self.app.call_from_thread(self.set_verdict, Text(inert(str(err)), style="bold red"))
            return
        self.app.call_from_thread(self.show_proposals, me, found)

    def show_proposals(self, me: Identity, found: list[Proposal]) -> None:
        self.me = me
        self.proposals = found
        title = Text(f"{len(found)} open proposal(s)", style="bold")
        title.append(f"   you are {inert(str(me))}", style="dim")
        self.query_one("#reviews-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear()
        for prop in found:
            cells = [
                str(prop.number),
                versions_label(prop.documents),
                prop.author.name,
                days_ago(prop.date, self.today),
                str(len(prop.approvals)),
                prop.summary,
            ]
            table.add_row(*(Text(inert(c)) for c in cells), key=str(prop.number))
        if not found:
            self.review = None
            self._set_buttons()
            self.set_verdict(Text("Nothing waits for review.", style="green"))
            self.query_one("#reviews-diff", Static).update("")
            return
        table.focus()
        self.load_review(found[0])

    @on(DataTable.RowHighlighted, "#reviews-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.proposals):
            self.load_review(self.proposals[event.cursor_row])

    @work(thread=True, exclusive=True, group="review")
    def load_review(self, prop: Proposal) -> None:
        try:
            rules = self.revisions.approvals.rules_for(prop)
            refusal = self.revisions.approvals.check_approver(prop, self.me, rules)
            diff = self.revisions.proposals.diff(prop)
        except SopvaultError as err:
            self.app.call_from_thread(self.set_verdict, Text(inert(str(err)), style="bold red"))
            return
        if not get_current_worker().is_cancelled:
            review = Review(prop, diff, refusal, rules.approvals)
            self.app.call_from_thread(self.show_review, review)

    def show_review(self, review: Review) -> None:
        self.review = review
        prop = review.proposal
        if review.refusal is not None:
            verdict = Text("You may not approve this: ", style="bold red")
            verdict.append(inert(review.refusal), style="red")
        else:
            verdict = Text("You may approve this.", style="bold green")
            after = len(prop.approvals) + 1
            if after < review.needed:
                verdict.append(f" It needs {review.needed} approvals; yours is {after}.")
            else:
                verdict.append(" Approving puts it on main as effective.")
        self.set_verdict(verdict)
        self._set_buttons()
        header = Text(f"proposal {prop.number}: ", style="bold")
        header.append(inert(versions_label(prop.documents)), style="bold cyan")
        header.append(f"\nby {inert(str(prop.author))} on {inert(prop.date)}\n")
        header.append(inert(prop.summary), style="bold")
        if prop.body:
            header.append(f"\n{inert(prop.body)}")
        for who in prop.approvals:
            header.append(f"\napproved by {inert(str(who))}", style="green")
        view = self.query_one("#reviews-diff", Static)
        view.update(Group(header, Text(""), diff_renderable(review.diff)))
        self.query_one("#reviews-diff-scroll", VerticalScroll).scroll_home(animate=False)

    def set_verdict(self, text: Text) -> None:
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
        review = self.review
        if review is None:
            return
        if review.refusal is not None:
            self.notify(inert(review.refusal), title="Cannot approve", severity="error")
            return
        self._ask(review.proposal.number, approve=True)

    @on(Button.Pressed, "#reviews-reject")
    def action_reject(self) -> None:
        if self.review is not None:
            self._ask(self.review.proposal.number, approve=False)

    def _ask(self, number: int, *, approve: bool) -> None:
        """The comment (approve) or reason (reject) dialog, holding what was typed for a
        decision that failed before; then the decision."""
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

    @work(thread=True, exclusive=True, group="decide")
    def decide(self, number: int, text: str, *, approve: bool) -> None:
        try:
            if approve:
                message = _approved(
                    self.revisions.approvals.approve(str(number), text), self.revisions
                )
            else:
                self.revisions.proposals.reject(str(number), text)
                message = f"Rejected proposal {number}; the reason is kept in git."
        except SopvaultError as err:
            self.app.call_from_thread(
                self.notify, inert(str(err)), title="Not done", severity="error"
            )
            return
        self.app.call_from_thread(self.decided, number, message)

    def decided(self, number: int, message: str) -> None:
        self.changed = True
        self.drafts.pop(number, None)
        self.notify(inert(message), title="Done")
        self.load_proposals()

    def action_refresh(self) -> None:
        self.load_proposals()

    def action_close(self) -> None:
        self.dismiss(self.changed)


def _approved(result: ApproveResult, revisions: DocumentControl) -> str:
    prop = result.proposal
    if not result.landed:
        return (
            f"Approval recorded for proposal {prop.number}: {result.approvals} of"
            f" {result.needed}; it lands on {revisions.ws.main} with the last approval."
        )
    text = (
        f"Approved proposal {prop.number}: {versions_label(prop.documents)} is effective"
        f" on {revisions.ws.main} ({result.commit[:10]})."
    )
    for path in result.kept_local:
        text += f" Your own edits in {path} were kept; it now differs from main."
    return text
