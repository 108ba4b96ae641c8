"""``sopvault diff`` and ``sopvault reviews show`` in words on the demo vault (real git
history: SOP-003 2.0, 2.1, 2.2; proposal 6 open for WI-004), with ``--raw`` and ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sopvault.cli.app import cli
from tests.conftest import act_as, commit_all

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"


def run(root: Path, *args: str) -> Result:
    """The command on the demo vault, its output not a terminal (plain marks)."""
    return CliRunner().invoke(cli, ["--vault", str(root), *args], catch_exceptions=False)


def test_diff_shows_the_last_change_in_words_by_default(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): the reworded step with its words marked, the
    version and dates last, on one line; no TOML lines."""
    result = run(demo_path, "diff", "SOP-003")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("SOP-003 2.1 (") and "-> SOP-003 2.2 (" in out.splitlines()[0]
    assert "1 step reworded" in out
    assert "~ step 3 reworded" in out
    assert "lead time{+, usage+} or [-usage-]{+supplier+} changed" in out
    assert "version [-2.1-] -> {+2.2+} · effective [-2026-03-12-] -> {+2026-09-15+}" in out
    assert 'action = "' not in out and "@@" not in out


def test_diff_between_two_named_versions_gathers_both_edits(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): 2.0 to 2.2: two steps reworded, each paired with
    itself."""
    out = run(demo_path, "diff", "SOP-003", "2.0", "2.2").output
    assert "2 steps reworded" in out
    assert "~ step 1 reworded" in out and "~ step 3 reworded" in out
    assert "{+, including items on back order,+}" in out


def test_raw_shows_gits_diff_as_before(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): ``--raw`` is the unified diff of the texts."""
    out = run(demo_path, "diff", "SOP-003", "--raw").output
    assert out.startswith("--- SOP-003 2.1") and '-version = "2.1"' in out
    assert '+version = "2.2"' in out and "{+" not in out


def test_diff_json_is_the_structured_diff(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): ``--json`` for scripts."""
    data = json.loads(run(demo_path, "diff", "SOP-003", "--json").output)
    assert data["id"] == "SOP-003" and data["structured"] is True
    assert data["summary"] == "1 step reworded"
    (step,) = data["steps"]
    assert (step["change"], step["old_number"], step["new_number"]) == ("changed", 3, 3)
    assert ["added", "supplier"] in step["action"]


def test_reviews_show_gives_the_proposal_in_words_and_raw_on_request(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): proposal 6 (a sentence added to WI-004's body)
    as a word diff, git's diff with ``--raw``, and its changes in the JSON."""
    out = run(demo_path, "reviews", "show", "6").output
    assert "summary:  Weekly counts for fast-moving items" in out
    assert "WI-004: main (" in out and "-> proposal 6 (" in out
    assert "{+Count the fast movers weekly and everything else monthly.+}" in out
    assert "status [-effective-] -> {+in_review+}" in out
    raw = run(demo_path, "reviews", "show", "6", "--raw").output
    assert "diff --git" in raw and "+Count the fast movers weekly" in raw and "{+" not in raw
    data = json.loads(run(demo_path, "reviews", "show", "6", "--json").output)
    (change,) = data["changes"]
    assert change["id"] == "WI-004" and change["summary"] == "body changed"
    assert data["number"] == 6  # the proposal's own fields are still there


def test_a_revision_that_does_not_parse_falls_back_to_the_text_diff(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): a commit whose SOP-003 has a kind no document
    has: one line says why, then the raw diff; exit 0, no traceback."""
    path = demo_path / SOP3
    path.write_text(path.read_text("utf-8").replace('"procedure"', '"gizmo"'), "utf-8")
    commit_all(demo_path, "A broken kind, committed without review")
    result = run(demo_path, "diff", "SOP-003", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    first, why = result.output.splitlines()[:2]
    assert first.startswith("SOP-003 at HEAD~1 (")
    assert "SOP-003 at HEAD (" in why and "cannot be read as a document" in why
    assert "showing the text diff" in why
    assert '-kind = "procedure"' in result.output and '+kind = "gizmo"' in result.output


def test_no_differences_is_said_on_stderr(demo_path: Path) -> None:
    """Issue 14 (what changed, in words): the same revision twice."""
    result = CliRunner().invoke(
        cli, ["--vault", str(demo_path), "diff", "SOP-003", "2.2", "2.2"], catch_exceptions=False
    )
    assert result.exit_code == 0 and "no differences" in result.output


def test_a_new_document_in_a_proposal_says_so_and_shows_its_text(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (what changed, in words): a proposal bringing a new document has nothing
    to compare it with: one line says so, then git's diff of the whole file."""
    (demo_path / "procedures/SOP-777-label-returns.md").write_text(
        '+++\nid = "SOP-777"\ntitle = "Label returns"\nkind = "procedure"\nstatus = "draft"\n'
        'owner = "carmen"\n\n[[steps]]\naction = "Print the return label"\n+++\nBody.\n',
        "utf-8",
    )
    act_as(monkeypatch, "Carmen Ruiz")
    assert run(demo_path, "propose", "SOP-777", "-m", "Returns labels").exit_code == 0
    out = run(demo_path, "reviews", "show", "7").output
    assert "SOP-777: (none) -> proposal 7 (" in out
    assert "SOP-777 is new in proposal 7" in out and "showing the text diff" in out
    assert "new file mode" in out and '+action = "Print the return label"' in out
