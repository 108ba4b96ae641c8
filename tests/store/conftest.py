"""A small real repository for the store's git tests."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from sopvault.store.git.repo import Repo


@pytest.fixture
def work_tree(tmp_path: Path) -> Path:
    """A fresh repository with two files committed on main, under ``tmp_path/repo``."""
    root = tmp_path / "repo"
    repo = git.Repo.init(root, initial_branch="main")
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("alpha\n", encoding="utf-8")
    (root / "b.md").write_text("beta\n", encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit(m="First")
    return root


@pytest.fixture
def repo(work_tree: Path) -> Repo:
    """sopvault's Repo over :func:`work_tree`."""
    return Repo(work_tree)
