"""Issue 15 (notify): `sopvault notify` from the command line: what --dry-run prints,
--json, one clear line per person and exit 2 when the server is down, times in
[vault] timezone, and the cron line as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.notifyhelp import configure, free_port, smtp_server

pytestmark = pytest.mark.usefixtures("utc")


def notify(root: Path, *args: str) -> int:
    return main(["--vault", str(root), "notify", *args])


def test_dry_run_prints_the_messages(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15 (notify): --dry-run prints each e-mail (To, Subject, body) and says that
    nothing was sent or marked; the real run after it still sends everything."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        assert notify(demo_path, "--dry-run") == 0
        out = capsys.readouterr().out
        assert "To: alice.moreno@harrowfinch.example" in out
        assert "Subject: [sopvault] Harrow & Finch Ltd: " in out
        assert "Open it: sopvault reviews show 6" in out
        assert "dry run: nothing sent, nothing marked as sent" in out
        assert box.received == []
        assert notify(demo_path) == 0
        out = capsys.readouterr().out
        assert "sent 5 notifications to alice (email alice.moreno@harrowfinch.example)" in out
        assert notify(demo_path) == 0
        assert capsys.readouterr().out == "nothing new to send\n"


def test_json(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15 (notify): --json lists each batch with its notifications (UTC times) and
    whether it was sent; a dry run sends none."""
    configure(demo_path, free_port())
    assert notify(demo_path, "--dry-run", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True and data["state"].endswith("sent.json")
    alice = next(b for b in data["batches"] if b["person"] == "alice")
    assert alice["channel"] == "email" and alice["sent"] is False and alice["error"] is None
    assert {n["kind"] for n in alice["notifications"]} == {"ack-owed", "review-late"}


def test_server_down_is_one_line_per_person_and_exit_2(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (notify): with nothing listening, each person gets one error line naming
    host:port and the reason; exit 2; nothing is marked, so the next run tries again."""
    port = free_port()
    configure(demo_path, port)
    assert notify(demo_path) == 2
    err = capsys.readouterr().err.splitlines()
    assert err and all(f"127.0.0.1:{port}: Connection refused" in line for line in err)
    assert err[0] == (
        "sopvault: error: alice (email alice.moreno@harrowfinch.example): 5 notifications"
        f" not sent: 127.0.0.1:{port}: Connection refused"
    )
    assert notify(demo_path) == 2


def test_times_in_the_vault_time_zone(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (notify, time): with [vault] timezone, the message's times are that zone's."""
    config = sample_path / "sopvault.toml"
    config.write_text(config.read_text() + '\n[vault]\ntimezone = "Asia/Tokyo"\n')
    configure(sample_path, free_port())
    assert notify(sample_path, "--dry-run") == 0
    assert " JST):" in capsys.readouterr().out


def test_no_notify_section_is_a_clear_error(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (notify): a vault without [notify] says where to read about it; exit 1."""
    assert notify(demo_path) == 1
    assert "no [notify] section" in capsys.readouterr().err


def test_the_cron_line_as_a_process(demo_path: Path) -> None:
    """Issue 15 (notify): `sopvault notify` in a real process, as cron runs it: sent once,
    then quiet."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        for expected in ("sent ", "nothing new to send"):
            done = subprocess.run(
                [sys.executable, "-m", "sopvault", "notify"],
                cwd=demo_path,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
            assert expected in done.stdout and "Traceback" not in done.stderr
        assert len(box.received) == len(set(box.recipients()))
