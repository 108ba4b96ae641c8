"""Whether the history git shows is the whole history: a shallow clone or a grafts file
cuts it short, and then neither ``verify`` nor ``history`` may speak for all of it.

Replace refs (``git replace``) need no check: the runner's policy sets
``GIT_NO_REPLACE_OBJECTS``, so sopvault always reads the commits as they were made, never a
replacement that could carry other trailers (Trust §5, §6).
"""

from __future__ import annotations

import os
from pathlib import Path

from sopvault.store.git.discovery import ordinary_git_dir
from sopvault.store.git.runner import Runner

UNSHALLOW = "git fetch --unshallow"
# Variables that move the files this module reads (``git rev-parse --git-path`` honours them).
_MOVING = ("GIT_GRAFT_FILE", "GIT_SHALLOW_FILE")


def _git_paths(runner: Runner, *names: str) -> list[Path]:
    """Files in the repository's git folder (the common one for a linked work tree), as
    git names them (``GIT_GRAFT_FILE`` and the like applied): in an ordinary ``.git``
    folder with neither variable set, where git's documentation puts them (no process);
    else from one ``rev-parse``."""
    git_dir = ordinary_git_dir(runner.root)
    if git_dir is not None and not any(name in os.environ for name in _MOVING):
        return [git_dir / name for name in names]
    args = [arg for name in names for arg in ("--git-path", name)]
    lines = runner.run(["rev-parse", *args]).decode("utf-8", "surrogateescape").splitlines()
    return [runner.root / line for line in lines]


def history_cut(runner: Runner, tip: str, since: str | None = None) -> str | None:
    """Why the history of ``tip`` (after ``since``, when given) that git shows is not all
    of it, as one line with the fix; None when it is whole. A shallow clone counts only
    when one of its cut commits lies in that history: ``--since`` on a clone deep enough
    is whole. Raises GitError when git fails."""
    grafts, shallow = _git_paths(runner, "info/grafts", "shallow")
    if grafts.is_file() and grafts.read_bytes().strip():
        return (
            f"the history is rewritten by {grafts} (grafts): verify and history read only"
            " commits as they were made; move it away (git replace --convert-graft-file"
            " shows what it does)"
        )
    for cut in _cuts_in(shallow):
        inside = _is_ancestor(runner, cut, tip)
        if inside and not (since is not None and _is_ancestor(runner, cut, since)):
            return (
                f"the history is incomplete: this is a shallow clone, cut at {cut[:10]};"
                f" fetch the rest with `{UNSHALLOW}` (in CI: a full clone, fetch-depth: 0)"
            )
    return None


def shallow_cuts(runner: Runner) -> list[str]:
    """The commits a shallow clone was cut at (git shows them without parents); empty for
    a whole clone. Raises GitError when git fails."""
    return _cuts_in(_git_paths(runner, "shallow")[0])


def _cuts_in(shallow: Path) -> list[str]:
    """The commit ids git's ``shallow`` file lists (none when there is no such file)."""
    if not shallow.is_file():
        return []
    return shallow.read_text(encoding="ascii", errors="replace").split()


def _is_ancestor(runner: Runner, older: str, newer: str) -> bool:
    """Whether commit ``older`` is ``newer`` or in its history."""
    return runner.call(["merge-base", "--is-ancestor", older, newer]).returncode == 0
