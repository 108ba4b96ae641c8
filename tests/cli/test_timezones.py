"""Issue 15 (time): every time a person reads is shown in ``[vault] timezone`` (else the
user's own zone, ``TZ``) with the zone's name; ``--json`` keeps UTC. The process runs in
Tokyo while the vault says New York, so the vault's zone visibly wins."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_acks import run
from tests.conftest import act_as
from tests.timezones import process_zone, set_vault_zone, start_sop10


@pytest.fixture
def tokyo() -> Iterator[None]:
    """The process's own zone is Tokyo (a user far from the team's zone)."""
    with process_zone("Asia/Tokyo"):
        yield None


@pytest.fixture
def new_york(sample_path: Path) -> Path:
    """The sample vault with ``[vault] timezone = "America/New_York"``."""
    set_vault_zone(sample_path, "America/New_York")
    return sample_path


def test_runs_show_and_list_use_the_vault_zone(
    new_york: Path, tokyo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (time): 14:30 UTC is shown as 09:30 EST in the report, the log and the
    listing (never as Tokyo's 23:30 JST, the process's own zone), with the zone's name."""
    run_id = start_sop10(new_york)
    code, out, _ = run(capsys, new_york, "runs", "show", run_id)
    assert code == 0
    assert "started:  2026-11-25 09:30:00 EST by Dmitri Volkov" in out
    assert "done 2026-11-25 09:35:00 EST by Dmitri Volkov" in out
    assert "JST" not in out and "UTC" not in out
    _, out, _ = run(capsys, new_york, "runs", "show", run_id, "--events")
    assert out.splitlines()[0].startswith("#1 2026-11-25 09:30:00 EST  Dmitri Volkov")
    _, out, _ = run(capsys, new_york, "runs", "list")
    row = next(line for line in out.splitlines() if line.startswith(run_id))
    assert "2026-11-25 09:30 EST" in row


def test_due_shows_deadlines_in_the_vault_zone(
    new_york: Path, tokyo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (time): step 2 is due 30 minutes after the start: 15:00 UTC, 10:00 EST."""
    run_id = start_sop10(new_york)
    _, out, _ = run(capsys, new_york, "due")
    row = next(line for line in out.splitlines() if run_id in line)
    assert "2026-11-25 10:00 EST" in row


def test_json_stays_utc(new_york: Path, tokyo: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15 (time): machine output keeps UTC ISO 8601, whatever zone people read."""
    run_id = start_sop10(new_york)
    _, out, _ = run(capsys, new_york, "runs", "show", run_id, "--json")
    shown = json.loads(out)
    assert shown["started_at"] == "2026-11-25T14:30:00+00:00"
    assert shown["steps"][0]["at"] == "2026-11-25T14:35:00+00:00"
    _, out, _ = run(capsys, new_york, "runs", "list", "--json")
    assert json.loads(out)[0]["started_at"] == "2026-11-25T14:30:00+00:00"
    _, out, _ = run(capsys, new_york, "due", "--json")
    (found,) = [r for r in json.loads(out)["runs"] if r["run"] == run_id]
    assert found["deadline"] == "2026-11-25T15:00:00Z"
    assert found["started_at"] == "2026-11-25T14:30:00Z"


def test_without_the_key_the_users_zone_decides(
    sample_path: Path, tokyo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (time): no ``[vault] timezone``: the user's own zone (TZ=Asia/Tokyo),
    named, and a deadline past midnight there is dated the next day."""
    run_id = start_sop10(sample_path)
    _, out, _ = run(capsys, sample_path, "runs", "show", run_id)
    assert "started:  2026-11-25 23:30:00 JST by Dmitri Volkov" in out
    _, out, _ = run(capsys, sample_path, "runs", "list")
    assert "2026-11-25 23:30 JST" in out
    _, out, _ = run(capsys, sample_path, "due")
    assert "2026-11-26 00:00 JST" in next(line for line in out.splitlines() if run_id in line)


def test_acknowledgements_and_proposals_in_the_vault_zone(
    demo_path: Path,
    tokyo: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15 (time): when an acknowledgement was made, and when a proposal was made
    (a git date, 08:45 UTC), are shown in New York's zone with its name; JSON keeps UTC."""
    set_vault_zone(demo_path, "America/New_York")
    act_as(monkeypatch, "Carmen Ruiz")
    assert run(capsys, demo_path, "ack", "SOP-003")[0] == 0
    _, out, _ = run(capsys, demo_path, "acks", "SOP-003")
    assert re.search(r"carmen\s+Carmen Ruiz\s+done\s+\d{4}-\d\d-\d\d \d\d:\d\d EST", out), out
    _, _, err = run(capsys, demo_path, "ack", "SOP-003")
    assert re.search(r"already, on \d{4}-\d\d-\d\d \d\d:\d\d EST$", err.strip()), err
    _, out, _ = run(capsys, demo_path, "acks", "SOP-003", "--json")
    assert json.loads(out)["people"][0]["ack"]["at"].endswith("+00:00")
    _, out, _ = run(capsys, demo_path, "reviews", "show", "6")
    assert "date:     2026-11-18 03:45 EST" in out
