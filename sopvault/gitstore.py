"""The only module that talks to git (through GitPython, never a shell)."""

from __future__ import annotations

from pathlib import Path

import git

from sopvault.errors import SopvaultError


def find_work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None when it is in none."""
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return Path(repo.working_tree_dir)


def init_repository(path: Path, branch: str = "main") -> Path:
    """Create a repository at ``path`` whose first branch is ``branch``."""
    try:
        repo = git.Repo.init(path, initial_branch=branch)
    except git.GitCommandError as err:
        raise SopvaultError(f"git init failed: {err.stderr.strip() or err}") from None
    return Path(repo.working_tree_dir or path)
