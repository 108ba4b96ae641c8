"""The history of one document: its approved revisions, and the diff of any two of them.

Highlighting a row shows what that revision changed against the one before it, in words
(``tui.widgets.redline_view``; ``d`` shows git's diff); ``c`` pins a row, and from then on
every highlighted row is compared with the pinned one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sopvault.core.localtime import day_iso
from sopvault.core.redline import compare
from sopvault.model.control import Revision, TextAt
from sopvault.model.redline import DocumentDiff
from sopvault.render.safetext import inert_line
from sopvault.services.review.control import DocumentControl
from sopvault.tui.keys import RAW_DIFF, footer
from sopvault.tui.messages import WorkFailed
from sopvault.tui.widgets.redline_view import RedlineView
from sopvault.tui.widgets.tables import add_rows
from sopvault.tui.workers import background, deliver

WORKTREE = "worktree"
PIN = "◆"


@dataclass(frozen=True)
class HistoryRow:
    """One row of the table: an approved revision, or the unsaved working copy."""

    key: str
    label: str
    revision: Revision | None = None


@dataclass
class HistoryLoaded(Message):
    """The rows of the table, newest first (the working copy on top when it differs)."""

    rows: list[HistoryRow]
    # Why the list may be partial (a shallow clone), with how to fetch the rest.
    incomplete: str | None = None


@dataclass
class DiffLoaded(Message):
    """What changed between two rows: structured, with git's diff kept for ``d``."""

    diff: DocumentDiff


