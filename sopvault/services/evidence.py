"""Gathering an evidence pack (issue 16): everything an auditor asks for about a period,
read from git at one commit of main, never from the working copy.

For a period (``core.period``): the revisions approved (``services.evidencerevs``), the
runs whose logs main holds with an event in the period, the acknowledgements made in
it, and ``verify`` over the whole history. The result is ``model.evidence.Evidence``;
``render.evidence`` makes the files and ``services.evidencepack`` writes them with a
manifest tying each to its git objects (ISO 9001 §9.2 internal audit, §7.5.3 control of
documented information; 21 CFR Part 11 §11.10(b) accurate and complete copies for
inspection, §11.10(e) audit trails).
"""

from __future__ import annotations

import re

from sopvault.core.ackfile import ACKS_DIR
from sopvault.core.localtime import moment_of
from sopvault.core.period import read_period
from sopvault.errors import Conflict, SopvaultError
from sopvault.model.control import Identity
from sopvault.model.document import is_valid_id
from sopvault.model.evidence import AckInPeriod, Evidence, Period, RunInPeriod, UnreadableRun
from sopvault.model.run import LEGACY_SUFFIX, LOG_SUFFIX, RUNS_DIR, Run
from sopvault.services.ackmain import main_view, read_acks
from sopvault.services.evidencerevs import approved_in
from sopvault.services.review.audit import Audit
from sopvault.services.review.common import RevisionError, Unverifiable
from sopvault.services.review.history import History
from sopvault.services.runfiles import parse
from sopvault.services.runtext import FollowedTexts
from sopvault.services.workspace import Workspace
from sopvault.store.git.errors import GitError, IncompleteHistory
from sopvault.store.git.repo import ZERO
from sopvault.store.runlog import RunFileError

FILE_MODES = ("100644", "100755")  # a symbolic link in runs/ is no run log: left out
# A time as run files write it (``2026-11-30T14:02:11.123456Z``; a format 1 file's TOML
# ``2026-11-30T14:02:11+00:00``, ``2026-11-30 14:02:11Z`` or a local time, no offset).
_TIMES = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")


def gather(ws: Workspace, since: str, until: str | None = None) -> Evidence:
    """The evidence for the period ``since``..``until`` (dates or ISO timestamps in the
    vault's time zone; no ``until``: now), read at the commit main points at now.
    Raises NeedsGit outside a repository, AsOfError or PeriodError for the dates,
    RevisionError when main has no commit, Conflict when main moves while it is read,
    GitError when git fails. ``verify`` finding violations or unable to judge is part of
    the evidence (kept in it), not an error."""
    repo = ws.git()
    tip = repo.rev(ws.main_ref)
    if tip is None:
        raise RevisionError(
            f"the main branch '{ws.main}' has no commits yet: nothing to put in a pack"
        )
    made_at = ws.now()
    period = read_period(since, until, ws.zone, made_at)
    history = History(ws)
    committed = history.config_at(tip)  # the name as main holds it, not the working copy's
    evidence = Evidence(
        period=period,
        tip=tip,
        main=ws.main,
        made_by=_maker(ws),
        made_at=made_at,
        vault_name=(committed or ws.vault.config).name,
        partial=history.incomplete() or "",
    )
    evidence.revisions = approved_in(ws, tip, period)
    evidence.runs, evidence.unreadable = runs_in(ws, tip, period)
    evidence.acks = acks_in(ws, tip, period)
    try:
        evidence.verify = Audit(ws).verify(rev=tip)
    except (Unverifiable, IncompleteHistory) as err:
        evidence.verify_error = str(err)
    if repo.rev(ws.main_ref) != tip:
        raise Conflict(f"{ws.main} moved while the pack was read: make it again")
    return evidence


def _maker(ws: Workspace) -> Identity:
    """Who makes the pack: git's identity here (an unknown one is said so, not refused:
    reading needs no identity)."""
    try:
        return ws.identity()
    except GitError:
        return Identity("unknown (git has no user.name here)", "")


