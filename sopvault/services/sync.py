"""``sopvault sync``: meet the team on the git server.

Fetch; bring main up to date (fast-forward, or replay the commits made here, run records
and approvals, on top of the server's main, dropping an approval the server already
holds); bring proposal refs together (new ones both ways, closed ones closed everywhere,
votes cast on two clones joined, and landed when they reach the approvals needed); push
it all in one atomic push guarded by leases; report what came in. The user's
uncommitted edits are never touched: a checked-out main moves only files that hold no
edits of the user's own, as after an approval. Run logs are sopvault's own: open runs are
committed before main moves and joined by event id wherever two texts meet
(``syncruns``).
"""

from __future__ import annotations

from sopvault.core.trailers import landed_label, versions_label
from sopvault.core.wording import counted
from sopvault.errors import SopvaultError
from sopvault.model.control import Proposal, ProposalState
from sopvault.services.review.control import DocumentControl
from sopvault.services.review.proposals import closed_ref, ref_of
from sopvault.services.syncmain import Replay, incoming, new_main
from sopvault.services.syncplan import Distance, SyncError, SyncPlan, SyncReport
from sopvault.services.syncruns import holding_logs, join_kept, runs_prefix, take_open_runs
from sopvault.store.git import refs, worktree
from sopvault.store.git.refs import ProposalRef
from sopvault.store.git.repo import ZERO, GitError

OPEN, APPROVED = ProposalState.OPEN, ProposalState.APPROVED
# Proposal refs of one proposal (``ID/N``) in any state, with their tips.
ByState = dict[ProposalRef, str]


