"""Issue 14 (acknowledgements): acknowledgements travel with `sopvault sync` and never
conflict: two people acknowledging at once on two clones, and one person on two clones,
all reach the server's main and `verify` passes. A real bare server and real clones."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.acks import Acknowledgements
from sopvault.services.review.control import DocumentControl
from sopvault.services.sync import Sync
from tests.conftest import act_as, workspace_at
from tests.services.conftest import clone, git_out


def ack(root: Path, doc_id: str) -> str:
    return Acknowledgements(workspace_at(root)).record(doc_id).path


def sync(root: Path) -> list[str]:
    return Sync(DocumentControl(workspace_at(root))).sync().acks_in


def on_main(root: Path) -> list[str]:
    return sorted(git_out(root, "ls-tree", "-r", "--name-only", "main", "--", "acks").split())


def test_two_people_acknowledging_at_once_on_two_clones_both_reach_main(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Carmen and Dmitri acknowledge on their own clones
    before either syncs; both sync; both acknowledgements are on every main, each still
    authored by its person, and verify is clean on both clones."""
    carmen, dmitri = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "dmitri")
    act_as(monkeypatch, "Carmen Ruiz")
    mine = ack(carmen, "SOP-003")
    act_as(monkeypatch, "Dmitri Volkov")
    theirs = ack(dmitri, "SOP-009")
    act_as(monkeypatch, "Carmen Ruiz")
    sync(carmen)
    act_as(monkeypatch, "Dmitri Volkov")
    came = sync(dmitri)  # replays Dmitri's ack on top of Carmen's
    assert came == ["Carmen Ruiz acknowledged SOP-003 2.2"]
    act_as(monkeypatch, "Carmen Ruiz")
    assert sync(carmen) == ["Dmitri Volkov acknowledged SOP-009 3.2"]
    for root in (carmen, dmitri):
        assert on_main(root) == sorted([mine, theirs])
        assert git_out(root, "rev-parse", "main") == git_out(server, "rev-parse", "main")
        assert (root / mine).is_file() and (root / theirs).is_file()
        assert main(["--vault", str(root), "verify"]) == 0
    authors = git_out(carmen, "log", "--format=%ae", "-2", "main").split()
    assert sorted(authors) == [
        "carmen.ruiz@harrowfinch.example",
        "dmitri.volkov@harrowfinch.example",
    ]


def test_one_person_acknowledging_on_two_clones_keeps_both_records(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Carmen acknowledges SOP-003 on her laptop and on the
    warehouse PC before syncing either: two files, no conflict, both kept (the record
    counts the first); verify is clean."""
    laptop, pc = clone(server, tmp_path, "laptop"), clone(server, tmp_path, "pc")
    act_as(monkeypatch, "Carmen Ruiz")
    first, second = ack(laptop, "SOP-003"), ack(pc, "SOP-003")
    assert first != second
    sync(laptop)
    sync(pc)
    sync(laptop)
    assert on_main(laptop) == on_main(pc) == sorted([first, second])
    service = Acknowledgements(workspace_at(pc))
    carmen = service.person_of("carmen")
    entry = next(e for e in service.record_of(carmen) if e.doc_id == "SOP-003")
    assert len(entry.acks) == 2 and entry.acknowledged == entry.acks[0]
    assert "SOP-003" not in [o.doc_id for o in service.owed(carmen)]
    assert main(["--vault", str(pc), "verify"]) == 0
