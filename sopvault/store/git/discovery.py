"""Finding the repository a folder is in, and the two read-only questions the search
path asks of it (what changed since HEAD, what changed between two commits).

:func:`discover` is the one discovery: an ordinary ``.git`` folder is recognised by a
few file checks (GitPython's own rules, without its import: ``due`` must answer in 0.5 s,
issue 14); anything unusual (``GIT_DIR``, a ``.git`` file, ``core.worktree``, a bare or
broken repository) goes through GitPython, with its errors mapped to ours.
:func:`find_repo_root` stays a cheap walk for ``.git`` so that ``list``, ``show``,
``check`` and search never import GitPython.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sopvault.store.git.errors import (
    NO_GIT,
    BareRepository,
    BrokenRepository,
    GitError,
    GitUnavailable,
    NoRepository,
)
from sopvault.store.git.runner import environment, gitpython, query

# Environment variables that change where git looks: with any of them set, GitPython decides.
_STEERING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")
_VALID_HEAD = re.compile(rb"ref:\s*refs/|[0-9A-Fa-f]{40}")
# Config that moves the work tree or makes the repository bare (or pulls in other files
# that might): GitPython reads it, so the quick path steps aside.
_UNUSUAL_CONFIG = re.compile(rb"(?im)^\s*(worktree|\[include)")
_BARE = re.compile(rb"(?im)^[ \t]*bare[ \t]*=[ \t]*(\S*)")
_REF_STORAGE = re.compile(rb"(?i)refstorage")  # extensions.refStorage: refs not in files


def plain_work_tree(path: Path) -> Path | None:
    """The top of the work tree holding ``path`` when it is an ordinary one (a ``.git``
    folder with HEAD, objects and refs, no ``core.worktree``, not bare, no steering
    variable), as a real path; None when that is not certain (GitPython decides then).
    Only a few ``stat``s and two small reads: no process, no import."""
    if any(name in os.environ for name in _STEERING):
        return None
    try:
        real = path.resolve()
        if not real.is_dir():
            return None
        for folder in (real, *real.parents):
            if (folder / "HEAD").exists() and (folder / "refs").is_dir():
                return None  # a git folder itself (bare, or inside .git): GitPython's case
            dot = folder / ".git"
            if not os.path.lexists(dot):
                continue
            if dot.is_symlink() or not dot.is_dir() or (dot / "commondir").exists():
                return None
            if not ((dot / "objects").is_dir() and (dot / "refs").is_dir()):
                return None
            head = (dot / "HEAD").read_bytes()[:256]
            config = (dot / "config").read_bytes()
            if not _VALID_HEAD.match(head) or _UNUSUAL_CONFIG.search(config):
                return None
            if any(value.lower() != b"false" for value in _BARE.findall(config)):
                return None
            return folder
    except OSError:
        return None
    return None


def ordinary_git_dir(top: Path) -> Path | None:
    """``top/.git`` when ``top`` is the top of an ordinary work tree (``plain_work_tree``'s
    checks) whose refs are files (not the reftable format): then what git reads for a
    branch, the grafts or the shallow file is a file of that folder at the place git's
    documentation gives (``gitrepository-layout``). None when that is not certain."""
    if plain_work_tree(top) != top.resolve():
        return None
    git_dir = top / ".git"
    try:
        if os.path.lexists(git_dir / "reftable"):
            return None
        if _REF_STORAGE.search((git_dir / "config").read_bytes()):
            return None
    except OSError:
        return None
    return git_dir


def discover(path: Path) -> Path:
    """The top folder of the git work tree holding ``path`` (itself or a folder above), as a
    real path (symbolic links resolved, as ``git rev-parse --show-toplevel`` gives it).

    As in git itself, ``GIT_DIR`` in the environment (a hook, a script) names the
    repository whatever ``path`` is, and ``GIT_WORK_TREE`` its work tree. Raises
    NoRepository when ``path`` does not exist or is in no repository, BareRepository for a
    bare one (history without a work tree), BrokenRepository when a ``.git`` is there but
    git cannot use it; each message carries the cause. Runs no git command.
    """
    plain = plain_work_tree(path)
    if plain is not None:
        return plain
    git = gitpython()  # here, not at the top: the headless read paths never pay for it
    named = os.environ.get("GIT_DIR") or None
    try:
        # expand_vars=False: a folder named `a$HOME` is that folder, not a variable.
        repo = git.Repo(None if named else path, search_parent_directories=True, expand_vars=False)
    except git.NoSuchPathError:
        raise NoRepository(f"no such folder: {named or path}") from None
    except git.InvalidGitRepositoryError:
        raise _not_a_repository(Path(named) if named else path) from None
    except (git.GitError, OSError) as error:  # anything else, a folder we may not read
        raise GitError(f"cannot open the repository at {named or path}: {error}") from None
    try:
        top = os.environ.get("GIT_WORK_TREE") if named else None
        if top:
            return Path(top).resolve()
        if repo.bare or repo.working_tree_dir is None:
            raise BareRepository(
                f"{repo.git_dir} is a bare repository: a vault needs a work tree (git clone it)"
            )
        return Path(repo.working_tree_dir).resolve()  # real path, as git's --show-toplevel
    finally:
        repo.close()


def _not_a_repository(path: Path) -> NoRepository:
    """Why GitPython found no repository at ``path``: a broken ``.git`` on the way up, or none."""
    top = find_repo_root(path.resolve())
    if top is None:
        return NoRepository(f"{path} is not in a git repository")
    dot_git = top / ".git"
    if dot_git.is_file():
        line = dot_git.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        said = line[0] if line else "nothing"
        return BrokenRepository(f"{dot_git} says {said!r}, which is not a git folder")
    return BrokenRepository(f"{dot_git} is not a git folder git can read")


def find_work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None when it is in none (no
    repository, a bare or broken one, no such folder)."""
    try:
        return discover(path)
    except NoRepository:
        return None


