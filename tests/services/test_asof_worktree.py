"""A listing of a past date takes a text from today's cached load only when the work-tree
file holds exactly the committed bytes: git's index calls a file clean when a smudge
filter or line-ending conversion changed its bytes, or when git is told not to look at
it (assume-unchanged, skip-worktree), and the text shown as approved must be the
committed one (real repositories; ``services.asof``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sopvault.services.asof import AsOf
from sopvault.services.workspace import Workspace
from sopvault.store.heads import HEADS_NAME
from tests.conftest import MINIMAL_CONFIG, workspace_at, write

pytestmark = pytest.mark.usefixtures("utc")

SOP = "procedures/SOP-1-count.md"
TEXT = (
    '+++\nid = "SOP-1"\ntitle = "Count the pallets"\nkind = "procedure"\nversion = "1.0"\n'
    'status = "effective"\neffective = 2026-01-10\n+++\nCount them twice.\n'
)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """SOP-1 "Count the pallets", committed on 10 January."""
    root = tmp_path / "v"
    git(tmp_path, "init", "-q", "-b", "main", str(root))
    write(root, "sopvault.toml", MINIMAL_CONFIG)
    write(root, SOP, TEXT)
    git(root, "add", "-A")
    when = "2026-01-10T09:00:00Z"
    env = dict(os.environ) | {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "First"], check=True, env=env)
    return root


def listed_title(root: Path) -> tuple[str, int]:
    """SOP-1's title in a listing of 15 March with today's load cached, and how many
    texts the listing took from today's load."""
    ws: Workspace = workspace_at(root)
    ws.vault.state  # noqa: B018 - today's load, now in the cache
    (ws.vault.state_dir / "cache" / HEADS_NAME).unlink(missing_ok=True)
    march = AsOf.open(workspace_at(root), "2026-03-15", whole=False)
    return march.documents["SOP-1"].title, march.state.reused


def checkout_again(root: Path) -> None:
    (root / SOP).unlink()
    git(root, "checkout", "--", ".")


def test_a_clean_work_tree_is_still_taken_from_todays_load(vault: Path) -> None:
    assert listed_title(vault) == ("Count the pallets", 1)


def test_a_smudged_file_is_never_shown_as_approved(vault: Path) -> None:
    git(vault, "config", "filter.up.smudge", "sed s/pallets/SMUDGED/")
    git(vault, "config", "filter.up.clean", "sed s/SMUDGED/pallets/")
    (vault / ".git/info/attributes").write_text(f"{SOP} filter=up\n", encoding="utf-8")
    checkout_again(vault)
    assert "SMUDGED" in (vault / SOP).read_text(encoding="utf-8")
    assert listed_title(vault) == ("Count the pallets", 0)


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_an_edit_git_is_told_not_to_see_is_never_shown_as_approved(vault: Path, flag: str) -> None:
    git(vault, "update-index", flag, SOP)
    write(vault, SOP, TEXT.replace("Count the pallets", "Never approved"))
    assert listed_title(vault) == ("Count the pallets", 0)


def test_converted_line_endings_are_read_from_git(vault: Path) -> None:
    git(vault, "config", "core.autocrlf", "true")
    checkout_again(vault)
    assert b"\r\n" in (vault / SOP).read_bytes()
    assert listed_title(vault) == ("Count the pallets", 0)


def searched(root: Path, words: str) -> list[str]:
    """The ids a search as of 15 March finds for ``words`` (today's index built first)."""
    ws = workspace_at(root)
    ws.vault.search("pallets")  # today's index, built from the work tree as it is
    march = AsOf.open(workspace_at(root), "2026-03-15", whole=False)
    return [hit.id for hit in march.search(words).hits]


def test_a_search_of_then_never_finds_a_smudged_text(vault: Path) -> None:
    """Issue 14: a search as of a date answers from today's index only for files that
    hold exactly the text of then; a smudged file (its clean filter gives the committed
    blob back, so git calls it unchanged) is searched as it was approved."""
    git(vault, "config", "filter.up.smudge", "sed s/pallets/SMUDGED/")
    git(vault, "config", "filter.up.clean", "sed s/SMUDGED/pallets/")
    (vault / ".git/info/attributes").write_text(f"{SOP} filter=up\n", encoding="utf-8")
    checkout_again(vault)
    assert searched(vault, "pallets") == ["SOP-1"]
    assert searched(vault, "SMUDGED") == []


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_a_search_of_then_never_finds_an_edit_git_is_told_not_to_see(
    vault: Path, flag: str
) -> None:
    git(vault, "update-index", flag, SOP)
    write(vault, SOP, TEXT.replace("Count the pallets", "Never approved"))
    assert searched(vault, "pallets") == ["SOP-1"]
    assert searched(vault, "approved") == []


def test_a_search_of_then_finds_a_text_today_reaches_only_through_a_folder_link(
    vault: Path,
) -> None:
    """Issue 14: a file of then that today sits behind a symbolic link to a folder holds
    the text of then byte for byte, yet today's scan never enters the link, so today's
    index does not hold it: it is searched as it was, never dropped."""
    git(vault, "mv", "procedures", "docs")
    (vault / "procedures").symlink_to("docs")
    git(vault, "add", "procedures")
    when = "2026-04-01T09:00:00Z"
    env = dict(os.environ) | {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    subprocess.run(["git", "-C", str(vault), "commit", "-qm", "Moved"], check=True, env=env)
    assert (vault / SOP).read_text(encoding="utf-8") == TEXT  # through the link
    assert searched(vault, "pallets") == ["SOP-1"]
