"""Issue 14 (impact): ``store.git.peek`` answers as ``Repo`` does, without GitPython."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sopvault.store.git.peek import Peek
from sopvault.store.git.repo import Repo


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_blob_ids_and_texts_agree_with_repo(work_tree: Path, repo: Repo) -> None:
    """Issue 14 (impact): the blob on main, its text, and the working copy's id."""
    peek = Peek.at(work_tree / "docs")
    assert peek is not None and peek.root == work_tree.resolve() and peek.prefix == "docs/"
    blob = peek.blob_id("refs/heads/main", "docs/a.md")
    assert blob == repo.blob_ids("main", ["docs/a.md"])["docs/a.md"]
    assert peek.blob(blob) == b"alpha\n"
    assert peek.worktree_id("docs/a.md") == blob and peek.unchanged("docs/a.md", blob)
    (work_tree / "docs" / "a.md").write_text("alpha, edited\n", encoding="utf-8")
    assert peek.worktree_id("docs/a.md") == repo.worktree_ids(["docs/a.md"])["docs/a.md"] != blob
    assert peek.blob_id("refs/heads/main", "docs/none.md") is None
    assert peek.blob_id("refs/heads/nope", "docs/a.md") is None
    assert peek.blob_id("refs/heads/main", "docs") is None  # a folder is no blob
    assert peek.worktree_id("docs/none.md") is None
    assert not peek.unchanged("docs/a.md", blob) and not peek.unchanged("docs/none.md", blob)
    assert peek.blob("0" * 40) is None


def test_line_endings_are_compared_as_git_compares(work_tree: Path) -> None:
    """Issue 14 (impact): a CRLF checkout of an LF blob is not an edit (Trust §7)."""
    (work_tree / ".gitattributes").write_text("*.md text eol=crlf\n", encoding="utf-8")
    git(work_tree, "add", ".gitattributes")
    git(work_tree, "commit", "-qm", "CRLF")
    (work_tree / "b.md").write_bytes(b"beta\r\n")
    peek = Peek.at(work_tree)
    assert peek is not None and peek.prefix == ""
    blob = peek.blob_id("refs/heads/main", "b.md")
    assert blob is not None and peek.worktree_id("b.md") == blob and peek.unchanged("b.md", blob)


def test_main_branch_as_repo_decides(work_tree: Path, repo: Repo, tmp_path: Path) -> None:
    """Issue 14 (impact): configured, else main, else master, else HEAD's branch."""
    peek = Peek.at(work_tree)
    assert peek is not None
    assert peek.main_branch("trunk") == "trunk" == repo.main_branch("trunk")
    assert peek.main_branch(None) == "main" == repo.main_branch(None)
    git(work_tree, "branch", "-m", "main", "develop")
    assert peek.main_branch(None) == "develop" == repo.main_branch(None)
    assert Peek.at(tmp_path / "elsewhere") is None


def test_a_repository_git_refuses_is_told_from_a_missing_file(
    work_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): "not on main" and "git cannot answer" are two answers."""
    peek = Peek.at(work_tree)
    assert peek is not None and peek.answers()
    monkeypatch.setenv("PATH", "/nonexistent")  # no git at all
    assert not peek.answers()
    assert peek.blob_id("refs/heads/main", "b.md") is None
