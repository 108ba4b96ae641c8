"""What can go wrong with git, as SopvaultErrors that carry git's own words."""

from __future__ import annotations

from sopvault.errors import NeedsGit, SopvaultError


class GitError(SopvaultError):
    """A git command failed; the message carries git's own first line (or advice for a
    stale lock file)."""


class GitUnavailable(GitError, NeedsGit):
    """The ``git`` program cannot be started (not installed, not on PATH); the message
    says so and how to install it."""


class DubiousOwnership(GitError, NeedsGit):
    """git refuses a repository that belongs to another user (its "dubious ownership"
    check, CVE-2022-24765); the message names the ``safe.directory`` line that trusts it."""


class DetachedHead(GitError):
    """HEAD names no branch: a commit made there (a run's) would belong to no branch and
    be lost at the next checkout; the message says to check out a branch."""


# The one line when git cannot be started at all.
NO_GIT = (
    "cannot run git: it is not installed or not on your PATH; install git (apt install git,"
    " brew install git, or git-scm.com) and try again"
)


class NoRepository(GitError, NeedsGit):
    """The folder is in no git work tree: not in a repository, or it does not exist; also
    raised by services that need git (history, proposals, sync) on a vault outside git."""


class BareRepository(NoRepository):
    """The folder is a bare repository: it has history but no work tree to hold a vault."""


class BrokenRepository(NoRepository):
    """A ``.git`` file or folder is there but git cannot use it (a ``gitdir:`` line that
    points nowhere, a half-copied folder)."""


class IncompleteHistory(GitError, NeedsGit):
    """The history git shows is not the whole history (a shallow clone, grafts): what
    was approved cannot be checked on it. Exit status 2: nothing was judged (Trust §5)."""

    exit_code = 2
