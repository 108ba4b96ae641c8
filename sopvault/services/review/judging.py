"""Judging the commits ``verify`` has not judged before: each change to a controlled file
against the rules committed before it (``core.approval.judge``, exactly as ``approve``
judges), its votes and signatures, the local state committed, and the acknowledgements.

Apart from ``services.review.audit`` so that a second run with no new commit (which only
re-reports what the record holds) imports none of it.
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
    front_names,
    in_force_by_default,
    is_document,
    parse_config_bytes,
)
from sopvault.services.review.links import Change, LinkedDocuments
from sopvault.services.review.prefix import Later, Prior
from sopvault.services.review.signoff import SignOffs, proposal_line, vote_commits, votes_in
from sopvault.services.workspace import Workspace
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


class Judging(Scope):
    """The verdicts on commits of main's first-parent line; changes nothing."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.signoffs = SignOffs(ws)

    def judged(self, tip: str, commits: list[Commit], prior: Prior) -> Prior:
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
