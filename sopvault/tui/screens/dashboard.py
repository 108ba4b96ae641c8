"""The dashboard: what is due, the screen the TUI opens on (ISO 9001 §7.5.3 periodic
review, §9.1 monitoring). Four tables (reviews, proposals, acknowledgements I owe, open
runs with my steps), read in a worker; Enter opens the item: a document in the reader, a
proposal in the reviews inbox, a run in the runner. ``t`` shows the tree."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from sopvault.model.due import DueReport
from sopvault.render.due import DOC, PROPOSAL, RUN, Section, sections, summary_line
from sopvault.render.safetext import inert_line
from sopvault.services.due import Due
from sopvault.services.runs import Runs
from sopvault.tui import messages as msg
from sopvault.tui.keys import footer
from sopvault.tui.screens.resuming import ResumingScreen
from sopvault.tui.widgets.tables import add_rows
from sopvault.tui.workers import background, collector_paused, deliver

# The tables, in the order of ``render.due.sections``.
TABLES = ("due-reviews", "due-proposals", "due-acks", "due-runs")
MAX_ROWS = 8  # rows a table shows before it scrolls


class DashboardScreen(ResumingScreen):
    """What is due for the acting person, read again each time the screen shows.

    ``due`` makes (or returns) the app's Due service and ``runs`` its Runs service; both
    are called in workers only (the first call finds the repository on disk)."""

    BINDINGS = [
        Binding("t", "app.tree", "Tree"),
        Binding("r", "refresh", "Refresh"),
        Binding("m", "app.my_work", "My work", show=False),
    ]

    def __init__(
        self,
        due: Callable[[], Due],
        runs: Callable[[], Runs],
        ahead: Callable[[], DueReport | None] | None = None,
    ) -> None:
        super().__init__()
        self.due = due
        self.runs = runs
        self.ahead = ahead  # the report read while the TUI started: taken on the first show
        self.shown: list[Section] = []

    def compose(self) -> ComposeResult:
        """Title, the four lists (a heading and a table each), status line, footer."""
        yield Header()
        yield Static(Text("Reading what is due…", style="dim"), id="due-title")
        with VerticalScroll(id="due-lists"):
            for table_id in TABLES:
                yield Static("", id=f"{table_id}-heading", classes="due-heading")
                yield DataTable(id=table_id, cursor_type="row", classes="due-table")
        yield Static("", id="due-status")
        yield footer()

    def on_screen_resume(self) -> None:
        """Read what is due whenever the screen shows: a decision, an answer or an edit
        made elsewhere changes it."""
        self.load()

    @background("due", "Cannot read what is due")
    def load(self) -> None:
        """Gather the four lists (documents, proposals from git, runs from disk)."""
        with collector_paused():
            due = self.due()  # made off the UI thread (on_due_read asks it for the zone)
            report = self.ahead() if self.ahead is not None else None
            if report is None:
                report = due.report()
        deliver(self, msg.DueRead(report))

    def on_work_failed(self, event: msg.WorkFailed) -> None:
        """Reading failed: said in the status line (the app shows the notice too)."""
        if event.group == "due":
            self.status(Text(inert_line(str(event.error)), style="bold red"))

    def status(self, text: Text) -> None:
        """Show ``text`` in the status line."""
        self.query_one("#due-status", Static).update(text)

    def on_due_read(self, event: msg.DueRead) -> None:
        """Fill the four tables; the status line counts them."""
        report = event.report
        self.shown = sections(report, self.due().ws.zone)  # made by the worker
        who = f" for {inert_line(str(report.me))}" if report.me else ""
        title = Text(f"What is due on {report.today.isoformat()}{who}", style="bold")
        title.append(f"   reviews within {report.within_days} days", style="dim")
        self.query_one("#due-title", Static).update(title)
        for table_id, section in zip(TABLES, self.shown, strict=True):
            self._fill(table_id, section)
        late = report.overdue()
        line = Text(inert_line(summary_line(report)), style="bold red" if late else "green")
        for note in report.notes:
            line.append(f"  ·  {inert_line(note)}", style="dim")
        self.status(line)
        focused = self.focused
        if not isinstance(focused, DataTable) or focused.row_count == 0:
            first = next((t for t in TABLES if self._table(t).row_count), TABLES[0])
            self._table(first).focus()

    def _table(self, table_id: str) -> DataTable[Text]:
        return self.query_one(f"#{table_id}", DataTable)

    def _fill(self, table_id: str, section: Section) -> None:
        heading = Text(inert_line(section.heading()), style="bold")
        if section.late:
            heading.stylize("bold red")
        self.query_one(f"#{table_id}-heading", Static).update(heading)
        table = self._table(table_id)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.display = bool(section.rows)
        table.add_columns("", *section.headers)
        rows = []
        for index, row in enumerate(section.rows):
            style = "red" if row.overdue else ""
            mark = Text("LATE", style="bold red") if row.overdue else Text("")
            cells = [mark, *(Text(inert_line(c), style=style) for c in row.cells)]
            rows.append((f"{index}:{row.key}", cells))
        add_rows(table, rows)
        # As high as its rows (and the header), up to MAX_ROWS: set here rather than left
        # to ``height: auto``, which a table measures only on its next idle.
        table.styles.height = min(len(rows), MAX_ROWS) + 1
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    @on(DataTable.RowSelected, ".due-table")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens its item."""
        key = event.row_key.value or ""
        _, _, item = key.partition(":")
        kind, _, ref = item.partition(":")
        if kind == DOC:
            self.post_message(msg.OpenDocument(ref))
        elif kind == PROPOSAL:
            self.post_message(msg.OpenReviews(None, ref))
        elif kind == RUN:
            self.resume(ref)

    def action_refresh(self) -> None:
        """Read what is due again."""
        self.load()
