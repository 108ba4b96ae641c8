"""A screen that lists open runs and resumes one on Enter (the dashboard, My work): the
run and its pinned procedure are read in a worker (git), then handed to the app's
runner once."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from sopvault.services.runs import Runs
from sopvault.tui import messages as msg
from sopvault.tui.workers import background, deliver


class ResumingScreen(Screen[None]):
    """A screen whose ``runs`` makes (or returns) the app's Runs service."""

    runs: Callable[[], Runs]

    @background("resume", "Cannot resume")
    def resume(self, run_id: str) -> None:
        """Read the run and its procedure for the runner (git, so in a worker)."""
        runs = self.runs()
        resumed = runs.resume(run_id)
        deliver(self, msg.RunReady(runs, resumed, resumed.document))  # once: Enter twice
