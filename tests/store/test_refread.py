"""Issue 17 (speed: verify's second run): a branch's commit read from the repository's
files is git's own answer wherever it is given (a loose ref, packed-refs, a loose ref
over a packed one), and nothing is given where the files are not certain (a symbolic
ref, a symbolic link, ``GIT_DIR``, a linked work tree, the reftable format, odd names,
a ``packed-refs`` line git would not write). Real repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sopvault.store.git.cuts import history_cut
from sopvault.store.git.refread import branch_id
from sopvault.store.git.repo import Repo


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits on main, the first also on ``release/1.x``."""
    root = tmp_path / "r"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    for n in (1, 2):
        (root / "a.md").write_text(f"{n}\n")
        git(root, "add", "a.md")
        git(root, "commit", "-qm", f"c{n}")
        if n == 1:
            git(root, "branch", "release/1.x")
    return root


def test_loose_and_packed_refs_read_as_git_reads_them(repo: Path) -> None:
    main, release = git(repo, "rev-parse", "main"), git(repo, "rev-parse", "release/1.x")
    assert (branch_id(repo, "main"), branch_id(repo, "release/1.x")) == (main, release)
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert (branch_id(repo, "main"), branch_id(repo, "release/1.x")) == (main, release)
    git(repo, "update-ref", "refs/heads/main", release)  # a loose ref over the packed one
    assert branch_id(repo, "main") == release == git(repo, "rev-parse", "main")
    assert branch_id(repo, "nope") is None and Repo(repo).branch_is("main", release)
    assert not Repo(repo).branch_is("main", main)


def test_nothing_is_said_where_the_files_are_not_certain(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = git(repo, "rev-parse", "main")
    for name in ("../main", "main.lock", ".main", "ma in", "main/"):
        assert branch_id(repo, name) is None
    git(repo, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
    assert branch_id(repo, "alias") is None
    os.symlink(repo / ".git/refs/heads/main", repo / ".git/refs/heads/linked")
    assert branch_id(repo, "linked") is None
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert branch_id(repo, "main") is None
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.setenv("GIT_NAMESPACE", "other")
    assert branch_id(repo, "main") is None
    monkeypatch.delenv("GIT_NAMESPACE")
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(linked), "release/1.x")
    assert branch_id(linked, "main") is None  # a .git file: git is asked
    assert Repo(linked).rev("main") == main
    git(repo, "pack-refs", "--all")
    packed = repo / ".git/packed-refs"
    packed.write_text(packed.read_text() + "garbage line\n")
    assert branch_id(repo, "main") is None
    table = tmp_path / "table"
    made = subprocess.run(
        ["git", "init", "-q", "--ref-format=reftable", "-b", "main", str(table)],
        capture_output=True,
    )
    if made.returncode == 0:
        (table / "a.md").write_text("x\n")
        git(table, "add", "a.md")
        git(table, "commit", "-qm", "c")
        assert branch_id(table, "main") is None


def test_grafts_and_shallow_files_are_found_with_and_without_git(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cuts of the history are seen where git would look: the ordinary folder's
    files, and a ``GIT_GRAFT_FILE`` elsewhere (then git is asked where)."""
    runner = Repo(repo)._runner
    tip = git(repo, "rev-parse", "main")
    assert history_cut(runner, tip) is None
    (repo / ".git/info").mkdir(exist_ok=True)
    (repo / ".git/info/grafts").write_text(f"{tip}\n")
    assert "grafts" in (history_cut(runner, tip) or "")
    (repo / ".git/info/grafts").unlink()
    elsewhere = repo.parent / "grafts"
    elsewhere.write_text(f"{tip}\n")
    monkeypatch.setenv("GIT_GRAFT_FILE", str(elsewhere))
    assert "grafts" in (history_cut(runner, tip) or "")
