"""Issue 14 (acknowledgements): `sopvault ack`, `acks ID` and `acks --person` on the demo's
real repository, their output, JSON and exit codes; one real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.conftest import act_as

CARMEN = "carmen.ruiz@harrowfinch.example"


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--vault", str(root), *args])
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ack_records_and_a_second_ack_is_refused_saying_when(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): `ack` prints who acknowledged which revision and the
    commit (exit 0); again, one line with the date of the first (exit 1)."""
    act_as(monkeypatch, "Carmen Ruiz")
    code, out, _ = run(capsys, demo_path, "ack", "sop-003")
    assert code == 0
    assert out.startswith("Carmen Ruiz acknowledged SOP-003 2.2 (read and understood):")
    assert "committed on main as " in out
    code, out, err = run(capsys, demo_path, "ack", "SOP-003")
    assert (code, out) == (1, "")
    assert re.match(r"sopvault: error: you acknowledged SOP-003 2\.2 already, on \d{4}-", err)
    assert len(err.splitlines()) == 1


def test_ack_refuses_strangers_drafts_and_unknown_ids_in_one_line(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): someone not in [people], an unknown id: exit 1 and one
    line each, nothing committed."""
    before = subprocess.run(
        ["git", "-C", str(demo_path), "rev-parse", "main"], capture_output=True, text=True
    ).stdout
    act_as(monkeypatch, "Zoe Stranger")
    code, _, err = run(capsys, demo_path, "ack", "SOP-003")
    assert code == 1 and "is not among [people]" in err and len(err.splitlines()) == 1
    act_as(monkeypatch, "Carmen Ruiz")
    code, _, err = run(capsys, demo_path, "ack", "SOP-999")
    assert code == 1 and "SOP-999" in err and len(err.splitlines()) == 1
    after = subprocess.run(
        ["git", "-C", str(demo_path), "rev-parse", "main"], capture_output=True, text=True
    ).stdout
    assert after == before


def test_acks_lists_who_has_and_who_must_and_a_training_record(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): `acks ID` (table and --json) and `acks --person NAME`
    (the training record, table and --json)."""
    act_as(monkeypatch, "Carmen Ruiz")
    run(capsys, demo_path, "ack", "SOP-003")
    code, out, _ = run(capsys, demo_path, "acks", "SOP-003")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "SOP-003 2.2  Review stock levels and reorder points: 1 of 1 acknowledged"
    assert lines[1].split() == ["PERSON", "NAME", "STATE", "ACKNOWLEDGED"]
    assert lines[2].split()[:4] == ["carmen", "Carmen", "Ruiz", "done"]
    code, out, _ = run(capsys, demo_path, "acks", "SOP-009", "--json")
    data = json.loads(out)
    assert (data["version"], data["people"][0]["person"]) == ("3.2", "dmitri")
    assert data["people"][0]["state"] == "owed" and data["people"][0]["ack"] is None

    code, out, _ = run(capsys, demo_path, "acks", "--person", "Carmen Ruiz")
    assert code == 0 and out.splitlines()[0] == "training record of Carmen Ruiz"
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert rows["SOP-003"][1:3] == ["2.2", "done"] and rows["SOP-005"][1:3] == ["1.6", "owed"]
    code, out, _ = run(capsys, demo_path, "acks", "--person", CARMEN, "--json")
    record = {d["document"]: d for d in json.loads(out)["documents"]}
    assert record["SOP-003"]["acks"][0]["meaning"] == "read and understood"
    assert record["SOP-003"]["acks"][0]["path"].startswith(f"acks/{CARMEN}/SOP-003@2.2-")


def test_acks_needs_an_id_or_a_person(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (acknowledgements): neither or both is a usage error (exit 2); an unknown
    person is exit 1 naming who there is."""
    assert run(capsys, demo_path, "acks")[0] == 2
    assert run(capsys, demo_path, "acks", "SOP-003", "--person", "carmen")[0] == 2
    code, _, err = run(capsys, demo_path, "acks", "--person", "nobody")
    assert code == 1 and "there: alice, bilal" in err


def test_ack_as_a_process(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (acknowledgements): a real `sopvault ack` process commits as the git
    identity in its environment."""
    act_as(monkeypatch, "Dmitri Volkov")
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "ack", "SOP-009"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Dmitri Volkov acknowledged SOP-009 3.2")
    author = subprocess.run(
        ["git", "-C", str(demo_path), "log", "-1", "--format=%an", "main"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert author == "Dmitri Volkov"
