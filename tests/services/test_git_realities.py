"""Trust §7 (the working tree and the repository as they really are): line-ending
conversion, a second work tree holding main, a detached HEAD, a repository owned by
another user and git missing from PATH, on real repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.review.common import RevisionError
from sopvault.services.runs import Runs
from sopvault.store.git.errors import DetachedHead
from tests.conftest import act_as, walk_to_the_end, workspace_at
from tests.services.test_review import SOP3, git_out, land_sop3, propose_sop3, revisions

CRLF_SETUPS = {
    "core.autocrlf=true": lambda root: git_out(root, "config", "core.autocrlf", "true"),
    ".gitattributes eol=crlf": lambda root: (root / ".gitattributes").write_text(
        "*.md text eol=crlf\n"
    ),
}


@pytest.fixture(params=sorted(CRLF_SETUPS))
def crlf_root(request: pytest.FixtureRequest, repo_root: Path) -> Path:
    """The sample vault checked out again with CRLF line endings, by config or attributes."""
    CRLF_SETUPS[request.param](repo_root)
    for path in repo_root.rglob("*.md"):
        path.unlink()
    git_out(repo_root, "checkout", "--", ".")
    assert b"\r\n" in (repo_root / SOP3).read_bytes()
    assert git_out(repo_root, "status", "--porcelain", "--", "*.md") == ""
    return repo_root


def test_a_no_op_proposal_is_refused_with_crlf_files(
    crlf_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §7 (line endings): a file git calls unchanged is unchanged to sopvault too."""
    act_as(monkeypatch, "Carmen Ruiz")
    with pytest.raises(RevisionError, match="no changes"):
        revisions(crlf_root).proposals.propose(["SOP-003"], "Nothing really")


def test_an_approval_leaves_a_crlf_tree_clean(
    crlf_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §7 (line endings): after the approval lands, the author's tree follows main,
    written as git checks it out (CRLF), and nothing looks edited."""
    land_sop3(crlf_root, monkeypatch)
    assert git_out(crlf_root, "status", "--porcelain", "--", "*.md") == ""
    data = (crlf_root / SOP3).read_bytes()
    assert b'status = "effective"' in data and data.count(b"\r\n") == data.count(b"\n")


def test_diff_of_the_working_copy_shows_only_what_was_edited_in_a_crlf_checkout(
    crlf_root: Path,
) -> None:
    """Trust §7 (line endings): `diff --worktree` compares as `git diff` does, so a CRLF
    checkout with one line edited shows that one line, not every line."""
    path = crlf_root / SOP3
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Export the stock report", b"Export any stock report"))
    old, new = revisions(crlf_root).history.diff_texts("SOP-003", worktree=True)
    assert old.text.count("\r\n") == old.text.count("\n")  # as checked out
    changed = [
        (a, b) for a, b in zip(old.text.split("\n"), new.text.split("\n"), strict=True) if a != b
    ]
    assert len(changed) == 1 and "any stock report" in changed[0][1]


def test_a_second_work_tree_holding_main_follows_the_approval(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §7 (worktrees): main checked out in a ``git worktree add`` folder shows the
    approved file, not the approval reversed and staged."""
    git_out(repo_root, "switch", "-q", "-c", "drafts")
    other = tmp_path / "main-tree"
    git_out(repo_root, "worktree", "add", "-q", str(other), "main")
    land_sop3(repo_root, monkeypatch)
    assert git_out(other, "status", "--porcelain") == ""
    assert 'status = "effective"' in (other / SOP3).read_text()


def test_a_run_is_never_committed_on_a_detached_head(repo_root: Path) -> None:
    """Trust §7 (detached HEAD): completing a run there is refused with the fix, the run
    stays open and HEAD does not move."""
    runs = Runs(workspace_at(repo_root))
    run = runs.start("SOP-010").run
    walk_to_the_end(runs, run.id)
    git_out(repo_root, "checkout", "-q", "--detach")
    head = git_out(repo_root, "rev-parse", "HEAD")
    with pytest.raises(DetachedHead, match="git switch"):
        runs.complete(run.id)
    assert runs.load(run.id).state.value == "open"
    assert git_out(repo_root, "rev-parse", "HEAD") == head
    git_out(repo_root, "switch", "-q", "main")
    assert runs.complete(run.id)[1] is not None


def test_a_repository_owned_by_another_user_is_named_with_the_fix(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §7 (dubious ownership): git refuses a repository another user owns; sopvault
    says so in one line with the ``safe.directory`` command, not "no commits yet"."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    shutil.chown(repo_root, "nobody")
    shutil.chown(repo_root / ".git", "nobody")
    try:
        code = main(["--vault", str(repo_root), "history", "SOP-003"])
        err = capsys.readouterr().err
    finally:
        shutil.chown(repo_root, "root")
        shutil.chown(repo_root / ".git", "root")
    assert code == 1 and err.count("\n") == 1
    assert "belongs to another user" in err
    assert f"git config --global --add safe.directory {repo_root}" in err


def test_git_missing_from_path_is_named(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust §7 (no git): without git on PATH, git's commands say to install it in one
    line, and browsing still works."""
    propose_sop3(repo_root, monkeypatch)
    bare = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    assert shutil.which("git", path=bare["PATH"]) is None

    def sopvault(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sopvault", "--vault", str(repo_root), *args],
            capture_output=True,
            text=True,
            env=bare,
        )

    done = sopvault("history", "SOP-003")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "cannot run git: it is not installed or not on your PATH" in done.stderr
    assert sopvault("list").returncode == 0
