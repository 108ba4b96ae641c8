"""Runs travel with ``sopvault sync``, open ones too: two clones recording on one run (a
shift handover, a two-person procedure) meet on the server's main and keep both sides'
events.

A run log (``runs/<ID>/<run-id>.jsonl``) only ever gains lines, one event per line, each
with its own id. So wherever two texts of one log meet, they are joined by event id
(``store.runlog.merged``: the shared text as it is, then the other's new events in their
order), never by a textual
patch that would conflict on two appends at the same end:

- before main moves, every log whose working file differs from HEAD is joined with
  HEAD's text and committed (``take_open_runs``), under the run's lock;
- replaying a commit of ours on the server's main joins each log it changed with the
  server's (``joined_logs``);
- after main moved, a working log that ``worktree.follow`` kept (it holds events not yet
  committed) gains main's events (``join_kept``); the logs main changed are locked while
  the branch and the files move (``holding_logs``), so no recorder appends in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sopvault.core.trailers import RUN_ID, SOP_ID, has_trailer, pairs_of
from sopvault.core.wording import counted
from sopvault.errors import RunError, SopvaultError
from sopvault.model.run import LEGACY_SUFFIX, LOG_SUFFIX, RUNS_DIR, Run, RunState
from sopvault.services.review.history import History
from sopvault.services.runaccept import acceptance_rules, completion_refusal, genuine_votes
from sopvault.services.runcommit import commit_run
from sopvault.services.runfiles import RunFiles, rewritten, taking_turns
from sopvault.services.syncplan import SyncError, SyncReport
from sopvault.services.workspace import Workspace
from sopvault.store import runfile, runlog
from sopvault.store.git import diffs
from sopvault.store.git.repo import Commit, Repo
from sopvault.store.runlog import RunFileError


def runs_prefix(ws: Workspace) -> str:
    """The repository path of the vault's ``runs/`` folder, with its slash."""
    return ws.repo_path(f"{RUNS_DIR}/")


def is_run_log(path: str, prefix: str) -> bool:
    """Whether repository ``path`` is a run log (``<prefix><ID>/<run-id>.jsonl``)."""
    rest = path.removeprefix(prefix)
    return rest != path and rest.count("/") == 1 and rest.endswith(LOG_SUFFIX)


# ---- before main moves: the run logs recorded here --------------------------------------


def changed_logs(ws: Workspace, repo: Repo) -> list[str]:
    """Repository paths of the run logs whose working file differs from HEAD (open runs
    included; new ones too), that exist on disk. Raises GitError."""
    prefix = runs_prefix(ws)
    pathspec = f":(literal){prefix}"
    found = diffs.changed_since(repo, "HEAD", pathspec) + diffs.untracked(repo, pathspec)
    return sorted(
        {p for p in found if is_run_log(p, prefix) and (repo.root / p).is_file()},
    )


def take_open_runs(ws: Workspace, repo: Repo, report: SyncReport) -> None:
    """Commit every run log that differs from HEAD, each joined first with HEAD's text,
    under its run's lock: one commit per run (``runcommit.commit_run``, its ``Run-Id`` and
    ``Run-State`` trailers naming it, so the server's history says which run moved and
    a replay or a report handles each alone). Only when main is checked out: a run
    committed on another branch would not reach main; such runs are listed in
    ``report.runs_held`` with the reason. A log that cannot be read is left as it is and
    listed there too. Raises RunError or GitError when git refuses a commit."""
    if repo.rev("HEAD") is None:
        return
    paths = changed_logs(ws, repo)
    if not paths:
        return
    branch = repo.head_branch()
    if branch != ws.main_ref:
        on = branch.removeprefix("refs/heads/") if branch else "no branch (detached HEAD)"
        report.runs_held.append(
            f"{counted(len(paths), 'run log')} with events not on {ws.main} stay here:"
            f" HEAD is on {on}; switch to {ws.main} and sync again to take them"
        )
        return
    files = RunFiles(ws.vault)
    for path in paths:
        line = _take(ws, repo, files, path)
        if line:
            report.runs_out.append(line)


