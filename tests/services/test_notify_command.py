"""Issue 15 (notify): the command channel: one JSON object per notification piped to a
real small Python program named in the user's own notify.toml (never the vault's), each
event once, a non-zero exit a failure that marks nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sopvault.errors import ConfigError
from sopvault.render.notify import NotifyWriter
from sopvault.services.notify import Notify, Outcome
from tests.conftest import workspace_at
from tests.notifyhelp import RECEIVER, configure, free_port, user_command

pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own configuration folder ($SOPVAULT_CONFIG_DIR), not yet made."""
    folder = tmp_path / "user-config"
    monkeypatch.setenv("SOPVAULT_CONFIG_DIR", str(folder))
    return folder


def send(root: Path) -> Outcome:
    ws = workspace_at(root)
    return Notify(ws).send(NotifyWriter("Harrow & Finch Ltd", None, ws.now()))


def received(out: Path) -> list[dict[str, Any]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_one_json_object_per_notification(
    demo_path: Path, tmp_path: Path, config_dir: Path
) -> None:
    """Issue 15 (notify): the program gets one JSON object per notification on stdin,
    naming the person, the document and revision, the command that opens it and the
    page; a second run starts it for nothing new."""
    script, out = tmp_path / "receive.py", tmp_path / "got.jsonl"
    script.write_text(RECEIVER)
    user_command(config_dir, [sys.executable, str(script), str(out)])
    configure(demo_path, free_port(), channels='["command"]')
    outcome = send(demo_path)
    got = received(out)
    assert not outcome.failed()
    assert len(got) == sum(len(b.items) for b in outcome.batches)
    waiting = [g for g in got if g["kind"] == "proposal-waiting"]
    [prop] = [g for g in waiting if g["person"]["handle"] == "bilal"]
    assert prop["command"] == "sopvault reviews show 6"
    assert prop["document"] == {
        "id": "WI-004",
        "title": "Weekly counts for fast-moving items",
        "revision": "1.1",
        "url": "https://sops.example/docs/WI-004.html",
    }
    assert prop["proposal"] == "WI-004/6" and prop["late"] is True
    assert prop["due"].endswith("Z") and prop["vault"] == "Harrow & Finch Ltd"
    assert prop["key"] == "proposal-waiting:6:WI-004@1.1"
    assert prop["text"].startswith("Proposal WI-004/6")
    acks = [g for g in got if g["kind"] == "ack-owed" and g["person"]["handle"] == "alice"]
    assert [a["document"]["id"] for a in acks] == ["SOP-001", "SOP-002", "SOP-004"]
    assert send(demo_path).batches == [] and len(received(out)) == len(got)


def test_a_failing_program_marks_nothing_for_that_person(
    demo_path: Path, tmp_path: Path, config_dir: Path
) -> None:
    """Issue 15 (notify): a program that exits 3 is a failure, named with its status;
    nothing is recorded as sent on the command channel, and the next run tries again."""
    script, out = tmp_path / "receive.py", tmp_path / "got.jsonl"
    script.write_text(RECEIVER)
    user_command(config_dir, [sys.executable, str(script), str(out), "3"])
    configure(demo_path, free_port(), channels='["command"]')
    outcome = send(demo_path)
    assert outcome.failed() == outcome.batches
    assert outcome.batches[0].error.endswith("exited with status 3")
    assert not outcome.state.exists()
    assert len(send(demo_path).batches) == len(outcome.batches)


def test_the_program_comes_only_from_the_user(
    demo_path: Path, tmp_path: Path, config_dir: Path
) -> None:
    """Issue 15 (notify): the command channel on in the vault, but the user named no
    program: a clear error pointing at their own notify.toml; a notify.toml others may
    write is not used either."""
    configure(demo_path, free_port(), channels='["command"]')
    with pytest.raises(ConfigError, match="names no `command`"):
        send(demo_path)
    user_command(config_dir, [sys.executable, "-c", "pass"])
    (config_dir / "notify.toml").chmod(0o666)
    with pytest.raises(ConfigError, match="can be written by other users"):
        send(demo_path)
