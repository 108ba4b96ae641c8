"""Local state that travels with a vault: what ``check`` and ``verify`` say about it.

sopvault never reads state from the vault (``store.statedir``), but a cache or index file
committed to the repository still misleads every clone and hides a payload in the record
(issue 12, §3). ``check`` reports each tracked one as an error and an untracked
``.sopvault/`` (left by an older sopvault) as a warning that it may be deleted; ``verify``
reports each one present on the checked revision as a violation of the commit that last
brought it in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sopvault.core.localstate import (
    OLD_STATE_DIR,
    is_state_file,
    old_state_finding,
    tracked_state_finding,
)
from sopvault.model.control import Refusal, Violation
from sopvault.model.finding import Finding
from sopvault.services.vault import Vault
from sopvault.store.statedir import state_in_vault

if TYPE_CHECKING:  # git is loaded only when it is asked (`check` stays light)
    from sopvault.services.workspace import Workspace
    from sopvault.store.git.repo import Commit


def state_findings(vault: Vault) -> list[Finding]:
    """``check``'s findings about local state in the vault: an error per cache or index
    file git tracks, and a warning for a ``.sopvault/`` folder none of whose files are
    tracked. Git is asked (and GitPython loaded) only when a file named like state is
    there. Raises GitError when git cannot list its index."""
    found: list[Finding] = []
    if state_in_vault(vault.root):
        from sopvault.services.workspace import Workspace
        from sopvault.store.git import diffs

        ws = Workspace.of(vault)
        if ws.repo is not None:
            under = f":(literal){ws.prefix or '.'}"
            for path in sorted(diffs.tracked(ws.repo, [under])):
                rel = ws.vault_path(path)
                if rel is not None and is_state_file(rel):
                    found.append(tracked_state_finding(rel))
    if (vault.root / OLD_STATE_DIR).is_dir() and not any(
        f.path.startswith(f"{OLD_STATE_DIR}/") for f in found
    ):
        found.append(old_state_finding())
    return found


def state_violations(ws: Workspace, tip: str, commits: list[Commit]) -> list[Violation]:
    """``verify``'s violations: one per cache or index file in ``tip``'s tree under the
    vault, charged to the newest of ``commits`` (newest first, with ``raw`` changes) that
    added or changed it; a file no checked commit touched (older than ``--since``) is not
    reported. Raises GitError for an unreadable tree."""
    from sopvault.store.git import diffs

    present = {
        path
        for path in diffs.tree_files(ws.git(), tip, ws.prefix or ".")
        if is_state_file(ws.vault_path(path) or path)
    }
    return _charged(ws, present, commits)


def state_violations_after(
    ws: Workspace, earlier: list[Violation], commits: list[Commit]
) -> list[Violation]:
    """What ``state_violations`` gives for the whole history, from its answer for the
    history before ``commits`` (``earlier``: each file there was in the tree then, none
    was charged to a commit of ``commits``) and those commits (newest first, ``raw``):
    the files they added or changed are charged to the newest that did, the files they
    deleted are gone, the others keep their charge. Reads no tree: the files in it follow
    from the changes, which ``git log --raw`` gives for every commit that touches the
    vault. Raises nothing."""
    from sopvault.store.git.repo import ZERO

    present = {ws.repo_path(p) for v in earlier for p in v.paths}
    for commit in reversed(commits):  # oldest first: the last change of a path wins
        for path, _, new in commit.changes:
            if new == ZERO:
                present.discard(path)
            elif is_state_file(ws.vault_path(path) or path):
                present.add(path)
    later = _charged(ws, present, commits)
    charged = {ws.repo_path(p) for v in later for p in v.paths}
    kept = []
    for violation in earlier:
        paths = tuple(p for p in violation.paths if ws.repo_path(p) in present - charged)
        if paths:
            kept.append(replace(violation, paths=paths))
    return later + kept


def _charged(ws: Workspace, present: set[str], commits: list[Commit]) -> list[Violation]:
    """One violation per commit of ``commits`` (newest first) that was the newest to add
    or change files of ``present`` (repository paths), naming them."""
    from sopvault.store.git.repo import ZERO

    present = set(present)
    violations: list[Violation] = []
    for commit in commits:
        brought = [p for p, _, new in commit.changes if p in present and new != ZERO]
        if not brought:
            continue
        present.difference_update(brought)
        shown = tuple(ws.vault_path(p) or p for p in sorted(brought))
        detail = "cache or index files are committed; sopvault never reads them: git rm them"
        violations.append(
            Violation(
                commit.sha,
                commit.commit_date,
                commit.author,
                shown,
                Refusal.TRACKED_STATE,
                detail,
            )
        )
    return violations
