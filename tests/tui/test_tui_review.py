"""The TUI's document control, driven headless with Pilot on real repositories: history and
diffs, editing in $EDITOR, the propose dialog, and the reviews inbox with sign-off rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import git
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, SelectionList, Static

from sopvault.services.review.control import DocumentControl
from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.propose import ProposeScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.widgets.doc_view import DocView
from tests.conftest import act_as, copy_sample, workspace_at
from tests.tui.helpers import loaded, open_document, plain, settle

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
BACK_ORDER = "including items on back order"


def make_app(root: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(root))


def text_of(pilot: Pilot[None], selector: str) -> str:
    """What a Static shows; a line of prose wrapped by the console is joined again."""
    text = plain(pilot.app.screen.query_one(selector, Static))
    return text if "\n+" in text or "\n-" in text else " ".join(text.split())


def notices(app: App[None]) -> str:
    return "\n".join(n.message for n in app._notifications)


def main_head(root: Path) -> git.Commit:
    return git.Repo(root).commit("main")


# ---- history ---------------------------------------------------------------------------


async def test_history_lists_revisions_and_diffs_each_against_the_one_before(
    demo_path: Path,
) -> None:
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        versions = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert versions == ["2.2", "2.1", "2.0"]
        assert "Alice Moreno" in str(table.get_row_at(1)[4])  # approved by

        # newest first: 2.2 against 2.1 (the supplier-change edit only)
        assert "Changes from 2.1 to 2.2" in text_of(pilot, "#history-compare")
        diff = text_of(pilot, "#history-diff")
        assert "supplier" in diff and BACK_ORDER not in diff  # step 1 did not change here

        await pilot.press("down")
        await settle(pilot)
        assert "Changes from 2.0 to 2.1" in text_of(pilot, "#history-compare")
        assert f"{BACK_ORDER}, from the inventory system" in text_of(pilot, "#history-diff")

        await pilot.press("down")
        await settle(pilot)  # the first revision: everything is new
        assert "nothing (first revision) to 2.0" in text_of(pilot, "#history-compare")
        assert '+id = "SOP-003"' in text_of(pilot, "#history-diff")


async def test_pin_a_revision_to_compare_any_two(demo_path: Path) -> None:
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down", "down", "c")  # pin 2.0
        await settle(pilot)
        await pilot.press("up", "up")  # to 2.2: compared with the pinned 2.0
        await settle(pilot)
        compare = text_of(pilot, "#history-compare")
        assert "Changes from 2.0 to 2.2" in compare and "pinned: 2.0" in compare
        diff = text_of(pilot, "#history-diff")
        assert BACK_ORDER in diff and "supplier" in diff  # both later changes at once

        await pilot.press("down", "down", "c")  # c on the pinned row unpins
        await settle(pilot)
        await pilot.press("up", "up")
        await settle(pilot)
        assert "Changes from 2.1 to 2.2" in text_of(pilot, "#history-compare")
        assert "pinned" not in text_of(pilot, "#history-compare")


async def test_unsaved_edits_show_as_the_working_copy_row(demo_path: Path) -> None:
    path = demo_path / SOP3
    path.write_text(path.read_text(encoding="utf-8") + "\nA new closing note.\n", "utf-8")
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[1]) == "working copy"
        assert "Changes from 2.2 to working copy" in text_of(pilot, "#history-compare")
        assert "Body … A new closing note." in text_of(pilot, "#history-diff")  # in words
        await pilot.press("d")  # git's diff, as before
        assert "+A new closing note." in text_of(pilot, "#history-diff")


async def test_history_outside_git_explains_and_keeps_browsing(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    copy_sample(root)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        for key in ("h", "c", "i"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen)
        assert "not in a git repository" in notices(app)


# ---- edit and propose ------------------------------------------------------------------


@pytest.fixture
def scripted_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$EDITOR is a program that makes one edit, as a person would in vi."""
    script = tmp_path / "edit it.py"  # a space in the path: no shell may split it
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text(encoding='utf-8').replace("
        "'Export the stock report', 'Download the stock report', 1), encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VISUAL", "")
    monkeypatch.setenv("EDITOR", f"{sys.executable} '{script}'")


