"""A vault's run files on disk: find, read, create, append one event, and join a log with
the text main holds, each under the run's folder lock where it writes.

A run's log (``runs/<ID>/<run-id>.jsonl``) is created whole (its start line) and then only
ever appended to, one fsynced line per event, read back before it counts. A format 1 file
(``.toml``) is read through conversion; an open one is continued in a new log the first
time something is recorded on it (its events converted, then the new one), and the old
file is removed from the working copy only once the log holds them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sopvault.core.assignment import recorded_work
from sopvault.core.runlog import apply
from sopvault.errors import RunError, RunNotFound
from sopvault.model.control import Identity
from sopvault.model.run import (
    LEGACY_SUFFIX,
    LOG_SUFFIX,
    RUNS_DIR,
    Event,
    Run,
    RunState,
    check_run_id,
)
from sopvault.services.vault import Vault
from sopvault.store import runfile, runlog
from sopvault.store.fs import append_record, folder_lock, write_atomic
from sopvault.store.runlog import RunFileError

if TYPE_CHECKING:  # only `rewritten` asks git; reading a run (`impact`, `due`) never does
    from sopvault.store.git.repo import Repo


class RunFiles:
    """The run files of one vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def path(self, doc_id: str, run_id: str) -> Path:
        """Where run ``run_id`` of ``doc_id`` keeps its log."""
        return self.vault.root / RUNS_DIR / doc_id / f"{run_id}{LOG_SUFFIX}"

    def find(self, run_id: str) -> Path:
        """The file of run ``run_id`` (its log, else its format 1 file); RunError for a
        malformed id, RunNotFound for an unknown one."""
        check_run_id(run_id)
        folder = self.vault.root / RUNS_DIR
        if folder.is_dir():
            for suffix in (LOG_SUFFIX, LEGACY_SUFFIX):
                found = sorted(folder.glob(f"*/{run_id}{suffix}"))
                if found:
                    return found[0]
        raise RunNotFound(f"no run {run_id} (see `sopvault runs`)")

    def load(self, run_id: str) -> Run:
        """The run as its file derives it; RunNotFound when unknown, RunFileError when the
        file cannot be read or holds another run."""
        path = self.find(run_id)
        rel = path.relative_to(self.vault.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise RunFileError(f"cannot read: {err}", path=rel) from None
        run = parse(text, rel)
        if run.id != run_id or path.parent.name != run.doc_id:
            raise RunFileError(f"holds run {run.id} of {run.doc_id}, not {run_id}", path=rel)
        return run

    def create(self, run: Run) -> None:
        """Write a new run's log (its start line), fsynced; RunError when the disk refuses
        or a file of that run exists already."""
        self.vault.must_be_writable("record a run")
        path = self.path(run.doc_id, run.id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as handle:
                handle.write(runlog.start_line(run).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            raise RunError(f"run {run.id} exists already") from None
        except OSError as err:
            path.unlink(missing_ok=True)
            raise RunError(
                f"cannot save {run.file}: {err.strerror or err}; the run was not started"
            ) from None

    def append(self, run: Run, event: Event) -> None:
        """Append ``event`` to ``run``'s log (fsynced, read back), then apply it to ``run``.
        The caller holds the run's lock (``taking_turns``). A format 1 run moves to a log
        first. Raises ReadOnly where sopvault must not write, RunError when the disk
        refuses (the event is then not recorded, and says so)."""
        self.vault.must_be_writable("record a run")
        if run.legacy:
            self._continue_in_log(run)
        line = self.line_of(run, event)
        path = self.path(run.doc_id, run.id)
        try:
            append_record(path, line.encode("utf-8"))
        except OSError as err:
            raise RunError(
                f"cannot save {run.file}: {err.strerror or err}; this answer was not recorded"
            ) from None
        apply(run, event)

    def discard(self, run: Run, me: str, committed: bool) -> None:
        """Remove ``run``'s file: only an open run that recorded nothing, never
        ``committed``, by ``me`` who started it; RunError otherwise (it is part of the
        record: abort it with a reason). The caller holds the run's lock."""
        who, starter = Identity.parse(me), Identity.parse(run.started_by)
        if run.state is not RunState.OPEN:
            raise RunError(f"run {run.id} is {run.state.value}: it stays in the record")
        if who is None or starter is None or not who.same_as(starter):
            raise RunError(f"only {run.started_by}, who started run {run.id}, may discard it")
        work = recorded_work(run)  # who fills a role is no work done (issue 15)
        if work:
            raise RunError(
                f"run {run.id} has recorded {len(work)} event(s):"
                " it is part of the record; abort it with a reason instead"
            )
        if committed:
            raise RunError(f"run {run.id} is committed: abort it with a reason instead")
        (self.vault.root / run.file).unlink()

    @staticmethod
    def line_of(run: Run, event: Event) -> str:
        """``event``'s line of ``run``'s log, read back first; RunFileError naming the run
        file when it would not read back (nothing is written then)."""
        try:
            return runlog.event_line(event)
        except RunFileError as err:
            raise RunFileError(err.message, path=run.file) from None

    def _continue_in_log(self, run: Run) -> None:
        """Write a format 1 run's converted events as a new log, then remove the old file
        (it was never committed while open; a closed one never changes)."""
        old = self.vault.root / run.file
        run.legacy = False
        text = runlog.dumps(run)
        try:
            write_atomic(self.path(run.doc_id, run.id), text.encode("utf-8"))
            old.unlink(missing_ok=True)
        except OSError as err:
            raise RunError(f"cannot move run {run.id} to a log: {err.strerror or err}") from None

    def rewrite_joined(self, run: Run, other: str) -> bool:
        """Join the run's log on disk with ``other`` (the text the branch holds), so it
        holds every event of both with ``other`` first, as it is; True when the file
        changed. The caller holds the run's lock. RunFileError when ``other`` is not this
        run's log, or a line the branch holds was changed on disk."""
        path = self.path(run.doc_id, run.id)
        mine = path.read_text(encoding="utf-8")
        joined = runlog.merged(other, mine, run.file)
        if joined == mine:
            return False
        try:
            write_atomic(path, joined.encode("utf-8"))
        except OSError as err:
            raise RunError(f"cannot save {run.file}: {err.strerror or err}") from None
        return True


def parse(text: str, rel: str) -> Run:
    """The run a file's text records, by its name (``rel``): a log, or a format 1 file
    converted; RunFileError as each format's ``loads``."""
    return runfile.loads(text, rel) if rel.endswith(LEGACY_SUFFIX) else runlog.loads(text, rel)


def rewritten(repo: Repo, path: str) -> str | None:
    """Why the committed history of the run log at ``path`` (in the repository) is not
    append-only, in one line; None when every commit on HEAD's first-parent line that
    touched it kept the text before it as its prefix (a sync's join and git's union merge
    do). A line changed or removed in any commit, even one made with plain git, is caught
    (21 CFR Part 11 §11.10(e))."""
    head = repo.rev("HEAD")
    if head is None:
        return None
    before = b""
    for commit in reversed(repo.log(head, first_parent=True, paths=(path,))):
        now = repo.blob(commit.sha, path)
        if now is None or not now.startswith(before):
            return (
                f"commit {commit.sha[:10]} ({commit.subject}) changed lines of {path} that"
                " an earlier commit recorded: the run's record was altered"
            )
        before = now
    return None


@contextmanager
def taking_turns(folder: Path, run_id: str) -> Iterator[None]:
    """Recording on one run (its ``folder``) takes turns with every other process
    recording on it (read, decide, append under the folder's lock), so no event is lost
    and none is decided on a state another process has changed. Raises RunError when
    another process holds the run for long, or the folder cannot be opened."""
    with ExitStack() as held:
        try:
            held.enter_context(folder_lock(folder))
        except TimeoutError:
            raise RunError(f"another sopvault is recording on run {run_id}; try again") from None
        except OSError as err:
            raise RunError(f"cannot open run {run_id}: {err.strerror or err}") from None
        yield
