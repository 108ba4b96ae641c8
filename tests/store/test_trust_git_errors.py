"""Trust §9: git's failures are told as what they are. A patch that meets other edits is a
conflict; anything else (a damaged patch, a full disk) keeps git's words; ref moves that
belong together happen together or not at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopvault.store.git import diffs
from sopvault.store.git.errors import GitError
from sopvault.store.git.repo import ZERO, Repo
from sopvault.store.git.runner import NO_SPACE, failure


def test_a_patch_that_meets_other_edits_is_a_conflict_and_nothing_else_is(repo: Repo) -> None:
    """Trust §9 (git apply): only "does not apply" means conflict (None); a damaged patch
    raises GitError with git's own words, never a conflict."""
    base = repo.rev("main") or ""
    ours = repo.commit_tree(repo.tree_with(base, {"b.md": b"beta two\n"}), [base], "ours")
    theirs = repo.commit_tree(repo.tree_with(base, {"b.md": b"beta three\n"}), [base], "theirs")
    assert repo.apply_to(theirs, diffs.patch(repo, base, ours)) is None
    with pytest.raises(GitError, match="git could not apply the change"):
        repo.apply_to(base, b"diff --git a/b.md b/b.md\n--- a/b.md\n+++ b/b.md\n@@ garbage\n")


def test_refs_that_move_together_move_together_or_not_at_all(repo: Repo) -> None:
    """Trust §9 (nothing half done): when one ref of a transaction moved first, none of
    the others move."""
    base = repo.rev("main") or ""
    other = repo.commit_tree(repo.tree_of(base), [base], "other")
    repo.update_ref("refs/heads/review/X/1", base, ZERO)
    repo.update_ref("refs/heads/review/X/1", other, base)  # someone moved it first
    with pytest.raises(GitError):
        repo.update_refs(
            [
                ("refs/heads/approved/X/1", base, ZERO),
                ("refs/heads/review/X/1", None, base),
            ]
        )
    assert repo.rev("refs/heads/approved/X/1") is None
    assert repo.rev("refs/heads/review/X/1") == other


DISK_LINES = st.sampled_from(
    [
        "error: unable to write file x: No space left on device",
        "fatal: sha1 file '.git/index.lock' write error. Out of diskspace",
        "error: insufficient permission: Read-only file system",
    ]
)
OTHER = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40)
    .filter(lambda line: "space" not in line and "Read-only" not in line)
    .filter(lambda line: "Unable to create" not in line),
    max_size=5,
)


@given(before=OTHER, disk=DISK_LINES, after=OTHER)
def test_a_full_disk_is_what_the_user_reads_wherever_git_says_it(
    before: list[str], disk: str, after: list[str]
) -> None:
    """Trust §9 (disk full): whatever git prints around it, the one line shown is the one
    saying the disk is full (or read-only), in one wording for a full disk."""
    said = failure("\n".join([*before, disk, *after]).encode())
    assert "\n" not in said
    if "Read-only" in disk:
        assert "Read-only file system" in said
    else:
        assert said.startswith(NO_SPACE) or NO_SPACE in said
