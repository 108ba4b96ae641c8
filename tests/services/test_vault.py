"""The Vault service on real folders and git repositories."""

from __future__ import annotations

import os
from pathlib import Path

import git
import pytest

from sopvault.core.frontmatter import FrontMatterError
from sopvault.errors import InvalidId, SopvaultError, VaultNotFound
from sopvault.model.document import Kind, Status
from sopvault.services.clock import running_from
from sopvault.services.scaffold import packaged_template
from sopvault.services.vault import DocumentFilter, Vault
from sopvault.store.fs import safe_relative
from tests.conftest import TODAY, commit_all, write


def test_vault_is_found_from_a_subfolder_of_a_bigger_repo(tmp_path: Path) -> None:
    repo_root = tmp_path / "monorepo"
    write(repo_root, "src/app.py", "print('hi')\n")
    vault_root = repo_root / "docs" / "sops"
    write(vault_root, "sopvault.toml", 'name = "Docs"\n')
    write(vault_root, "a.md", '+++\nid = "POL-1"\ntitle = "T"\nkind = "policy"\n+++\n')
    commit_all(repo_root)
    vault = Vault.open(vault_root)
    assert vault.root == vault_root.resolve()
    (vault_root / "deeper").mkdir()
    assert Vault.open(vault_root / "deeper").root == vault_root.resolve()
    assert list(vault.documents) == ["POL-1"]


def test_no_vault_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="sopvault init"):
        Vault.open(tmp_path)


def test_cache_reuses_unchanged_files_and_sees_edits(sample_path: Path) -> None:
    first = Vault.open(sample_path, clock=running_from(TODAY)).state
    assert first.parsed > len(first.documents) and first.reused == 0  # README.md is read too
    second = Vault.open(sample_path, clock=running_from(TODAY)).state
    assert second.reused == first.parsed and second.parsed == 0
    target = sample_path / "procedures" / "SOP-004-raise-purchase-order.md"
    target.write_text(target.read_text().replace("Raise a purchase order", "Raise a PO"))
    os.utime(target, ns=(1, 1))  # a different mtime even on coarse clocks
    third = Vault.open(sample_path, clock=running_from(TODAY)).state
    assert third.parsed == 1
    assert third.documents["SOP-004"].title == "Raise a PO for replenishment"


def test_a_corrupt_cache_is_ignored(sample_path: Path) -> None:
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    assert vault.state.documents
    for cache in (vault.state_dir / "cache").iterdir():
        cache.write_bytes(b"not a pickle")
    state = Vault.open(sample_path, clock=running_from(TODAY)).state
    assert state.reused == 0 and len(state.documents) >= 30


def test_warm_start_uses_light_documents_but_get_is_complete(sample_path: Path) -> None:
    cold = Vault.open(sample_path, clock=running_from(TODAY))
    full_steps = len(cold.get("SOP-010").steps)
    warm = Vault.open(sample_path, clock=running_from(TODAY))
    assert warm.state.parsed == 0
    light = warm.state.documents["SOP-010"]
    assert not light.complete and light.title == "Leach and crystallise sulphate of potash"
    doc = warm.get("SOP-010")
    assert doc.complete and len(doc.steps) == full_steps == 7
    assert doc.front["hazards"] and doc.body.startswith("# Leach")
    assert warm.state.findings == cold.state.findings


def test_snapshot_is_keyed_by_config_and_date(sample_path: Path) -> None:
    assert Vault.open(sample_path, clock=running_from(TODAY)).state.documents
    later = Vault.open(sample_path, clock=running_from(TODAY.replace(year=2027, month=6))).state
    assert later.parsed == 0  # files from the per-file cache, but checks ran again
    assert sum(f.code == "review-overdue" for f in later.findings) > 2
    config = sample_path / "sopvault.toml"
    config.write_text(config.read_text().replace('extra_verbs = ["leach", ', "extra_verbs = ["))
    again = Vault.open(sample_path, clock=running_from(TODAY)).state
    assert any(f.code == "step-verb" and "'Leach'" in f.message for f in again.findings)


def test_deleted_file_disappears(sample_path: Path) -> None:
    assert Vault.open(sample_path, clock=running_from(TODAY)).state.documents
    (sample_path / "forms" / "FRM-003-return-authorisation.md").unlink()
    assert "FRM-003" not in Vault.open(sample_path, clock=running_from(TODAY)).documents


def test_select_filters(sample_vault: Vault) -> None:
    drafts = sample_vault.select(DocumentFilter(status=Status.DRAFT))
    assert [d.id for d in drafts] == ["WI-005"]
    potash = sample_vault.select(DocumentFilter(kind=Kind.PROCEDURE, tag="potash"))
    assert [d.id for d in potash] == ["SOP-009", "SOP-010"]
    assert {d.owner for d in sample_vault.select(DocumentFilter(owner="erin"))} == {"erin"}


