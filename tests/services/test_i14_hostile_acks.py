"""Issue 14 (hostile): acknowledgements written with plain git. ``acks``, ``acks --person``
and ``due`` count only what ``verify`` would accept on its own (added once by the person
it names, unchanged, of an approved text), so a forged training record never shows as
done; ``verify`` names every such file."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sopvault.core.ackfile import ack_path, dumps
from sopvault.model.ack import Ack, AckState
from sopvault.model.control import Identity
from sopvault.services.acks import Acknowledgements, HistoryCut
from sopvault.services.due import Due
from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, workspace_at
from tests.services.conftest import clone

ALICE = Identity("Alice Moreno", "alice.moreno@harrowfinch.example")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_file(root: Path, rel: str, text: str, message: str) -> None:
    """Write ``rel`` and commit it alone with plain git, as whoever git names now."""
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    git(root, "add", rel)
    git(root, "commit", "-qm", message)


def perfect_forgery(root: Path, doc_id: str, token: str) -> str:
    """Alice's acknowledgement of ``doc_id``'s current revision, every field right, as
    sopvault would write it; returns its path (not yet written)."""
    service = Acknowledgements(workspace_at(root))
    current = service.current(doc_id)
    assert current is not None
    landed = service.view().approved[current.blob]
    ack = Ack(doc_id, current.version, current.blob, landed, ALICE, datetime.now(UTC))
    return ack_path(ALICE.email, doc_id, current.version, token) + "\n" + dumps(ack)


def owed_by(root: Path, handle: str) -> list[str]:
    service = Acknowledgements(workspace_at(root))
    return [o.doc_id for o in service.owed(service.person_of(handle))]


def reasons(root: Path) -> list[str]:
    report = DocumentControl(workspace_at(root)).audit.verify()
    return sorted(v.reason.value for v in report.violations)


def test_forged_garbage_and_edited_ack_files_are_not_counted(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (hostile): Bilal commits a perfect acknowledgement file in Alice's name;
    Alice commits a file of garbage under an ack's name; Carmen edits her own record.
    Before, ``due`` and ``acks --person`` took all three by their file names (Alice owed
    nothing, and could not acknowledge for real: "you acknowledged already"); now none
    counts, Alice acknowledges herself, and verify names each file."""
    assert {"SOP-001", "SOP-002"} <= set(owed_by(demo_path, "alice"))
    act_as(monkeypatch, "Bilal Okafor")
    rel, text = perfect_forgery(demo_path, "SOP-001", "0badc0de").split("\n", 1)
    commit_file(demo_path, rel, text, "Acknowledge SOP-001")
    act_as(monkeypatch, "Alice Moreno")
    commit_file(
        demo_path,
        "acks/alice.moreno@harrowfinch.example/SOP-002@1.1-00000001.toml",
        "garbage = [\n",
        "Acknowledge SOP-002",
    )
    act_as(monkeypatch, "Carmen Ruiz")
    carmen = Acknowledgements(workspace_at(demo_path)).record("SOP-003").path
    assert "SOP-003" not in owed_by(demo_path, "carmen")
    text = (demo_path / carmen).read_text().replace("meaning =", "# edited\nmeaning =")
    commit_file(demo_path, carmen, text, "Fix my record")

    assert {"SOP-001", "SOP-002"} <= set(owed_by(demo_path, "alice"))
    assert "SOP-003" in owed_by(demo_path, "carmen")
    service = Acknowledgements(workspace_at(demo_path))
    standing = {s.person.handle: s.state for s in service.status("SOP-001").people}
    assert standing["alice"] is AckState.OWED
    record = {e.doc_id: e.acks for e in service.record_of(service.person_of("alice"))}
    assert record["SOP-001"] == () and record["SOP-002"] == ()
    assert reasons(demo_path) == [
        "acknowledgement changed",
        "forged acknowledgement",
        "not an acknowledgement",
    ]
    act_as(monkeypatch, "Alice Moreno")
    Acknowledgements(workspace_at(demo_path)).record("SOP-001")  # not "already"
    assert "SOP-001" not in owed_by(demo_path, "alice")


