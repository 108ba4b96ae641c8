"""Shared set-up for the issue 15 (time) tests: a vault whose ``[vault] timezone`` is New
York, a process whose own zone is Tokyo, and an SOP-010 run started at a known UTC time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sopvault.services.clock import stopped_at
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from tests.conftest import commit_all

# 14:30 UTC on 25 November: 09:30 EST in New York, 23:30 JST in Tokyo.
STARTED = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"


def set_vault_zone(root: Path, name: str) -> None:
    """Give the vault at ``root`` a ``[vault] timezone`` and commit it (the config is on
    main, as a team would keep it)."""
    config = root / "sopvault.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[vault]\ntimezone = "{name}"\n')
    commit_all(root, "Show times in the team's zone")


@contextmanager
def process_zone(name: str) -> Iterator[None]:
    """The process's own local zone is ``name`` (``TZ``) while the block runs."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def start_sop10(root: Path) -> str:
    """An open SOP-010 run started at STARTED by Dmitri Volkov, step 1 done five minutes
    later; step 2 is due 30 minutes after the start (15:00 UTC)."""
    runs = Runs(Workspace.open(root, clock=stopped_at(STARTED)))
    run = runs.start("SOP-010", who=DMITRI, roles={"plant operator": "bilal"}).run
    later = Runs(Workspace.open(root, clock=stopped_at(STARTED + timedelta(minutes=5))))
    later.mark(run.id, 1, "done", value="yes", who=DMITRI)
    return run.id
