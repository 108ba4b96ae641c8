"""Trust §8 (inert text): the TUI shows text from documents, configs, git and users literally
(markup as typed, controls visible) in every screen, notice and dialog; asserted on the
rendered screen (the compositor's strips), not on the model."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from rich.segment import Segment
from textual.app import App
from textual.widgets import Markdown

from sopvault.errors import SopvaultError
from sopvault.render.safetext import inert_line
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.tui.app import SopVaultApp
from sopvault.tui.messages import ShowText, WorkFailed
from sopvault.tui.screens.history import HistoryScreen
from sopvault.tui.screens.reviews import ReviewsScreen
from sopvault.tui.screens.run import RunScreen
from sopvault.tui.widgets.problems_panel import ProblemsPanel
from tests.conftest import act_as, commit_all, copy_sample, workspace_at
from tests.hostile import assert_inert, hostile, write_hostile
from tests.tui.helpers import open_document, settle

PACKAGE = Path(__file__).resolve().parents[2] / "sopvault"

# Markup first (a narrow pane still shows it), then what acts on a terminal or the reader.
TITLE = "[bold red]T[/] [@click=app.quit]q[/] \x1b[31mred\x9b1m\u202eevil\nnext\tline"
OWNER = "[link=https://evil.example]x[/link]\x07"
STEP = "[b]Check[/b] \x1b]8;;https://evil.example\x07the valve\x1b]8;;\x07\r\nfake step 2"
BODY = (
    "Read [@click=app.quit]this[/] and [the guide](app.quit).\n\n"
    "\x1b[2J\x1b[H cleared? \u202eevil \x85 zanzibar\n"
)
NAME = "[bold]Zed[/bold] \x1b[5m\u2066Z"
SUMMARY = "[@click=app.quit]S[/] \x1b[31mred\u202e\nsecond"


def hostile_vault(root: Path, title: str = TITLE, step: str = STEP, body: str = BODY) -> Path:
    copy_sample(root)
    write_hostile(root, title=title, owner=OWNER, step=step, body=body, name=NAME)
    commit_all(root)
    return root


def segments(app: App[None]) -> list[Segment]:
    """Every segment of the screen as the terminal would receive it (toasts included)."""
    return [seg for strip in app.screen._compositor.render_strips() for seg in strip]


def screen_text(app: App[None]) -> str:
    """The screen as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def assert_literal(app: App[None], *expected: str) -> None:
    """Nothing raw on screen, no action under a click but a Markdown link's own ``link(...)``
    (it only posts LinkClicked, see ``DocView.show_link``), and each ``expected`` (already in
    its inert form) visible as typed."""
    text = screen_text(app)
    assert_inert(text)
    for seg in segments(app):
        action = seg.style.meta.get("@click") if seg.style is not None else None
        assert action is None or str(action).startswith("link("), (seg.text, action)
    for piece in expected:
        assert piece in text, (piece, text)


def make_app(root: Path) -> SopVaultApp:
    return SopVaultApp(workspace_at(root))


async def shows(
    root: Path, doc_id: str, keys: tuple[str, ...], screen: type, *expected: str
) -> None:
    """Open ``doc_id``, press ``keys`` one by one, and check the screen reached shows each
    ``expected`` literally (``assert_literal``)."""
    app = make_app(root)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_document(pilot, doc_id)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, screen)
        assert_literal(app, *expected)


async def test_browse_shows_a_hostile_document_literally(tmp_path: Path) -> None:
    """Trust §8 (inert text): title, owner, steps, body and a config person name show as
    typed in the tree, the title line, the metadata, the steps and the Markdown body."""
    root = hostile_vault(tmp_path / "vault")
    async with make_app(root).run_test(size=(160, 50), notifications=True) as pilot:
        await open_document(pilot, "SOP-900")
        assert_literal(
            pilot.app,
            "SOP-900  [bold red]T[/] [@click=app.quit]q[/] ^[[31mred<U+009B>1m<U+202E>evil⏎next",
            "[link=https://evil.example]x[/link]^G",
            "Check [b]Check[/b] ^[]8;;https://evil.example^Gthe valve",
            "[@click=app.quit]this[/]",
            "^[[2J^[[H cleared? <U+202E>evil",
        )
        assert "fake step 2" not in screen_text(pilot.app).split("⏎fake step 2")[0]
        await open_document(pilot, "SOP-901")
        assert_literal(pilot.app, "[bold]Zed[/bold] ^[[5m<U+2066>Z (zed)")


async def test_a_link_in_a_document_runs_nothing_and_is_shown(tmp_path: Path) -> None:
    """Trust §8 (inert text): clicking a link in a body neither runs an action nor opens
    anything: the app keeps running and a notice shows the target, inert."""
    root = hostile_vault(tmp_path / "vault")
    async with make_app(root).run_test(size=(160, 50), notifications=True) as pilot:
        await open_document(pilot, "SOP-900")
        body = pilot.app.screen.query_one("#doc-body", Markdown)
        await body.children[0].action_link("app.quit\x1b[31m")
        await settle(pilot)
        assert pilot.app.is_running
        assert_literal(pilot.app, "link to app.quit^[[31m")


