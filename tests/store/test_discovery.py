"""Finding the repository: GitPython's discovery, its failures mapped to our errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import git
import pytest

from sopvault.errors import SopvaultError
from sopvault.store.git.discovery import discover, find_repo_root, find_work_tree
from sopvault.store.git.errors import (
    BareRepository,
    BrokenRepository,
    GitError,
    NoRepository,
)
from sopvault.store.git.repo import Repo


def test_inside_a_repository_and_in_a_subfolder(work_tree: Path) -> None:
    assert discover(work_tree) == work_tree
    assert discover(work_tree / "docs") == work_tree
    assert find_work_tree(work_tree / "docs") == work_tree
    found = Repo.at(work_tree / "docs")
    assert found is not None and found.root == work_tree
    assert find_repo_root(work_tree / "docs") == work_tree


def test_a_bare_repository_has_no_work_tree(tmp_path: Path) -> None:
    git.Repo.init(tmp_path / "bare.git", bare=True)
    with pytest.raises(BareRepository, match="bare repository"):
        discover(tmp_path / "bare.git")
    assert find_work_tree(tmp_path / "bare.git") is None
    assert Repo.at(tmp_path / "bare.git") is None


def test_no_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert find_repo_root(tmp_path / "plain") is None  # the test folder is in no repository
    with pytest.raises(NoRepository, match="not in a git repository") as caught:
        discover(tmp_path / "plain")
    assert type(caught.value) is NoRepository
    assert isinstance(caught.value, GitError) and isinstance(caught.value, SopvaultError)
    assert Repo.at(tmp_path / "plain") is None


def test_a_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(NoRepository, match="no such folder") as caught:
        discover(tmp_path / "nowhere")
    assert type(caught.value) is NoRepository
    assert find_work_tree(tmp_path / "nowhere") is None


def test_a_broken_git_file_says_what_it_points_at(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "sub").mkdir(parents=True)
    (broken / ".git").write_text("gitdir: /nowhere/at/all\n", encoding="utf-8")
    with pytest.raises(BrokenRepository, match="gitdir: /nowhere/at/all"):
        discover(broken / "sub")
    assert Repo.at(broken) is None
    assert find_repo_root(broken / "sub") == broken  # the cheap walk only looks for .git


def test_a_linked_work_tree_is_found(work_tree: Path, tmp_path: Path) -> None:
    git.Repo(work_tree).git.worktree("add", "-q", str(tmp_path / "linked"), "-b", "side")
    assert discover(tmp_path / "linked" / "docs") == tmp_path / "linked"
    linked = Repo(tmp_path / "linked")
    assert linked.head_branch() == "refs/heads/side"


def test_git_dir_in_the_environment_wins_as_in_git(
    work_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server hook runs with GIT_DIR (a bare repository) and GIT_WORK_TREE set."""
    server = tmp_path / "server.git"
    git.Repo.init(server, bare=True)
    (tmp_path / "checkout").mkdir()
    monkeypatch.setenv("GIT_DIR", str(server))
    with pytest.raises(BareRepository):
        discover(work_tree)
    monkeypatch.setenv("GIT_WORK_TREE", str(tmp_path / "checkout"))
    assert discover(work_tree) == tmp_path / "checkout"
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(NoRepository, match="no such folder"):
        discover(work_tree)


def test_a_folder_named_like_a_variable_is_that_folder(tmp_path: Path) -> None:
    top = tmp_path / "a$HOME"
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / "sub").mkdir()
    assert discover(top / "sub") == top.resolve()