def _take(ws: Workspace, repo: Repo, files: RunFiles, path: str) -> str | None:
    """Join one run log with HEAD's text and commit it; the report's line, or None when
    it held nothing HEAD lacks."""
    full = repo.root / path
    run_id = full.name.removesuffix(LOG_SUFFIX)
    with taking_turns(full.parent, run_id):
        head = repo.rev("HEAD")
        try:
            run = files.load(run_id)
            committed = repo.blob(head, path) if head else None
            before = _event_ids(committed, path) if committed else set()
            if committed is not None:
                files.rewrite_joined(run, committed.decode("utf-8", "replace"))
                run = files.load(run_id)
        except RunFileError as err:
            return _held(path, err)
        problem = rewritten(repo, path) or _completed_unaccepted(ws, run)
        if problem is not None:
            return _held(path, RunError(problem))
        if not repo.differs_from(head, path):
            return None
        commit_run(repo, path, full, run)
    added = len({e.id for e in run.events} - before)
    return f"{run.doc_id} run {run.id} {_state(run)}: {counted(added, 'event')}"


def _completed_unaccepted(ws: Workspace, run: Run) -> str | None:
    """Why a run completed in its file may not travel: its deviations were not accepted
    as the rules on main require (a completion ``runs complete`` would have refused,
    written by hand); None otherwise."""
    if run.state is not RunState.COMPLETED:
        return None
    history = History(ws)
    rules = acceptance_rules(history.rules_at(history.main_tip()))
    return completion_refusal(run, genuine_votes(ws, run, rules), rules)


def _held(path: str, err: SopvaultError) -> str:
    return f"{path} not taken: {err.message}; fix or remove the file"


# ---- while main moves -------------------------------------------------------------------


@contextmanager
def holding_logs(ws: Workspace, repo: Repo, old: str | None, new: str) -> Iterator[None]:
    """Hold the lock of every run folder (of this work tree's vault) whose logs change
    from ``old`` to ``new``, in name order, while the branch moves and the work tree
    follows: a recorder appending in between would otherwise have its event overwritten
    by main's text. Raises RunError when a run stays held by another process."""
    paths = diffs.changed_between(repo, old, new) if old else []
    prefix = runs_prefix(ws)
    folders = sorted({(repo.root / p).parent for p in paths if is_run_log(p, prefix)})
    with ExitStack() as held:
        for folder in folders:
            if folder.is_dir():
                held.enter_context(taking_turns(folder, folder.name))
        yield


def join_kept(ws: Workspace, repo: Repo, kept: tuple[str, ...], main: str) -> list[str]:
    """The paths ``worktree.follow`` kept, as the report says them: a run log of this
    work tree among them (it holds events not yet committed) first gains the events main
    (``main``, a commit) holds, so none that came in waits for a later sync. The caller
    holds the runs' locks (``holding_logs``). Raises RunError when the disk refuses."""
    prefix = runs_prefix(ws)
    files = RunFiles(ws.vault)
    said: list[str] = []
    for path in kept:
        text = repo.blob(main, path) if is_run_log(path, prefix) else None
        if text is None:
            said.append(path)
            continue
        run_id = Path(path).name.removesuffix(LOG_SUFFIX)
        try:
            files.rewrite_joined(files.load(run_id), text.decode("utf-8", "replace"))
        except RunFileError as err:
            said.append(_held(path, err))
            continue
        said.append(f"{path} (main's events added; yours go with the next sync)")
    return said


# ---- replaying a commit of ours on the server's main ------------------------------------