def test_update_fields_keeps_the_body_byte_for_byte(sample_vault: Vault) -> None:
    doc = sample_vault.get("SOP-010")
    before = sample_vault.path_of(doc).read_bytes()
    updated = sample_vault.update_fields("SOP-010", {"status": "retired", "version": "3.0"})
    after = sample_vault.path_of(doc).read_bytes()
    assert updated.status is Status.RETIRED and updated.version == "3.0"
    assert after.split(b"\n+++\n", 1)[1] == before.split(b"\n+++\n", 1)[1]
    assert updated.front["hazards"] == doc.front["hazards"]


def test_new_document_gets_a_fresh_id_from_the_template(sample_vault: Vault) -> None:
    doc = sample_vault.new_document(Kind.PROCEDURE, 'Bag "SOP" granules', parent="PRC-005")
    assert doc.id == "SOP-012"
    assert doc.parents == ["PRC-005"] and doc.status is Status.DRAFT
    assert doc.title == 'Bag "SOP" granules'
    assert doc.path == "procedures/SOP-012-bag-sop-granules.md"
    assert '# Bag "SOP" granules' in doc.body


def test_new_document_refuses_unknown_parent(sample_vault: Vault) -> None:
    with pytest.raises(SopvaultError, match="no document with id 'NOPE'"):
        sample_vault.new_document(Kind.PROCEDURE, "X", parent="NOPE")


def test_init_creates_files_and_repository(tmp_path: Path) -> None:
    vault, written, created = Vault.init(tmp_path / "new", "Acme")
    assert created and (tmp_path / "new" / ".git").is_dir()
    assert vault.config.name == "Acme"
    assert ".sopvault/" in (tmp_path / "new" / ".gitignore").read_text()
    assert {p.name for p in written} >= {"sopvault.toml", "procedure.md", ".gitignore"}
    with pytest.raises(SopvaultError, match="already"):
        Vault.init(tmp_path / "new")


def test_init_inside_an_existing_repo_does_not_nest_one(tmp_path: Path) -> None:
    git.Repo.init(tmp_path / "repo")
    _, _, created = Vault.init(tmp_path / "repo" / "docs")
    assert not created and not (tmp_path / "repo" / "docs" / ".git").exists()


def test_symlink_outside_the_vault_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "v"\n')
    secret = write(tmp_path, "secret.md", '+++\nid = "S"\ntitle = "Secret"\nkind = "policy"\n+++\n')
    (root / "link.md").symlink_to(secret)
    (root / "dir").symlink_to(tmp_path)
    state = Vault.open(root, clock=running_from(TODAY)).state
    assert "S" not in state.documents
    assert [(f.path, f.code) for f in state.findings] == [("link.md", "symlink")]


@pytest.mark.parametrize("rel", ["../x.md", "/etc/passwd", "a/../../b", "", "a\x1bb"])
def test_paths_that_escape_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(InvalidId):
        safe_relative(tmp_path, rel)


@pytest.mark.parametrize("doc_id", ["../etc", "a/b", "x\x1b[2J", ".hidden"])
def test_bad_ids_are_refused(sample_vault: Vault, doc_id: str) -> None:
    with pytest.raises(InvalidId):
        sample_vault.get(doc_id)


def test_a_field_change_that_would_not_read_back_writes_nothing(sample_vault: Vault) -> None:
    """Trust §1 (read-back): a change whose text would read back as something else (a
    tuple comes back as a list) is refused in one line and the file keeps its bytes."""
    path = sample_vault.root / sample_vault.get("SOP-010").path
    before = path.read_bytes()
    with pytest.raises(FrontMatterError, match="nothing written") as err:
        sample_vault.update_fields("SOP-010", {"status": "retired", "limits": (1, 2)})
    assert "\n" not in str(err.value)
    assert path.read_bytes() == before


def test_a_new_document_keeps_a_tricky_title_out_of_its_front_matter(
    sample_vault: Vault,
) -> None:
    """Trust §1 (read-back): ``new`` sets the title as a TOML value and replaces
    ``{{title}}`` in the body only, even where the template's front matter holds it too."""
    template = sample_vault.root / "templates" / "policy.md"
    template.parent.mkdir(exist_ok=True)
    text = packaged_template(Kind.POLICY)
    template.write_text(text.replace('kind = "policy"', 'kind = "policy"\nnote = "{{title}}"'))
    title = 'Quotes " and \\ and +++ and [steps]'
    doc = sample_vault.new_document(Kind.POLICY, title)
    written = (sample_vault.root / doc.path).read_text(encoding="utf-8")
    assert doc.title == title and doc.front["note"] == "{{title}}"
    assert f"# {title}" in doc.body and written.endswith(doc.body)
