"""Committing a run's file: exactly that one file, on the current branch, with a private
index, so nothing else the user has staged or changed is touched. An ended run is
committed when it ends; an open one when a deviation is accepted (the acceptor's own
commit) and when ``sopvault sync`` takes it to the team. ``commit_files`` is the one way
sopvault adds a record of its own to a branch in one commit: run files and
acknowledgements (``services.acks``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sopvault.core.trailers import RUN_ID, RUN_STATE, SOP_ID, message
from sopvault.errors import RunError
from sopvault.model.run import Run, RunState
from sopvault.store.git import index
from sopvault.store.git.repo import ZERO, GitError, Repo

_ATTEMPTS = 5


def commit_run(
    repo: Repo,
    repo_path: str,
    file: Path,
    run: Run,
    extra: Sequence[tuple[str, str]] = (),
    sign: bool = False,
) -> str:
    """Commit the run file at ``file`` (``repo_path`` in the repository) on the current
    branch, then stage that one entry so ``git status`` shows it as committed. Returns the
    commit id; raises RunError when the branch keeps moving or the index cannot be
    updated, DetachedHead when no branch is checked out (never a commit on no branch),
    GitError when git fails otherwise."""
    repo.check_on_branch(f"run {run.id}")
    repo.check_index_unlocked()
    data = file.read_bytes()
    state = run.state.value if run.state is not RunState.OPEN else "recorded"
    text = message(
        f"Run {run.doc_id} {state}: {run.title}",
        run.reason if run.state is RunState.ABORTED else "",
        [(SOP_ID, run.doc_id), (RUN_ID, run.id), (RUN_STATE, run.state.value), *extra],
    )
    sign = sign or repo.config_bool("commit.gpgsign")
    moved = commit_files(repo, "HEAD", {repo_path: data}, text, sign, f"sopvault run {run.id}")
    if moved is None:  # someone else keeps committing: say so
        raise RunError(
            f"could not commit run {run.id}: the branch kept moving; the run"
            f" is saved in {run.file}, try `sopvault runs complete` again"
        )
    commit = moved[0]
    blob = repo.hash_blob(repo_path, data)
    try:
        index.stage_blob(repo, repo_path, blob)
    except GitError as err:
        raise RunError(
            f"run {run.id} is committed ({commit[:10]}) but git's index could not be"
            f" updated: {err.message}"
        ) from None
    return commit


def commit_files(
    repo: Repo, ref: str, files: Mapping[str, bytes], text: str, sign: bool, reason: str
) -> tuple[str, str | None] | None:
    """One commit on ``ref`` (``HEAD``, ``refs/heads/main``) setting ``files``
    (repository path: bytes) on its tip, built in a private index and moved with a
    compare-and-swap ``update-ref``, tried again on the new tip when someone else moved
    the ref in between. Nothing of the user's index or files is touched. Returns (the
    commit, the tip it was made on), None when the ref kept moving; raises GitError when
    git refuses (no identity, signing failed)."""
    for _ in range(_ATTEMPTS):
        head = repo.rev(ref)
        tree = repo.tree_with(head, files)
        commit = repo.commit_tree(tree, [head] if head else [], text, sign=sign)
        try:
            repo.update_ref(ref, commit, head or ZERO, reason)
            return commit, head
        except GitError:
            continue
    return None
