"""Open runs: every run still in progress, with its progress and late steps; Enter resumes
one in the checklist runner."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sopvault.core.localtime import shown
from sopvault.core.wording import counted, name_of
from sopvault.render.safetext import inert_line
from sopvault.services.runlist import Listing
from sopvault.services.runs import Runs
from sopvault.tui.keys import footer
from sopvault.tui.messages import RunReady, RunsListed, WorkFailed
from sopvault.tui.widgets.tables import add_rows
from sopvault.tui.workers import background, deliver


class RunsScreen(Screen[None]):
    """The open runs; Enter resumes one (the app opens the runner and, when it closes,
    this list reads the runs again)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, runs: Runs) -> None:
        super().__init__()
        self.runs = runs
        self.listing: Listing | None = None

    def compose(self) -> ComposeResult:
        """Title, table of open runs, and the run files that cannot be read."""
        yield Header()
        yield Static(Text("Reading runs…", style="dim"), id="runs-title")
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="runs-problems")
        yield footer()

    def on_mount(self) -> None:
        """The columns, then the runs (read in a worker)."""
        self.query_one(DataTable).add_columns(
            "Run", "Document", "Title", "Steps", "Started", "By", "Late"
        )
        self.load()

    @background("runs", "Cannot list runs")
    def load(self) -> None:
        """Read the open runs from disk."""
        self.post_message(RunsListed(self.runs.listing(open_only=True)))

    def on_work_failed(self, event: WorkFailed) -> None:
        """The runs could not be listed: said in place, under the table."""
        if event.group == "runs":
            problem = Text(inert_line(str(event.error)), style="bold red")
            self.query_one("#runs-problems", Static).update(problem)
            event.stop()

    def on_runs_listed(self, event: RunsListed) -> None:
        """Fill the table, and list the run files that cannot be read."""
        listing = self.listing = event.listing
        now, zone = self.runs.now(), self.runs.ws.zone
        table = self.query_one(DataTable)
        table.clear()
        rows = []
        for run in listing.runs:
            done, total = run.progress()
            late = run.late(now)
            cells = [
                run.id,
                run.doc_id,
                run.title,
                f"{done}/{total}",
                shown(run.started_at, zone),
                name_of(run.started_by),
                ", ".join(map(str, late)),
            ]
            rows.append(
                (
                    run.id,
                    [
                        Text(inert_line(c), style="bold red" if i == 6 else "")
                        for i, c in enumerate(cells)
                    ],
                )
            )
        add_rows(table, rows)
        title = Text(counted(len(listing.runs), "open run"), style="bold")
        title.append("   Enter resumes one", style="dim")
        self.query_one("#runs-title", Static).update(title)
        problems = Text()
        for problem in listing.problems:
            problems.append(f"cannot read {inert_line(str(problem))}\n", style="red")
        self.query_one("#runs-problems", Static).update(problems)
        table.focus()

    @on(DataTable.RowSelected, "#runs-table")
    def resume_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a run: resume it."""
        if event.row_key.value is not None:
            self.resume(event.row_key.value)

    @background("resume", "Cannot resume")
    def resume(self, run_id: str) -> None:
        """Read the run and its procedure (and any newer revision) for the runner."""
        resumed = self.runs.resume(run_id)
        deliver(self, RunReady(self.runs, resumed, resumed.document))  # once: Enter twice

    def action_refresh(self) -> None:
        """Read the runs again."""
        self.load()

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)