def joined_logs(
    repo: Repo, commit: Commit, tip: str, paths: list[str], where: str
) -> dict[str, bytes | None]:
    """The run logs ``commit`` changed (``paths``) as they go on ``tip``: each joined by
    event id with the server's text (``runlog.merged(theirs, ours)``), never patched. A
    log our commit removed is removed only when the server did not change it. Raises
    SyncError when the two texts cannot be joined (not logs of one run)."""
    parent = commit.parents[0] if commit.parents else None
    out: dict[str, bytes | None] = {}
    for path in paths:
        ours, theirs = repo.blob(commit.sha, path), repo.blob(tip, path)
        if ours is None:
            base = repo.blob(parent, path) if parent else None
            out[path] = None if theirs == base else theirs
        elif theirs is None:
            out[path] = ours
        else:
            try:
                joined = runlog.merged(_text(theirs), _text(ours), path)
            except RunFileError as err:
                raise SyncError(
                    f"your commit {commit.sha[:10]} ({commit.subject}) changes run log"
                    f" {path}, which cannot be joined with {where}'s: {err.message};"
                    " nothing was changed"
                ) from None
            out[path] = joined.encode("utf-8")
    return out


# ---- what the server's main brought -----------------------------------------------------


def runs_brought(repo: Repo, old: str, new: str, me: str, prefix: str) -> list[str]:
    """One line per run that commits by others (committer's email not ``me``) changed
    from ``old`` to ``new``: its document, id, state now (recorded and still open,
    completed with its outcome, aborted), how many events came in, and who committed."""
    by_run: dict[str, list[Commit]] = {}
    for commit in reversed(repo.log(f"{old}..{new}", first_parent=True)):
        if has_trailer(commit.trailers, RUN_ID):
            by_run.setdefault((pairs_of(commit.trailers, RUN_ID) or ["?"])[0], []).append(commit)
    files = _run_files(repo, old, new, prefix)
    lines = []
    for run_id, commits in by_run.items():
        names = sorted({c.committer.name for c in commits if c.committer.email.lower() != me})
        if not names:
            continue
        if run_id not in files:  # its file is outside this vault's runs/: say what git says
            doc = (pairs_of(commits[-1].trailers, SOP_ID) or ["?"])[0]
            lines.append(f"{doc} run {run_id} ({', '.join(names)})")
            continue
        path = files[run_id]
        try:
            run, before = _runs_at(repo, path, old, new)
        except RunFileError as err:
            lines.append(f"{path}: {err.message} ({', '.join(names)})")
            continue
        added = len({e.id for e in run.events} - before)
        lines.append(
            f"{run.doc_id} run {run.id} {_state(run)}: {counted(added, 'event')} in"
            f" ({', '.join(names)})"
        )
    return lines


def _run_files(repo: Repo, old: str, new: str, prefix: str) -> dict[str, str]:
    """Run id -> repository path of each run file (log or format 1) changed old..new."""
    found: dict[str, str] = {}
    for path in diffs.changed_between(repo, old, new):
        rest = path.removeprefix(prefix)
        if rest != path and rest.count("/") == 1:
            for suffix in (LOG_SUFFIX, LEGACY_SUFFIX):
                if rest.endswith(suffix):
                    found[Path(rest).name.removesuffix(suffix)] = path
    return found


def _runs_at(repo: Repo, path: str, old: str, new: str) -> tuple[Run, set[str]]:
    """The run as ``new`` holds it, and the event ids ``old`` held (none when it had no
    file); RunFileError when a text cannot be read."""
    after = repo.blob(new, path)
    if after is None:
        raise RunFileError("removed on the server's main", path=path)
    run = _loads(after, path)
    earlier = repo.blob(old, path)
    return run, _event_ids(earlier, path) if earlier is not None else set()


def _event_ids(data: bytes, path: str) -> set[str]:
    return {e.id for e in _loads(data, path).events}


def _loads(data: bytes, path: str) -> Run:
    text = _text(data)
    return runfile.loads(text, path) if path.endswith(LEGACY_SUFFIX) else runlog.loads(text, path)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _state(run: Run) -> str:
    """How a run stands, as the report says it."""
    if run.state is RunState.OPEN:
        return "recorded (still open)"
    if run.state is RunState.COMPLETED and run.outcome is not None:
        return f"completed ({run.outcome.value})"
    return run.state.value
