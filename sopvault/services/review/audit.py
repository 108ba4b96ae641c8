"""``sopvault verify``: every change to a controlled file on main carries a valid sign-off.

An audit trail must show who approved what (21 CFR Part 11 §11.10(e)); the rules in force
at each commit are the ``sopvault.toml`` committed before it, judged by
``core.approval.judge`` exactly as ``approve`` judges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.core.approval import Problem, Rules, judge
from sopvault.core.config import CONFIG_FILE
from sopvault.core.trailers import (
    PROPOSAL_COMMIT,
    REVIEWED_BY,
    SOP_BLOB,
    has_trailer,
    identities_of,
)
from sopvault.model.config import VaultConfig
from sopvault.model.control import Refusal, VerifyReport, Violation, Vote
from sopvault.services.localstate import state_violations, state_violations_after
from sopvault.services.review.ackaudit import AckAudit, is_approval
from sopvault.services.review.common import (
    Scope,
    Unverifiable,
    front_names,
    in_force_by_default,
    is_document,
    parse_config_bytes,
)
from sopvault.services.review.links import Change, LinkedDocuments
from sopvault.services.review.prefix import Later, PrefixRecord, Prior
from sopvault.services.review.signoff import SignOffs, proposal_line, vote_commits, votes_in
from sopvault.services.workspace import Workspace
from sopvault.store.git.errors import IncompleteHistory
from sopvault.store.git.repo import ZERO, Commit


@dataclass(frozen=True)
class _Todo:
    """One commit that touched controlled files, with the rules' blob in force before it."""

    commit: Commit
    touched: list[Change]
    config_id: str | None
    # The proposal's own commit when this is a landing with its votes in history.
    origin: Commit | None = None
    # Whether no such landing came before it: its trailers are then judged by name alone.
    legacy: bool = True


@dataclass
class _Walk(Later):
    """``Later`` with what the walk over the commits found to judge: the changes to
    controlled files (oldest first) and the blob ids their judgement reads."""

    todo: list[_Todo] = field(default_factory=list)
    wanted: set[str] = field(default_factory=set)


