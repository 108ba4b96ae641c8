"""``sopvault verify``: every change to a controlled file on main carries a valid sign-off.

An audit trail must show who approved what (21 CFR Part 11 §11.10(e)); the rules in force
at each commit are the ``sopvault.toml`` committed before it, judged by
``core.approval.judge`` exactly as ``approve`` judges.
"""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.core.approval import Rules, judge
from sopvault.core.config import CONFIG_FILE
from sopvault.core.trailers import REVIEWED_BY, identities_of
from sopvault.model.config import VaultConfig
from sopvault.model.control import Refusal, VerifyReport, Violation
from sopvault.services.localstate import state_violations
from sopvault.services.review.common import (
    RevisionError,
    Scope,
    front_names,
    is_document,
    parse_config_bytes,
)
from sopvault.store.git.repo import ZERO, Commit

# (repository path, blob id before, blob id after) as ``git log --raw`` gives them.
Change = tuple[str, str, str]


@dataclass(frozen=True)
class _Todo:
    """One commit that touched controlled files, with the rules' blob in force before it."""

    commit: Commit
    touched: list[Change]
    config_id: str | None


class Audit(Scope):
    """Checking main's history against the approval rules; changes nothing."""

    def verify(self, since: str | None = None, rev: str | None = None) -> VerifyReport:
        """Check every change to documents (and to the rules) on main for a valid sign-off.

        ``since`` limits the check to commits after it; ``rev`` checks another commit's
        history instead of main's (a pushed commit, in a server-side hook, before any ref
        moves). Raises RevisionError for an unknown ``since`` or ``rev``."""
        report = VerifyReport()
        tip = self.repo.rev(rev or self.ws.main_ref)
        if tip is None:
            if rev:
                raise RevisionError(f"unknown revision {rev!r}")
            return report
        if since is not None and self.repo.rev(since) is None:
            raise RevisionError(f"unknown revision {since!r}")
        span = f"{since}..{tip}" if since else tip
        commits = self.repo.log(
            span, first_parent=True, raw=True, signatures=True, paths=(self.ws.prefix or ".",)
        )
        report.commits = len(commits)
        todo, wanted = self._controlled_changes(commits)
        # Blob ids come with the log (--raw), so every text is fetched by id: looking up
        # "rev:path" in a tree of 20,000 files costs git a scan each time.
        ids = sorted(wanted)
        texts = dict(zip(ids, self.repo.blobs(ids), strict=True))
        configs: dict[bytes, VaultConfig | None] = {}
        for item in reversed(todo):
            self._check(item, texts, configs, report)
        report.violations.extend(state_violations(self.ws, tip, commits))
        return report

    def _controlled_changes(self, commits: list[Commit]) -> tuple[list[_Todo], set[str]]:
        """The commits (oldest first) that touched controlled files, each with the rules in
        force before it, and every blob id needed to judge them."""
        config_path = self.ws.repo_path(CONFIG_FILE)
        oldest = commits[-1] if commits else None
        config_id: str | None = None
        if oldest is not None and oldest.parents:
            config_id = self.repo.blob_ids(oldest.parents[0], [config_path]).get(config_path)
        todo = []
        wanted: set[str] = set()
        for commit in reversed(commits):  # oldest first, so the rules in force are known
            touched = [(p, a, b) for p, a, b in commit.changes if self.ws.is_controlled(p)]
            if touched:
                todo.append(_Todo(commit, touched, config_id))
                wanted.update(x for _, a, b in touched for x in (a, b) if x != ZERO)
                if config_id:
                    wanted.add(config_id)
            for path, _, new_id in commit.changes:
                if path == config_path:
                    config_id = new_id if new_id != ZERO else None
        return todo, wanted

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
                reviewers.append(front_names(before if before is not None else after, "reviewers"))
        if not paths:
            return
        report.checked += 1
        config = self._config_in_force(texts, configs, item.config_id)
        rules = Rules.for_change(config.review, config.people.values(), reviewers)
        commit = item.commit
        problems = judge(commit.author, identities_of(commit.trailers, REVIEWED_BY), rules)
        if commit.signature in ("B", "R"):
            problems.append((Refusal.BAD_SIGNATURE, f"signature status {commit.signature}"))
        elif commit.signature in ("E", "U"):
            report.unverifiable_signatures += 1
        shown = tuple(self.ws.vault_path(p) or p for p in paths)
        for reason, detail in problems:
            report.violations.append(
                Violation(commit.sha, commit.commit_date, commit.author, shown, reason, detail)
            )

    def _config_in_force(
        self,
        texts: dict[str, bytes | None],
        configs: dict[bytes, VaultConfig | None],
        config_id: str | None,
    ) -> VaultConfig:
        """The rules committed before a change (the vault's own when none or unreadable)."""
        raw = texts.get(config_id) if config_id else None
        if raw is None:
            return self.ws.vault.config
        if raw not in configs:
            configs[raw] = parse_config_bytes(raw)
        return configs[raw] or self.ws.vault.config
