"""A demo vault whose SOP-010 gains a step that runs a command, approved on main (issue 15:
steps that run a command), for the service, CLI and TUI tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, workspace_at

SOP10 = "procedures/SOP-010-leach-sop.md"
WI1 = "work-instructions/WI-001-operate-flotation-cell.md"
COMMAND_STEP = 8  # SOP-010 has seven steps; the command step comes after them


def step_toml(argv: list[str], timeout: str | None = None, extra: str = "") -> str:
    """A ``[[steps]]`` table running ``argv`` (TOML literal strings where possible)."""
    items = ", ".join(_toml_string(a) for a in argv)
    limit = f'timeout = "{timeout}"\n' if timeout else ""
    return (
        f'\n[[steps]]\naction = "Export the batch record to the plant historian"\n'
        f'role = "plant operator"\ncommand = [{items}]\n{limit}{extra}'
    )


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def add_command_step(root: Path, argv: list[str], timeout: str | None = None) -> Path:
    """SOP-010's working copy with the command step appended to its steps."""
    path = root / SOP10
    text = path.read_text(encoding="utf-8")
    head, close, body = text.partition("\n+++\n")
    path.write_text(head + "\n" + step_toml(argv, timeout) + close + body, encoding="utf-8")
    return path


def approve_command_step(
    root: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], timeout: str | None = None
) -> None:
    """The command step proposed by Dmitri Volkov and approved by Hana Sato on main."""
    add_command_step(root, argv, timeout)
    act_as(monkeypatch, "Dmitri Volkov")
    proposal = DocumentControl(workspace_at(root)).proposals.propose(["SOP-010"], "Export step")
    act_as(monkeypatch, "Hana Sato")
    assert DocumentControl(workspace_at(root)).approvals.approve(str(proposal.number)).landed
    act_as(monkeypatch, "Alice Moreno")


def python(code: str) -> list[str]:
    """An argument list running ``code`` in this Python."""
    return [sys.executable, "-c", code]


def edit_wi(root: Path, old: str = "", new: str = "", extra: str = "") -> None:
    """Issue 15 (nested work instruction): WI-001's working copy with ``old`` replaced by
    ``new`` and ``extra`` (a ``[[steps]]`` table, as ``step_toml`` makes) appended to its
    steps."""
    path = root / WI1
    text = path.read_text(encoding="utf-8").replace(old, new, 1)
    head, close, body = text.partition("\n+++\n")
    path.write_text(head + "\n" + extra + close + body, encoding="utf-8")


def approve_wi(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WI-001's working copy proposed by Dmitri Volkov and approved by Hana Sato."""
    act_as(monkeypatch, "Dmitri Volkov")
    proposal = DocumentControl(workspace_at(root)).proposals.propose(["WI-001"], "WI-001 edit")
    act_as(monkeypatch, "Hana Sato")
    assert DocumentControl(workspace_at(root)).approvals.approve(str(proposal.number)).landed
    act_as(monkeypatch, "Alice Moreno")
