"""What changed between commits, the work tree and the index, as git argument lists.

The services ask in their own words (which files changed, the patch, the text diff); the
git spelling of each question lives here, beside ``Repo``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from sopvault.store.git.repo import ZERO, GitError, Repo

# git's empty tree: the parent side of a diff for a commit with no parent.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_HEX = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # a full object id (SHA-1 or SHA-256)
# A diff of the texts themselves, never through a program the repository's config names
# (``diff.external``, a ``textconv`` driver that ``.gitattributes`` selects): a vault's
# own .git/config is not trusted to run anything (Trust §3), and a converted text is not
# the text approved.
_CONTENT_DIFF = ("diff", "--no-color", "--no-ext-diff", "--no-textconv")


def changed_between(repo: Repo, old: str, new: str) -> list[str]:
    """Repository paths that differ between two commits (renames as delete + add); ``--``
    after them, so a file named like a revision (``HEAD``) is never taken for one."""
    return repo._paths("diff", "--name-only", "--no-renames", "-z", old, new, "--")


def changed_between_each(repo: Repo, pairs: Sequence[tuple[str, str]]) -> list[list[str]]:
    """``changed_between`` for each ``(old, new)`` pair of commit ids, in order, asked with
    one ``git diff-tree --stdin`` instead of one ``git diff`` per pair (a listing of
    proposals asks for all of them at once). Raises GitError when git fails."""
    if not pairs:
        return []
    plain = all(_HEX.fullmatch(id_) and id_ != ZERO for pair in pairs for id_ in pair)
    if len(pairs) == 1 or not plain:
        return [changed_between(repo, old, new) for old, new in pairs]
    # Each line "NEW OLD" diffs commit NEW against OLD as its parent (``--always``: NEW's
    # id is printed even when nothing differs); a line git cannot read as ids is echoed as
    # it is, so a marker no path holds (random, as ``log``'s field separator) ends each.
    marker = f":{os.urandom(8).hex()}\n"
    lines = "".join(f"{new} {old}\n{marker}" for old, new in pairs).encode("ascii")
    args = ("diff-tree", "--stdin", "--always", "-r", "--name-only", "--no-renames", "-z")
    chunks = repo._run(*args, stdin=lines).split(marker.encode("ascii"))
    found: list[list[str]] = []
    for (_, new), chunk in zip(pairs, chunks, strict=False):
        entries = [e for e in chunk.decode("utf-8", "surrogateescape").split("\0") if e]
        if not entries or entries[0] != new:
            raise GitError(f"git diff-tree did not answer for {new}")
        found.append(entries[1:])
    if len(chunks) != len(pairs) + 1:
        raise GitError(f"git diff-tree answered {len(chunks) - 1} of {len(pairs)} diffs")
    return found


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
    return repo._run(*_CONTENT_DIFF, "--binary", "--full-index", old or EMPTY_TREE, new, *limit)


def text_diff(repo: Repo, old: str, new: str, paths: Sequence[str] = ()) -> str:
    """The change between two commits as people read it (unified diff, no colour); only
    of ``paths`` (repository paths) when given."""
    limit = ("--", *(f":(literal){p}" for p in paths)) if paths else ()
    return repo._run(*_CONTENT_DIFF, old, new, *limit).decode("utf-8", "replace")
