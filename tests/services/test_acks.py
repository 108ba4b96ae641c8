"""Issue 14 (acknowledgements): who owes which reading, recording "read and understood" on
main, a person's training record, on the demo's real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sopvault.errors import DocumentNotFound
from sopvault.model.ack import AckState
from sopvault.services.acks import Acknowledgements, AckRefused
from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, workspace_at

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
CARMEN = "carmen.ruiz@harrowfinch.example"


def acks(root: Path) -> Acknowledgements:
    return Acknowledgements(workspace_at(root))


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_revision_of_sop3(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Carmen proposes a change of SOP-003 and Bilal approves it: 2.2 becomes 2.3."""
    act_as(monkeypatch, "Carmen Ruiz")
    path = root / SOP3
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("stock report", "stock listing", 1), encoding="utf-8")
    number = DocumentControl(workspace_at(root)).proposals.propose(["SOP-003"], "Wording").number
    act_as(monkeypatch, "Bilal Okafor")
    assert DocumentControl(workspace_at(root)).approvals.approve(str(number)).landed


def test_owed_lists_each_current_revision_a_person_must_read(demo_path: Path) -> None:
    """Issue 14 (acknowledgements): Carmen, the warehouse lead, owes SOP-003 2.2 (its
    current approved revision) and the other documents of her role; everyone's list holds
    hers."""
    service = acks(demo_path)
    carmen = service.person_of("carmen")
    owed = service.owed(carmen)
    assert ("SOP-003", "2.2") in [(o.doc_id, o.version) for o in owed]
    assert all(o.person == carmen and o.previous is None for o in owed)
    everyone = service.owed()
    assert [o for o in everyone if o.person == carmen] == owed
    assert {o.person.handle for o in everyone} >= {"carmen", "dmitri", "alice"}


def test_ack_commits_one_file_on_main_by_the_person_it_names(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): `ack` adds one ack file on main in a commit authored by
    the person, with SOP-Ack, SOP-Version and Acknowledged-by trailers; the file is in
    the work tree and nothing else changed; the reading is no longer owed."""
    act_as(monkeypatch, "Carmen Ruiz")
    before = git(demo_path, "rev-parse", "main").strip()
    status_before = git(demo_path, "status", "--porcelain")
    ack = acks(demo_path).record("SOP-003")
    assert (ack.doc_id, ack.version, ack.person.email) == ("SOP-003", "2.2", CARMEN)
    assert ack.path.startswith(f"acks/{CARMEN}/SOP-003@2.2-") and ack.path.endswith(".toml")
    assert git(demo_path, "rev-parse", "main").strip() == ack.commit
    assert git(demo_path, "rev-parse", f"{ack.commit}^").strip() == before
    changed = git(demo_path, "diff-tree", "--no-commit-id", "-r", "--name-status", ack.commit)
    assert changed.strip() == f"A\t{ack.path}"
    assert git(demo_path, "log", "-1", "--format=%ae", ack.commit).strip() == CARMEN
    trailers = git(demo_path, "log", "-1", "--format=%(trailers:only,unfold)", ack.commit)
    assert "SOP-Ack: SOP-003\nSOP-Version: 2.2\n" in trailers
    assert f"Acknowledged-by: Carmen Ruiz <{CARMEN}>" in trailers
    assert (demo_path / ack.path).is_file()
    assert git(demo_path, "status", "--porcelain") == status_before
    text = (demo_path / ack.path).read_text(encoding="utf-8")
    assert 'meaning = "read and understood"' in text and f'landed = "{before}"' not in text
    service = acks(demo_path)
    assert "SOP-003" not in [o.doc_id for o in service.owed(service.person_of("carmen"))]
    status = service.status("SOP-003")
    assert [(s.person.handle, s.state) for s in status.people] == [("carmen", AckState.DONE)]
    assert status.done[0].ack is not None and status.done[0].ack.blob == ack.blob


def test_a_second_ack_of_one_revision_is_refused_saying_when(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): the same person acknowledging the same revision again
    is refused with the date of the first."""
    act_as(monkeypatch, "Carmen Ruiz")
    acks(demo_path).record("SOP-003")
    with pytest.raises(AckRefused, match=r"already, on 2026-11-25 \d\d:\d\d UTC"):
        acks(demo_path).record("SOP-003")