async def test_edit_then_propose_a_major_revision(
    demo_path: Path, scripted_editor: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "Carmen Ruiz")
    untouched = {
        p: p.read_bytes() for p in (demo_path / "procedures").iterdir() if "SOP-003" not in p.name
    }
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = await open_document(pilot, "SOP-003")
        await pilot.press("e")
        await settle(pilot)
        assert "Download the stock report" in (demo_path / SOP3).read_text("utf-8")
        doc = browser.query_one(DocView).document
        assert doc is not None and doc.id == "SOP-003"  # reopened after the reload

        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProposeScreen)
        # SOP-003 is ticked; WI-004's edit already waits for review and is not
        assert dialog.query_one(SelectionList).selected == ["SOP-003"]
        assert "WI-004" in str(dialog.query_one(SelectionList).get_option_at_index(1).prompt)
        assert "SOP-003 2.2 → 2.3" in text_of(pilot, "#propose-versions")

        await pilot.press("enter")  # no summary yet: refused in the dialog
        await settle(pilot)
        assert app.screen is dialog
        assert "Write a summary" in text_of(pilot, "#propose-error")

        await pilot.click("#propose-major")
        await settle(pilot)
        assert "SOP-003 2.2 → 3.0" in text_of(pilot, "#propose-versions")
        dialog.query_one("#propose-summary", Input).focus()
        await pilot.press(*"Download, not export")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "waits for review" in notices(app)

    found = DocumentControl(workspace_at(demo_path)).proposals.listing()
    mine = [p for p in found if "SOP-003" in p.documents]
    assert len(mine) == 1
    assert mine[0].documents == {"SOP-003": "3.0"}
    assert mine[0].summary == "Download, not export"
    assert mine[0].author.name == "Carmen Ruiz"
    assert {p: p.read_bytes() for p in untouched} == untouched


async def test_propose_without_edits_says_what_to_do(demo_path: Path) -> None:
    git.Repo(demo_path).git.checkout("--", ".")  # drop the demo's open WI-004 edit
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "press e to edit" in notices(app)


async def test_a_failed_propose_keeps_what_was_typed(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_path / SOP3
    path.write_text(
        path.read_text("utf-8").replace("parents = [", 'parents = ["PRC-404", '), "utf-8"
    )
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProposeScreen)
        selection = dialog.query_one(SelectionList)
        sop3 = next(
            i
            for i in range(selection.option_count)
            if selection.get_option_at_index(i).value == "SOP-003"
        )
        selection.select(selection.get_option_at_index(sop3))
        dialog.query_one("#propose-summary", Input).value = "Tidy the kind"
        await pilot.click("#propose-ok")
        await settle(pilot)
        assert app.screen is dialog
        assert "error" in text_of(pilot, "#propose-error")
        assert dialog.query_one("#propose-summary", Input).value == "Tidy the kind"
        assert not dialog.query_one("#propose-ok", Button).disabled


# ---- reviews inbox ---------------------------------------------------------------------


async def test_inbox_shows_the_self_approval_rule_before_the_button(demo_path: Path) -> None:
    before = main_head(demo_path).hexsha
    app = make_app(demo_path)  # the tests run as Alice Moreno, who proposed WI-004
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        assert "you are Alice Moreno" in text_of(pilot, "#reviews-title")
        verdict = text_of(pilot, "#reviews-verdict")
        assert "may not approve" in verdict and "nobody approves their own change" in verdict
        assert app.screen.query_one("#reviews-approve", Button).disabled
        assert "WI-004 1.1" in text_of(pilot, "#reviews-diff")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)  # no comment dialog
        assert "own change" in notices(app)
    assert main_head(demo_path).hexsha == before


