"""Issue 14 (acknowledgements): the reader says "You have not acknowledged v2.2" to a person
who must read the document, and `a` acknowledges it after a dialog stating the meaning;
driven headless with Pilot on the demo's real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Label, Static

from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.acknowledge import AcknowledgeScreen
from tests.conftest import act_as, workspace_at
from tests.tui.helpers import open_document, plain, settle


def make_app(root: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(root))


def prompt(pilot: Pilot[None]) -> str | None:
    line = pilot.app.screen.query_one("#doc-ack", Static)
    return " ".join(plain(line).split()) if line.display else None


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


def main_subject(root: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%s", "main"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


async def test_the_reader_prompts_and_a_acknowledges_after_the_dialog(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Carmen opens SOP-003: the prompt names v2.2 and the
    key; `a` opens the dialog stating "read and understood"; `n` signs nothing; `a` then
    `y` commits the acknowledgement on main and the prompt says when."""
    act_as(monkeypatch, "Carmen Ruiz")
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        assert prompt(pilot) == ("You have not acknowledged v2.2 (press a to acknowledge)")
        await pilot.press("a")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, AcknowledgeScreen)
        said = " ".join(" ".join(plain(label).split()) for label in dialog.query(Label))
        assert "read and understood revision 2.2" in said
        assert "Carmen Ruiz <carmen.ruiz@harrowfinch.example>" in said
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, AcknowledgeScreen)
        assert main_subject(demo_path) == "Let git merge run logs line by line"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert main_subject(demo_path) == "Acknowledge SOP-003 2.2: read and understood"
        assert "Acknowledged SOP-003 v2.2 (read and understood)" in notices(pilot.app)
        assert prompt(pilot) == "You acknowledged v2.2 on 2026-11-25 (read and understood)"
        await pilot.press("a")
        await settle(pilot)
        assert "already" in notices(pilot.app)
        assert not isinstance(pilot.app.screen, AcknowledgeScreen)


async def test_no_prompt_for_someone_not_asked_to_read_or_outside_people(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (acknowledgements): Bilal is not asked to read SOP-003: no prompt, and `a`
    opens the dialog all the same (anyone in [people] may acknowledge); a stranger gets
    no prompt and `a` says there is nothing for them."""
    act_as(monkeypatch, "Bilal Okafor")
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        assert prompt(pilot) is None
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AcknowledgeScreen)
    act_as(monkeypatch, "Zoe Stranger")
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        assert prompt(pilot) is None
        await pilot.press("a")
        await settle(pilot)
        assert "nothing for you to acknowledge" in notices(pilot.app)
