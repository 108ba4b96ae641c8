"""Proposals, sign-off, verify and history, on real repositories with several git identities."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.services.review.common import RevisionError
from sopvault.services.review.control import DocumentControl
from tests.conftest import TODAY, act_as, commit_all, copy_sample, workspace_at

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
SOP4 = "procedures/SOP-004-raise-purchase-order.md"
STEP = "Export the stock report from the inventory system"
END4 = "writing before raising the order.\n"


def revisions(root: Path) -> DocumentControl:
    return DocumentControl(workspace_at(root))


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def git_out(root: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


def propose_sop3(root: Path, monkeypatch: pytest.MonkeyPatch, author: str = "Carmen Ruiz") -> str:
    act_as(monkeypatch, author)
    edit(root, SOP3, STEP, "Download the stock report from the inventory system")
    return str(revisions(root).proposals.propose(["SOP-003"], "Download, not export").number)


def land_sop3(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Carmen's SOP-003 change, approved by Bilal: main then holds one signed-off revision."""
    number = propose_sop3(root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    revisions(root).approvals.approve(number)


def test_propose_then_approve_puts_the_signed_off_change_on_main(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    result = revisions(repo_root).approvals.approve(number, "Checked against the new system")
    assert result.landed

    head = git.Repo(repo_root).head.commit
    assert head.author.email == "carmen.ruiz@harrowfinch.example"
    assert head.committer.email == "bilal.okafor@harrowfinch.example"
    trailers = dict(head.trailers_list)
    assert trailers["SOP-Id"] == "SOP-003"
    assert trailers["SOP-Version"] == "2.1"
    assert trailers["Reviewed-by"] == "Bilal Okafor <bilal.okafor@harrowfinch.example>"
    assert trailers["Approved-at"].endswith("Z")
    parsed = git_out(repo_root, "interpret-trailers", "--parse", stdin=head.message)
    assert "Reviewed-by: Bilal Okafor <bilal.okafor@harrowfinch.example>" in parsed
    assert "SOP-Id: SOP-003" in parsed

    text = git_out(repo_root, "show", f"main:{SOP3}")
    assert 'status = "effective"' in text and 'version = "2.1"' in text
    assert f"effective = {TODAY.isoformat()}" in text
    assert "next_review = 2027-11-25" in text  # review_every = "12 months"
    assert "Download the stock report" in text
    # main was checked out: the working copy follows and nothing is left modified
    assert git_out(repo_root, "status", "--porcelain") == ""
    assert revisions(repo_root).proposals.listing() == []
    assert [p.number for p in revisions(repo_root).proposals.listing("approved")] == [int(number)]


def test_other_uncommitted_work_is_kept_byte_for_byte(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(repo_root, SOP4, "+++\n", "+++\r\n")  # an unrelated edit, CRLF and all
    (repo_root / "notes.txt").write_bytes(b"scratch \x00 notes")
    (repo_root / "README.md").write_text("staged change\n", encoding="utf-8")
    git_out(repo_root, "add", "README.md")
    before = {p: (repo_root / p).read_bytes() for p in (SOP4, "notes.txt", "README.md")}
    staged = git_out(repo_root, "diff", "--cached")

    number = propose_sop3(repo_root, monkeypatch)
    assert git_out(repo_root, "diff", "--cached") == staged
    act_as(monkeypatch, "Bilal Okafor")
    revisions(repo_root).approvals.approve(number)

    assert {p: (repo_root / p).read_bytes() for p in before} == before
    assert git_out(repo_root, "diff", "--cached") == staged
    status = git_out(repo_root, "status", "--porcelain")
    assert SOP3 not in status and SOP4 in status


def test_nobody_approves_their_own_change(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    number = propose_sop3(repo_root, monkeypatch, author="Alice Moreno")
    with pytest.raises(RevisionError, match="nobody approves their own change"):
        revisions(repo_root).approvals.approve(number)
    assert main(["--vault", str(repo_root), "approve", number]) == 1


def test_an_approver_outside_the_rules_is_refused(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Erin Walsh")  # customer service lead: not an approver
    with pytest.raises(RevisionError, match="may not approve SOP-003: allowed are role:"):
        revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Gareth Unknown")  # not in [people] at all
    with pytest.raises(RevisionError, match=r"not in \[people\]"):
        revisions(repo_root).approvals.approve(number)


def test_a_document_names_its_own_reviewers(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(repo_root, SOP3, 'owner = "carmen"', 'owner = "carmen"\nreviewers = ["dmitri"]')
    act_as(monkeypatch, "Hana Sato")
    commit_all(repo_root, "Name reviewers")  # a plain commit: verify will flag it
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")  # a quality manager, but not named by the document
    with pytest.raises(RevisionError, match="allowed are dmitri"):
        revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Dmitri Volkov")
    assert revisions(repo_root).approvals.approve(number).landed


def test_too_few_approvals_keep_the_proposal_open(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(repo_root, "sopvault.toml", "approvals = 1", "approvals = 2")
    commit_all(repo_root, "Two approvals")
    number = propose_sop3(repo_root, monkeypatch)
    main_before = git_out(repo_root, "rev-parse", "main")

    act_as(monkeypatch, "Bilal Okafor")
    first = revisions(repo_root).approvals.approve(number)
    assert not first.landed and (first.approvals, first.needed) == (1, 2)
    assert git_out(repo_root, "rev-parse", "main") == main_before
    with pytest.raises(RevisionError, match="already approved"):
        revisions(repo_root).approvals.approve(number)

    act_as(monkeypatch, "Alice Moreno")
    second = revisions(repo_root).approvals.approve(number)
    assert second.landed
    reviewed = [v for k, v in git.Repo(repo_root).head.commit.trailers_list if k == "Reviewed-by"]
    assert reviewed == [
        "Bilal Okafor <bilal.okafor@harrowfinch.example>",
        "Alice Moreno <alice.moreno@harrowfinch.example>",
    ]


def test_a_stale_proposal_is_rebased_when_it_applies(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Dmitri Volkov")
    edit(repo_root, SOP4, END4, END4 + "Purchase orders over £5,000 need two signatures.\n")
    other = str(revisions(repo_root).proposals.propose(["SOP-004"], "Two signatures").number)
    act_as(monkeypatch, "Bilal Okafor")
    revisions(repo_root).approvals.approve(other)
    revisions(repo_root).approvals.approve(number)  # base is no longer main: rebased

    log = git_out(repo_root, "log", "--format=%s", "main").splitlines()
    assert log[:2] == ["Download, not export", "Two signatures"]
    assert "two signatures" in git_out(repo_root, "show", f"main:{SOP4}")


def test_a_stale_proposal_that_conflicts_is_refused(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = propose_sop3(repo_root, monkeypatch)
    git_out(repo_root, "checkout", "--", SOP3)
    act_as(monkeypatch, "Alice Moreno")
    edit(repo_root, SOP3, STEP, "Print the stock report from the inventory system")
    second = str(revisions(repo_root).proposals.propose(["SOP-003"], "Print it").number)
    act_as(monkeypatch, "Bilal Okafor")
    revisions(repo_root).approvals.approve(second)
    main_before = git_out(repo_root, "rev-parse", "main")
    with pytest.raises(RevisionError, match="no longer applies"):
        revisions(repo_root).approvals.approve(first)
    assert git_out(repo_root, "rev-parse", "main") == main_before
    assert [p.number for p in revisions(repo_root).proposals.listing()] == [int(first)]


def test_reject_keeps_the_reason_in_git(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    main_before = git_out(repo_root, "rev-parse", "main")
    closed = revisions(repo_root).proposals.reject(number, "Export is still the right word")
    assert closed.state == "rejected" and closed.reason == "Export is still the right word"
    assert closed.rejected_by is not None and closed.rejected_by.name == "Bilal Okafor"
    assert revisions(repo_root).proposals.listing() == []
    assert git_out(repo_root, "rev-parse", "main") == main_before
    message = git_out(repo_root, "log", "-1", "--format=%B", closed.ref)
    assert "Export is still the right word" in message and "Rejected-by: Bilal" in message
    with pytest.raises(RevisionError, match="give a reason"):
        revisions(repo_root).proposals.reject(number, " ")


def test_verify_catches_a_commit_that_bypassed_review(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = git_out(repo_root, "rev-parse", "main").strip()
    land_sop3(repo_root, monkeypatch)
    assert revisions(repo_root).audit.verify(since=start).violations == []
    assert main(["--vault", str(repo_root), "verify", "--since", start]) == 0

    act_as(monkeypatch, "Carmen Ruiz")
    edit(repo_root, SOP4, END4, END4 + "Quietly changed.\n")
    git_out(repo_root, "commit", "-am", "Small fix")  # plain git, no sign-off
    git_out(repo_root, "commit", "--allow-empty", "-m", "Nothing\n\nReviewed-by: x <x@y.z>")
    edit(repo_root, SOP4, "Quietly", "Self-approved and quietly")
    me = "Carmen Ruiz <carmen.ruiz@harrowfinch.example>"
    git_out(repo_root, "commit", "-am", f"Fix again\n\nReviewed-by: {me}")

    report = revisions(repo_root).audit.verify(since=start)
    reasons = [(v.reason.value, v.paths) for v in report.violations]
    # the self-approval is also a sign-off typed into a plain commit after a landing that
    # kept its votes (Trust §4)
    assert reasons == [
        ("self-approved", (SOP4,)),
        ("sign-off without its votes", (SOP4,)),
        ("unreviewed", (SOP4,)),
    ]
    assert main(["--vault", str(repo_root), "verify", "--since", start]) == 1
    # the import itself was never reviewed either
    assert any(
        v.reason.value == "unreviewed" for v in revisions(repo_root).audit.verify().violations
    )


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_a_signed_approval_is_verified(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "bilal_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bilal", "-f", str(key)],
        check=True,
    )
    allowed = tmp_path / "allowed_signers"
    public = key.with_suffix(".pub").read_text().strip()
    allowed.write_text(f"bilal.okafor@harrowfinch.example {public}\n")
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)

    act_as(monkeypatch, "Bilal Okafor")
    for k, v in {
        "gpg.format": "ssh",
        "user.signingkey": str(key),
        "commit.gpgsign": "true",
        "gpg.ssh.allowedSignersFile": str(allowed),
    }.items():
        git_out(repo_root, "config", k, v)
    revisions(repo_root).approvals.approve(number)
    assert git_out(repo_root, "log", "-1", "--format=%G?", "main").strip() == "G"
    assert revisions(repo_root).audit.verify(since=start).violations == []

    # a commit whose text was changed after signing: a bad signature
    good = git_out(repo_root, "rev-parse", "main").strip()
    raw = git_out(repo_root, "cat-file", "commit", "main")
    forged = raw.replace("Download, not export", "Download, not export (edited)")
    forged_sha = git_out(repo_root, "hash-object", "-t", "commit", "-w", "--stdin", stdin=forged)
    git_out(repo_root, "update-ref", "refs/heads/main", forged_sha.strip())
    report = revisions(repo_root).audit.verify(since=start)
    assert [v.reason.value for v in report.violations] == ["bad signature"]

    # a key git has no trust for cannot prove anything: counted, not taken as valid
    git_out(repo_root, "update-ref", "refs/heads/main", good)
    allowed.write_text("")
    report = revisions(repo_root).audit.verify(since=start)
    assert report.violations == [] and report.unverifiable_signatures == 1


def test_history_lists_approved_revisions_newest_first_across_a_rename(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    land_sop3(repo_root, monkeypatch)
    # a run record mentioning the id is not a revision
    (repo_root / "runs").mkdir()
    (repo_root / "runs" / "r.toml").write_text("x = 1\n")
    git_out(repo_root, "add", "runs")
    git_out(repo_root, "commit", "-m", "Run\n\nSOP-Id: SOP-003\nRun-Id: r\nReviewed-by: a <a@b.c>")

    act_as(monkeypatch, "Carmen Ruiz")
    renamed = "procedures/SOP-003-stock-and-reorder-points.md"
    (repo_root / SOP3).rename(repo_root / renamed)
    edit(repo_root, renamed, "Download", "Download and save")
    second = str(
        revisions(repo_root).proposals.propose(["SOP-003"], "Save it too", major=True).number
    )
    act_as(monkeypatch, "Alice Moreno")
    revisions(repo_root).approvals.approve(second)

    found = revisions(repo_root).history.revisions("SOP-003")
    assert [(r.version, r.path, r.author.name) for r in found] == [
        ("3.0", renamed, "Carmen Ruiz"),
        ("2.1", SOP3, "Carmen Ruiz"),
    ]
    assert [a.name for a in found[0].approvers] == ["Alice Moreno"]
    assert git_out(repo_root, "ls-files", "procedures/SOP-003*").strip() == renamed

    old, new = revisions(repo_root).history.diff_texts("SOP-003")
    assert "Download the stock" in old.text and "Download and save" in new.text
    shown = revisions(repo_root).history.document_at("SOP-003", "2.1")
    assert shown.version == "2.1" and shown.steps[0].action.startswith("Download the")


def test_restore_proposes_the_old_text_as_a_new_version(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    land_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Carmen Ruiz")
    head = git_out(repo_root, "rev-parse", "HEAD")
    worktree = (repo_root / SOP3).read_bytes()
    prop = revisions(repo_root).proposals.restore("SOP-003", "HEAD~1")
    assert prop.documents == {"SOP-003": "2.2"}
    assert git_out(repo_root, "rev-parse", "HEAD") == head
    assert (repo_root / SOP3).read_bytes() == worktree  # restore never touches the files
    text = git_out(repo_root, "show", f"{prop.commit}:{SOP3}")
    assert STEP in text and 'version = "2.2"' in text


def test_restore_refuses_the_text_main_holds_now(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §9 (errors that tell the truth): restoring the current version would propose
    nothing but a version bump; it is refused with one line, nothing recorded."""
    land_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Carmen Ruiz")
    control = revisions(repo_root)
    current = control.history.revisions("SOP-003")[0].version
    before = control.proposals.listing()
    with pytest.raises(RevisionError, match="is the text on main now: nothing to restore"):
        control.proposals.restore("SOP-003", current)
    assert control.proposals.listing() == before


def test_commands_print_and_exit_as_documented(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    act_as(monkeypatch, "Carmen Ruiz")
    edit(repo_root, SOP3, STEP, "Download the stock report from the inventory system")
    vault = ["--vault", str(repo_root)]
    assert main([*vault, "propose", "SOP-003", "-m", "Download"]) == 0
    assert "proposal 1: SOP-003 2.1" in capsys.readouterr().out
    assert main([*vault, "propose", "SOP-003", "-m", "Again"]) == 1  # nothing new to propose
    assert "already proposed as proposal 1" in capsys.readouterr().err
    assert main([*vault, "reviews"]) == 0
    assert "Carmen Ruiz" in capsys.readouterr().out
    assert main([*vault, "reviews", "show", "1", "--raw"]) == 0
    assert '+action = "Download' in capsys.readouterr().out
    act_as(monkeypatch, "Bilal Okafor")
    assert main([*vault, "approve", "1", "-m", "ok"]) == 0
    assert "is effective on main" in capsys.readouterr().out
    assert main([*vault, "history", "SOP-003"]) == 0
    history = capsys.readouterr().out
    assert "APPROVED BY" in history.splitlines()[0] and "Bilal Okafor" in history
    assert main([*vault, "diff", "SOP-003", "HEAD~1", "HEAD", "--color", "never", "--raw"]) == 0
    assert '-version = "2.0"' in capsys.readouterr().out
    assert main([*vault, "show", "SOP-003", "--at", "HEAD~1"]) == 0
    assert "Export the stock report" in capsys.readouterr().out
    assert main([*vault, "approve", "99"]) == 1
    assert "no open proposal 99" in capsys.readouterr().err


def test_outside_git_the_commands_explain_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_sample(tmp_path / "plain")
    assert main(["--vault", str(root), "history", "SOP-003"]) == 1
    assert "not in a git repository" in capsys.readouterr().err


def test_demo_has_history_reviews_and_passes_verify(tmp_path: Path) -> None:
    assert main(["demo", str(tmp_path / "demo")]) == 0
    root = tmp_path / "demo"
    rev = revisions(root)
    assert [r.version for r in rev.history.revisions("SOP-003")] == ["2.2", "2.1", "2.0"]
    authors = {c.author.email for c in rev.ws.git().log("main")}
    assert len(authors) >= 4
    assert [p.documents for p in rev.proposals.listing()] == [{"WI-004": "1.1"}]
    assert len(rev.proposals.listing("rejected")) == 1
    assert rev.audit.verify().violations == []
    assert main(["demo", str(root)]) == 1  # not an empty folder
    assert main(["demo", str(root / "README.md")]) == 1  # a file, not a folder


def with_hook_server(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bare clone of ``root`` as its remote ``origin``, with the pre-receive hook exactly
    as docs/document-control.md prints it, and this sopvault on the PATH."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "document-control.md").read_text()
    hook = doc.split("### As a server-side hook", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    server = tmp_path / "server.git"
    git_out(tmp_path, "clone", "-q", "--bare", str(root), str(server))
    (server / "hooks" / "pre-receive").write_text(hook)
    (server / "hooks" / "pre-receive").chmod(0o755)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    git_out(root, "remote", "add", "origin", str(server))
    return server


def test_the_pre_receive_hook_refuses_an_unreviewed_push(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = with_hook_server(repo_root, tmp_path, monkeypatch)

    act_as(monkeypatch, "Carmen Ruiz")
    edit(repo_root, SOP4, END4, END4 + "Quietly changed.\n")
    git_out(repo_root, "commit", "-qam", "Bypass review")
    push = subprocess.run(
        ["git", "-C", str(repo_root), "push", "origin", "main"], capture_output=True, text=True
    )
    assert push.returncode != 0 and "push refused" in push.stderr
    assert "unreviewed" in push.stderr

    git_out(repo_root, "reset", "-q", "--hard", "HEAD~1")
    land_sop3(repo_root, monkeypatch)
    git_out(repo_root, "push", "-q", "origin", "main")
    assert git_out(server, "rev-parse", "main") == git_out(repo_root, "rev-parse", "main")
