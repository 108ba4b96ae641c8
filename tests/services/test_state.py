"""Trust §3 (state in the vault): caches and the search index live in the user's own cache
folder; nothing in a vault is ever unpickled, and state that travels with a vault is
reported by `check` and `verify`."""

from __future__ import annotations

import json
import os
import pickle
import stat
from pathlib import Path
from typing import Any

import git
import pytest
from textual.widgets import Input
from whoosh import fields
from whoosh import index as windex

from sopvault.cli import main
from sopvault.search.schema import SCHEMA_VERSION
from sopvault.services.vault import Vault
from sopvault.store import statedir
from sopvault.tui.app import SopVaultApp
from tests.conftest import act_as, commit_all, copy_sample, workspace_at
from tests.tui.helpers import loaded, search_settled, settle


class Payload:
    """Unpickled, it creates the marker file: proof that the pickle was read."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def hostile_index(folder: Path, marker: Path) -> None:
    """A real Whoosh index whose table of contents unpickles the payload: its schema holds
    a field that pickles as a call to ``open``; a valid sopvault meta beside it, so an
    index read as before would be opened."""

    class HostileField(fields.ID):  # type: ignore[misc]
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    folder.mkdir(parents=True)
    windex.create_in(str(folder), fields.Schema(id=fields.ID(stored=True), evil=HostileField()))
    meta = {"schema": SCHEMA_VERSION, "sopvault": "0", "changes": {}}
    (folder / "sopvault-index.json").write_text(json.dumps(meta), encoding="utf-8")


def plant(state: Path, marker: Path) -> None:
    """Hostile pickles where sopvault once kept its caches, and a hostile index."""
    cache = state / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("snapshot.pickle", "parsed.pickle", "runs.pickle"):
        (cache / name).write_bytes(pickle.dumps(Payload(marker)))
    hostile_index(state / "index", marker)


def payload_works(state: Path, marker: Path) -> None:
    """The planted files really run code when read the way sopvault used to read them."""
    pickle.loads((state / "cache" / "parsed.pickle").read_bytes())
    assert marker.exists()
    marker.unlink()
    windex.exists_in(str(state / "index"))  # what sopvault's SearchIndex.exists does
    assert marker.exists()
    marker.unlink()


@pytest.fixture
def hostile_vault(tmp_path: Path) -> tuple[Path, Path]:
    """A committed sample vault that arrived with a hostile ``.sopvault/``; the marker file
    that appears when any of it is unpickled."""
    root = copy_sample(tmp_path / "vault")
    commit_all(root)
    marker = tmp_path / "PWNED"
    plant(root / ".sopvault", marker)
    payload_works(root / ".sopvault", marker)
    return root, marker


async def test_a_hostile_sopvault_folder_never_runs(
    hostile_vault: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §3 (state in the vault): a vault whose `.sopvault/` holds hostile pickles and a
    hostile Whoosh index is listed, searched, checked and run-listed by the CLI and opened
    and searched in the TUI, and nothing in it is unpickled."""
    root, marker = hostile_vault
    for command in (["list"], ["search", "respirator"], ["runs"], ["show", "SOP-010"]):
        assert main(["--vault", str(root), *command]) == 0, command
        assert not marker.exists(), command
    assert "SOP-010" in capsys.readouterr().out
    main(["--vault", str(root), "check"])
    assert "[old-state]" in capsys.readouterr().out
    app = SopVaultApp(workspace_at(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        pilot.app.screen.query_one(Input).value = "respirator"
        await search_settled(pilot)
    assert not marker.exists()
    assert not list(root.glob(".sopvault-probe-*"))  # the writability probe left nothing


def test_a_hostile_state_folder_of_the_right_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §3 (state in the vault): the vault's own state folder, when others can write to
    it, is refused with one warning line; sopvault works in a fresh folder and never reads
    the planted files."""
    root = copy_sample(tmp_path / "vault")
    marker = tmp_path / "PWNED"
    folder = statedir.cache_root() / statedir.vault_key(root)
    plant(folder, marker)
    folder.chmod(0o777)
    assert main(["--vault", str(root), "list"]) == 0
    assert main(["--vault", str(root), "search", "respirator"]) == 0
    assert not marker.exists()
    err = capsys.readouterr().err
    assert err.count("can be written by other users") == 1  # once per process
    line = next(x for x in err.splitlines() if "other users" in x)
    assert line.startswith("sopvault: warning: not using the cache folder")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_state_folder_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    """Trust §3 (state in the vault): a state folder (or a cache file) that belongs to
    another user is never read."""
    root = copy_sample(tmp_path / "vault")
    marker = tmp_path / "PWNED"
    folder = statedir.cache_root() / statedir.vault_key(root)
    plant(folder, marker)
    folder.chmod(0o700)
    os.chown(folder, 4321, 4321)
    vault = Vault.open(root)
    assert vault.state_dir != folder and vault.state.documents
    assert not marker.exists()
    # Our own folder, but a cache file someone else left in it: not unpickled either.
    os.chown(folder, os.getuid(), os.getgid())
    os.chown(folder / "cache" / "snapshot.pickle", 4321, 4321)
    (folder / "cache" / "parsed.pickle").unlink()
    vault = Vault.open(root)
    assert vault.state_dir == folder and vault.state.documents
    assert not marker.exists()


def test_symlinked_or_inside_the_vault_state_folders_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §3 (state in the vault): a state folder that is a symbolic link, or a cache
    folder pointed inside the vault, is not used."""
    root = copy_sample(tmp_path / "vault")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    folder = statedir.cache_root() / statedir.vault_key(root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(elsewhere)
    assert Vault.open(root).state_dir not in (folder, elsewhere)
    assert "is a symbolic link" in capsys.readouterr().err
    monkeypatch.setenv(statedir.CACHE_ENV, str(root / "cache"))
    assert not Vault.open(root).state_dir.is_relative_to(root)
    assert "is inside the vault" in capsys.readouterr().err


def test_each_vault_has_its_own_private_state_folder(tmp_path: Path) -> None:
    """Trust §3 (state in the vault): state is keyed by the vault's real path: two vaults
    never share a folder, a symlink to a vault shares its target's, folders are 0700 and
    the vault itself is left untouched."""
    one = copy_sample(tmp_path / "one")
    two = copy_sample(tmp_path / "two")
    link = tmp_path / "link"
    link.symlink_to(one)
    dirs = [Vault.open(path).state_dir for path in (one, two, link)]
    assert dirs[0] == dirs[2] != dirs[1]
    assert dirs[0].name.startswith("one-") and dirs[1].name.startswith("two-")
    for folder in (dirs[0], dirs[1], dirs[0].parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.stat().st_uid == os.getuid()
    vault = Vault.open(one)
    assert vault.state.documents and vault.search("respirator").hits
    assert (dirs[0] / "cache" / "snapshot.pickle").is_file() and (dirs[0] / "index").is_dir()
    assert not (one / ".sopvault").exists() and not vault.read_only
    assert not list(one.glob(".sopvault-probe-*"))


def test_check_and_verify_report_committed_state(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §3 (state in the vault): a cache or index file force-added to main is an error
    finding of `check` (with its file) and a violation of `verify`; an untracked
    `.sopvault/` is only a warning that it may be deleted."""
    assert main(["--vault", str(demo_path), "check"]) == 0
    assert "old-state" not in capsys.readouterr().out
    (demo_path / ".sopvault" / "cache").mkdir(parents=True)
    (demo_path / ".sopvault" / "cache" / "notes.txt").write_text("left by an old sopvault\n")
    assert main(["--vault", str(demo_path), "check"]) == 0
    assert ".sopvault/:1: warning:" in capsys.readouterr().out
    plant(demo_path / ".sopvault", demo_path.parent / "PWNED")
    (demo_path / "procedures" / "_MAIN_2.toc").write_bytes(b"\x80\x04N.")
    work = git.Repo(demo_path)
    work.git.add("-f", ".sopvault", "procedures/_MAIN_2.toc")
    work.git.commit(m="Add the cache")
    assert main(["--vault", str(demo_path), "check"]) == 1
    out = capsys.readouterr().out
    assert ".sopvault/cache/parsed.pickle:1: error:" in out and "[tracked-state]" in out
    assert "procedures/_MAIN_2.toc:1: error:" in out and "[old-state]" not in out
    assert main(["--vault", str(demo_path), "check", "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    reported = {f["path"] for f in findings if f["code"] == "tracked-state"}
    tracked = work.git.ls_files(".sopvault", "procedures/_MAIN_2.toc").splitlines()
    assert reported == set(tracked) and len(tracked) >= 6  # pickles, index, notes, TOC
    assert main(["--vault", str(demo_path), "verify"]) == 1
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if "local state committed" in x]
    assert ".sopvault/cache/parsed.pickle" in line and "git rm" in line
    assert not (demo_path.parent / "PWNED").exists()


def test_committed_state_in_a_vault_below_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §3 (state in the vault): a vault in a sub-folder whose name holds glob
    characters still has its committed state found, and state outside it is not its own."""
    top = tmp_path / "repo"
    root = copy_sample(top / "sops [v*]")
    (root / ".sopvault").mkdir()
    (root / ".sopvault" / "x.pickle").write_bytes(pickle.dumps(None))
    (top / "elsewhere.pickle").write_bytes(pickle.dumps(None))
    repo = git.Repo.init(top, initial_branch="main")
    repo.git.add("-f", ".")
    repo.git.commit(m="Add a vault and caches")
    assert main(["--vault", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert ".sopvault/x.pickle:1: error:" in out and "elsewhere" not in out
    assert main(["--vault", str(root), "verify"]) == 1
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "local state" in x]
    assert ".sopvault/x.pickle" in line and "elsewhere" not in line


def test_a_repository_config_that_arrives_with_a_vault_runs_nothing(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §3 (state in the vault): a vault unpacked with its `.git` brings its own
    `.git/config` and `.git/hooks`; a `core.fsmonitor` program (which plain git runs on
    `git status`) or a hook is never started by sopvault's list, search, check, show,
    history, verify, propose or approve."""
    marker = demo_path.parent / "FIRED"
    work = git.Repo(demo_path)
    work.git.config("core.fsmonitor", f"touch {marker}")
    for hook in ("reference-transaction", "pre-push", "post-checkout", "pre-commit"):
        planted = demo_path / ".git" / "hooks" / hook
        planted.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
        planted.chmod(0o755)
    (demo_path / "procedures" / "SOP-003-review-stock-and-reorder-points.md").open("a").write(
        "\nOne more line.\n"
    )
    for args in (
        ["list"],
        ["search", "reorder"],
        ["check"],
        ["show", "SOP-003"],
        ["history", "SOP-003"],
        ["verify"],
        ["propose", "SOP-003", "-m", "One more line"],
    ):
        main(["--vault", str(demo_path), *args])
        assert not marker.exists(), args
    act_as(monkeypatch, "Bilal Okafor")
    assert main(["--vault", str(demo_path), "approve", "7", "-m", "ok"]) == 0
    assert not marker.exists()
    capsys.readouterr()
    work.git.status()  # the payload is real: git itself runs it
    assert marker.exists()