def init_repository(path: Path, branch: str = "main") -> Path:
    """Create a repository at ``path`` (the folder is made if missing) whose first branch
    is ``branch``; returns its work tree, ``path`` made absolute. The folder is taken as
    named: a ``$`` or ``~`` in its name is no variable.

    Raises GitError with git's words when git refuses, GitUnavailable without git."""
    git = gitpython()
    folder = path.absolute()
    try:
        folder.mkdir(mode=0o755, parents=True, exist_ok=True)
        # git's own init through GitPython's runner: ``git.Repo.init`` would expand "$NAME"
        # and "~" in the path and could create the repository somewhere else.
        git.Git(folder).init("--quiet", f"--initial-branch={branch}", env=environment())
    except git.GitCommandNotFound:
        raise GitUnavailable(NO_GIT) from None
    except git.GitCommandError as err:
        raise GitError(f"git init failed: {err.stderr.strip() or err}") from None
    return folder


def find_repo_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` holding ``.git`` (a folder or a file),
    cheaply: no process, no GitPython. None when there is none."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True)
class WorkTreeStatus:
    """HEAD's commit (None before the first commit), every path git sees as changed:
    modified, added, deleted or untracked, and every file git ignores (``.gitignore``,
    ``.git/info/exclude``), relative to the repository root."""

    head: str | None
    changed: frozenset[str]
    ignored: frozenset[str] = frozenset()


def worktree_status(repo_root: Path, pathspec: str) -> WorkTreeStatus | None:
    """What changed under ``pathspec`` since HEAD, in one ``git status`` call.

    None when git is missing or fails. The runner's policy (GIT_OPTIONAL_LOCKS=0) keeps git
    from taking the index lock for this read, so a search never gets in the way of the
    user's own git commands.
    """
    out = query(
        repo_root,
        "status",
        "--porcelain=v2",
        "-z",
        "--branch",
        "--untracked-files=all",
        "--ignored=matching",
        "--no-renames",
        "--",
        pathspec,
    )
    if out is None:
        return None
    head: str | None = None
    changed: set[str] = set()
    ignored: set[str] = set()
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
        elif entry.startswith("! "):
            ignored.add(entry[2:])
    return WorkTreeStatus(head=head, changed=frozenset(changed), ignored=frozenset(ignored))


def changed_between(repo_root: Path, old: str, new: str, pathspec: str) -> frozenset[str] | None:
    """Paths that differ between two commits, or None when either is unknown to git."""
    out = query(repo_root, "diff", "--name-only", "-z", "--no-renames", old, new, "--", pathspec)
    if out is None:
        return None
    return frozenset(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p)
