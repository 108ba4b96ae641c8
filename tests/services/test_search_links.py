"""The index holds what the vault's scan finds, after every kind of update: a folder that
becomes a symbolic link is never entered by the scan, so its documents leave the index
too (an update used to read them again through the link), and come back when it is a
folder again (real vaults, in git and outside it; ``store.fs.stamp_of``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from sopvault.store.fs import stamp_of
from tests.conftest import TODAY, write

FOLDER = "work-instructions"


def _vault(sample_path: Path, tmp_path: Path, in_git: bool) -> Vault:
    root = sample_path
    if not in_git:
        root = tmp_path / "plain"
        write(root, "sopvault.toml", 'name = "Plain"\n')
        (sample_path / FOLDER).rename(root / FOLDER)
    return Vault.open(root, clock=running_from(TODAY))


def found(vault: Vault, query: str) -> set[str]:
    return {hit.id for hit in vault.search(query, limit=100).hits}


@pytest.mark.parametrize("in_git", [True, False])
def test_documents_behind_a_folder_that_became_a_link_leave_the_index(
    sample_path: Path, tmp_path: Path, in_git: bool
) -> None:
    vault = _vault(sample_path, tmp_path, in_git)
    root = vault.root
    assert "WI-003" in found(vault, "label")
    assert "WI-001" in found(vault, "flotation")
    elsewhere = tmp_path / "elsewhere"
    (root / FOLDER).rename(elsewhere)
    (root / FOLDER).symlink_to(elsewhere, target_is_directory=True)
    vault.reload()
    assert not any(d.id.startswith("WI-") for d in vault.state.documents.values())
    assert not {i for i in found(vault, "label") if i.startswith("WI-")}
    assert "WI-001" not in found(vault, "flotation")
    (root / FOLDER).unlink()
    elsewhere.rename(root / FOLDER)
    vault.reload()
    assert "WI-003" in found(vault, "label")
    assert "WI-001" in found(vault, "flotation")


def test_a_stamp_is_taken_only_where_the_scan_would_find_the_file(tmp_path: Path) -> None:
    root = tmp_path / "v"
    write(root, "real/a.md", "x")
    write(tmp_path, "outside/b.md", "y")
    (root / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "inner").mkdir()
    (root / "inner" / "deep").symlink_to(root / "real", target_is_directory=True)
    (root / "plainfile").write_text("not a folder")
    assert stamp_of(root, "real/a.md") is not None
    assert stamp_of(root, "linked/b.md") is None
    assert stamp_of(root, "inner/deep/a.md") is None  # a link inside the vault, even
    assert stamp_of(root, "plainfile/a.md") is None
    assert stamp_of(root, "missing/a.md") is None


def test_a_fifo_or_folder_where_a_document_was_leaves_the_index(sample_path: Path) -> None:
    """A FIFO put where a document was would hold the update's read forever (and the
    index lock with it); a folder named like a document is no document either."""
    vault = _vault(sample_path, sample_path, in_git=True)
    root = vault.root
    assert "WI-001" in found(vault, "flotation")
    wi = next(root.glob(f"{FOLDER}/WI-001-*.md"))
    wi.unlink()
    os.mkfifo(wi)
    other = next(root.glob(f"{FOLDER}/WI-003-*.md"))
    other.unlink()
    other.mkdir()
    assert stamp_of(root, wi.relative_to(root).as_posix()) is None
    assert stamp_of(root, other.relative_to(root).as_posix()) is None
    vault.reload()
    assert "WI-001" not in found(vault, "flotation")
    assert "WI-003" not in found(vault, "label")


def doc(doc_id: str, title: str) -> str:
    return f'+++\nid = "{doc_id}"\ntitle = "{title}"\nkind = "policy"\n+++\nBody.\n'


def test_documents_in_a_folder_git_ignores_are_indexed_as_the_scan_finds_them(
    sample_path: Path,
) -> None:
    """An ignored folder is scanned by the update as the vault's scan finds its files:
    `drafts/templates/` is no excluded folder (only the vault's own `templates/` is), and
    a link in it to a document elsewhere in the vault counts (it is judged against the
    vault, not the folder), so its removal leaves the index too."""
    root = sample_path
    write(root, ".gitignore", "drafts/\n")
    vault = _vault(sample_path, sample_path, in_git=True)
    write(root, "drafts/templates/bird.md", doc("POL-960", "Kea policy"))
    write(root, ".store/other.md", doc("POL-961", "Moa policy"))
    (root / "drafts" / "moa.md").symlink_to(root / ".store" / "other.md")
    vault.reload()
    listed = {d.id for d in vault.state.documents.values()}
    assert {"POL-960", "POL-961"} <= listed
    assert found(vault, "kea") == {"POL-960"}
    assert found(vault, "moa") == {"POL-961"}
    write(root, "drafts/templates/bird.md", doc("POL-960", "Kakapo policy"))
    (root / "drafts" / "moa.md").unlink()
    vault.reload()
    assert found(vault, "kakapo") == {"POL-960"}
    assert found(vault, "kea") == set()
    assert found(vault, "moa") == set()
