"""Trust §2 (Hugo parity): notes (Markdown files without front matter) along the services:
never an error, not listed or searched, left alone when a change lands."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, commit_all, copy_sample, workspace_at

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
NOTES = {
    "todo.md": b"- [ ] todo: flotation froth check\n",
    "agreed.md": b"+1 agreed on the flotation change\n",
    "procedures/readme.md": b"\xef\xbb\xbf\n# About flotation procedures\n",
}


def _git(
    root: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_notes_are_neither_errors_nor_documents(tmp_path: Path) -> None:
    """Trust §2 (Hugo parity): ``- [ ] todo`` and ``+1 agreed`` are notes: no error, no
    skipped file, not listed and not found by search, as plain Markdown notes are."""
    root = copy_sample(tmp_path / "vault")
    for rel, raw in NOTES.items():
        (root / rel).write_bytes(raw)
    vault = workspace_at(root).vault
    state = vault.state
    assert [f for f in state.findings if f.severity.value == "error"] == []
    assert state.skipped == []
    assert not {d.path for d in state.documents.values()} & set(NOTES)
    assert not {hit.path for hit in vault.search("flotation").hits} & set(NOTES)


def test_approving_a_proposal_that_carries_a_note_leaves_the_note_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §2 (Hugo parity): a note pushed inside a proposal is not a document: landing
    the proposal makes its documents effective and keeps the note byte for byte (it used to
    fail with "file does not start with a +++ front matter line")."""
    root = copy_sample(tmp_path / "vault")
    (root / ".gitignore").write_text(".sopvault/\n", encoding="utf-8")
    act_as(monkeypatch, "Hana Sato")
    commit_all(root, "Import")
    act_as(monkeypatch, "Carmen Ruiz")
    path = root / SOP3
    path.write_text(path.read_text().replace("Export the stock", "Download the stock"))
    control = DocumentControl(workspace_at(root))
    prop = control.proposals.propose(["SOP-003"], "Download, not export")
    # Carmen's tooling added her to-do note to the proposal commit.
    blob = _git(root, "hash-object", "-w", "--stdin", stdin=NOTES["todo.md"].decode())
    index = {"GIT_INDEX_FILE": str(tmp_path / "index")}
    _git(root, "read-tree", prop.commit, env=index)
    _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},todo.md", env=index)
    tree = _git(root, "write-tree", env=index)
    message = _git(root, "log", "-1", "--format=%B", prop.commit)
    parent = _git(root, "rev-parse", f"{prop.commit}^")
    amended = _git(root, "commit-tree", tree, "-p", parent, "-F", "-", stdin=message)
    _git(root, "update-ref", prop.ref, amended, prop.tip)
    act_as(monkeypatch, "Bilal Okafor")
    assert DocumentControl(workspace_at(root)).approvals.approve(str(prop.number)).landed
    assert _git(root, "show", "main:todo.md") == NOTES["todo.md"].decode().strip()
    assert 'status = "effective"' in _git(root, "show", f"main:{SOP3}")


def test_a_markdown_file_hugo_reads_and_sopvault_does_not_is_reported(tmp_path: Path) -> None:
    """Trust §2 (Hugo parity): Hugo builds `SOP-x.markdown` as a page; sopvault reads
    `.md` only, so `check` reports the file and `verify` judges a plain commit of it."""
    root = copy_sample(tmp_path / "vault")
    commit_all(root, "Import")
    start = _git(root, "rev-parse", "HEAD")
    text = (root / SOP3).read_text(encoding="utf-8").replace('"SOP-003"', '"SOP-777"')
    (root / "procedures" / "SOP-777-hidden.markdown").write_text(text, encoding="utf-8")
    findings = workspace_at(root).vault.state.findings
    found = [f for f in findings if f.code == "markdown-suffix"]
    assert [f.path for f in found] == ["procedures/SOP-777-hidden.markdown"]
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "A procedure nobody reviewed")
    report = DocumentControl(workspace_at(root)).audit.verify(since=start)
    assert [(v.reason.value, v.paths) for v in report.violations] == [
        ("unreviewed", ("procedures/SOP-777-hidden.markdown",))
    ]