def test_an_ack_brought_by_a_plain_git_pull_merge_still_counts(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (hostile): the check above must not turn on honest teams: Carmen's
    acknowledgement reaches Bilal's main in a merge he made with ``git pull``; it is
    still Carmen's (judged by the commit that added it on the merged line)."""
    carmen, bilal = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "bilal")
    act_as(monkeypatch, "Carmen Ruiz")
    Acknowledgements(workspace_at(carmen)).record("SOP-003")
    git(carmen, "push", "-q", "origin", "main")
    act_as(monkeypatch, "Bilal Okafor")
    Acknowledgements(workspace_at(bilal)).record("SOP-009")
    assert "SOP-003" in owed_by(bilal, "carmen")
    git(bilal, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert len(git(bilal, "log", "-1", "--format=%P").split()) == 2  # a merge
    assert "SOP-003" not in owed_by(bilal, "carmen")
    assert "SOP-009" not in owed_by(bilal, "bilal")
    assert reasons(bilal) == []


def test_a_deeply_nested_or_huge_ack_file_is_a_finding_not_a_crash(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (hostile): an ack file of arrays nested thousands deep made ``verify``
    die with a RecursionError (thousands of traceback lines); a file of megabytes was
    parsed whole. Both are now ``not an acknowledgement``, and count for nobody."""
    act_as(monkeypatch, "Alice Moreno")
    folder = "acks/alice.moreno@harrowfinch.example"
    deep = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    commit_file(demo_path, f"{folder}/SOP-001@1.4-00000001.toml", deep, "Deep")
    huge = 'x = "' + "A" * 2_000_000 + '"\n'
    commit_file(demo_path, f"{folder}/SOP-002@1.1-00000002.toml", huge, "Huge")
    report = DocumentControl(workspace_at(demo_path)).audit.verify()
    found = sorted((v.reason.value, v.detail) for v in report.violations)
    assert found == [
        ("not an acknowledgement", "2000007 characters: far too long for one"),
        ("not an acknowledgement", "not TOML one can read: nested far too deeply"),
    ]
    assert {"SOP-001", "SOP-002"} <= set(owed_by(demo_path, "alice"))


def test_a_shallow_clone_cannot_tell_who_owes_what(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (hostile): on a shallow clone (CI's default) the approvals are out of
    reach, so ``acks SOP-003`` said "no effective approved revision: nobody owes it yet"
    and ``due`` listed nothing owed: a false all-clear. Now acks, acks --person and ack
    refuse in one line naming the cut and the fix, and due says so in a note."""
    act_as(monkeypatch, "Carmen Ruiz")
    Acknowledgements(workspace_at(demo_path)).record("SOP-003")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{demo_path}", str(shallow))
    service = Acknowledgements(workspace_at(shallow))
    for call in (
        lambda: service.status("SOP-003"),
        lambda: service.owed(),
        lambda: service.record_of(service.person_of("carmen")),
        lambda: service.record("SOP-009"),
    ):
        with pytest.raises(HistoryCut, match="shallow clone.*git fetch --unshallow"):
            call()
    assert service.reading("SOP-003") is None
    report = Due(workspace_at(shallow)).report(within=30, stale=7, mine=False)
    assert report.acknowledgements == []
    assert any("acknowledgements not listed" in note for note in report.notes)


def test_an_ack_of_a_version_never_approved_is_not_counted(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (hostile): Carmen writes, in her own name, an acknowledgement of SOP-003
    "2.3" (never approved) holding the blob of 2.2, and one of 2.2 naming a commit that
    approved nothing; ``due`` took the first as 2.2 done (it compared the blob alone).
    Neither counts: the version, the text and the landing commit must all be the
    approval's; verify calls both "acknowledged revision not approved"."""
    act_as(monkeypatch, "Carmen Ruiz")
    service = Acknowledgements(workspace_at(demo_path))
    current = service.current("SOP-003")
    assert current is not None and current.version == "2.2"
    landed = service.view().approved[current.blob]
    carmen = Identity("Carmen Ruiz", "carmen.ruiz@harrowfinch.example")
    at = datetime.now(UTC)
    wrong_version = Ack("SOP-003", "2.3", current.blob, landed, carmen, at)
    first = git(demo_path, "rev-list", "--max-parents=0", "main").split()[0]
    wrong_landing = Ack("SOP-003", "2.2", current.blob, first, carmen, at)
    for n, ack in enumerate((wrong_version, wrong_landing)):
        rel = ack_path(carmen.email, "SOP-003", ack.version, f"0000000{n}")
        commit_file(demo_path, rel, dumps(ack), f"Acknowledge SOP-003 {ack.version}")
    assert "SOP-003" in owed_by(demo_path, "carmen")
    service = Acknowledgements(workspace_at(demo_path))
    standing = {s.person.handle: s.state for s in service.status("SOP-003").people}
    assert standing["carmen"] is AckState.OWED
    assert reasons(demo_path) == ["acknowledged revision not approved"] * 2
    service.record("SOP-003")  # she can still acknowledge for real
    assert "SOP-003" not in owed_by(demo_path, "carmen")
