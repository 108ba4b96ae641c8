"""Local state that travels with a vault: what ``check`` and ``verify`` say about it.

sopvault never reads state from the vault (``store.statedir``), but a cache or index file
committed to the repository still misleads every clone and hides a payload in the record
(issue 12, §3). ``check`` reports each tracked one as an error and an untracked
``.sopvault/`` (left by an older sopvault) as a warning that it may be deleted; ``verify``
reports each one present on the checked revision as a violation of the commit that last
brought it in.
"""

from __future__ import annotations

import re

from sopvault.core.localstate import (
    OLD_STATE_DIR,
    STATE_FILE_PATTERNS,
    is_state_file,
    old_state_finding,
    tracked_state_finding,
)
from sopvault.model.control import Refusal, Violation
from sopvault.model.finding import Finding
from sopvault.services.workspace import Workspace
from sopvault.store.git import diffs
from sopvault.store.git.repo import ZERO, Commit


def state_findings(ws: Workspace) -> list[Finding]:
    """``check``'s findings about local state in the vault: an error per cache or index
    file git tracks (outside git nothing is tracked), and a warning for an untracked
    ``.sopvault/`` folder. Raises GitError when git cannot list its index."""
    found: list[Finding] = []
    if ws.repo is not None:
        base = re.sub(r"([*?\[\\])", r"\\\1", ws.prefix)  # the vault's folder, literally
        specs = [f":(glob){base}**/{OLD_STATE_DIR}/**"]
        specs += [f":(glob){base}**/{pattern}" for pattern in STATE_FILE_PATTERNS]
        for path in sorted(set(diffs.tracked(ws.repo, specs))):
            rel = ws.vault_path(path)
            if rel is not None and is_state_file(rel):
                found.append(tracked_state_finding(rel))
    if (ws.root / OLD_STATE_DIR).is_dir() and not any(
        f.path.startswith(f"{OLD_STATE_DIR}/") for f in found
    ):
        found.append(old_state_finding())
    return found


def state_violations(ws: Workspace, tip: str, commits: list[Commit]) -> list[Violation]:
    """``verify``'s violations: one per cache or index file in ``tip``'s tree under the
    vault, charged to the newest of ``commits`` (newest first, with ``raw`` changes) that
    added or changed it; a file no checked commit touched (older than ``--since``) is not
    reported. Raises GitError for an unreadable tree."""
    present = {
        path
        for path in diffs.tree_files(ws.git(), tip, ws.prefix or ".")
        if is_state_file(ws.vault_path(path) or path)
    }
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
