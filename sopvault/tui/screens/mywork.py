""" "My work" (issue 15): the pending steps of open runs that fall to me, by deadline, the
same list as ``sopvault runs --mine`` (``services.mywork``). ``m`` opens it from the tree
and the dashboard; Enter resumes the run in the runner; ``r`` reads it again. Read in a
worker; deadlines shown in ``[vault] timezone`` or the user's zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from sopvault.core.localtime import zone_of
from sopvault.core.wording import counted
from sopvault.model.mywork import MyWork
from sopvault.render.mywork import HEADERS, work_row
from sopvault.render.safetext import inert_line
from sopvault.services.mywork import my_work
from sopvault.services.runs import Runs
from sopvault.tui.keys import footer
from sopvault.tui.screens.resuming import ResumingScreen
from sopvault.tui.widgets.tables import add_rows
from sopvault.tui.workers import background, deliver

STEP_WIDTH = 40  # characters of a step's action the table shows (the runner shows it whole)


@dataclass
class WorkRead(Message):
    """My steps, read in a worker, and the zone their deadlines are shown in."""

    work: MyWork
    zone: tzinfo | None


class MyWorkScreen(ResumingScreen):
    """My pending steps across open runs; read again whenever the screen shows. ``runs``
    makes (or returns) the app's Runs service, called in workers only."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, runs: Callable[[], Runs]) -> None:
        super().__init__()
        self.runs = runs

    def compose(self) -> ComposeResult:
        """Title, the table of steps, the status line, footer."""
        yield Header()
        yield Static(Text("Reading my work…", style="dim"), id="mywork-title")
        yield DataTable(id="mywork-table", cursor_type="row")
        yield Static("", id="mywork-status")
        yield footer()

    def on_screen_resume(self) -> None:
        """Read again whenever the screen shows (a step answered in the runner leaves)."""
        self.load()

    @background("mywork", "Cannot read my work")
    def load(self) -> None:
        """Gather my steps (run files from disk, their texts from git)."""
        runs = self.runs()
        deliver(self, WorkRead(my_work(runs), zone_of(runs.vault.config.timezone)))

    def on_work_read(self, event: WorkRead) -> None:
        """Fill the table (LATE rows in red); the status line counts them."""
        work = event.work
        who = f" for {inert_line(str(work.me))}" if work.me else ""
        self.query_one("#mywork-title", Static).update(
            Text(f"My work: steps assigned to me in open runs{who}", style="bold")
        )
        zone = event.zone
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(*HEADERS[:-1])
        rows = []
        for index, item in enumerate(work.items):
            style = "red" if item.overdue else ""
            cells = [
                Text(inert_line(c), style=style) for c in work_row(item, zone, STEP_WIDTH)[:-1]
            ]
            rows.append((f"{index}:{item.run_id}", cells))
        add_rows(table, rows)
        late = work.overdue()
        line = Text(
            f"{counted(len(work.items), 'step')}, {late} late; Enter resumes the run",
            style="bold red" if late else "green",
        )
        for note in work.notes:
            line.append(f"  ·  {inert_line(note)}", style="dim")
        self.query_one("#mywork-status", Static).update(line)
        table.focus()

    @on(DataTable.RowSelected, "#mywork-table")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a step resumes its run."""
        _, _, run_id = (event.row_key.value or "").partition(":")
        if run_id:
            self.resume(run_id)

    def action_refresh(self) -> None:
        """Read my work again."""
        self.load()