class Sync:
    """Syncing one workspace with one git remote (the branch's upstream, else origin)."""

    def __init__(self, control: DocumentControl, remote: str | None = None) -> None:
        self.control = control
        self.ws = control.ws
        self.repo = self.ws.git()
        self.remote = remote or self._default_remote()

    def _default_remote(self) -> str:
        remotes = self.repo.remotes()
        if not remotes:
            raise SyncError(
                "this vault's repository has no git remote: add the team's server with"
                " `git remote add origin URL`"
            )
        named = self.repo.upstream_remote(self.ws.main)
        if named in remotes:
            return named
        return "origin" if "origin" in remotes else remotes[0]

    def _tracking(self, ref: str) -> str:
        """``refs/heads/X`` as fetched from the remote."""
        return f"refs/remotes/{self.remote}/{ref.removeprefix('refs/heads/')}"

    def distance(self) -> Distance | None:
        """Ahead/behind against what was last fetched (no network): for the status bar;
        None when either main is missing."""
        mine = self.repo.rev(self.ws.main_ref)
        theirs = self.repo.rev(self._tracking(self.ws.main_ref))
        if mine is None or theirs is None:
            return None
        ahead, behind = self.repo.ahead_behind(mine, theirs)
        return Distance(self.remote, ahead, behind)

    # ---- the whole sync ----------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Fetch, bring main and proposal refs together, push, and report. Raises SyncError
        when the server cannot be reached or refuses (nothing local is lost)."""
        self.ws.vault.must_be_writable("sync")
        report = SyncReport(self.remote, self.repo.remote_url(self.remote))
        try:
            self.repo.fetch(self.remote)
        except GitError as err:
            raise SyncError(
                f"cannot fetch from {self.remote} ({report.url}): {err}; nothing was changed"
            ) from None
        me = self.repo.identity()
        self.control.approvals.tidy()
        take_open_runs(self.ws, self.repo, report)
        main_ref = self.ws.main_ref
        old_main = self.repo.rev(main_ref)
        theirs = self.repo.rev(self._tracking(main_ref))
        self._move_main(old_main, theirs, report)
        if old_main is not None and theirs is not None:
            incoming(self.repo, old_main, theirs, me.email, report, runs_prefix(self.ws))
        plan = self._proposal_refs(report)
        main_now = self.repo.rev(main_ref)
        if main_now is not None and main_now != theirs:
            plan.add_first(main_ref, theirs, main_now, "main moved here")
            ahead = self.repo.count_commits(main_now, excluding=theirs)
            report.pushed.append(f"{self.ws.main}: {counted(ahead, 'commit')}")
        if plan:
            try:
                self.repo.push(self.remote, plan.refspecs(), plan.leases())
            except GitError as err:
                raise SyncError(
                    f"{self.remote} refused the push: {err}. Your commits and proposals are"
                    " kept here; fix what it says and run `sopvault sync` again"
                ) from None
            self.repo.fetch(self.remote)
        self.ws.vault.reload()
        return report

    def _move_main(self, old_main: str | None, theirs: str | None, report: SyncReport) -> None:
        """Fast-forward or replay main; a checked-out main's files follow it, and a run log
        kept for its uncommitted events gains main's (under the runs' locks)."""
        main_ref = self.ws.main_ref
        how = Replay(self._where(), runs_prefix(self.ws), self.control.approvals.signs())
        moved = new_main(self.repo, old_main, theirs, report, how)
        if moved is None or moved == old_main:
            return
        if old_main is not None:
            worktree.check_unlocked(self.repo, main_ref)
        with holding_logs(self.ws, self.repo, old_main, moved):
            self.repo.update_ref(main_ref, moved, old_main or ZERO, "sopvault sync")
            if old_main is None:
                return
            proposals = self.control.proposals
            known = [p.commit for s in (OPEN, APPROVED) for p in proposals.listing(s)]
            kept = worktree.follow(self.repo, main_ref, old_main, moved, known)
            report.kept_local.extend(join_kept(self.ws, self.repo, kept, moved))

    def _where(self) -> str:
        """The server's main as people name it, for messages."""
        return f"{self.remote}/{self.ws.main}"

    # ---- proposal refs -----------------------------------------------------------------

    def _proposal_refs(self, report: SyncReport) -> SyncPlan:
        """Bring local and server proposal refs together; returns what to push."""
        remote = self._by_key(self.remote)
        self._renumber_clashes(remote, report)
        local = self._by_key(None)
        plan = SyncPlan()
        for key in sorted(set(local) | set(remote)):
            self._reconcile(local.get(key, {}), remote.get(key, {}), plan, report)
        self._land_ready(report, plan, remote)
        self._report_waiting(remote, local, report)
        if plan:
            report.pushed.append(f"{counted(len(plan), 'proposal ref change')}")
        return plan

    def _reconcile(
        self, mine: ByState, theirs: ByState, plan: SyncPlan, report: SyncReport
    ) -> None:
        """One proposal's refs here and on the server: take what is new there, close what
        was closed there, plan to send what is new or further along here."""
        closed_there = {r: t for r, t in theirs.items() if r.state is not OPEN}
        closed_here = any(r.state is not OPEN for r in mine)
        for ref, tip in theirs.items():  # new on the server: take it
            if ref not in mine and not (closed_here and ref.state is OPEN):
                self.repo.update_ref(ref.name, tip, ZERO, "sopvault sync")
        if closed_there:
            for ref, tip in mine.items():
                if ref.state is OPEN:
                    self.repo.delete_ref(ref.name, tip)
                    self._decided(ref, closed_there, report)
        for ref, tip in mine.items():
            there = theirs.get(ref)
            if ref.state is OPEN and closed_there:
                continue
            if there is None:
                plan.add(ref.name, None, tip, "new here")
            elif there == tip:
                continue
            elif self.repo.is_ancestor(tip, there):
                self.repo.update_ref(ref.name, there, tip, "sopvault sync")
            elif self.repo.is_ancestor(there, tip):
                plan.add(ref.name, there, tip, "further along here")
            elif ref.state is OPEN:
                joined = self._join_votes(there, tip)
                self.repo.update_ref(ref.name, joined, tip, "sopvault sync")
                plan.add(ref.name, there, joined, "votes from both clones joined")
        if closed_here:
            for ref, there in theirs.items():
                if ref.state is OPEN and ref not in mine:
                    plan.add(ref.name, there, None, "closed here: closed on the server too")

    def _renumber_clashes(self, remote: dict[str, ByState], report: SyncReport) -> None:
        """A proposal made here whose number the server gave to another proposal, of any
        document (both clones counted from the same last sync), takes the next free
        number. The proposal is its commit: one the server holds under that number (its
        commit is in the server ref's history) is this one, already sent."""
        taken: dict[int, list[str]] = {}
        for found in remote.values():
            for ref, tip in found.items():
                taken.setdefault(ref.number, []).append(tip)
        for prop in self.control.proposals.listing(OPEN):
            theirs = taken.get(prop.number, [])
            if not theirs or any(self.repo.is_ancestor(prop.commit, t) for t in theirs):
                continue
            renamed = self.control.proposals.renumber(prop)
            report.replayed.append(
                f"your proposal {prop.number} is now proposal {renamed.number}"
                " (the server already had a proposal with that number)"
            )

    def _by_key(self, remote: str | None) -> dict[str, ByState]:
        """Proposal refs here (or as fetched from ``remote``), by ``ID/N``."""
        found: dict[str, ByState] = {}
        for ref, tip in refs.listing(self.repo, remote=remote):
            found.setdefault(ref.key, {})[ref] = tip
        return found

    def _join_votes(self, theirs: str, mine: str) -> str:
        """Votes cast here and on the server, joined by a commit whose parents are both
        lines: no vote is re-made, so each keeps its own committer and signature."""
        text = "Join the votes cast on two clones\n"
        sign = self.control.approvals.signs()
        return self.repo.commit_tree(self.repo.tree_of(theirs), [theirs, mine], text, sign=sign)

    def _land_ready(self, report: SyncReport, plan: SyncPlan, remote: dict[str, ByState]) -> None:
        """Proposals whose joined votes now reach the approvals needed land on main."""
        approvals = self.control.approvals
        for prop in self.control.proposals.listing(OPEN):
            try:
                result = approvals.finish_landed(prop) or approvals.land_if_ready(prop)
            except SopvaultError as err:
                report.landed_here.append(f"proposal {prop.number} not landed: {err}")
                continue
            if result is None:
                continue
            report.landed_here.append(
                f"proposal {prop.number}: {landed_label(prop.documents, prop.retires)}"
            )
            there = remote.get(ref_of(prop).key, {}).get(ref_of(prop))
            plan.delete(prop.ref, there, "landed here")
            plan.add(closed_ref(prop, APPROVED), None, prop.tip, "landed here")

    def _decided(self, ref: ProposalRef, closed: ByState, report: SyncReport) -> None:
        state = "approved" if any(r.state is APPROVED for r in closed) else "rejected"
        report.decided_elsewhere.append(f"proposal {ref.key} was {state} on another clone")

    def _report_waiting(
        self, remote: dict[str, ByState], local: dict[str, ByState], report: SyncReport
    ) -> None:
        me = self.repo.identity()
        new_keys = {
            key
            for key, found in remote.items()
            if key not in local and any(r.state is OPEN for r in found)
        }
        for prop in self.control.proposals.listing(OPEN):
            if (
                ref_of(prop).key in new_keys
                and self.control.approvals.check_approver(prop, me) is None
            ):
                report.waiting_for_me.append(_describe(prop))


def _describe(prop: Proposal) -> str:
    return f"{prop.number}  {versions_label(prop.documents)}  {prop.author.name}: {prop.summary}"
