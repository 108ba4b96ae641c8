"""Open runs: every run still in progress, with its progress and late steps; Enter resumes
one in the checklist runner."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sopvault.core.approval import name_of
from sopvault.errors import SopvaultError
from sopvault.render.safetext import inert
from sopvault.services.runlist import Listing
from sopvault.services.runs import Runs
from sopvault.tui.screens.run import RunScreen


class RunsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, runs: Runs) -> None:
        super().__init__()
        self.runs = runs
        self.listing: Listing | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Reading runs…", style="dim"), id="runs-title")
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="runs-problems")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Run", "Document", "Title", "Steps", "Started (UTC)", "By", "Late"
        )
        self.load()

    @work(thread=True, exclusive=True, group="runs")
    def load(self) -> None:
        try:
            listing = self.runs.listing(open_only=True)
        except SopvaultError as err:
            self.app.call_from_thread(self.show_problem, str(err))
            return
        self.app.call_from_thread(self.show_listing, listing)

    def show_problem(self, message: str) -> None:
        self.query_one("#runs-problems", Static).update(Text(inert(message), style="bold red"))

    def show_listing(self, listing: Listing) -> None:
        self.listing = listing
        now = self.runs.now()
        table = self.query_one(DataTable)
        table.clear()
        for run in listing.runs:
            done, total = run.progress()
            late = run.late(now)
            cells = [
                run.id,
                run.doc_id,
                run.title,
                f"{done}/{total}",
                run.started_at.strftime("%Y-%m-%d %H:%M"),
                name_of(run.started_by),
                ", ".join(map(str, late)),
            ]
            table.add_row(
                *(Text(inert(c), style="bold red" if i == 6 else "") for i, c in enumerate(cells)),
                key=run.id,
            )
        title = Text(f"{len(listing.runs)} open run(s)", style="bold")
        title.append("   Enter resumes one", style="dim")
        self.query_one("#runs-title", Static).update(title)
        problems = Text()
        for problem in listing.problems:
            problems.append(f"cannot read {inert(str(problem))}\n", style="red")
        self.query_one("#runs-problems", Static).update(problems)
        table.focus()

    @on(DataTable.RowSelected, "#runs-table")
    def resume_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.resume(event.row_key.value)

    @work(thread=True, exclusive=True, group="resume")
    def resume(self, run_id: str) -> None:
        try:
            resumed = self.runs.resume(run_id)
        except SopvaultError as err:
            self.app.call_from_thread(
                self.notify, inert(str(err)), title="Cannot resume", severity="error"
            )
            return
        self.app.call_from_thread(
            self.app.push_screen,
            RunScreen.resumed(self.runs, resumed),
            lambda _: self.load(),
        )

    def action_refresh(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
