"""The only module that talks to git: GitPython for repository work, and plain ``git``
with argument lists (never a shell) for the fast read-only queries on the search path,
where importing GitPython would cost more than the query itself."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sopvault.errors import SopvaultError


def find_work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None when it is in none."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return Path(repo.working_tree_dir)


def init_repository(path: Path, branch: str = "main") -> Path:
    """Create a repository at ``path`` whose first branch is ``branch``."""
    import git

    try:
        repo = git.Repo.init(path, initial_branch=branch)
    except git.GitCommandError as err:
        raise SopvaultError(f"git init failed: {err.stderr.strip() or err}") from None
    return Path(repo.working_tree_dir or path)


def find_repo_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` holding ``.git`` (a folder or a file), cheaply."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True)
class WorkTreeStatus:
    """HEAD's commit (None before the first commit) and every path git sees as changed:
    modified, added, deleted or untracked, relative to the repository root."""

    head: str | None
    changed: frozenset[str]


def _git(repo_root: Path, *args: str) -> bytes | None:
    """Run a read-only git command; None when git is missing or fails."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        done = subprocess.run(
            ["git", "-C", str(repo_root), *args], capture_output=True, env=env, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def worktree_status(repo_root: Path, pathspec: str) -> WorkTreeStatus | None:
    """What changed under ``pathspec`` since HEAD, in one ``git status`` call.

    GIT_OPTIONAL_LOCKS=0 keeps git from taking the index lock for this read, so a search
    never gets in the way of the user's own git commands.
    """
    out = _git(
        repo_root,
        "status",
        "--porcelain=v2",
        "-z",
        "--branch",
        "--untracked-files=all",
        "--no-renames",
        "--",
        pathspec,
    )
    if out is None:
        return None
    head: str | None = None
    changed: set[str] = set()
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        if entry.startswith("# branch.oid "):
            oid = entry[len("# branch.oid ") :]
            head = None if oid == "(initial)" else oid
        elif entry.startswith("1 "):
            changed.add(entry.split(" ", 8)[8])
        elif entry.startswith("2 "):  # a rename; --no-renames should prevent these
            changed.add(entry.split(" ", 9)[9])
        elif entry.startswith("u "):
            changed.add(entry.split(" ", 10)[10])
        elif entry.startswith("? "):
            changed.add(entry[2:])
    return WorkTreeStatus(head=head, changed=frozenset(changed))


def changed_between(repo_root: Path, old: str, new: str, pathspec: str) -> frozenset[str] | None:
    """Paths that differ between two commits, or None when either is unknown to git."""
    out = _git(repo_root, "diff", "--name-only", "-z", "--no-renames", old, new, "--", pathspec)
    if out is None:
        return None
    return frozenset(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p)
