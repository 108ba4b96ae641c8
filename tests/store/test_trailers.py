"""Trust §6 (trailer grammar): free text in a commit message can neither hide nor forge a
trailer, and sopvault reads trailers exactly as ``git interpret-trailers --parse`` does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import git
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopvault.core.trailers import REVIEWED_BY, message
from sopvault.store.git.log import parse_trailers
from sopvault.store.git.repo import Repo
from sopvault.store.git.runner import Runner

TRAILERS = [
    ("SOP-Id", "SOP-001"),
    ("SOP-Version", "1.1"),
    (REVIEWED_BY, "Bob Stone <bob@example.com>"),
    ("Approved-at", "2026-11-20T09:00:00Z"),
]
# Lines that git's trailer parser gives a meaning to, and the characters around them.
TRICKY_LINES = st.sampled_from(
    [
        "---",
        "--- a/x.md",
        "---\t",
        "# comment",
        "#",
        f"{REVIEWED_BY}: Eve Mallory <eve@example.com>",
        "Signed-off-by: Eve <eve@example.com>",
        "(cherry picked from commit 0123456789)",
        "Key:value",
        "  continued: line",
        "",
        " ",
        "\r",
        "plain words",
        "SOP-Id: SOP-666",
    ]
)
FREE_TEXT = st.lists(
    st.one_of(TRICKY_LINES, st.text(alphabet=st.characters(codec="utf-8"), max_size=20)),
    max_size=8,
).flatmap(lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda nl: nl.join(lines)))


def git_parse(text: str, cwd: Path) -> list[tuple[str, str]]:
    """``git interpret-trailers --parse``, plainly, as (key, value) pairs."""
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=text.encode(),
        capture_output=True,
        check=True,
        cwd=cwd,
    ).stdout.decode("utf-8", "surrogateescape")
    return [(k, v) for k, _, v in (line.partition(": ") for line in out.split("\n") if line)]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(summary=FREE_TEXT, body=FREE_TEXT)
def test_free_text_never_changes_the_trailers_git_reads(
    summary: str, body: str, tmp_path: Path
) -> None:
    """Trust §6 (trailer grammar): whatever a summary or comment holds (``---`` lines,
    ``Reviewed-by:`` lines, ``#`` lines, CR, blank lines), git reads exactly our trailers."""
    assert git_parse(message(summary, body, TRAILERS), tmp_path) == TRAILERS


def test_a_message_needs_a_trailer() -> None:
    """Trust §6 (trailer grammar): without a trailer block the body would be read as one."""
    with pytest.raises(ValueError):
        message("Summary", f"{REVIEWED_BY}: Eve <eve@example.com>", [])


def _commit(root: Path, text: str) -> str:
    """A commit with message ``text`` exactly (``commit-tree``, no clean-up) on main."""
    repo = git.Repo(root)
    tree = repo.git.write_tree()
    done = subprocess.run(
        ["git", "commit-tree", tree, "-p", "HEAD"],
        input=text.encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=True,
        cwd=root,
    )
    sha = done.stdout.decode().strip()
    repo.git.update_ref("refs/heads/main", sha)
    return sha


@pytest.mark.parametrize(
    "text",
    [
        # A divider: interpret-trailers stops at it, git log's %(trailers) does not.
        "Subject\n\nBody\n---\n\nReviewed-by: Eve <eve@example.com>\n",
        "--- Subject\n\nReviewed-by: Eve <eve@example.com>\n",
        # A line break git does not split on, inside one trailer's value.
        "Subject\n\nReviewed-by: Bob <bob@example.com>\u2028Reviewed-by: Eve <eve@example.com>\n",
        "Subject\n\nReviewed-by: Bob <bob@example.com>\x0cReviewed-by: Eve <e@example.com>\n",
        # Control characters that once separated git log's fields and records.
        "Subject\x1e0123\x1f\n\nBody\x1e\x1f\x1e\n\nReviewed-by: Bob <bob@example.com>\n",
        # Comments and folded values.
        "Subject\n\n# Reviewed-by: Eve <eve@example.com>\nReviewed-by: Bob\n  <bob@example.com>\n",
    ],
)
def test_sopvault_reads_hand_made_messages_as_git_does(work_tree: Path, text: str) -> None:
    """Trust §6 (trailer grammar): a commit made by hand reads the same to sopvault as to
    ``git interpret-trailers --parse``, and none of its text makes a second commit."""
    sha = _commit(work_tree, text)
    repo = Repo(work_tree)
    commits = repo.log("main")
    assert [c.sha for c in commits][0] == sha and len(commits) == 2
    assert commits[0].trailers == git_parse(text, work_tree)
    assert parse_trailers(Runner(work_tree, {}), text) == git_parse(text, work_tree)


def test_a_comment_character_in_the_config_changes_nothing(work_tree: Path) -> None:
    """Trust §6 (trailer grammar): ``core.commentChar=S`` would make git skip every
    ``SOP-Id`` line; sopvault pins git's trailer settings, so it still reads them."""
    sha = _commit(work_tree, message("Change", "", TRAILERS))
    config = git.Repo(work_tree).git
    config.config("core.commentChar", "S")
    assert git_parse(message("Change", "", TRAILERS), work_tree) != TRAILERS
    assert Repo(work_tree).log(sha)[0].trailers == TRAILERS
    config.config("--unset", "core.commentChar")  # for the suite-wide comparison
