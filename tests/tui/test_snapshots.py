"""SVG snapshots of the key screens (pytest-textual-snapshot); docs/ shows these files.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from sopvault.tui.app import SopVaultApp
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import (
    loaded,
    open_document,
    press_down_to,
    propose_rules_change,
    search_settled,
    settle,
)

SIZE = (120, 40)


def make_app(path: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(path))


def stable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ids the same on every run of the test (``1a2b``), and event ids (8 hex digits)
    distinct, as a log needs them: they are shown by their number in the log (``#3``)."""
    numbers = itertools.count(0x1A2B)
    monkeypatch.setattr(
        "sopvault.services.runs.secrets.token_hex",
        lambda size: "1a2b" if size == 2 else f"{next(numbers):0{2 * size}x}",
    )


def test_browse_procedure(snap_compare: Any, sample_path: Path) -> None:
    async def open_leach_sop(pilot: Pilot[None]) -> None:
        tree = await loaded(pilot)
        for doc_id in ("POL-004", "PRC-005"):
            await press_down_to(pilot, tree, doc_id)
            await pilot.press("right")
            await settle(pilot)
        await press_down_to(pilot, tree, "SOP-010")
        await settle(pilot)

    assert snap_compare(make_app(sample_path), terminal_size=SIZE, run_before=open_leach_sop)


def test_problems_panel(snap_compare: Any, broken_path: Path) -> None:
    async def show_problems(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_app(broken_path), terminal_size=SIZE, run_before=show_problems)


def test_help_screen(snap_compare: Any, sample_path: Path) -> None:
    async def show_help(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(sample_path), terminal_size=SIZE, run_before=show_help)


def test_filter_dialog(snap_compare: Any, sample_path: Path) -> None:
    async def show_filter(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(make_app(sample_path), terminal_size=SIZE, run_before=show_filter)


def test_search_screen(snap_compare: Any, sample_path: Path) -> None:
    async def search_typo(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        field = pilot.app.screen.query_one(Input)
        field.cursor_blink = False  # a blink is not a change
        # One change, not one per key: on a loaded machine the searches of "r", "re", ...
        # could still hold the index lock and the answer would say so.
        field.value = "respirtor"
        field.cursor_position = len(field.value)
        await search_settled(pilot)

    assert snap_compare(make_app(sample_path), terminal_size=SIZE, run_before=search_typo)


def test_history_screen(snap_compare: Any, demo_path: Path) -> None:
    async def show_history(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=show_history)


def test_reviews_inbox(snap_compare: Any, demo_path: Path) -> None:
    async def show_inbox(pilot: Pilot[None]) -> None:  # as Alice, who proposed it
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=show_inbox)


def test_reviews_structured_diff(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (what changed, in words): the inbox as Bilal, on Carmen's proposal that
    moves a step, rewords one and changes three rules, shown in words."""
    act_as(monkeypatch, "Carmen Ruiz")
    propose_rules_change(demo_path)
    act_as(monkeypatch, "Bilal Okafor")

    async def show_proposal(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("down")  # proposal 7, below the demo's open proposal 6
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=show_proposal)


def test_propose_dialog(snap_compare: Any, demo_path: Path) -> None:
    path = demo_path / "procedures/SOP-003-review-stock-and-reorder-points.md"
    path.write_text(path.read_text("utf-8").replace("Export the", "Download the", 1), "utf-8")

    async def show_dialog(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-003")
        await pilot.press("c")
        await settle(pilot)
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.press(*"Download, not export")
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=show_dialog)


def test_run_screen(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None
) -> None:
    stable_ids(monkeypatch)
    now = [datetime(2026, 11, 25, 9, 30, tzinfo=UTC)]

    async def one_step_then_a_bad_value(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("enter")  # issue 15: the assignment dialog, Enter accepts
        await settle(pilot)
        now[0] += timedelta(minutes=12)  # before any answer, so every redraw shows 12m
        await pilot.press("enter", *"yes", "enter")
        await settle(pilot)
        await pilot.press("enter", *"70")  # typed, not recorded: the input answers at once
        await settle(pilot)
        pilot.app.screen.query_one(Input).cursor_blink = False

    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now[0]))
    assert snap_compare(app, terminal_size=SIZE, run_before=one_step_then_a_bad_value)


def test_browse_edited_working_copy(snap_compare: Any, demo_path: Path) -> None:
    """Trust §7 (working copy): the reader's line above an edited document, naming the
    approved revision."""
    path = demo_path / "procedures/SOP-010-leach-sop.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA late note.\n", encoding="utf-8")

    async def open_leach_sop(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=open_leach_sop)


def test_second_run_dialog(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (a second run is a decision): `k` on a procedure with an open run asks."""
    stable_ids(monkeypatch)
    started = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    Runs(Workspace.open(demo_path, clock=lambda: started)).start(
        "SOP-010", who="Dmitri Volkov <dmitri.volkov@harrowfinch.example>"
    )

    async def ask_again(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=ask_again)


def test_run_screen_deviation(
    snap_compare: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None
) -> None:
    """Issue 13 (deviations): the runner after 80 °C was recorded where 55 to 65 °C is
    allowed, with the note that says what happened: ! in the step list and the status
    line, the deviation and the step's history in the detail."""
    stable_ids(monkeypatch)
    now = [datetime(2026, 11, 25, 9, 30, tzinfo=UTC)]

    async def record_a_deviation(pilot: Pilot[None]) -> None:
        await open_document(pilot, "SOP-010")
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("enter")  # issue 15: the assignment dialog, Enter accepts
        await settle(pilot)
        now[0] += timedelta(minutes=4)
        await pilot.press("enter", *"yes", "enter")
        await settle(pilot)
        now[0] += timedelta(minutes=8)
        await pilot.press("enter", *"80", "enter")
        await settle(pilot)
        await pilot.press(*"heater stuck on; cooled to 62 before filling", "enter")
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)

    app = SopVaultApp(Workspace.open(demo_path, clock=lambda: now[0]))
    assert snap_compare(app, terminal_size=SIZE, run_before=record_a_deviation)
