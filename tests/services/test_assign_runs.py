"""Issue 15 (assignment): roles filled at the start and later on real repositories, refused
roles and people leave no run behind, and "my work" (`runs --mine`) lists the steps that fall
to me across open runs, by deadline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.errors import RunError
from sopvault.model.run import EventType
from sopvault.services.mywork import my_work
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from tests.conftest import act_as

pytestmark = pytest.mark.usefixtures("utc")
START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ERIN = "Erin Walsh <erin.walsh@harrowfinch.example>"
DMITRI = "Dmitri Volkov <dmitri.volkov@harrowfinch.example>"


def runs_at(root: Path, moment: datetime = START) -> Runs:
    return Runs(Workspace.open(root, clock=lambda: moment))


def cli(root: Path, *args: str) -> int:
    return main(["--vault", str(root), *args])


def test_refused_assignments_start_no_run(sample_path: Path) -> None:
    """Issue 15 (assignment): a role SOP-010 lacks, or a person not in [people], refuses the
    start with the valid ones, and no run file is left."""
    runs = runs_at(sample_path)
    with pytest.raises(RunError, match="its roles: plant operator, plant supervisor, lab tech"):
        runs.start("SOP-010", roles={"chef": "erin"})
    with pytest.raises(RunError, match="its handles: alice, bilal, carmen, dmitri, erin"):
        runs.start("SOP-010", roles={"lab technician": "zed"})
    assert not (sample_path / "runs").exists()


def test_assign_at_start_then_reassign(sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 (assignment): --assign at the start is an assign event by the starter; a
    later reassignment is another, by whoever makes it, and the role follows it."""
    act_as(monkeypatch, "Hana Sato")
    run = runs_at(sample_path).start("SOP-010", roles={"lab technician": "erin"}).run
    assert run.roles == {"lab technician": ERIN}
    [start, first] = run.events
    assert start.type is EventType.START and first.type is EventType.ASSIGN
    assert (first.by, first.handle) == ("Hana Sato <hana.sato@harrowfinch.example>", "erin")
    act_as(monkeypatch, "Dmitri Volkov")
    later = runs_at(sample_path, START + timedelta(minutes=5))
    again = later.assign(run.id, "lab technician", "dmitri.volkov@harrowfinch.example")
    assert again.roles == {"lab technician": DMITRI}
    assert later.load(run.id).events[-1].by == DMITRI
    with pytest.raises(RunError, match="has no role 'cook'"):
        later.assign(run.id, "cook", "erin")


def test_my_work_lists_my_steps_by_deadline(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (my work): the steps of my roles and, in runs I started, those without a
    role or whose role nobody fills, ordered by deadline (none last), then run and step."""
    act_as(monkeypatch, "Dmitri Volkov")
    first = runs_at(sample_path).start("SOP-010", roles={"lab technician": "erin"}).run
    act_as(monkeypatch, "Hana Sato")
    later = START + timedelta(minutes=1)
    second = runs_at(sample_path, later).start("SOP-004", roles={"operations lead": "dmitri"}).run
    act_as(monkeypatch, "Dmitri Volkov")
    work = my_work(runs_at(sample_path, START + timedelta(minutes=40)))
    assert [(i.run_id, i.number) for i in work.items] == [
        (first.id, 2),
        (first.id, 1),
        (first.id, 3),
        (first.id, 4),
        (first.id, 5),
        (second.id, 4),
    ]
    assert work.items[0].overdue and work.items[0].due_at == START + timedelta(minutes=30)
    assert work.items[-1].role == "operations lead"
    assert work.items[-1].command == f"sopvault run --resume {second.id}"
    act_as(monkeypatch, "Erin Walsh")
    assert [i.number for i in my_work(runs_at(sample_path)).items] == [6, 7]
    act_as(monkeypatch, "Bilal Okafor")
    assert my_work(runs_at(sample_path)).items == []


def test_runs_mine_and_assign_on_the_command_line(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (assignment, my work): `runs start --assign` refuses a bad person in one
    line, `runs assign` says whom it recorded, `runs show` and `--events` show the
    reassignment, and `runs --mine [--json]` lists my steps with the command to open each."""
    act_as(monkeypatch, "Hana Sato")
    assert cli(sample_path, "runs", "start", "SOP-010", "--assign", "lab technician=zed") == 1
    err = capsys.readouterr().err
    assert "'zed' is not in [people]" in err and len(err.strip().splitlines()) == 1
    assert cli(sample_path, "runs", "start", "SOP-010", "--assign", "plant operator=erin") == 0
    run_id = capsys.readouterr().out.strip()
    assert cli(sample_path, "runs", "assign", run_id, "plant operator", "dmitri") == 0
    assert capsys.readouterr().out.strip() == f"run {run_id}: plant operator is {DMITRI}"
    assert cli(sample_path, "runs", "show", run_id) == 0
    report = capsys.readouterr().out
    assert f"role:     plant operator: {DMITRI} (assigned " in report
    assert f"          before: {ERIN} (assigned " in report
    assert cli(sample_path, "runs", "show", run_id, "--events") == 0
    assert f"assigned plant operator to {DMITRI} (was {ERIN})" in capsys.readouterr().out
    act_as(monkeypatch, "Dmitri Volkov")
    assert cli(sample_path, "runs", "--mine", "--json") == 0
    mine = json.loads(capsys.readouterr().out)
    assert [m["step"] for m in mine] == [2, 1, 3, 4, 5]
    assert mine[0]["command"] == f"sopvault run --resume {run_id}"
    assert mine[0]["due_at"].endswith("+00:00") and mine[1]["due_at"] is None
    assert cli(sample_path, "runs", "--mine") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["DUE", "RUN", "DOCUMENT", "ROLE", "STEP", "OPEN", "WITH"]
    assert "2. Check the hot water temperature before filling" in table[1]
    assert table[1].rstrip().endswith(f"sopvault run --resume {run_id}")
    assert table[2].startswith("-")
    assert cli(sample_path, "runs", "SOP-010", "--mine") == 1


def test_a_run_with_only_assignments_may_be_discarded(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (assignment): who fills a role is no work done: the starter may still
    discard a run that recorded only assignments; one answer makes it part of the record."""
    act_as(monkeypatch, "Hana Sato")
    runs = runs_at(sample_path)
    empty = runs.start("SOP-010", roles={"lab technician": "erin"}).run
    runs.discard(empty.id)
    assert not (sample_path / empty.file).exists()
    kept = runs.start("SOP-010", roles={"lab technician": "erin"}).run
    runs.mark(kept.id, 1, "done", value="yes")
    with pytest.raises(RunError, match="has recorded 1 event"):
        runs.discard(kept.id)
