"""Fixtures shared by the service tests: the sample vault as a committed repository."""

from __future__ import annotations

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
