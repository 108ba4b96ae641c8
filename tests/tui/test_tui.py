"""The TUI driven headless with Pilot on real vaults."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from sopvault.tui.app import SopVaultApp
from sopvault.tui.dialogs.filter import FilterScreen
from sopvault.tui.screens.browse import BrowseScreen
from sopvault.tui.screens.help import HelpScreen
from sopvault.tui.screens.search import SearchScreen
from sopvault.tui.widgets.doc_view import DocView
from sopvault.tui.widgets.problems_panel import ProblemsPanel
from sopvault.tui.widgets.search_results import SearchResults
from tests.conftest import workspace_at
from tests.tui.helpers import cursor_id, loaded, plain, press_down_to, search_settled, settle

SIZE = (120, 40)


def make_app(path: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(path))


async def test_first_screen_shows_policies_and_status(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        groups = [str(node.label) for node in tree.root.children]
        assert groups == ["Policies  6"]
        policies = [n.data.doc_id for n in tree.root.children[0].children if n.data]
        assert len(policies) == 6 and "POL-001" in policies
        status = plain(app.screen.query_one("#status"))
        assert "38 documents" in status and "0 errors" in status


async def test_navigate_down_the_tree_and_read_a_procedure(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await press_down_to(pilot, tree, "POL-004")
        await pilot.press("right")  # open the health and safety policy
        await settle(pilot)
        await press_down_to(pilot, tree, "PRC-005")
        await pilot.press("right")
        await settle(pilot)
        children = [n.data.doc_id for n in tree.cursor_node.children if n.data]
        assert children[:3] == ["PRC-001", "PRC-003", "PRC-006"]  # related links first
        assert {"SOP-009", "SOP-010", "STD-002", "FRM-004"} <= set(children)
        await press_down_to(pilot, tree, "SOP-010")
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(DocView)
        assert view.document is not None and view.document.id == "SOP-010"
        steps = plain(view.query_one("#doc-steps"))
        assert " 2. Check the hot water temperature before filling" in steps
        assert "CONTROL POINT" in steps and "[plant operator]" in steps
        meta = plain(view.query_one("#doc-meta"))
        assert "Hazards" in meta and "heat-resistant gloves" in meta
        assert tree.cursor_node is not None and tree.cursor_node.is_expanded  # enter opened it
        await pilot.press("left")  # closes the branch
        assert cursor_id(tree) == "SOP-010" and not tree.cursor_node.is_expanded
        await pilot.press("left")  # then steps out to the parent
        assert cursor_id(tree) == "PRC-005"


async def test_related_link_jumps_to_the_process(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await press_down_to(pilot, tree, "POL-006")
        await pilot.press("right")
        await settle(pilot)
        await press_down_to(pilot, tree, "PRC-004")
        await pilot.press("right")
        await settle(pilot)
        await pilot.press("down")  # first child: the ↔ link to PRC-001
        node = tree.cursor_node
        assert node is not None and node.data is not None and node.data.role == "link"
        assert str(node.label).startswith("↔ PRC-001")
        await pilot.press("enter")
        await settle(pilot)
        assert cursor_id(tree) == "PRC-001"
        assert app.screen.query_one(DocView).document.id == "PRC-001"  # type: ignore[union-attr]


async def test_filter_by_kind_and_clear(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-kind", Select).value = "work_instruction"
        await pilot.click("#filter-apply")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        groups = tree.root.children
        assert len(groups) == 1
        ids = [n.data.doc_id for n in groups[0].children if n.data]
        assert ids == ["WI-001", "WI-002", "WI-003", "WI-004", "WI-005"]
        assert "filter: work_instruction" in plain(app.screen.query_one("#status"))
        await pilot.press("f")
        await settle(pilot)
        await pilot.click("#filter-clear")
        await settle(pilot)
        assert [str(n.label) for n in tree.root.children] == ["Policies  6"]


async def test_help_screen_opens_and_closes(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_broken_vault_lists_problems_and_good_documents(broken_path: Path) -> None:
    app = make_app(broken_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        shown = {n.data.doc_id for group in tree.root.children for n in group.children if n.data}
        assert "POL-1" in shown
        status = plain(app.screen.query_one("#status"))
        assert "5 files skipped" in status
        panel = app.screen.query_one(ProblemsPanel)
        assert not panel.display
        await pilot.press("p")
        await settle(pilot)
        assert panel.display and panel.row_count >= 13
        # choose the finding about the unknown parent: it opens that document
        target = next(i for i in range(panel.row_count) if "NOPE" in str(panel.get_row_at(i)[2]))
        panel.move_cursor(row=target)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(DocView)
        assert view.document is not None and view.document.id == "B-5"
        assert "unknown" not in plain(view.query_one("#doc-title"))
        assert "parent 'NOPE'" in plain(view.query_one("#doc-findings"))


async def test_escape_sequences_in_files_are_inert_in_the_tui(sample_path: Path) -> None:
    (sample_path / "policies" / "evil.md").write_text(
        '+++\nid = "POL-900"\ntitle = "Evil \\u001b[2J title"\nkind = "policy"\n+++\n'
        "Body \x1b]0;pwned\x07\n"
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        labels = [str(n.label) for n in tree.root.children[0].children]
        evil = next(label for label in labels if "POL-900" in label)
        assert "\x1b" not in evil and "^[[2J" in evil
        await press_down_to(pilot, tree, "POL-900")
        await settle(pilot)
        view = app.screen.query_one(DocView)
        assert view.document is not None and view.document.id == "POL-900"
        assert "\x1b" not in plain(view.query_one("#doc-title"))


async def test_reload_picks_up_a_new_document(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        (sample_path / "policies" / "new.md").write_text(
            '+++\nid = "POL-050"\ntitle = "Anti-bribery policy"\nkind = "policy"\n+++\n'
        )
        await pilot.press("r")
        tree = await loaded(pilot)
        assert "Policies  7" == str(tree.root.children[0].label)


async def test_nothing_but_a_hint_before_a_document_is_chosen(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        view = app.screen.query_one(DocView)
        assert view.document is None
        assert "Select a document" in plain(view.query_one("#doc-title"))
        assert not view.query_one("#doc-findings").display


async def type_and_wait(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press(char if char != " " else "space")
    await search_settled(pilot)


async def test_search_as_you_type_and_open_a_result(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await type_and_wait(pilot, "reorder point")
        results = app.screen.query_one(SearchResults)
        assert results.option_count >= 3
        assert results.get_option_at_index(0).id == "SOP-003"
        await pilot.press("down", "down")  # into the list, then the second hit
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        second = app.screen.query_one(DocView).document
        assert second is not None and second.id != "SOP-003"
        assert cursor_id(tree) == second.id


async def test_search_enter_opens_the_best_hit_and_escape_returns(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await loaded(pilot)
        await pilot.press("slash")
        await type_and_wait(pilot, "flotation cell")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(DocView).document.id == "WI-001"  # type: ignore[union-attr]
        assert cursor_id(tree) == "WI-001"
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one(DocView).document.id == "WI-001"  # type: ignore[union-attr]


async def test_search_says_how_far_an_index_build_has_got(sample_path: Path) -> None:
    from sopvault.tui.messages import IndexBuilding

    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.post_message(IndexBuilding(21, 84))
        await settle(pilot)
        status = plain(app.screen.query_one("#search-status"))
        assert status.strip() == "Building the search index… 25%"
        await type_and_wait(pilot, "flotation cell")  # the first search builds; it answers
        assert "found" in plain(app.screen.query_one("#search-status"))


async def test_search_shows_typo_help_and_query_errors(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await type_and_wait(pilot, "respirtor")
        status = plain(app.screen.query_one("#search-status"))
        assert "showing results for: respirator" in status
        search_input = app.screen.query_one(Input)
        search_input.value = 'colour:"blue'
        await search_settled(pilot)
        status = plain(app.screen.query_one("#search-status"))
        assert "unbalanced quote" in status
        assert app.screen.query_one(SearchResults).option_count > 0  # old hits stay