class HistoryScreen(Screen[None]):
    """Loads the history in a worker; each diff is read from git when its row is chosen."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("c", "pin", "Compare from here"),
        RAW_DIFF,
    ]

    def __init__(self, control: DocumentControl, doc_id: str, title: str) -> None:
        super().__init__()
        self.control = control
        self.doc_id = doc_id
        self.doc_title = title
        self.rows: list[HistoryRow] = []
        self.pinned: str | None = None
        self._texts: dict[str, TextAt | None] = {}

    def compose(self) -> ComposeResult:
        """Title, table of revisions, the compare line and the diff."""
        yield Header()
        yield Static(self._heading(), id="history-title")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Reading the history from git…", style="dim"), id="history-compare")
        with VerticalScroll(id="history-diff-scroll"):
            yield RedlineView(id="history-diff")
        yield footer()

    def _heading(self, note: str | None = None) -> Text:
        """ "History of ID  Title", then ``note`` (why the list may be partial) when given."""
        heading = Text("History of ", style="bold")
        heading.append(inert_line(self.doc_id), style="bold cyan")
        heading.append(f"  {inert_line(self.doc_title)}", style="bold")
        if note:
            heading.append(f"  ({inert_line(note)})", style="yellow")
        return heading

    def on_mount(self) -> None:
        """The columns, then the history (read from git in a worker)."""
        table = self.query_one(DataTable)
        table.add_columns(" ", "Version", "Date", "Author", "Approved by", "Summary", "Commit")
        self.load_history()

    @background("history", "Cannot read the history")
    def load_history(self) -> None:
        """The approved revisions, and the working copy when it differs from the newest."""
        found = self.control.history.revisions(self.doc_id)
        rows = [HistoryRow(r.commit, r.version, r) for r in found]
        history = self.control.history
        if history.worktree_differs(self.doc_id, found[0] if found else None):
            rows.insert(0, HistoryRow(WORKTREE, "working copy"))
            self._texts[WORKTREE] = history.worktree_text(self.doc_id)
        deliver(self, HistoryLoaded(rows, history.incomplete()))

    def on_work_failed(self, event: WorkFailed) -> None:
        """Git could not answer: said in place, above the diff."""
        self.show_problem(str(event.error))
        event.stop()

    def show_problem(self, message: str) -> None:
        """A problem in the line above the diff, as inert text."""
        self.query_one("#history-compare", Static).update(
            Text(inert_line(message), style="bold red")
        )

    def on_history_loaded(self, event: HistoryLoaded) -> None:
        """Fill the table and show the newest row's diff."""
        rows = self.rows = event.rows
        table = self.query_one(DataTable)
        lines = []
        for row in rows:
            rev = row.revision
            if rev is None:
                cells = ["", "working copy", "", "", "", "your unsaved edits", ""]
            else:
                approvers = ", ".join(a.name for a in rev.approvers)
                cells = [
                    "",
                    rev.version,
                    day_iso(rev.date, self.control.ws.zone),
                    rev.author.name,
                    approvers,
                    rev.summary,
                    rev.commit[:8],
                ]
            lines.append((row.key, [Text(inert_line(c)) for c in cells]))
        add_rows(table, lines)
        if event.incomplete is not None:
            self.query_one("#history-title", Static).update(self._heading(event.incomplete))
        if not any(r.revision for r in rows):
            self.show_problem(
                f"{self.doc_id} has no approved revisions on {self.control.ws.main} yet:"
                " propose a change (c in the browser) and have it approved"
            )
        table.focus()
        if rows:
            self.show_diff_for(0)

    @on(DataTable.RowHighlighted, "#history-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Moving the cursor shows that row's diff."""
        self.show_diff_for(event.cursor_row)

    def show_diff_for(self, index: int) -> None:
        """The diff for row ``index``: against the pinned row, else the one before it."""
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        older: str | None
        if self.pinned is not None and self.pinned != row.key:
            older, newer = self._ordered(self.pinned, row.key)
        else:
            older, newer = self._previous(index), row.key
        self.query_one("#history-compare", Static).update(self._compare_line(older, newer))
        self.load_diff(older, newer)

    def _previous(self, index: int) -> str | None:
        """The row before this one in time: the next row down (None for the first ever)."""
        if index + 1 < len(self.rows):
            return self.rows[index + 1].key
        return None

    def _ordered(self, a: str, b: str) -> tuple[str, str]:
        """Older first, so a diff always reads forward in time."""
        keys = [r.key for r in self.rows]
        return (a, b) if keys.index(a) > keys.index(b) else (b, a)

    def _label(self, key: str | None) -> str:
        if key is None:
            return "nothing (first revision)"
        return next(r.label for r in self.rows if r.key == key)

    def _compare_line(self, older: str | None, newer: str) -> Text:
        line = Text("Changes from ", style="bold")
        line.append(inert_line(self._label(older)), style="red")
        line.append(" to ", style="bold")
        line.append(inert_line(self._label(newer)), style="green")
        if self.pinned is not None:
            line.append(f"   {PIN} pinned: {inert_line(self._label(self.pinned))} (c unpins)")
        else:
            line.append("   c: pin this row to compare it with any other", style="dim")
        return line

    @background("diff", "Cannot read the diff")
    def load_diff(self, older: str | None, newer: str) -> None:
        """Read both texts from git (once each) and compare them (the first revision has
        nothing before it: git's diff of its whole text, saying so)."""
        deliver(self, DiffLoaded(compare(self._text(older), self._text(newer))))

    def _text(self, key: str | None) -> TextAt | None:
        """A revision's text, read from git once and kept (runs in the diff worker)."""
        if key is None:
            return None
        if key not in self._texts:
            rev = next(r.revision for r in self.rows if r.key == key)
            self._texts[key] = self.control.history.revision_text(rev) if rev else None
        return self._texts[key]

    def on_diff_loaded(self, event: DiffLoaded) -> None:
        """Show the change from its top."""
        self.query_one(RedlineView).show([event.diff])
        self.query_one("#history-diff-scroll", VerticalScroll).scroll_home(animate=False)

    def action_pin(self) -> None:
        """Pin the highlighted row to compare every other with it (again: unpin)."""
        table = self.query_one(DataTable)
        if not self.rows:
            return
        key = self.rows[table.cursor_row].key
        if self.pinned is not None:
            table.update_cell(self.pinned, table.ordered_columns[0].key, Text(""))
        self.pinned = None if self.pinned == key else key
        if self.pinned is not None:
            table.update_cell(key, table.ordered_columns[0].key, Text(PIN, style="bold yellow"))
        self.show_diff_for(table.cursor_row)

    def action_toggle_raw(self) -> None:
        """The change in words, or git's diff (again: back)."""
        self.query_one(RedlineView).toggle_raw()

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)
