"""Trust §4 (four eyes): signed sign-offs, checked against the allowed-signers file kept
in the vault. Real SSH keys from ``ssh-keygen``, commits signed by git itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.review.common import RevisionError
from tests.conftest import act_as, commit_all
from tests.services.test_review import SOP4, edit, git_out, propose_sop3, revisions

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")

EMAIL = {
    "bilal": "bilal.okafor@harrowfinch.example",
    "alice": "alice.moreno@harrowfinch.example",
    "carmen": "carmen.ruiz@harrowfinch.example",
}


@pytest.fixture
def keys(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Keys for Bilal, Alice and Dmitri; the vault lists Bilal's and Alice's, and requires
    signatures (committed by Hana, before any proposal)."""
    made = {}
    for who in ("bilal", "alice", "dmitri"):
        made[who] = tmp_path / f"{who}_key"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(made[who])],
            check=True,
        )
    listed = ("bilal", "alice")
    lines = [f"{EMAIL[w]} {made[w].with_suffix('.pub').read_text().strip()}" for w in listed]
    (repo_root / "allowed_signers").write_text("\n".join(lines) + "\n")
    edit(repo_root, "sopvault.toml", "approvals = 1", "approvals = 1\nrequire_signatures = true")
    act_as(monkeypatch, "Hana Sato")
    commit_all(repo_root, "Require signed sign-offs")
    return made


def sign_with(root: Path, key: Path) -> None:
    git_out(root, "config", "gpg.format", "ssh")
    git_out(root, "config", "user.signingkey", str(key))


def reasons(root: Path, since: str) -> list[tuple[str, str]]:
    return [(v.reason.value, v.detail) for v in revisions(root).audit.verify(since).violations]


