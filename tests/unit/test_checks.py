"""Vault-wide checks on a vault made of broken files, beside good ones."""

from __future__ import annotations

from pathlib import Path

from sopvault.model.finding import Severity
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import BROKEN_EXPECTED, TODAY


def test_every_error_class_is_found_with_file_and_line(broken_path: Path) -> None:
    state = Vault.open(broken_path, clock=running_from(TODAY)).state
    found = {(f.path, f.line, f.code) for f in state.findings if f.severity is Severity.ERROR}
    missing = BROKEN_EXPECTED - found
    assert not missing, f"not reported: {sorted(missing)}"


def test_good_documents_still_load_beside_broken_ones(broken_path: Path) -> None:
    state = Vault.open(broken_path, clock=running_from(TODAY)).state
    assert {"POL-1", "PRC-1", "SOP-1"} <= set(state.documents)
    assert state.documents["POL-1"].title == "Good policy"
    assert set(state.skipped) == {
        "broken/toml-syntax.md",
        "broken/missing-title.md",
        "stray/duplicate-id.md",
        "broken/no-closing.md",
        "broken/yaml.md",
    }
    assert "notes/README.md" not in {f.path for f in state.findings}


def test_cycle_members_stay_visible_in_the_tree(broken_path: Path) -> None:
    state = Vault.open(broken_path, clock=running_from(TODAY)).state
    shown = {doc_id for ids in state.tree.roots.values() for doc_id in ids}
    assert "CYC-A" in shown or "CYC-B" in shown


def test_unknown_verb_is_a_warning_and_extra_verbs_silence_it(tmp_path: Path) -> None:
    root = tmp_path / "v"
    root.mkdir()
    (root / "sopvault.toml").write_text('name = "v"\n')
    (root / "p.md").write_text(
        '+++\nid = "S"\ntitle = "T"\nkind = "procedure"\n\n[[steps]]\naction = "Leach it"\n+++\n'
    )
    state = Vault.open(root, clock=running_from(TODAY)).state
    assert [(f.severity, f.code) for f in state.findings] == [(Severity.WARNING, "step-verb")]
    (root / "sopvault.toml").write_text('name = "v"\n[checks]\nextra_verbs = ["Leach"]\n')
    assert Vault.open(root, clock=running_from(TODAY)).state.findings == []