async def test_approve_from_the_inbox_puts_the_change_on_main(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "Bilal Okafor")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert "You may approve this" in text_of(pilot, "#reviews-verdict")
        assert not app.screen.query_one("#reviews-approve", Button).disabled
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CommentScreen)
        await pilot.press(*"Matches the count sheet")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        assert "Nothing waits for review" in text_of(pilot, "#reviews-verdict")
        await pilot.press("escape")
        await settle(pilot)
        doc = app.screen.query_one(DocView)  # the browser reloaded
        assert isinstance(app.screen, BrowseScreen) and doc is not None

    head = main_head(demo_path)
    trailers = dict(head.trailers_list)
    assert trailers["SOP-Id"] == "WI-004"
    assert trailers["Reviewed-by"] == "Bilal Okafor <bilal.okafor@harrowfinch.example>"
    assert head.author.name == "Alice Moreno"
    assert "Matches the count sheet" in str(head.message)


async def test_reject_needs_a_reason_and_a_failed_approval_keeps_the_comment(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "Bilal Okafor")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("x", "enter")  # no reason: refused in the dialog
        await settle(pilot)
        assert isinstance(app.screen, CommentScreen)
        assert "A reason is required" in text_of(pilot, "#comment-error")
        await pilot.press("escape")
        await settle(pilot)

        # Someone else rejects it meanwhile; our approval then fails, the comment stays.
        act_as(monkeypatch, "Hana Sato")
        DocumentControl(workspace_at(demo_path)).proposals.reject("6", "Counts stay monthly")
        act_as(monkeypatch, "Bilal Okafor")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Looks right", "enter")
        await settle(pilot)
        assert "proposal 6 is no longer open: it was rejected by Hana Sato" in notices(app)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.query_one("#comment-input", Input).value == "Looks right"
        await pilot.press("escape", "r")
        await settle(pilot)
        assert "Nothing waits for review" in text_of(pilot, "#reviews-verdict")

    rejected = git.Repo(demo_path).git.for_each_ref("refs/heads/rejected/", format="%(refname)")
    assert "refs/heads/rejected/WI-004/6" in rejected


async def test_reject_from_the_inbox_keeps_the_reason_in_git(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, "Bilal Okafor")
    async with make_app(demo_path).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("x", *"Counts stay monthly until the audit", "enter")
        await settle(pilot)
        assert "Rejected proposal 6" in notices(pilot.app)
    prop = DocumentControl(workspace_at(demo_path)).proposals.get("6", "rejected")
    assert prop.reason == "Counts stay monthly until the audit"
    assert prop.rejected_by is not None and prop.rejected_by.name == "Bilal Okafor"


async def test_history_on_a_shallow_crlf_clone_says_it_is_partial(
    demo_path: Path, tmp_path: Path
) -> None:
    """Trust §5 and §7: the history screen of a shallow clone says older revisions may be
    missing and how to fetch them; a CRLF checkout of main's text is no "working copy" row."""
    clone = tmp_path / "shallow"
    for args in (
        # Depth 2: the demo's last commit adds .gitattributes, after SOP-003's approval.
        ["clone", "-q", "--depth", "2", f"file://{demo_path}", str(clone)],
        ["-C", str(clone), "config", "core.autocrlf", "true"],
        ["-C", str(clone), "rm", "-q", "--cached", "-r", "."],
        ["-C", str(clone), "reset", "-q", "--hard"],
    ):
        subprocess.run(["git", *args], check=True, capture_output=True)
    assert b"\r\n" in (clone / SOP3).read_bytes()
    async with make_app(clone).run_test(size=(120, 40)) as pilot:
        await open_document(pilot, "SOP-003")
        await pilot.press("h")
        await settle(pilot)
        assert "git fetch --unshallow" in text_of(pilot, "#history-title")
        table = pilot.app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["2.2"]
