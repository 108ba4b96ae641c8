"""Issue 16 (export evidence): a signed sign-off in the evidence pack names who signed
it, checked as ``verify`` checks it against the allowed-signers file committed in the
vault (21 CFR Part 11 §11.50, §11.70). Real SSH keys from ``ssh-keygen``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.conftest import act_as
from tests.services.test_review import propose_sop3, revisions
from tests.services.test_signatures import EMAIL, keys, sign_with

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")
__all__ = ["keys"]  # the fixture, used by name


def test_a_signed_sign_off_names_its_signer_in_the_pack(
    repo_root: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 16 (export evidence): Bilal approves Carmen's SOP-003 change with his listed
    key: the pack's revision records his vote's commit, his signature and its meaning,
    and verify.json finds nothing wrong with it (the unsigned import before it is
    reported: the audit is of the whole history)."""
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    sign_with(repo_root, keys["bilal"])
    landed = revisions(repo_root).approvals.approve(number).landed
    assert landed
    out = tmp_path / "pack"
    assert (
        main(["--vault", str(repo_root), "export", "evidence", "--since", "2026-01-01", str(out)])
        == 0
    )
    (folder,) = (p for p in (out / "revisions").iterdir() if p.name.startswith("SOP-003@"))
    revision = json.loads((folder / "revision.json").read_text())
    (vote,) = revision["sign_offs"]
    assert vote["reviewer"] == f"Bilal Okafor <{EMAIL['bilal']}>"
    assert vote["signer"] == EMAIL["bilal"] and vote["legacy"] is False
    assert vote["meaning"].startswith("approved")
    assert f"signed by {EMAIL['bilal']}" in (folder / "revision.txt").read_text()
    violations = json.loads((out / "verify.json").read_text())["violations"]
    assert revision["commit"] not in [v["commit"] for v in violations]  # only the import's