def test_approve_refuses_without_a_signing_key(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): with signatures required, no SSH signing key, no approval."""
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    with pytest.raises(RevisionError, match=r"requires signed sign-offs .*gpg.format ssh"):
        revisions(repo_root).approvals.approve(number)
    assert main(["--vault", str(repo_root), "approve", number]) == 1


def test_a_key_listed_for_the_reviewer_signs_votes_and_landing(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): Bilal's own listed key: the vote and the landing are signed
    by it, and verify checks both against the committed allowed-signers file."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    sign_with(repo_root, keys["bilal"])
    assert revisions(repo_root).approvals.approve(number).landed
    allowed = str(repo_root / "allowed_signers")
    check = ["-c", f"gpg.ssh.allowedSignersFile={allowed}", "log", "-1", "--format=%G?%GS"]
    signed = [git_out(repo_root, *check, rev).strip() for rev in ("main", "main^2")]
    assert signed == [f"G{EMAIL['bilal']}"] * 2  # the landing, then the vote
    assert reasons(repo_root, start) == []


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("dmitri", "is not signed by a key the allowed-signers file lists"),
        ("alice", f"is signed by the key listed for {EMAIL['alice']}, not by the reviewer's"),
    ],
)
def test_a_key_not_listed_for_the_reviewer_is_refused(
    repo_root: Path,
    keys: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    message: str,
) -> None:
    """Trust §4 (four eyes): Bilal signing with a key nobody listed, or with the key listed
    for Alice, records no vote and lands nothing."""
    number = propose_sop3(repo_root, monkeypatch)
    before = git_out(repo_root, "rev-parse", "main")
    act_as(monkeypatch, "Bilal Okafor")
    sign_with(repo_root, keys[key])
    with pytest.raises(RevisionError, match=f"unsigned sign-off: vote .* for Bilal .*{message}"):
        revisions(repo_root).approvals.approve(number)
    assert git_out(repo_root, "rev-parse", "main") == before
    assert revisions(repo_root).proposals.get(number).votes == ()


def test_verify_requires_each_sign_off_signed_by_a_key_listed_for_its_reviewer(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): sign-offs made by hand as Bilal: unsigned, signed by a key
    nobody listed, signed by Alice's key, and signed by his own (the only one that counts)."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    act_as(monkeypatch, "Bilal Okafor")
    trailer = f"Reviewed-by: Bilal Okafor <{EMAIL['bilal']}>"
    for n, key in enumerate((None, "dmitri", "alice", "bilal")):
        with (repo_root / SOP4).open("a") as doc:
            doc.write(f"Note {n}.\n")
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[key]}"] if key else []
        author = f"--author=Carmen Ruiz <{EMAIL['carmen']}>"
        text = f"Note {n}\n\n{trailer}"
        git_out(repo_root, *signing, "commit", "-qa", *(["-S"] if key else []), author, "-m", text)
    found = reasons(repo_root, start)
    assert [kind for kind, _ in found] == ["unsigned sign-off"] * 3
    alice, nobody, unsigned = (detail for _, detail in found)
    assert f"signed by the key listed for {EMAIL['alice']}" in alice
    assert "not signed by a key the allowed-signers file lists" in nobody
    assert "not signed by a key the allowed-signers file lists" in unsigned


def test_changing_the_allowed_signers_file_needs_sign_off(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): the allowed-signers file is controlled like sopvault.toml:
    Carmen listing a key of her own with a plain commit is a violation."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    assert revisions(repo_root).ws.is_controlled("allowed_signers")
    act_as(monkeypatch, "Carmen Ruiz")
    public = keys["dmitri"].with_suffix(".pub").read_text().strip()
    with (repo_root / "allowed_signers").open("a") as signers:
        signers.write(f"{EMAIL['carmen']} {public}\n")
    git_out(repo_root, "commit", "-qam", "List my key")
    report = revisions(repo_root).audit.verify(start)
    assert [(v.reason.value, v.paths) for v in report.violations] == [
        ("unreviewed", ("allowed_signers",))
    ]


def test_deviations_accepted_with_a_listed_key_let_the_run_complete(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (acceptance) and Trust §4: with signed sign-offs required, an acceptance
    is a signed commit; one signed by the acceptor's listed key lets the run complete,
    and an unsigned one (no key listed for Dmitri) does not count."""
    from sopvault.errors import RunError
    from sopvault.services.runs import Runs
    from tests.conftest import walk_to_the_end, workspace_at

    edit(
        repo_root,
        "sopvault.toml",
        "[ids]",
        '[runs]\ndeviation_approvers = ["role:quality manager", "dmitri"]\n\n[ids]',
    )
    act_as(monkeypatch, "Hana Sato")
    commit_all(repo_root, "Deviations need a quality manager")
    act_as(monkeypatch, "Erin Walsh")
    runs = Runs(workspace_at(repo_root))
    run_id = runs.start("SOP-010").run.id
    walk_to_the_end(runs, run_id)
    runs.mark(run_id, 2, "done", value="70", note="drift")
    act_as(monkeypatch, "Bilal Okafor")
    sign_with(repo_root, keys["bilal"])
    commit = Runs(workspace_at(repo_root)).accept(run_id)[1]
    assert commit is not None and "gpgsig" in git_out(repo_root, "cat-file", "-p", commit)
    act_as(monkeypatch, "Erin Walsh")
    git_out(repo_root, "config", "--unset", "user.signingkey")
    run, _ = Runs(workspace_at(repo_root)).complete(run_id)
    assert run.state.value == "completed"
    other = runs.start("SOP-010").run.id  # Dmitri's key is not listed: his does not count
    walk_to_the_end(runs, other)
    runs.mark(other, 2, "done", value="70", note="drift again")
    act_as(monkeypatch, "Dmitri Volkov")
    sign_with(repo_root, keys["dmitri"])
    Runs(workspace_at(repo_root)).accept(other)
    act_as(monkeypatch, "Erin Walsh")
    git_out(repo_root, "config", "--unset", "user.signingkey")
    with pytest.raises(RunError, match="not signed by a key the allowed-signers file lists"):
        Runs(workspace_at(repo_root)).complete(other)
