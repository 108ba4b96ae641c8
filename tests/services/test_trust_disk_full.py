"""Trust §9 (disk full): a real full filesystem (a small tmpfs, mounted as root; skipped
elsewhere) under the vault, its repository and its index. Each writer says the disk is
full, in one line, and leaves nothing half done."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopvault.errors import ReadOnly, SopvaultError
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from sopvault.store.runlog import loads
from tests.conftest import commit_all, copy_sample
from tests.services.test_trust_control import acting, control

SOP10 = "procedures/SOP-010-leach-sop.md"
FULL = "No space left on device"


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An 8 MB tmpfs of its own; the user's cache folder is on it too."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(where / "cache"))
    monkeypatch.setenv("SOPVAULT_CACHE_DIR", str(where / "cache" / "sopvault"))  # the index too
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def vault_on_disk(disk: Path) -> Path:
    """The sample vault committed in its own repository on the small disk."""
    path = copy_sample(disk / "vault")
    commit_all(path)
    return path


def fill(disk: Path) -> None:
    """Write until the disk refuses even a small write: from here every new block fails
    with ENOSPC."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as err:
                assert err.errno == errno.ENOSPC
    finally:
        os.close(fd)


def refs(where: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(where), "for-each-ref"], capture_output=True, text=True, check=True
    ).stdout


def one_truthful_line(err: SopvaultError) -> str:
    text = str(err)
    assert "\n" not in text and FULL in text, text
    assert "conflict" not in text and "reject" not in text, text
    return text


def test_propose_on_a_full_disk_says_so_and_changes_nothing(
    disk: Path, vault_on_disk: Path
) -> None:
    """Trust §9 (disk full): propose names the full disk; no ref, no file changed."""
    path = vault_on_disk / SOP10
    path.write_text(path.read_text(encoding="utf-8") + "\nA late note.\n", encoding="utf-8")
    before, text = refs(vault_on_disk), path.read_bytes()
    fill(disk)
    with pytest.raises(SopvaultError) as caught:
        control(vault_on_disk, "Carmen Ruiz").proposals.propose(["SOP-010"], "A note")
    one_truthful_line(caught.value)
    assert refs(vault_on_disk) == before and path.read_bytes() == text


def test_approve_on_a_full_disk_says_so_and_main_does_not_move(
    disk: Path, vault_on_disk: Path
) -> None:
    """Trust §9 (disk full): approving names the full disk, never a conflict; main, the
    proposal and the work tree are as they were."""
    path = vault_on_disk / SOP10
    path.write_text(path.read_text(encoding="utf-8") + "\nA late note.\n", encoding="utf-8")
    prop = control(vault_on_disk, "Carmen Ruiz").proposals.propose(["SOP-010"], "A note")
    before, text = refs(vault_on_disk), path.read_bytes()
    fill(disk)
    with pytest.raises(SopvaultError) as caught:
        control(vault_on_disk, "Bilal Okafor").approvals.approve(str(prop.number))
    one_truthful_line(caught.value)
    assert refs(vault_on_disk) == before and path.read_bytes() == text


def test_a_run_answer_on_a_full_disk_is_not_recorded_and_the_run_file_is_whole(
    disk: Path, vault_on_disk: Path
) -> None:
    """Trust §9 (disk full): the answer is refused as not recorded; the run file still
    parses with every answer given before, and no temp file is left. (A log is appended
    to: answers fit in the file's last block until the disk cannot give it another.)"""
    runs = Runs(acting(vault_on_disk, "Dmitri Volkov"))
    started = runs.start("SOP-010")
    runs.mark(started.run.id, 1, "done", value="yes")
    fill(disk)
    recorded = 0
    with pytest.raises(SopvaultError, match="this answer was not recorded") as caught:
        for number in range(100_000):
            runs.mark(started.run.id, 2, "note", note=f"reading {number}: " + "x" * 500)
            recorded += 1
    assert FULL in str(caught.value)
    file = runs.find(started.run.id)
    kept = loads(file.read_text(encoding="utf-8"), str(file))
    assert [s.state.value for s in kept.steps[:2]] == ["done", "pending"]
    assert len(kept.step(2).history) == recorded  # every note said recorded is there
    assert file.read_bytes().endswith(b"\n")  # no part of the refused one
    assert [p.name for p in file.parent.iterdir()] == [file.name]


def test_search_on_a_full_disk_answers_from_the_whole_old_index_or_says_why_not(
    disk: Path, vault_on_disk: Path
) -> None:
    """Trust §9 (index cannot be written): with an index, search answers from it and says
    the update failed for a full disk, leaving no half-written file; without one, it
    refuses with that reason instead of calling the index unreadable."""
    vault = Vault.open(vault_on_disk)
    assert vault.search("leach").hits
    path = vault_on_disk / SOP10
    path.write_text(path.read_text(encoding="utf-8") + "\nzanzibar\n", encoding="utf-8")
    index_files = sorted(p.name for p in vault.index_dir.iterdir())
    fill(disk)
    answer = Vault.open(vault_on_disk).search("leach")
    assert answer.hits and any(f"search index not updated: {FULL}" in n for n in answer.notices)
    assert sorted(p.name for p in vault.index_dir.iterdir()) == index_files
    for leftover in vault.index_dir.parent.glob("index*"):  # no index any more
        subprocess.run(["rm", "-rf", str(leftover)], check=True)
    fill(disk)
    with pytest.raises(ReadOnly, match=f"cannot write the search index: {FULL}"):
        Vault.open(vault_on_disk).search("leach")
