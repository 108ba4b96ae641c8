"""Fixtures the service tests share: the sample vault as a repository of its own, and a
team's bare git server holding the demo with its clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import act_as, commit_all, copy_sample


@pytest.fixture
def repo_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample vault committed by Hana; `.sopvault/` ignored as `sopvault init` does."""
    root = copy_sample(tmp_path / "vault")
    (root / ".gitignore").write_text(".sopvault/\n", encoding="utf-8")
    act_as(monkeypatch, "Hana Sato")
    commit_all(root, "Import")
    return root


def git_out(where: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def server(demo_path: Path, tmp_path: Path) -> Path:
    """The team's bare repository, holding the demo's main and proposal refs."""
    bare = tmp_path / "server.git"
    git_out(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git_out(demo_path, "push", "-q", str(bare), "refs/heads/*:refs/heads/*")
    return bare


def clone(server: Path, tmp_path: Path, name: str) -> Path:
    where = tmp_path / name
    git_out(tmp_path, "clone", "-q", str(server), str(where))
    return where
