"""Vaults in unusual places: a read-only folder (browse and search still work, writing is
refused clearly) and a folder that is not a git repository."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from sopvault.cli import main
from sopvault.errors import SopvaultError
from sopvault.services.clock import running_from
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from sopvault.store.git.errors import NoRepository
from sopvault.tui.app import SopVaultApp
from tests.conftest import TODAY, commit_all, copy_sample, workspace_at
from tests.tui.helpers import loaded, plain, settle


@pytest.fixture
def read_only_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A committed vault sopvault cannot write to: permissions for a normal user; for
    root, who ignores permissions, the folder is made immutable (chattr +i)."""
    root = copy_sample(tmp_path / "ro")
    commit_all(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SOPVAULT_CACHE_DIR")  # platformdirs' folder, as for a user
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [root, *root.rglob("*")] if p.is_dir()}
        for path in modes:
            path.chmod(stat.S_IRUSR | stat.S_IXUSR)
        yield root
        for path, mode in modes.items():
            path.chmod(mode)
        return
    made = subprocess.run(["chattr", "+i", str(root)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("running as root and this file system has no immutable flag (chattr)")
    yield root
    subprocess.run(["chattr", "-i", str(root)], check=True)


def test_a_read_only_vault_browses_and_searches(
    read_only_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault.open(read_only_root, clock=running_from(TODAY))
    assert vault.read_only
    assert len(vault.state.documents) == 38
    response = vault.search("respirator")
    assert "SOP-010" in {hit.id for hit in response.hits}
    assert any("read-only" in n for n in response.notices)
    assert str(vault.state_dir).startswith(str(tmp_path / "cache"))
    assert not (read_only_root / ".sopvault").exists()

    assert main(["--vault", str(read_only_root), "search", "respirator"]) == 0
    captured = capsys.readouterr()
    assert "SOP-010" in captured.out and "read-only" in captured.err
    for command in (
        ["runs", "start", "SOP-010"],
        ["propose", "SOP-010", "-m", "x"],
        ["new", "procedure", "--title", "Anything"],
    ):
        assert main(["--vault", str(read_only_root), *command]) == 1
        err = capsys.readouterr().err
        assert "this vault is read-only" in err and err.count("\n") == 1
    with pytest.raises(SopvaultError, match="read-only"):
        Runs(Workspace.of(vault)).start("SOP-010")


async def test_a_read_only_vault_in_the_tui(read_only_root: Path) -> None:
    app = SopVaultApp(workspace_at(read_only_root))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        status = " ".join(plain(app.screen.query_one("#status", Static)).split())
        assert "read-only: browse and search only" in status
        app.screen.reveal("SOP-010")  # type: ignore[attr-defined]
        await settle(pilot)
        for key in ("e", "k"):
            await pilot.press(key)
            await settle(pilot)
        said = "\n".join(n.message for n in app._notifications)
        assert "read-only" in said


async def test_a_folder_outside_git_browses_and_says_what_is_missing(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "plain")
    with pytest.raises(NoRepository, match="not in a git repository"):
        DocumentControl(workspace_at(root))
    app = SopVaultApp(workspace_at(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        status = " ".join(plain(app.screen.query_one("#status", Static)).split())
        assert "not in git: history, reviews and sync are unavailable" in status
        await pilot.press("s")
        await settle(pilot)
        assert "not in a git repository" in "\n".join(n.message for n in app._notifications)
