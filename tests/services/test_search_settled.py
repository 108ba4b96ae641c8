"""Search index updates on real vaults: a file indexed just after it was saved (its stamp
carrying a digest) is not indexed again when it settles, and is whenever its bytes differ."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from sopvault.search.index import META_NAME
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from sopvault.store import fs
from tests.conftest import TODAY, write


def doc(doc_id: str, title: str, body: str = "") -> str:
    return f'+++\nid = "{doc_id}"\ntitle = "{title}"\nkind = "policy"\n+++\n{body}\n'


def ids(vault: Vault, query: str) -> list[str]:
    return [hit.id for hit in vault.search(query).hits]


def _vault(sample_path: Path, tmp_path: Path, in_git: bool) -> tuple[Path, Vault]:
    root = sample_path if in_git else tmp_path / "plain"
    if not in_git:
        write(root, "sopvault.toml", 'name = "Plain"\n')
    return root, Vault.open(root, clock=running_from(TODAY))


def _kept_stamp(vault: Vault, rel: str, in_git: bool) -> list[int | str]:
    meta = json.loads((vault.index_dir / META_NAME).read_text(encoding="utf-8"))
    stamps = meta["changes"]["dirty" if in_git else "stamps"]
    return list(stamps[rel])


def _keep_stamp(vault: Vault, rel: str, in_git: bool, stamp: list[int | str]) -> None:
    path = vault.index_dir / META_NAME
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["changes"]["dirty" if in_git else "stamps"][rel] = stamp
    path.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("in_git", [True, False])
def test_a_file_indexed_while_racy_is_not_indexed_again_when_settled(
    sample_path: Path, tmp_path: Path, in_git: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, vault = _vault(sample_path, tmp_path, in_git)
    rel = "policies/ocarina.md"
    assert ids(vault, "ocarina") == []
    monkeypatch.setattr(fs, "RACY_NS", 10**18)  # every file changed "just now"
    write(root, rel, doc("POL-901", "Ocarina policy"))
    assert ids(vault, "ocarina") == ["POL-901"]
    assert _kept_stamp(vault, rel, in_git)[-1]  # stamped with a digest
    monkeypatch.setattr(fs, "RACY_NS", 0)  # every file settled
    report = vault.refresh_index()
    assert report.updated == report.removed == 0 and not report.rebuilt
    assert _kept_stamp(vault, rel, in_git)[-1] == ""  # the settled stamp is kept
    assert ids(vault, "ocarina") == ["POL-901"]


@pytest.mark.parametrize("in_git", [True, False])
def test_a_settled_file_whose_bytes_differ_from_its_digest_is_indexed_again(
    sample_path: Path, tmp_path: Path, in_git: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write in the same clock tick as the racy stamp leaves size, times and inode as
    # they were: only the digest tells. Stand in for it with a digest of other bytes.
    root, vault = _vault(sample_path, tmp_path, in_git)
    rel = "policies/ocarina.md"
    monkeypatch.setattr(fs, "RACY_NS", 10**18)
    target = write(root, rel, doc("POL-902", "Ocarina policy", "alphaword."))
    assert ids(vault, "alphaword") == ["POL-902"]
    stamp = _kept_stamp(vault, rel, in_git)
    target.write_text(doc("POL-902", "Ocarina policy", "bravoword."))
    info = target.stat()
    stamp[:-1] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    _keep_stamp(vault, rel, in_git, stamp)  # times as now, digest of the old bytes
    monkeypatch.setattr(fs, "RACY_NS", 0)
    report = vault.refresh_index()
    assert report.updated == 1
    assert ids(vault, "bravoword") == ["POL-902"] and ids(vault, "alphaword") == []


def test_settling_then_commit_rename_and_delete_are_still_seen(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    monkeypatch.setattr(fs, "RACY_NS", 10**18)
    target = write(sample_path, "policies/lute.md", doc("POL-903", "Lute policy"))
    assert ids(vault, "lute") == ["POL-903"]
    monkeypatch.setattr(fs, "RACY_NS", 0)
    assert vault.refresh_index().updated == 0
    repo = git.Repo(sample_path)
    repo.git.add(A=True)
    repo.git.commit(m="Add a lute policy")
    assert ids(vault, "lute") == ["POL-903"]
    moved = target.rename(sample_path / "policies" / "lyre.md")
    assert [h.path for h in vault.search("lute").hits] == ["policies/lyre.md"]
    moved.unlink()
    assert ids(vault, "lute") == []
