"""The Runs service: start, record, accept, complete and list checklist runs.

Every action is one event appended to ``runs/<ID>/<run-id>.jsonl`` at once (fsynced and
read back, under the run's lock: ``services.runfiles``), so a run survives Ctrl-C, a killed
process or a lost SSH session, and two processes recording on one run lose nothing.
Completing, aborting and accepting deviations commit that one file on the current branch
with a private index, so nothing else in the working tree or the index is touched.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sopvault.core import checklist
from sopvault.core.approval import Rules
from sopvault.core.nestedrun import mark_at
from sopvault.errors import InvalidId, RunError
from sopvault.model.control import Identity
from sopvault.model.document import Document, is_valid_id
from sopvault.model.run import Event, Run, RunState
from sopvault.services.review.history import History
from sopvault.services.runaccept import (
    ACCEPTS,
    acceptance_rules,
    completion_refusal,
    genuine_votes,
    refusal_to_accept,
    waiting,
)
from sopvault.services.runcommit import commit_run
from sopvault.services.runfiles import RunFiles, rewritten, taking_turns
from sopvault.services.runlist import Listing, list_runs
from sopvault.services.runnested import instruction_of, text_to_run
from sopvault.services.runtext import FollowedTexts
from sopvault.services.runtext import Resumed as Resumed  # where runners import it from
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import GitError, Repo


@dataclass
class Started:
    """A run just started, and what is odd about it (not effective, unsigned text)."""

    run: Run
    warnings: list[str] = field(default_factory=list)


def _new_id(files: RunFiles, doc_id: str, now: datetime) -> str:
    """A run id for a run of ``doc_id`` started at ``now`` that no file holds yet."""
    while True:
        run_id = f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        if not files.path(doc_id, run_id).exists():
            return run_id


class Runs:
    """Run work on one vault; git is used when the vault is in a repository."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.vault = ws.vault
        self.repo: Repo | None = ws.repo
        self.history = History(ws) if ws.repo is not None else None
        self.files = RunFiles(ws.vault)
        self.texts = FollowedTexts(ws, self.history)
        self._me: str | None = None

    # ---- who -------------------------------------------------------------------------

    def who(self, as_: str | None = None) -> str:
        """``Name <email>`` of the person acting: ``--as`` (one of the vault's ``[people]``
        when it names any), else git's identity. RunError for a malformed or unknown one."""
        if as_:
            ident = Identity.parse(as_)
            if ident is None or any(ord(c) < 32 for c in as_):
                raise RunError(f"--as wants 'Name <email>', not {as_!r}")
            people = self.vault.config.people.values()
            known = {p.email.lower(): p.name.casefold() for p in people if p.email}
            if known and known.get(ident.email.lower()) != ident.name.casefold():
                raise RunError(f"--as names {ident}, who is not among [people] in sopvault.toml")
            return str(ident)
        if self._me is None:
            self._me = self._identity()
        return self._me

    def _as(self, event: Event) -> Event:
        """``event`` with who typed it, when that is not the person it names (``--as``)."""
        me = Identity.parse(self.who())
        named = Identity.parse(event.by)
        if me is not None and (named is None or not named.same_as(me)):
            return replace(event, entered_by=str(me))
        return event

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
        ``strict``; RunError naming the successor when that text is retired. ``roles`` become
        assign events after the start; one refused (``checklist.assign``) starts nothing."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        self.vault.must_be_writable("start a run")
        doc, commit, blob, warnings = text_to_run(self.texts, doc_id, strict)
        now, by = self.ws.now(), self.who(who)
        run = checklist.new_run(
            _new_id(self.files, doc_id, now), doc, commit=commit, blob=blob, who=by, now=now
        )
        people = self.vault.config.people  # judged before anything is written:
        assigned = checklist.assign_all(run, doc, roles or {}, people=people, who=by, now=now)
        self.files.create(run)
        with taking_turns(self.files.path(doc_id, run.id).parent, run.id):
            for event in assigned:
                self.files.append(run, self._as(event))
        return Started(run, warnings)

    # ---- reading ---------------------------------------------------------------------

    def find(self, run_id: str) -> Path:
        """The file of run ``run_id``; RunError for a malformed id, RunNotFound (a
        RunError) for an unknown one."""
        return self.files.find(run_id)

    def load(self, run_id: str) -> Run:
        """The run as its log derives it; RunError when unknown, RunFileError when its
        file cannot be read or holds another run."""
        return self.files.load(run_id)

    def document(self, run: Run) -> Document:
        """The exact text the run follows, parsed: from git by blob id when pinned; RunError
        when it is no longer available or cannot be read."""
        return self.texts.document(run)

    def resume(self, run_id: str) -> Resumed:
        """The run and its pinned document, and whether main has moved on since."""
        return self.texts.resume(self.load(run_id))

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
        within: int | None = None,
    ) -> Run:
        """Record one action on a step (``done``, ``skip``, ``na``, ``note``, ``undo``; see
        ``checklist.mark``) by ``who`` (default: the acting person) at the clock's time,
        appended at once; ``within``: on step ``number`` of the work instruction open in
        that step (``core.nestedrun.mark_at``, the same rules). Raises RunError
        (NoteRequired for a deviation without its note) when the run rules refuse it,
        EvidenceError for a value that is no answer."""
        with self._turn(run_id) as run:
            doc = self.document(run) if within is None else instruction_of(self, run, within)
            event = mark_at(
                run, doc, number, action, within=within, who=self.who(who), now=self.ws.now(),
                value=value, note=note, reason=reason,
            )  # fmt: skip
            self.files.append(run, self._as(event))
        return run

    def assign(self, run_id: str, role: str, person: str, who: str | None = None) -> Run:
        """Record that ``person`` (of ``[people]``) fills ``role`` from now on; RunError
        as ``checklist.assign`` (closed run, unknown role or person, naming valid ones)."""
        with self._turn(run_id) as run:
            doc, people, by = self.document(run), self.vault.config.people, self.who(who)
            event = checklist.assign(
                run, doc, role, person, people=people, who=by, now=self.ws.now()
            )
            self.files.append(run, self._as(event))
        return run

    def take_up(self, run_id: str, seen: str = "", who: str | None = None) -> Run:
        """Record that the run is taken up again (``seen``: the newer version main holds,
        which the run does not follow)."""
        with self._turn(run_id) as run:
            event = checklist.taken_up(run, who=self.who(who), now=self.ws.now(), seen=seen)
            self.files.append(run, event)
        return run

    def accept(self, run_id: str, note: str = "") -> tuple[Run, str | None]:
        """The acting person accepts the run's waiting deviations; committed at once as
        theirs (None outside git). Raises RunError when there is none, or when the four-eyes
        rule refuses them (they recorded one, or are not among the deviation approvers)."""
        with self._turn(run_id) as loaded:
            run = self._joined(loaded)
            who = self.who()
            rules = self._acceptance_rules()
            pending = waiting(run, genuine_votes(self.ws, run, rules), rules)
            problem = refusal_to_accept(run, pending, who, rules)
            if problem is not None:
                raise RunError(problem)
            self._can_commit()
            event = checklist.accept(run, pending, who=who, now=self.ws.now(), note=note)
            self.files.append(run, event)
            return run, self._commit(run, [(ACCEPTS, event.id)])

    def complete(self, run_id: str, who: str | None = None) -> tuple[Run, str | None]:
        """Completed and committed; returns the commit (None outside git). RunError when
        steps are pending, or deviations wait for acceptance (``[runs]
        deviation_approvers``)."""
        with self._turn(run_id) as run:
            return self._complete(self._joined(run), who)

    def _complete(self, run: Run, who: str | None) -> tuple[Run, str | None]:
        if self._ended_not_committed(run, RunState.COMPLETED):
            return run, self._commit(run)
        event = checklist.complete(run, who=self.who(who), now=self.ws.now())
        rules = self._acceptance_rules()
        votes = genuine_votes(self.ws, run, rules) if rules is not None else {}
        problem = completion_refusal(run, votes, rules)
        if problem is not None:
            raise RunError(problem)
        self._can_commit()
        self.files.append(run, self._as(event))
        return run, self._commit(run)

    def abort(self, run_id: str, reason: str, who: str | None = None) -> tuple[Run, str | None]:
        """Aborted with ``reason`` and committed; returns the commit (None outside git).
        Raises RunError when the run is not open."""
        with self._turn(run_id) as run:
            return self._abort(self._joined(run), reason, who)

    def _abort(self, run: Run, reason: str, who: str | None) -> tuple[Run, str | None]:
        if self._ended_not_committed(run, RunState.ABORTED):
            return run, self._commit(run)
        self._can_commit()
        event = checklist.abort(run, who=self.who(who), now=self.ws.now(), reason=reason)
        self.files.append(run, self._as(event))
        return run, self._commit(run)

    def discard(self, run_id: str) -> Run:
        """Remove an open run that recorded nothing, by the person who started it, without
        a commit. RunError when it recorded anything, is closed, was started by someone
        else, or is already in git (then it is part of the record: abort it)."""
        with self._turn(run_id) as run:
            head = self.repo.rev("HEAD") if self.repo is not None else None
            path = self.ws.repo_path(run.file)
            committed = bool(self.repo and head and self.repo.blob_ids(head, [path]))
            self.files.discard(run, self.who(), committed)
        return run

    @contextmanager
    def _turn(self, run_id: str) -> Iterator[Run]:
        """Run ``run_id`` as its file holds it, read after taking the run's turn
        (``runfiles.taking_turns``) and held for the block: read, decide, append."""
        with taking_turns(self.find(run_id).parent, run_id):
            yield self.load(run_id)

    def _acceptance_rules(self) -> Rules | None:
        """``[runs] deviation_approvers`` as main holds it (the working copy's outside git)."""
        if self.history is None:
            return acceptance_rules(self.vault.config)
        return acceptance_rules(
            self.history.rules_at(self.repo.rev(self.ws.main_ref) if self.repo else None)
        )

    def _can_commit(self) -> None:
        """Before the run changes state: a locked index or a detached HEAD would leave it
        ended but not committed (Trust §7)."""
        if self.repo is not None:
            self.repo.check_on_branch("the run")
            self.repo.check_index_unlocked()

    def _ended_not_committed(self, run: Run, state: RunState) -> bool:
        """A run ended on disk whose commit did not happen (the process was killed, or
        git refused): completing it again commits it."""
        if run.state is not state or self.repo is None:
            return False
        return self.repo.differs_from(self.repo.rev("HEAD"), self.ws.repo_path(run.file))

    def _commit(self, run: Run, extra: list[tuple[str, str]] | None = None) -> str | None:
        """Commit the run's file (None outside git); see ``runcommit.commit_run``. An
        acceptance (``extra`` trailers) is signed where sign-offs are. The caller holds the
        run's turn and joined the file with the branch's text in it (``_joined``), so no
        event that came from another clone is lost."""
        if self.repo is None:
            return None
        path, sign = (
            self.ws.repo_path(run.file),
            bool(extra and self.history and self.history.signs()),
        )
        return commit_run(self.repo, path, self.vault.root / run.file, run, extra or [], sign)

    def _joined(self, run: Run) -> Run:
        """``run`` with the events the branch holds and the working log lacks (a sync that
        could not update the file), joined into the file first; the run as loaded again
        when the file changed. RunFileError when a committed line was changed on disk.
        The caller holds the run's lock."""
        if self.repo is None:
            return run
        problem = rewritten(self.repo, self.ws.repo_path(run.file))
        if problem is not None:
            raise RunError(problem)
        head = self.repo.rev("HEAD")
        committed = self.repo.blob(head, self.ws.repo_path(run.file)) if head else None
        if committed and self.files.rewrite_joined(run, committed.decode("utf-8", "replace")):
            return self.load(run.id)
        return run

    # ---- listing -----------------------------------------------------------------------

    def listing(
        self, doc_id: str | None = None, *, open_only: bool = False, full: bool = False
    ) -> Listing:
        """Every run file (of ``doc_id``), newest first; see ``runlist.list_runs``."""
        return list_runs(self.vault, doc_id, open_only=open_only, full=full)

    def now(self) -> datetime:
        """The workspace clock's time (aware, UTC): what lateness is measured against."""
        return self.ws.now()
