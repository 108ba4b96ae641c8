"""``sopvault verify``: every change to a controlled file on main carries a valid sign-off.

An audit trail must show who approved what (21 CFR Part 11 §11.10(e)); the rules in force
at each commit are the ``sopvault.toml`` committed before it, judged by
``core.approval.judge`` exactly as ``approve`` judges (``services.review.judging``, imported
only when there are commits to judge: a second run with no new commit re-reports its
record and asks git only main's commit, the history's cuts and the signature settings).
"""

from __future__ import annotations

from sopvault.model.control import VerifyReport
from sopvault.services.review.common import Scope, Unverifiable
from sopvault.services.review.prefix import PrefixRecord, Prior
from sopvault.services.workspace import Workspace
from sopvault.store.git.errors import IncompleteHistory


class Audit(Scope):
    """Checking main's history against the approval rules; changes nothing."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
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
        self.read = 0
        record = PrefixRecord(self.ws) if since is None else None
        recorded = record.recorded() if record is not None and not full else None
        tip = self._tip(rev, recorded.tip if recorded is not None and rev is None else None)
        if since is not None:
            self._since_holds(since, tip, rev)
        cut = self.repo.history_cut(tip, since)
        if cut is not None:
            raise IncompleteHistory(cut)
        prior = record.prior(tip) if record is not None and not full else None
        if prior is not None and prior.tip == tip:
            return prior.report()  # nothing new: the record's verdicts, git not asked again
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
        from sopvault.services.review.judging import Judging

        done = Judging(self.ws).judged(tip, commits, prior or Prior())
        if record is not None:
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

    def _tip(self, rev: str | None, recorded: str | None = None) -> str:
        """The commit whose history is checked: ``rev``'s, else main's. Main's is read
        from the repository's files when they say for certain that main is still at
        ``recorded`` (a commit the record judged: ``Repo.branch_is``), else asked of git.
        Raises Unverifiable naming the fix when there is none (a CI checkout has no local
        main)."""
        if rev:
            tip = self.repo.rev(rev)
            if tip is None:
                raise Unverifiable(f"unknown revision {rev!r}")
            return tip
        if recorded is not None and self.repo.branch_is(self.ws.main, recorded):
            return recorded
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