async def test_notices_and_dialogs_show_text_literally(tmp_path: Path) -> None:
    """Trust §8 (inert text): an error notice quoting hostile text and a text dialog with a
    hostile title render it as typed, on one line."""
    root = hostile_vault(tmp_path / "vault")
    app = make_app(root)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_document(pilot, "SOP-900")
        app.post_message(WorkFailed(SopvaultError(f"bad {TITLE}"), "app", f"T {OWNER}"))
        await settle(pilot)
        assert_literal(app, "[@click=app.quit]q[/]", "T [link=https://evil.example]x[/link]^G")
        app.post_message(ShowText(f"SOP-900 {TITLE}", "body"))
        await settle(pilot)
        assert_literal(app, "SOP-900 [bold red]T[/] [@click=app.quit]q[/]")


async def test_reviews_and_history_show_git_text_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §8 (inert text): a hostile git author name and proposal summary show as typed
    in the reviews inbox and in the history table."""
    root = hostile_vault(tmp_path / "vault")
    path = root / "procedures" / "SOP-003-review-stock-and-reorder-points.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Zed [b]Z[/b] \x1b[31m")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "zed@x.example")
    DocumentControl(workspace_at(root)).proposals.propose(["SOP-003"], SUMMARY)
    author, summary = "Zed [b]Z[/b] ^[[31m", "[@click=app.quit]S[/] ^[[31mred<U+202E>"
    await shows(root, "SOP-003", ("i",), ReviewsScreen, author, summary)
    act_as(monkeypatch, "Bilal Okafor")
    DocumentControl(workspace_at(root)).approvals.approve("1", "ok")
    await shows(root, "SOP-003", ("h",), HistoryScreen, author, "[@click=app.quit]S[/]")


async def test_the_run_screen_shows_steps_and_notes_literally(tmp_path: Path) -> None:
    """Trust §8 (inert text): a run of a hostile procedure shows its title, steps, role and
    a hostile note as typed."""
    root = hostile_vault(tmp_path / "vault")
    runs = Runs(workspace_at(root))
    run = runs.start("SOP-900").run
    runs.mark(run.id, 1, "done", note=f"N {SUMMARY}")
    await shows(
        root,
        "SOP-900",
        ("o", "enter", "up"),  # the open runs, resume the one, back to step 1
        RunScreen,
        "[bold red]T[/] [@click=app.quit]q[/]",
        "Check [b]Check[/b]",
        "N [@click=app.quit]S[/] ^[[31mred<U+202E>⏎second",
    )


async def test_a_file_name_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Trust §8 (inert text): the TUI loads a vault holding ``bad\\xff.md``: the tree shows
    the rest and the problems panel names the file escaped."""
    root = copy_sample(tmp_path / "vault")
    sop = next((root / "procedures").glob("SOP-001-*.md")).read_bytes()
    Path(os.fsdecode(bytes(root / "procedures") + b"/bad\xff.md")).write_bytes(sop)
    commit_all(root)
    app = make_app(root)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_document(pilot, "SOP-001")
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one(ProblemsPanel).display
        assert_literal(app, "procedures/bad\\xff.md")


@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=hostile, step=hostile, body=hostile)
async def test_any_hostile_document_renders_inert(
    tmp_path_factory: pytest.TempPathFactory, title: str, step: str, body: str
) -> None:
    """Trust §8 (inert text): generated hostile titles, steps and bodies never put a raw
    control character on screen nor an action from the file under the mouse."""
    root = hostile_vault(tmp_path_factory.mktemp("h") / "vault", f"T {title}", step, body)
    async with make_app(root).run_test(size=(200, 50), notifications=True) as pilot:
        await open_document(pilot, "SOP-900")
        assert_literal(pilot.app, inert_line(f"T {title}")[:40].rstrip())


def test_notices_and_markup_go_through_one_door() -> None:
    """Trust §8 (inert text): in the TUI, only ``tui/notices.py`` calls ``notify``; nothing
    parses markup (no ``markup=True``, no ``from_markup``); no label, cell, option or tree
    node is built from an f-string or a string literal holding ``[``."""
    sinks = {"Static", "Label", "Option", "update", "add", "add_leaf", "add_row", "Markdown"}
    found = []
    for path in sorted((PACKAGE / "tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            if name == "notify" and path.name != "notices.py":
                found.append(f"{where}: notify outside notices.py")
            if name == "from_markup":
                found.append(f"{where}: from_markup")
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "markup" and not (
                    isinstance(value, ast.Constant) and value.value is False
                ):
                    found.append(f"{where}: markup={ast.unparse(value)}")
            if name in sinks and node.args and _built_string(node.args[0]):
                found.append(f"{where}: {name}() given {ast.unparse(node.args[0])[:40]}")
    assert not found, "\n".join(found)


def _built_string(node: ast.expr) -> bool:
    """An f-string, a concatenation or a literal with ``[``: text that would be markup."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "[" in node.value