def test_someone_not_in_people_is_refused(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (acknowledgements): an identity not in [people] acknowledges nothing."""
    act_as(monkeypatch, "Zoe Stranger")
    with pytest.raises(AckRefused, match="not among \\[people\\]"):
        acks(demo_path).record("SOP-003")


def test_no_approved_revision_means_nothing_to_acknowledge(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): effective on main by a plain commit (never approved)
    is no current revision: nothing is owed and `ack` refuses; an unknown id is not found."""
    act_as(monkeypatch, "Carmen Ruiz")
    service = acks(repo_root)
    assert service.owed() == []
    assert service.status("SOP-003").current is None
    with pytest.raises(AckRefused, match="no effective approved revision"):
        service.record("SOP-003")
    with pytest.raises(DocumentNotFound):
        service.record("SOP-999")


def test_a_new_revision_resets_what_is_owed_and_keeps_the_old_ack(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): after 2.3 is approved Carmen owes SOP-003 again (her
    2.2 acknowledgement named as the previous one), and her training record keeps it."""
    act_as(monkeypatch, "Carmen Ruiz")
    acks(demo_path).record("SOP-003")
    new_revision_of_sop3(demo_path, monkeypatch)
    service = acks(demo_path)
    carmen = service.person_of("Carmen Ruiz")
    owed = {o.doc_id: o for o in service.owed(carmen)}
    assert (owed["SOP-003"].version, owed["SOP-003"].previous) == ("2.3", "2.2")
    entry = next(e for e in service.record_of(carmen) if e.doc_id == "SOP-003")
    assert entry.current == "2.3" and entry.state is AckState.OWED
    assert [a.version for a in entry.acks] == ["2.2"] and entry.acknowledged is None
    act_as(monkeypatch, "Carmen Ruiz")
    acks(demo_path).record("SOP-003")
    entry = next(e for e in acks(demo_path).record_of(carmen) if e.doc_id == "SOP-003")
    assert [a.version for a in entry.acks] == ["2.2", "2.3"] and entry.state is AckState.DONE


def test_anyone_in_people_may_acknowledge_without_owing_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Bilal (not a warehouse lead) may acknowledge SOP-003;
    the status lists him as not required, and Carmen still owes it."""
    act_as(monkeypatch, "Bilal Okafor")
    acks(demo_path).record("SOP-003")
    status = acks(demo_path).status("SOP-003")
    states = {s.person.handle: s.state for s in status.people}
    assert states == {"bilal": AckState.NOT_REQUIRED, "carmen": AckState.OWED}
    assert [s.person.handle for s in status.owed] == ["carmen"]
    record = acks(demo_path).record_of(acks(demo_path).person_of("bilal"))
    assert next(e for e in record if e.doc_id == "SOP-003").state is AckState.NOT_REQUIRED


def test_the_cached_view_follows_main_however_it_moves(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): what owed reads is cached as of a main commit; a new
    approval, a plain commit that makes a document a draft, and main reset to an older
    commit are each seen at once."""
    carmen = acks(demo_path).person_of("carmen")

    def owed() -> dict[str, str]:
        return {o.doc_id: o.version for o in acks(demo_path).owed(carmen)}

    assert owed()["SOP-003"] == "2.2"
    start = git(demo_path, "rev-parse", "main").strip()
    new_revision_of_sop3(demo_path, monkeypatch)
    assert owed()["SOP-003"] == "2.3"
    path = demo_path / "procedures/SOP-005-receive-and-put-away.md"
    path.write_text(path.read_text().replace('status = "effective"', 'status = "draft"'))
    git(demo_path, "commit", "-qm", "Draft again", "--", str(path))
    assert "SOP-005" not in owed()
    git(demo_path, "reset", "-q", "--hard", start)
    assert owed()["SOP-003"] == "2.2" and "SOP-005" in owed()


def test_a_vault_in_a_folder_of_its_repository(
    tmp_path: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): with the vault in a subfolder, the ack file lives in
    the vault's own acks/ and verify passes."""
    outer = tmp_path / "outer"
    git(tmp_path, "init", "-q", "-b", "main", str(outer))
    git(outer, "fetch", "-q", str(demo_path), "main")
    git(outer, "read-tree", "--prefix=quality/", "FETCH_HEAD")
    git(outer, "commit", "-qm", "The vault, moved into quality/")
    git(outer, "checkout", "-q", "--", ".")
    act_as(monkeypatch, "Carmen Ruiz")
    assert acks(outer / "quality").owed(acks(outer / "quality").person_of("carmen")) == []
    # no approval landed there (one plain commit): nothing is owed, nothing to acknowledge
    with pytest.raises(AckRefused, match="no effective approved revision"):
        acks(outer / "quality").record("SOP-003")
