"""Issue 15 (notify), a hostile tester's findings: a vault's ``from`` holding a line break
(or a list) is one clear configuration error before anything is sent, never a traceback;
when the command channel delivers some of a person's notifications and then fails, the
report counts what was sent and what was not. A real SMTP server, a real program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.notifyhelp import configure, smtp_server, user_command

pytestmark = pytest.mark.usefixtures("utc")

# Fails its second run (a count kept in the file named by argv[1]), echoing an escape.
FLAKY = """\
import pathlib, sys
sys.stdin.read()
count = pathlib.Path(sys.argv[1])
seen = int(count.read_text()) if count.exists() else 0
count.write_text(str(seen + 1))
if seen == 1:
    print("\\x1b[31mboom")
    sys.exit(4)
"""


@pytest.mark.parametrize(
    "sender",
    [
        "sopvault@harrowfinch.example\\r\\nRCPT TO:<evil@attacker.example>",
        "sopvault@harrowfinch.example, evil@attacker.example",
    ],
)
def test_a_from_with_a_line_break_or_a_list_is_one_clear_error(
    demo_path: Path, capsys: pytest.CaptureFixture[str], sender: str
) -> None:
    """Issue 15 (notify): ``from = "a@b\\r\\nRCPT TO:<...>"`` was a traceback from the
    e-mail library; now it, and a list of addresses, is one line naming the key, exit 1,
    and the server receives nothing."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        path = demo_path / "sopvault.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace('from = "sopvault@harrowfinch.example"', f'from = "{sender}"'),
            encoding="utf-8",
        )
        assert main(["--vault", str(demo_path), "notify"]) == 1
        err = capsys.readouterr().err
        assert "[notify] 'from' must be an e-mail address, one plain address" in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert box.received == []


def test_a_command_channel_failing_midway_counts_what_was_sent(
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 15 (notify): the program takes a person's first notification and fails on
    the second: the report says 1 sent and the rest not sent (it said all of them were
    not sent), the failure line is inert, and the next run sends only the rest."""
    config_dir = tmp_path / "user-config"
    monkeypatch.setenv("SOPVAULT_CONFIG_DIR", str(config_dir))
    script, count = tmp_path / "flaky.py", tmp_path / "count"
    script.write_text(FLAKY, encoding="utf-8")
    user_command(config_dir, [sys.executable, str(script), str(count)])
    configure(demo_path, 1, channels='["command"]')
    assert main(["--vault", str(demo_path), "notify"]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "sent 1 notification to alice (command alice)"
    first = captured.err.splitlines()[0]
    assert first == (
        "sopvault: error: alice (command alice): 4 notifications not sent:"
        f" {sys.executable} exited with status 4: ^[[31mboom"
    )
    assert "\x1b" not in captured.err

    assert main(["--vault", str(demo_path), "notify"]) == 0
    assert "sent 4 notifications to alice (command alice)" in capsys.readouterr().out


def test_ctrl_c_while_the_command_channel_runs_stops_notify(
    demo_path: Path, tmp_path: Path
) -> None:
    """Issue 15 (notify): Ctrl-C while the user's program runs ends it and stops notify
    (exit 130), marking nothing for that notification; it does not go on to the next."""
    import os
    import signal
    import subprocess
    import time

    config_dir = tmp_path / "user-config"
    script, pids = tmp_path / "slow.py", tmp_path / "pids"
    script.write_text(
        "import os, sys, time\nsys.stdin.read()\n"
        f"open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\ntime.sleep(30)\n",
        encoding="utf-8",
    )
    user_command(config_dir, [sys.executable, str(script)])
    configure(demo_path, 1, channels='["command"]')
    env = {**os.environ, "SOPVAULT_CONFIG_DIR": str(config_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    env["SOPVAULT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sopvault", "notify", "--json"],
        cwd=demo_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err
    [program] = [int(p) for p in pids.read_text().split()]  # never a second program
    with pytest.raises(ProcessLookupError):
        os.kill(program, 0)
    assert not list((tmp_path / "cache").glob("*/notify/sent.json")) or all(
        "alice" not in p.read_text() for p in (tmp_path / "cache").glob("*/notify/sent.json")
    )
