"""What changed between commits, the work tree and the index, as git argument lists.

The services ask in their own words (which files changed, the patch, the text diff); the
git spelling of each question lives here, beside ``Repo``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sopvault.store.git.repo import Repo

# git's empty tree: the parent side of a diff for a commit with no parent.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def changed_between(repo: Repo, old: str, new: str) -> list[str]:
    """Repository paths that differ between two commits (renames as delete + add)."""
    return repo._paths("diff", "--name-only", "--no-renames", "-z", old, new)


def changed_since(repo: Repo, rev: str, pathspec: str, *, deleted: bool = False) -> list[str]:
    """Work tree paths under ``pathspec`` that differ from ``rev`` (only those deleted
    since, with ``deleted``); untracked files are not included."""
    only = ("--diff-filter=D",) if deleted else ()
    return repo._paths("diff", "--name-only", "--no-renames", *only, "-z", rev, "--", pathspec)


def untracked(repo: Repo, pathspec: str) -> list[str]:
    """New files under ``pathspec`` that git does not track and does not ignore."""
    return repo._paths("ls-files", "--others", "--exclude-standard", "-z", "--", pathspec)


def unwatched(repo: Repo) -> list[str]:
    """Tracked paths git is told not to compare with the work tree (``update-index
    --assume-unchanged`` or ``--skip-worktree``): ``changed_since`` cannot see an edit to
    them, so whoever needs the work tree exactly as committed must refuse them."""
    flagged = []
    for entry in repo._paths("ls-files", "-v", "-z", "--", ":/"):
        tag, _, path = entry.partition(" ")
        if tag == "S" or tag.islower():
            flagged.append(path)
    return flagged


def tracked(repo: Repo, pathspecs: list[str]) -> list[str]:
    """Repository paths git tracks (in its index) that match ``pathspecs`` (git pathspecs,
    ``:(glob)`` magic allowed); none when ``pathspecs`` is empty."""
    return repo._paths("ls-files", "-z", "--", *pathspecs) if pathspecs else []


def tree_files(repo: Repo, rev: str, pathspec: str) -> list[str]:
    """Every file path in ``rev``'s tree under ``pathspec`` (a folder or ``.``)."""
    return repo._paths("ls-tree", "-r", "--name-only", "-z", "--full-tree", rev, "--", pathspec)


def patch(repo: Repo, old: str | None, new: str, paths: Sequence[str] = ()) -> bytes:
    """A binary-safe patch from ``old`` (None: the empty tree) to ``new``, for ``apply_to``;
    only of ``paths`` (repository paths) when given."""
    limit = ("--", *(f":(literal){p}" for p in paths)) if paths else ()
    return repo._run(
        "diff", "--binary", "--no-color", "--full-index", old or EMPTY_TREE, new, *limit
    )


def text_diff(repo: Repo, old: str, new: str, paths: Sequence[str] = ()) -> str:
    """The change between two commits as people read it (unified diff, no colour); only
    of ``paths`` (repository paths) when given."""
    limit = ("--", *(f":(literal){p}" for p in paths)) if paths else ()
    return repo._run("diff", "--no-color", old, new, *limit).decode("utf-8", "replace")