def runs_in(
    ws: Workspace, tip: str, period: Period
) -> tuple[list[RunInPeriod], list[UnreadableRun]]:
    """The runs main holds at ``tip`` (``runs/<ID>/<run-id>.jsonl``, and format 1 files)
    with an event in ``period``, by document then start; and the logs that do not parse
    and may hold a time in the period (or no time that can be read), by path, with the
    reason ``sopvault runs`` gives: an auditor is told of them, never shown fewer runs
    without a word. Only paths made of valid ids are read. Raises GitError."""
    repo = ws.git()
    prefix = ws.repo_path(RUNS_DIR)
    wanted: dict[str, str] = {}
    for path, (mode, sha) in repo.tree_entries(tip, prefix).items():
        rel = ws.vault_path(path) or ""
        parts = rel.split("/")
        if mode in FILE_MODES and len(parts) == 3 and _run_name(parts[1], parts[2]):
            wanted[path] = sha
    texts = repo.read_blobs(sorted(set(wanted.values())))
    followed = FollowedTexts(ws, History(ws))
    found: list[RunInPeriod] = []
    unreadable: list[UnreadableRun] = []
    for path, sha in sorted(wanted.items()):
        data = texts.get(sha, b"")
        timeless = _TIMES.search(data) is None
        if not timeless and not _may_hold(data, period):
            continue
        rel = ws.vault_path(path) or path
        try:
            run = parse(data.decode("utf-8"), rel)
        except RunFileError as err:
            unreadable.append(UnreadableRun(path, sha, data, str(err)))
            continue
        except UnicodeDecodeError as err:
            unreadable.append(UnreadableRun(path, sha, data, f"{rel}: cannot read: {err}"))
            continue
        if not _active_in(run, period):
            continue
        try:
            doc = followed.document(run)
        except SopvaultError:
            doc = None  # the report still reads without the procedure's text
        found.append(RunInPeriod(run, data, path, sha, doc))
    found.sort(key=lambda r: (r.run.doc_id, r.run.started_at, r.run.id))
    return found, unreadable


def _run_name(doc_id: str, name: str) -> bool:
    """Whether ``runs/<doc_id>/<name>`` is a run file named by valid ids."""
    for suffix in (LOG_SUFFIX, LEGACY_SUFFIX):
        if name.endswith(suffix):
            return is_valid_id(doc_id) and is_valid_id(name.removesuffix(suffix))
    return False


def _may_hold(data: bytes, period: Period) -> bool:
    """Whether a run file's text may hold a time in the period: every time a run records
    (start, events, end) is written as an ISO 8601 time, so a file whose times all fall
    outside the period is passed over without parsing (most of main's runs, for a short
    period); one that is odd (no offset, not a time) is parsed."""
    for found in _TIMES.finditer(data):
        if found.group(1) is None:
            return True  # a time without its offset: the parser decides
        moment = moment_of(found.group().decode("ascii").replace(" ", "T", 1))
        if moment is None or period.holds(moment):
            return True
    return False


def _active_in(run: Run, period: Period) -> bool:
    """Whether the run started, ended or recorded anything in the period."""
    moments = [run.started_at, *(e.at for e in run.events)]
    if run.ended_at is not None:
        moments.append(run.ended_at)
    return any(period.holds(m) for m in moments)


def acks_in(ws: Workspace, tip: str, period: Period) -> list[AckInPeriod]:
    """The acknowledgements main holds at ``tip`` made (``at``) in ``period``, oldest
    first, each with the main commit that added its file, that commit's signature letter
    and whether it counts as training. Raises Conflict when main moved meanwhile."""
    view = main_view(ws)
    if view.tip != tip:
        raise Conflict(f"{ws.main} moved while the pack was read: make it again")
    acks = [a for a in read_acks(ws, view, sorted(view.named)) if period.holds(a.at)]
    if not acks:
        return []
    repo = ws.git()
    added: dict[str, tuple[str, str]] = {}
    commits = repo.log(
        tip, first_parent=True, raw=True, signatures=True, paths=(ws.repo_path(ACKS_DIR),)
    )
    for commit in commits:
        for path, before, _ in commit.changes:
            if before == ZERO:
                added[ws.vault_path(path) or path] = (commit.sha, commit.signature)
    found = []
    for ack in sorted(acks, key=lambda a: (a.at, a.path)):
        sha, letter = added.get(ack.path, ("", "N"))
        blob = view.named[ack.path][4]
        found.append(AckInPeriod(ack, blob, sha, letter, view.counts(ack)))
    return found
