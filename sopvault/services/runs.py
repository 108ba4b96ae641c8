"""The Runs service: start, record, complete and list checklist runs.

Every change is written to ``runs/<ID>/<run-id>.toml`` at once (temp file, fsync, rename),
so a run survives Ctrl-C, a killed process or a lost SSH session. Completing or aborting
commits that one file on the current branch with a private index, so nothing else in the
working tree or the index is touched.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from sopvault.core.approval import Identity
from sopvault.core.checklist import abort, complete, mark, new_run, summarize
from sopvault.core.parse import parse_text
from sopvault.core.trailers import RUN_ID, RUN_STATE, SOP_ID, message
from sopvault.errors import InvalidId, RunError
from sopvault.model.document import Document, Status, is_valid_id
from sopvault.model.run import RUNS_DIR, Run, RunState, RunSummary, check_run_id
from sopvault.services.review.revisions import RevisionError, Revisions
from sopvault.services.vault import Vault, write_atomic
from sopvault.store.cache import read_cached, write_cached
from sopvault.store.git.repo import ZERO, GitError, Repo
from sopvault.store.runfile import RunFileError, dumps, loads


@dataclass
class Started:
    run: Run
    warnings: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """Runs newest first; ``full`` holds the whole records when they were asked for."""

    runs: list[RunSummary]
    problems: list[RunFileError]
    full: list[Run] = field(default_factory=list)


RUNS_CACHE = "runs.pickle"
# The summary's fields: a cache written before one was added is not used.
_SHAPE = tuple(f.name for f in fields(RunSummary))
# Cached per run file: (size, mtime_ns, summary or (message, line) of a file that is broken).
CacheEntry = tuple[int, int, "RunSummary | tuple[str, int | None]"]


@dataclass(frozen=True)
class Resumed:
    run: Run
    document: Document
    # Set when main holds a newer text than the one the run follows: its version (or
    # commit), and both texts with labels, for a diff.
    changed_since: str | None = None
    old: tuple[str, str] = ("", "")
    new: tuple[str, str] = ("", "")


class Runs:
    """Run work on one vault; git is used when the vault is in a repository."""

    def __init__(self, vault: Vault, clock: Callable[[], datetime] | None = None) -> None:
        self.vault = vault
        self.clock = clock or (lambda: datetime.now(UTC).replace(microsecond=0))
        try:
            self.revisions: Revisions | None = Revisions(vault)
        except RevisionError:
            self.revisions = None
        self._documents: dict[str, Document] = {}  # parsed pinned texts, by blob id
        self._me: str | None = None

    @property
    def repo(self) -> Repo | None:
        return self.revisions.repo if self.revisions else None

    # ---- who -------------------------------------------------------------------------

    def who(self, as_: str | None = None) -> str:
        """``Name <email>`` of the person acting: ``--as``, else git's identity."""
        if as_:
            ident = Identity.parse(as_)
            if ident is None or any(ord(c) < 32 for c in as_):
                raise RunError(f"--as wants 'Name <email>', not {as_!r}")
            return str(ident)
        if self._me is None:
            self._me = self._identity()
        return self._me

    def _identity(self) -> str:
        """Asked of git once per service (a `git var` costs more than writing a step)."""
        if self.repo is not None:
            try:
                return str(self.repo.identity())
            except GitError:
                pass
        user = os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
        return f"{user} <{user}@localhost>"

    # ---- starting ----------------------------------------------------------------------

    def start(
        self,
        doc_id: str,
        *,
        strict: bool = False,
        who: str | None = None,
        roles: dict[str, str] | None = None,
    ) -> Started:
        """A new run of the text on main; what is odd about it is said, or refused when
        ``strict``."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        self.vault.must_be_writable("start a run")
        warnings: list[str] = []
        text, path, commit, blob = self._text_to_follow(doc_id, warnings)
        result = parse_text(path, text)
        doc = result.document
        if doc is None:
            problem = result.findings[0].message if result.findings else "not a document"
            raise RunError(f"{doc_id} cannot be read: {problem}")
        if doc.status is not Status.EFFECTIVE:
            state = doc.status.value.replace("_", " ") if doc.status else "without a status"
            warnings.append(f"{doc_id} is {state}, not effective")
        if strict and warnings:
            raise RunError(f"refused (--strict): {warnings[0]}")
        now = self.clock()
        run = new_run(
            self._new_id(doc_id, now),
            doc,
            commit=commit,
            blob=blob,
            who=self.who(who),
            now=now,
            roles=roles,
        )
        self._documents[blob] = doc
        self.save(run)
        return Started(run, warnings)

    def _text_to_follow(self, doc_id: str, warnings: list[str]) -> tuple[str, str, str, str]:
        """The document's text on main with its commit and blob id; the working copy (not
        pinned to a commit) when there is no git or main does not hold it yet."""
        working = self.vault.get(doc_id)
        working_bytes = (self.vault.root / working.path).read_bytes()
        revisions = self.revisions
        on_main = None
        if revisions is not None:
            try:
                on_main = revisions.main_text(doc_id)
            except RevisionError:
                on_main = None
        if revisions is None or on_main is None:
            where = "the vault is not in git" if revisions is None else f"{doc_id} is not on main"
            warnings.append(f"{where}: the run follows the working copy, pinned to no commit")
            blob = _blob_id(working_bytes)
            return working_bytes.decode("utf-8", "replace"), working.path, "", blob
        tip = revisions.repo.rev(revisions.main_ref) or ""
        repo_path = revisions.prefix + on_main.path
        blob = revisions.repo.blob_ids(tip, [repo_path]).get(repo_path, "")
        if on_main.text.encode("utf-8") != working_bytes:
            warnings.append(
                f"your working copy of {doc_id} differs from {revisions.main}:"
                f" the run follows {revisions.main}'s text"
            )
        history = revisions.history(doc_id)
        newest = revisions.revision_text(history[0]) if history else None
        if newest is None or newest.text != on_main.text:
            warnings.append(
                f"{doc_id}'s text on {revisions.main} carries no sign-off (see `sopvault verify`)"
            )
        return on_main.text, on_main.path, tip, blob

    def _new_id(self, doc_id: str, now: datetime) -> str:
        while True:
            run_id = f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
            if not self._path(doc_id, run_id).exists():
                return run_id

    # ---- reading and writing -----------------------------------------------------------

    def _path(self, doc_id: str, run_id: str) -> Path:
        return self.vault.root / RUNS_DIR / doc_id / f"{run_id}.toml"

    def save(self, run: Run) -> None:
        """Written and fsynced before this returns: what a runner showed as recorded is."""
        path = self._path(run.doc_id, run.id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, dumps(run).encode("utf-8"), sync=True)
        except OSError as err:
            raise RunError(
                f"cannot save {run.file}: {err.strerror or err}; this answer was not recorded"
            ) from None

    def find(self, run_id: str) -> Path:
        check_run_id(run_id)
        folder = self.vault.root / RUNS_DIR
        found = sorted(folder.glob(f"*/{run_id}.toml")) if folder.is_dir() else []
        if not found:
            raise RunError(f"no run {run_id} (see `sopvault runs`)")
        return found[0]

    def load(self, run_id: str) -> Run:
        path = self.find(run_id)
        rel = path.relative_to(self.vault.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise RunFileError(f"cannot read: {err}", path=rel) from None
        run = loads(text, rel)
        if run.id != run_id or path.parent.name != run.doc_id:
            raise RunFileError(f"holds run {run.id} of {run.doc_id}, not {run_id}", path=rel)
        return run

    def document(self, run: Run) -> Document:
        """The exact text the run follows, parsed: from git by blob id when pinned."""
        if run.blob in self._documents:
            return self._documents[run.blob]
        data: bytes | None = None
        if self.repo is not None and run.commit:
            data = self.repo.blobs([run.blob])[0]
        if data is None:
            path = self.vault.root / run.path
            current = path.read_bytes() if path.is_file() else b""
            if _blob_id(current) != run.blob:
                raise RunError(
                    f"run {run.id} follows a text of {run.doc_id} that is no longer"
                    " available (it was not committed)"
                )
            data = current
        result = parse_text(run.path, data.decode("utf-8", "replace"))
        if result.document is None:
            raise RunError(f"the text run {run.id} follows cannot be read any more")
        self._documents[run.blob] = result.document
        return result.document

    def resume(self, run_id: str) -> Resumed:
        """The run and its pinned document, and whether main has moved on since."""
        run = self.load(run_id)
        doc = self.document(run)
        revisions = self.revisions
        if revisions is None or not run.commit:
            return Resumed(run, doc)
        try:
            now = revisions.main_text(run.doc_id)
        except RevisionError:
            return Resumed(run, doc)
        tip = revisions.repo.rev(revisions.main_ref) or ""
        repo_path = revisions.prefix + now.path
        if revisions.repo.blob_ids(tip, [repo_path]).get(repo_path) == run.blob:
            return Resumed(run, doc)
        old = revisions.repo.blobs([run.blob])[0] or b""
        new_version = parse_text(now.path, now.text).document
        label = new_version.version if new_version and new_version.version else tip[:8]
        followed = f"{run.doc_id} {run.version or ''} (followed by this run)"
        return Resumed(
            run, doc, label, (followed, old.decode("utf-8", "replace")), (now.label, now.text)
        )

    # ---- recording ---------------------------------------------------------------------

    def mark(
        self,
        run_id: str,
        number: int,
        action: str,
        *,
        value: str | None = None,
        note: str = "",
        reason: str = "",
        who: str | None = None,
    ) -> Run:
        run = self.load(run_id)
        doc = self.document(run)
        mark(
            run,
            doc,
            number,
            action,
            who=self.who(who),
            now=self.clock(),
            value=value,
            note=note,
            reason=reason,
        )
        self.save(run)
        return run

    def complete(self, run_id: str, who: str | None = None) -> tuple[Run, str | None]:
        """Completed and committed; returns the commit (None outside git)."""
        run = self.load(run_id)
        if self._ended_not_committed(run, RunState.COMPLETED):
            return run, self._commit(run)
        self._can_commit()
        complete(run, self.document(run), who=self.who(who), now=self.clock())
        self.save(run)
        return run, self._commit(run)

    def abort(self, run_id: str, reason: str, who: str | None = None) -> tuple[Run, str | None]:
        run = self.load(run_id)
        if self._ended_not_committed(run, RunState.ABORTED):
            return run, self._commit(run)
        self._can_commit()
        abort(run, who=self.who(who), now=self.clock(), reason=reason)
        self.save(run)
        return run, self._commit(run)

    def _can_commit(self) -> None:
        """Before the run changes state: a locked index would leave it ended but not
        committed."""
        if self.revisions is not None:
            self.revisions.repo.check_index_unlocked()

    def _ended_not_committed(self, run: Run, state: RunState) -> bool:
        """A run ended on disk whose commit did not happen (the process was killed, or
        git refused): completing it again commits it."""
        if run.state is not state or self.revisions is None:
            return False
        path = self.revisions.prefix + run.file
        committed = self.revisions.repo.blob("HEAD", path)
        return committed != (self.vault.root / run.file).read_bytes()

    def _commit(self, run: Run) -> str | None:
        """Commit exactly the run file on the current branch, then stage that one entry so
        ``git status`` shows it as committed; other staged or unstaged work is untouched."""
        revisions = self.revisions
        if revisions is None:
            return None
        repo = revisions.repo
        repo.check_index_unlocked()
        path = revisions.prefix + run.file
        data = (self.vault.root / run.file).read_bytes()
        text = message(
            f"Run {run.doc_id} {run.state.value}: {run.title}",
            run.reason if run.state is RunState.ABORTED else "",
            [(SOP_ID, run.doc_id), (RUN_ID, run.id), (RUN_STATE, run.state.value)],
        )
        sign = repo.config_bool("commit.gpgsign")
        for attempt in range(5):
            head = repo.rev("HEAD")
            tree = repo.tree_with(head, {path: data})
            commit = repo.commit_tree(tree, [head] if head else [], text, sign=sign)
            try:
                repo.update_ref("HEAD", commit, head or ZERO, f"sopvault run {run.id}")
                break
            except GitError:
                if attempt == 4:  # someone else keeps committing: say so
                    raise RunError(
                        f"could not commit run {run.id}: the branch kept moving; the run"
                        f" is saved in {run.file}, try `sopvault runs complete` again"
                    ) from None
        blob = repo.hash_blob(path, data)
        done = repo.call("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
        if done.returncode != 0:
            raise RunError(
                f"run {run.id} is committed ({commit[:10]}) but git's index could not be"
                f" updated: {done.stderr.decode('utf-8', 'replace').strip()}"
            )
        return commit

    # ---- listing -----------------------------------------------------------------------

    def list(
        self, doc_id: str | None = None, *, open_only: bool = False, full: bool = False
    ) -> Listing:
        """Every run file, newest first; an unreadable one is a problem, not a failure.

        Summaries are cached by file size and mtime (``.sopvault/cache/runs.pickle``), so
        listing ten thousand runs parses only the files that changed. ``full`` reads every
        matching file whole, for ``--json``."""
        if doc_id is not None and not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        cache_dir = self.vault.state_dir / "cache"
        cached = read_cached(cache_dir / RUNS_CACHE)
        old: dict[str, CacheEntry] = {}
        if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == _SHAPE:
            old = cached[1]
        fresh: dict[str, CacheEntry] = {}
        listing = Listing([], [])
        changed = False
        for rel, stat in _run_files(self.vault.root, doc_id):
            entry = old.get(rel)
            if full or entry is None or entry[:2] != (stat.st_size, stat.st_mtime_ns):
                changed = True
                outcome: RunSummary | tuple[str, int | None]
                try:
                    run = loads((self.vault.root / rel).read_text(encoding="utf-8"), rel)
                except RunFileError as err:
                    outcome = (err.message, err.line)
                except (OSError, UnicodeDecodeError) as err:
                    outcome = (f"cannot read: {err}", None)
                else:
                    outcome = summarize(run)
                    if full and (not open_only or run.state is RunState.OPEN):
                        listing.full.append(run)
                entry = (stat.st_size, stat.st_mtime_ns, outcome)
            fresh[rel] = entry
            outcome = entry[2]
            if isinstance(outcome, tuple):
                listing.problems.append(RunFileError(outcome[0], path=rel, line=outcome[1]))
            elif not open_only or outcome.state is RunState.OPEN:
                listing.runs.append(outcome)
        if doc_id is None and len(fresh) != len(old):
            changed = True  # run files were removed
        if changed:
            merged = fresh if doc_id is None else {**old, **fresh}
            write_cached(cache_dir, RUNS_CACHE, (_SHAPE, merged))
        listing.runs.sort(key=lambda r: (r.started_at, r.id), reverse=True)
        listing.full.sort(key=lambda r: (r.started_at, r.id), reverse=True)
        return listing

    def now(self) -> datetime:
        return self.clock()


def _run_files(root: Path, doc_id: str | None) -> list[tuple[str, os.stat_result]]:
    """``runs/<ID>/*.toml`` with their stats, by ``scandir`` (a glob plus a stat per
    file took seven times as long on ten thousand runs). Links are not followed."""
    top = root / RUNS_DIR
    folders: list[tuple[str, str]] = []
    try:
        if doc_id is not None:
            folders = [(doc_id, str(top / doc_id))]
        else:
            with os.scandir(top) as entries:
                folders = [(e.name, e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    found = []
    for name, folder in folders:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".toml") and entry.is_file(follow_symlinks=False):
                        found.append((f"{RUNS_DIR}/{name}/{entry.name}", entry.stat()))
        except OSError:
            continue
    return found


def _blob_id(data: bytes) -> str:
    """git's blob id of ``data``, so an unpinned run still names the exact text."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
