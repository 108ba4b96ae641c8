"""Issue 14 (acknowledgements): `verify` judges every acknowledgement on main like a
sign-off: made by the person it names, alone in its commit, of an approved revision, and
never changed or deleted afterwards. Real repositories, acknowledgements forged by hand."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sopvault.services.acks import Acknowledgements
from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, workspace_at
from tests.services.test_review import propose_sop3, revisions
from tests.services.test_signatures import EMAIL, keys, sign_with  # noqa: F401 (a fixture)

CARMEN = "carmen.ruiz@harrowfinch.example"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def findings(root: Path) -> list[tuple[str, str, str]]:
    report = DocumentControl(workspace_at(root)).audit.verify()
    return [(v.reason.value, v.paths[0], v.detail) for v in report.violations]


def carmen_acks(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Carmen acknowledges SOP-003 through sopvault; returns the ack file's path."""
    act_as(monkeypatch, "Carmen Ruiz")
    return Acknowledgements(workspace_at(root)).record("SOP-003").path


def test_acknowledgements_made_by_sopvault_pass_and_are_counted(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): an ack commit is no unreviewed document change; verify
    counts it and finds nothing wrong."""
    carmen_acks(demo_path, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    Acknowledgements(workspace_at(demo_path)).record("SOP-009")
    report = DocumentControl(workspace_at(demo_path)).audit.verify()
    assert report.violations == [] and report.acks == 2


def test_an_ack_naming_carmen_committed_by_bilal_is_forged(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Bilal copies Carmen's file under a new name and commits
    it himself: forged; so is a file naming someone who is not in [people]."""
    path = carmen_acks(demo_path, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    forged = path.replace(path[-13:-5], "0badc0de")
    shutil.copy(demo_path / path, demo_path / forged)
    git(demo_path, "add", forged)
    git(demo_path, "commit", "-qm", "Ack for Carmen")
    found = findings(demo_path)
    assert found == [
        (
            "forged acknowledgement",
            forged,
            f"names Carmen Ruiz <{CARMEN}> but was committed by Bilal Okafor"
            " <bilal.okafor@harrowfinch.example>",
        )
    ]


def test_an_edited_or_deleted_ack_file_is_a_violation(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): the record is append-only: Carmen editing her own ack
    file's date, then deleting it, are two violations."""
    path = carmen_acks(demo_path, monkeypatch)
    file = demo_path / path
    file.write_text(file.read_text().replace("at = 2026", "at = 2025"))
    git(demo_path, "commit", "-qm", "Earlier", "--", path)
    git(demo_path, "rm", "-q", path)
    git(demo_path, "commit", "-qm", "Gone")
    found = [(r, p) for r, p, _ in findings(demo_path)]
    assert found == [("acknowledgement changed", path)] * 2
    details = [d for _, _, d in findings(demo_path)]
    assert "was changed" in details[0] and "was deleted" in details[1]


def test_an_ack_committed_with_other_files_or_of_an_unapproved_text_is_a_violation(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): an ack file committed together with another file, and
    one naming a text no approval landed, are reported; a malformed one too."""
    path = carmen_acks(demo_path, monkeypatch)
    text = (demo_path / path).read_text()
    blob = text.split('blob = "')[1][:40]
    (demo_path / path.replace(path[-13:-5], "00000001")).write_text(text.replace(blob, "1" * 40))
    (demo_path / "notes.txt").write_text("by the way\n")
    (demo_path / "acks" / "README.md").write_text("what is this\n")
    git(demo_path, "add", "-A", "acks", "notes.txt")
    git(demo_path, "commit", "-qm", "Sneaky")
    reasons = sorted((r, p) for r, p, _ in findings(demo_path))
    bad = path.replace(path[-13:-5], "00000001")
    assert reasons == sorted(
        [
            ("acknowledgement commit changes other files", bad),
            ("acknowledged revision not approved", bad),
            ("acknowledgement commit changes other files", "acks/README.md"),
            ("not an acknowledgement", "acks/README.md"),
        ]
    )


def test_an_ack_brought_by_a_git_merge_is_judged_by_the_commit_that_added_it(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): a team that merges with plain git (not `sopvault sync`)
    still passes: the ack is judged by Carmen's own commit on the merged line."""
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(demo_path), str(other))
    carmen_acks(other, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    Acknowledgements(workspace_at(demo_path)).record("SOP-009")
    git(demo_path, "pull", "-q", "--no-rebase", "--no-edit", str(other), "main")
    assert len(git(demo_path, "log", "-1", "--format=%P").split()) == 2
    assert findings(demo_path) == []


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_with_signatures_required_an_ack_is_signed_by_its_person(
    repo_root: Path,
    keys: dict[str, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14 (acknowledgements): under require_signatures `ack` refuses without a signing
    key, signs with Alice's, and verify accepts it; Alice signing with Bilal's key is
    reported as unsigned."""
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    sign_with(repo_root, keys["bilal"])
    assert revisions(repo_root).approvals.approve(number).landed
    git(repo_root, "config", "--unset", "user.signingkey")
    act_as(monkeypatch, "Alice Moreno")
    with pytest.raises(Exception, match="requires signed sign-offs"):
        Acknowledgements(workspace_at(repo_root)).record("SOP-003")
    sign_with(repo_root, keys["alice"])
    path = Acknowledgements(workspace_at(repo_root)).record("SOP-003").path
    sign_with(repo_root, keys["bilal"])
    forged = path.replace(path[-13:-5], "0badc0de")
    shutil.copy(repo_root / path, repo_root / forged)
    git(repo_root, "add", forged)
    git(repo_root, "commit", "-qS", "-m", "Ack again, with Bilal's key")
    acks = [(r, p, d) for r, p, d in findings(repo_root) if p.startswith("acks/")]
    assert acks == [
        (
            "unsigned sign-off",
            forged,
            f"acknowledgement by Alice Moreno <{EMAIL['alice']}> is not signed by their key",
        )
    ]
