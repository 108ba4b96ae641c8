"""The repository's own index (``.git/index``, the user's staging area), where sopvault
writes to it on purpose.

Proposals, approvals and runs are committed through a private index (see ``objects.py``),
so the user's staging is never disturbed. The exceptions are here: one entry made to agree
with a commit sopvault just made, and the whole work tree staged in a repository sopvault
has just created. (``worktree.py`` moves the entries of files that follow main.)
"""

from __future__ import annotations

from sopvault.store.git.errors import GitError
from sopvault.store.git.repo import Repo


def stage_blob(repo: Repo, path: str, blob: str) -> None:
    """Set the user's own index entry for ``path`` (repository-relative) to ``blob``, a
    regular file (mode 100644), added if the index had no entry; every other entry is left
    as the user staged it.

    This touches ``.git/index``, not a private index: a run is committed through a private
    index and ``update-ref``, which leaves the user's index at the file's previous state, so
    ``git status`` would show the committed file as a staged deletion or change (and as
    untracked). Setting this one entry to the committed blob makes the index agree with the
    new HEAD for that file. Raises GitError carrying git's whole stderr when git refuses (a
    locked index: callers check :meth:`Repo.check_index_unlocked` first)."""
    done = repo._call("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip())


def stage_all(repo: Repo) -> str:
    """Stage every file of the work tree in the repository's own index (``git add -A``:
    new, changed and deleted files; ignored ones are left out) and return the id of the tree
    that index now holds, for a first commit.

    Only for a repository sopvault has just created (``sopvault demo``): in a person's own
    repository it would stage their unfinished work. Raises GitError when git refuses."""
    repo._run("add", "-A")
    return repo._text("write-tree")