class Audit(Scope):
    """Checking main's history against the approval rules; changes nothing."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.signoffs = SignOffs(ws)
        self.read = 0  # commits the last ``verify`` read from git (the rest were recorded)

    def verify(
        self, since: str | None = None, rev: str | None = None, *, full: bool = False
    ) -> VerifyReport:
        """Check every change to documents (and to the rules) on main for a valid sign-off.

        ``since`` limits the check to commits after it; ``rev`` checks another commit's
        history instead of main's (a pushed commit in a server-side hook, a CI checkout).
        A whole-history check reads only the commits after the last one it judged on this
        machine (``services.review.prefix``: the same report as reading them all, which
        ``full`` forces) and records what it judged for the next run.
        Never an empty "ok" (Trust §5): raises Unverifiable (exit status 2) when main or
        ``rev`` or ``since`` names no commit here, ``since`` is in the history but off its
        line of first parents (a vote, a proposal), or there is nothing to check, and
        IncompleteHistory when the history is cut short (a shallow clone, grafts)."""
        tip = self._tip(rev)
        if since is not None:
            self._since_holds(since, tip, rev)
        cut = self.repo.history_cut(tip, since)
        if cut is not None:
            raise IncompleteHistory(cut)
        record = PrefixRecord(self.ws) if since is None else None
        prior = record.prior(tip) if record is not None and not full else None
        start = since or (prior.tip if prior is not None else None)
        commits = self.repo.log(
            f"{start}..{tip}" if start else tip,
            first_parent=True,
            raw=True,
            signatures=True,
            paths=(self.ws.prefix or ".",),
        )
        self.read = len(commits)
        if not commits and since is None and prior is None:
            raise Unverifiable(
                f"nothing to check: no commit of {rev or self.ws.main} holds the vault"
                f" ({self.ws.prefix or 'the repository root'}); commit it first"
            )
        done = self._judged(tip, commits, prior or Prior())
        if record is not None and (prior is None or prior.tip != tip):
            record.save(done)
        return done.report()

    def _since_holds(self, since: str, tip: str, rev: str | None) -> None:
        """Raise Unverifiable unless ``since`` is a commit that leaves commits of ``tip``
        to check and, when in ``tip``'s history, is on its line of first parents."""
        start = self.repo.rev(since)
        if start is None:
            raise Unverifiable(f"unknown revision {since!r}")
        if self.repo.count_commits(tip, excluding=since) == 0:
            raise Unverifiable(
                f"no commits to check: {since} already holds every commit of {rev or self.ws.main}"
            )
        # A vote or proposal in main's history but not on its own line: git's range
        # from it would skip the landings after it and "ok" nothing (Trust §5). A
        # commit of another history (a force-pushed old tip, in the hook) is fine.
        on_side = self.repo.is_ancestor(start, tip)
        if on_side and not self.repo.on_first_parent_line(start, tip):
            raise Unverifiable(
                f"{since} is a vote or proposal, not a commit of {rev or self.ws.main}'s"
                " own line: give the commit that brought the vault under control (see"
                " `git log --first-parent`)"
            )

    def _judged(self, tip: str, commits: list[Commit], prior: Prior) -> Prior:
        """``prior``'s verdicts followed by those on ``commits`` (newest first, the
        first-parent line after ``prior.tip`` up to ``tip``, with ``raw`` changes)."""
        report = VerifyReport(commits=len(commits))
        walk = self._controlled_changes(commits, prior)
        # Blob ids come with the log (--raw), so every text is fetched by id: looking up
        # "rev:path" in a tree of 20,000 files costs git a scan each time.
        ids = sorted(walk.wanted)
        texts = dict(zip(ids, self.repo.blobs(ids), strict=True))
        configs: dict[bytes, VaultConfig | None] = {}
        for item in reversed(walk.todo):
            self._check(item, texts, configs, report)
        if prior.tip:
            walk.state = state_violations_after(self.ws, prior.state, commits)
        else:
            walk.state = state_violations(self.ws, tip, commits)
        walk.ack_changed, walk.ack_added, walk.acks = AckAudit(self.ws).check(commits, prior)
        walk.approvals = tuple(c.sha for c in reversed(commits) if is_approval(c))
        return prior.extended(tip, report, walk)

    def _tip(self, rev: str | None) -> str:
        """The commit whose history is checked: ``rev``'s, else main's. Raises
        Unverifiable naming the fix when there is none (a CI checkout has no local main)."""
        if rev:
            tip = self.repo.rev(rev)
            if tip is None:
                raise Unverifiable(f"unknown revision {rev!r}")
            return tip
        tip = self.repo.rev(self.ws.main_ref)
        if tip is not None:
            return tip
        main = self.ws.main
        named = " (main_branch in sopvault.toml)" if self.ws.vault.config.main_branch else ""
        tracking = [ref for ref, _ in self.repo.refs("refs/remotes/") if ref.endswith(f"/{main}")]
        fix = (
            f"check the server's with --rev {tracking[0].removeprefix('refs/remotes/')}"
            if tracking
            else "check another commit with --rev REV (on a CI checkout: --rev HEAD)"
        )
        raise Unverifiable(f"there is no branch '{main}' here{named}: {fix}")

    def _controlled_changes(self, commits: list[Commit], prior: Prior) -> _Walk:
        """The commits (oldest first) that touched controlled files, each with the rules in
        force before it, every blob id needed to judge them, and the walk's state after
        them; it starts from ``prior``'s state at its tip when it has one."""
        config_path = self.ws.repo_path(CONFIG_FILE)
        oldest = commits[-1] if commits else None
        config_id: str | None = None
        start = oldest.parents[0] if oldest is not None and oldest.parents else None
        if prior.tip:
            config_id = prior.config_id
            # The vault's files are read only when a link may lead to one of them.
            start = prior.tip if prior.links or any(c.links for c in commits) else None
        elif start is not None:
            config_id = self.repo.blob_ids(start, [config_path]).get(config_path)
        # What each document path loads, links followed: a change through a link is judged.
        loaded = LinkedDocuments(self.ws, self.repo, start)
        walk = _Walk(oldest.sha if oldest else "", config_id, (), prior.voted)
        for commit in reversed(commits):  # oldest first, so the rules in force are known
            touched = loaded.changes(commit)
            if touched:
                origin = None
                if len(commit.parents) > 1:
                    _, origin = proposal_line(self.repo, commit.parents[1])
                walk.todo.append(_Todo(commit, touched, walk.config_id, origin, not walk.voted))
                walk.voted = walk.voted or origin is not None
                walk.wanted.update(x for _, a, b in touched for x in (a, b) if x != ZERO)
                if walk.config_id:
                    walk.wanted.add(walk.config_id)
            for path, _, new_id in commit.changes:
                if path == config_path:
                    walk.config_id = new_id if new_id != ZERO else None
        walk.links = tuple(sorted(loaded.links))
        return walk

    def _check(
        self,
        item: _Todo,
        texts: dict[str, bytes | None],
        configs: dict[bytes, VaultConfig | None],
        report: VerifyReport,
    ) -> None:
        """Judge one commit's sign-off and add what is wrong with it to ``report``."""
        paths: list[str] = []
        reviewers: list[tuple[str, ...]] = []
        for path, before_id, after_id in item.touched:
            before = texts.get(before_id) if before_id != ZERO else None
            after = texts.get(after_id) if after_id != ZERO else None
            if not self.ws.is_document(path):  # sopvault.toml
                paths.append(path)
            elif is_document(before) or is_document(after):
                paths.append(path)
                # a new document's own ``reviewers`` are its author's choice: not in force yet
                reviewers.append(front_names(before, "reviewers"))
        if not paths:
            return
        report.checked += 1
        config = self._config_in_force(texts, configs, item.config_id)
        rules = Rules.for_change(config.review, config.people.values(), reviewers)
        commit = item.commit
        problems = self._sign_off(item, rules, report)
        if commit.signature in ("B", "R"):
            problems.append((Refusal.BAD_SIGNATURE, f"signature status {commit.signature}"))
        elif commit.signature in ("E", "U"):
            report.unverifiable_signatures += 1
        shown = tuple(self.ws.vault_path(p) or p for p in paths)
        for reason, detail in problems:
            report.violations.append(
                Violation(commit.sha, commit.commit_date, commit.author, shown, reason, detail)
            )

    def _sign_off(self, item: _Todo, rules: Rules, report: VerifyReport) -> list[Problem]:
        """``judge``'s verdict on one change's votes, and the content checks of a landing.

        A landing whose second parent is a proposal is judged vote by vote (every vote
        commit is in main's history) and its content against the reviewed content. Any
        other change is judged by its own ``Reviewed-by`` trailers, recorded by its
        committer, and is a violation once such a landing is in the history checked (the
        committer alone typed the names: nothing shows the others voted); before it, it is
        judged by the names alone (sign-offs made before votes were kept in history:
        counted in ``report.legacy``)."""
        commit, origin = item.commit, item.origin
        problems: list[Problem] = []
        landing: Vote | None = None
        author = commit.author
        if origin is not None:
            touched = [path for path, _, _ in item.touched]
            found = vote_commits(self.repo, origin.sha, commit.parents[1])
            votes = votes_in(found)
            landing = Vote(commit.sha, commit.committer, commit.committer)
            author = origin.author
            problems += self.signoffs.content_problems(commit, origin, found, touched)
        else:
            # a commit carrying what only this sopvault writes is no old-style sign-off
            legacy = item.legacy and not any(
                has_trailer(commit.trailers, key) for key in (SOP_BLOB, PROPOSAL_COMMIT)
            )
            names = identities_of(commit.trailers, REVIEWED_BY)
            votes = [Vote(commit.sha, who, commit.committer, legacy=legacy) for who in names]
            report.legacy += legacy and bool(names)
            if names and not legacy:
                problems.append(
                    (
                        Refusal.VOTES_MISSING,
                        "Reviewed-by typed into a commit whose votes are not in history:"
                        " make changes with sopvault propose and approve",
                    )
                )
        if rules.require_signatures and commit.parents:
            signed = self.signoffs.signed(
                [*votes, *([landing] if landing else [])], commit.parents[0]
            )
            votes, landing = signed[: len(votes)], (signed[-1] if landing else None)
        return judge(author, votes, rules, landing) + problems

    def _config_in_force(
        self,
        texts: dict[str, bytes | None],
        configs: dict[bytes, VaultConfig | None],
        config_id: str | None,
    ) -> VaultConfig:
        """The rules committed before a change (the defaults when none or unreadable,
        never the working copy's)."""
        raw = texts.get(config_id) if config_id else None
        if raw is None:
            return in_force_by_default(self.ws.vault.config)
        if raw not in configs:
            configs[raw] = parse_config_bytes(raw)
        return configs[raw] or in_force_by_default(self.ws.vault.config)
