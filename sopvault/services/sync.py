"""``sopvault sync``: meet the team on the git server.

Fetch; bring main up to date (fast-forward, or replay the commits made here, run records
and approvals, on top of the server's main, dropping an approval the server already
holds); bring proposal refs together (new ones both ways, closed ones closed everywhere,
votes cast on two clones joined, and landed when they reach the approvals needed); push
it all in one atomic push guarded by leases; report what came in. The user's
uncommitted edits are never touched: a checked-out main moves only files that hold no
edits of the user's own, as after an approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.core.trailers import (
    APPROVES,
    PROPOSAL,
    REVIEWED_BY,
    RUN_ID,
    SOP_ID,
    has_trailer,
    identities_of,
    pairs_of,
    versions_label,
    versions_of,
)
from sopvault.errors import SopvaultError
from sopvault.services.review.revisions import OPEN, PROPOSAL_REF, Proposal, Revisions
from sopvault.store.git.repo import ZERO, Commit, GitError

_KINDS = ("review", "approved", "rejected")


class SyncError(SopvaultError):
    """Sync stopped; the message says why and that nothing local was lost."""


@dataclass
class SyncReport:
    remote: str
    url: str
    revisions_in: list[str] = field(default_factory=list)
    runs_in: list[str] = field(default_factory=list)
    waiting_for_me: list[str] = field(default_factory=list)
    decided_elsewhere: list[str] = field(default_factory=list)
    landed_here: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not any(
            (
                self.revisions_in,
                self.runs_in,
                self.waiting_for_me,
                self.decided_elsewhere,
                self.landed_here,
                self.replayed,
                self.dropped,
                self.pushed,
            )
        )

    def lines(self) -> list[str]:
        """The report as people read it, most useful first."""
        out: list[str] = []
        sections = (
            ("new approved revisions", self.revisions_in),
            ("runs completed by others", self.runs_in),
            ("proposals waiting for your review", self.waiting_for_me),
            ("your proposals decided elsewhere", self.decided_elsewhere),
            ("landed by this sync (enough approvals met)", self.landed_here),
            ("your commits replayed on the server's main", self.replayed),
            ("dropped (the server already holds them)", self.dropped),
            ("kept your own edits in", self.kept_local),
            ("sent", self.pushed),
        )
        for title, items in sections:
            if items:
                out.append(f"{title}:")
                out.extend(f"  {item}" for item in items)
        if not out:
            out.append("already up to date")
        return out


@dataclass(frozen=True)
class Distance:
    """How the local main stands against the last fetched server main."""

    remote: str
    ahead: int
    behind: int


class Sync:
    def __init__(self, revisions: Revisions, remote: str | None = None) -> None:
        self.revisions = revisions
        self.repo = revisions.repo
        self.remote = remote or self._default_remote()

    def _default_remote(self) -> str:
        remotes = self.repo.remotes()
        if not remotes:
            raise SyncError(
                "this vault's repository has no git remote: add the team's server with"
                " `git remote add origin URL`"
            )
        upstream = self.repo.call("config", "--get", f"branch.{self.revisions.main}.remote")
        named = upstream.stdout.decode().strip()
        if named in remotes:
            return named
        return "origin" if "origin" in remotes else remotes[0]

    def _tracking(self, ref: str) -> str:
        """``refs/heads/X`` as fetched from the remote."""
        return f"refs/remotes/{self.remote}/{ref.removeprefix('refs/heads/')}"

    def distance(self) -> Distance | None:
        """Ahead/behind against what was last fetched (no network): for the status bar."""
        mine = self.repo.rev(self.revisions.main_ref)
        theirs = self.repo.rev(self._tracking(self.revisions.main_ref))
        if mine is None or theirs is None:
            return None
        counts = self.repo.text("rev-list", "--left-right", "--count", f"{mine}...{theirs}")
        ahead, behind = (int(n) for n in counts.split())
        return Distance(self.remote, ahead, behind)

    # ---- the whole sync ----------------------------------------------------------------

    def sync(self) -> SyncReport:
        self.revisions.vault.must_be_writable("sync")
        report = SyncReport(self.remote, self.repo.remote_url(self.remote))
        try:
            self.repo.fetch(self.remote)
        except GitError as err:
            raise SyncError(
                f"cannot fetch from {self.remote} ({report.url}): {err}; nothing was changed"
            ) from None
        me = self.repo.identity()
        self.revisions.tidy()
        main_ref = self.revisions.main_ref
        old_main = self.repo.rev(main_ref)
        theirs = self.repo.rev(self._tracking(main_ref))
        new_main = self._new_main(old_main, theirs, report)
        if new_main is not None and new_main != old_main:
            self.repo.update_ref(main_ref, new_main, old_main or ZERO, "sopvault sync")
            if old_main is not None and self.repo.head_branch() == main_ref:
                known = [
                    p.commit for s in ("open", "approved") for p in self.revisions.proposals(s)
                ]
                kept = self.revisions.follow_main(old_main, new_main, known)
                report.kept_local.extend(kept)
        if old_main is not None and new_main is not None and theirs is not None:
            self._incoming(old_main, theirs, me.email, report)
        pushes, leases = self._proposal_refs(report)
        main_now = self.repo.rev(main_ref)
        if main_now is not None and main_now != theirs:
            pushes.insert(0, f"{main_now}:{main_ref}")
            leases.insert(0, f"{main_ref}:{theirs or ''}")
            ahead = self.repo.text(
                "rev-list", "--count", main_now, *([f"^{theirs}"] if theirs else [])
            )
            report.pushed.append(f"{self.revisions.main}: {ahead} commit(s)")
        if pushes:
            try:
                self.repo.push(self.remote, pushes, leases)
            except GitError as err:
                raise SyncError(
                    f"{self.remote} refused the push: {err}. Your commits and proposals are"
                    " kept here; fix what it says and run `sopvault sync` again"
                ) from None
            self.repo.fetch(self.remote)
        self.revisions.vault.reload()
        return report

    # ---- main --------------------------------------------------------------------------

    def _new_main(self, mine: str | None, theirs: str | None, report: SyncReport) -> str | None:
        if theirs is None or mine == theirs:
            return mine
        if mine is None or self.repo.is_ancestor(mine, theirs):
            return theirs  # fast-forward
        if self.repo.is_ancestor(theirs, mine):
            return mine  # only ahead: pushed below
        return self._replay(mine, theirs, report)

    def _replay(self, mine: str, theirs: str, report: SyncReport) -> str:
        """The commits made here since the two mains parted, re-made on the server's
        main; an approval the server already holds is dropped, not made twice."""
        base = self.repo.merge_base(mine, theirs)
        span = f"{base}..{mine}" if base else mine
        local = list(reversed(self.repo.log("--first-parent", span)))
        upstream_span = f"{base}..{theirs}" if base else theirs
        landed_there = {
            _proposal_key(c) for c in self.repo.log("--first-parent", upstream_span)
        } - {None}
        sign = self.repo.config_bool("commit.gpgsign")
        tip = theirs
        for commit in local:
            key = _proposal_key(commit)
            if key is not None and key in landed_there:
                report.dropped.append(
                    f"{commit.sha[:10]} {commit.subject} (proposal {key[1]} was approved"
                    " on another clone too; one change kept)"
                )
                continue
            parent = commit.parents[0] if commit.parents else None
            patch = self.repo.run(
                "diff", "--binary", "--no-color", "--full-index", parent or _EMPTY_TREE, commit.sha
            )
            tree = self.repo.apply_to(tip, patch) if patch.strip() else self.repo.tree_of(tip)
            if tree is None:
                raise SyncError(
                    f"your commit {commit.sha[:10]} ({commit.subject}) does not apply on top"
                    f" of {self.remote}/{self.revisions.main}, which changed the same lines;"
                    " nothing was changed: look at it with git, or propose the change again"
                )
            tip = self.repo.commit_tree(
                tree,
                [tip],
                self.repo.message_of(commit.sha),
                author=commit.author,
                author_date=commit.author_date,
                sign=sign,
            )
            report.replayed.append(f"{commit.subject}")
        return tip

    def _incoming(self, old_main: str, theirs: str, my_email: str, report: SyncReport) -> None:
        """What the server's main brought: approved revisions and runs, by others."""
        span = f"{old_main}..{theirs}"
        for commit in reversed(self.repo.log("--first-parent", span)):
            trailers = commit.trailers
            if has_trailer(trailers, RUN_ID):
                if commit.committer.email.lower() != my_email.lower():
                    run = (pairs_of(trailers, RUN_ID) or ["?"])[0]
                    doc = (pairs_of(trailers, SOP_ID) or ["?"])[0]
                    report.runs_in.append(f"{doc} run {run} ({commit.committer.name})")
            elif has_trailer(trailers, REVIEWED_BY):
                approvers = ", ".join(a.name for a in identities_of(trailers, REVIEWED_BY))
                docs = versions_label(versions_of(trailers)) or commit.subject
                report.revisions_in.append(
                    f"{docs}: {commit.subject} ({commit.author.name}, approved by {approvers})"
                )

    # ---- proposal refs -----------------------------------------------------------------

    def _proposal_refs(self, report: SyncReport) -> tuple[list[str], list[str]]:
        """Bring local and server proposal refs together; returns what to push."""
        remote = self._refs(f"refs/remotes/{self.remote}/")
        self._renumber_clashes(remote, report)
        local = self._refs("refs/heads/")
        pushes: list[str] = []
        leases: list[str] = []

        def push(ref: str, new: str | None) -> None:
            pushes.append(f"{new or ''}:{ref}")
            leases.append(f"{ref}:{remote.get(_key_of(ref), {}).get(ref, '')}")

        for key in sorted(set(local) | set(remote)):
            mine, theirs = local.get(key, {}), remote.get(key, {})
            closed_there = {
                r: t for r, t in theirs.items() if not r.startswith("refs/heads/review/")
            }
            closed_here = {r: t for r, t in mine.items() if not r.startswith("refs/heads/review/")}
            for ref, tip in theirs.items():  # new on the server: take it
                reopened = closed_here and ref.startswith("refs/heads/review/")
                if ref not in mine and not reopened:
                    self.repo.update_ref(ref, tip, ZERO, "sopvault sync")
            if closed_there:
                for ref, tip in mine.items():
                    if ref.startswith("refs/heads/review/"):
                        self.repo.delete_ref(ref, tip)
                        self._decided(ref, closed_there, report)
            for ref, tip in mine.items():
                there = theirs.get(ref)
                if ref.startswith("refs/heads/review/") and closed_there:
                    continue
                if there is None:
                    push(ref, tip)
                elif there != tip:
                    if self.repo.is_ancestor(tip, there):
                        self.repo.update_ref(ref, there, tip, "sopvault sync")
                    elif self.repo.is_ancestor(there, tip):
                        push(ref, tip)
                    elif ref.startswith("refs/heads/review/"):
                        joined = self._join_votes(there, tip)
                        self.repo.update_ref(ref, joined, tip, "sopvault sync")
                        push(ref, joined)
            if closed_here:
                for ref in theirs:
                    if ref.startswith("refs/heads/review/") and ref not in mine:
                        push(ref, None)  # closed here: close it on the server too
        self._land_ready(report, pushes, leases, remote)
        self._report_waiting(remote, local, report)
        if pushes:
            report.pushed.append(f"{len(pushes)} proposal ref change(s)")
        return pushes, leases

    def _renumber_clashes(self, remote: dict[str, dict[str, str]], report: SyncReport) -> None:
        """A proposal made here whose number the server gave to another proposal (both
        clones counted from the same last sync) takes the next free number."""
        for prop in self.revisions.proposals(OPEN):
            theirs = remote.get(f"{prop.first_id}/{prop.number}", {})
            if not theirs or any(self.repo.is_ancestor(prop.commit, t) for t in theirs.values()):
                continue
            renamed = self.revisions.renumber(prop)
            report.replayed.append(
                f"your proposal {prop.number} is now proposal {renamed.number}"
                " (the server already had a proposal with that number)"
            )

    def _refs(self, prefix: str) -> dict[str, dict[str, str]]:
        """Proposal refs under ``prefix``, by ``ID/N``, as local ``refs/heads/...`` names."""
        found: dict[str, dict[str, str]] = {}
        for ref, tip in self.repo.refs(*(f"{prefix}{kind}/" for kind in _KINDS)):
            rest = ref[len(prefix) :]
            match = PROPOSAL_REF.match(f"refs/heads/{rest}")
            if match:
                found.setdefault(f"{match['id']}/{match['n']}", {})[match[0]] = tip
        return found

    def _join_votes(self, theirs: str, mine: str) -> str:
        """Votes cast here, added after the server's: both reviewers' approvals count."""
        base = self.repo.merge_base(theirs, mine)
        voted = {
            who.email.lower()
            for c in self.repo.log("--first-parent", f"{base}..{theirs}" if base else theirs)
            for who in identities_of(c.trailers, REVIEWED_BY)
        }
        tip = theirs
        for commit in reversed(
            self.repo.log("--first-parent", f"{base}..{mine}" if base else mine)
        ):
            if not has_trailer(commit.trailers, APPROVES):
                continue
            voters = identities_of(commit.trailers, REVIEWED_BY)
            if all(v.email.lower() in voted for v in voters):
                continue
            tip = self.repo.commit_tree(
                self.repo.tree_of(tip),
                [tip],
                self.repo.message_of(commit.sha),
                author=commit.author,
                author_date=commit.author_date,
                sign=self.repo.config_bool("commit.gpgsign"),
            )
        return tip

    def _land_ready(
        self,
        report: SyncReport,
        pushes: list[str],
        leases: list[str],
        remote: dict[str, dict[str, str]],
    ) -> None:
        """Proposals whose joined votes now reach the approvals needed land on main."""
        for prop in self.revisions.proposals(OPEN):
            try:
                result = self.revisions.finish_landed(prop) or self.revisions.land_if_ready(prop)
            except SopvaultError as err:
                report.landed_here.append(f"proposal {prop.number} not landed: {err}")
                continue
            if result is None:
                continue
            report.landed_here.append(
                f"proposal {prop.number}: {versions_label(prop.documents)} is effective"
            )
            key = f"{prop.first_id}/{prop.number}"
            ref = prop.closed_ref("approved")
            theirs = remote.get(key, {})
            for i, spec in enumerate(pushes):
                if spec.endswith(f":{prop.ref}"):
                    pushes[i] = f":{prop.ref}"
                    break
            else:
                if prop.ref in theirs:
                    pushes.append(f":{prop.ref}")
                    leases.append(f"{prop.ref}:{theirs[prop.ref]}")
            pushes.append(f"{prop.tip}:{ref}")
            leases.append(f"{ref}:")

    def _decided(self, ref: str, closed: dict[str, str], report: SyncReport) -> None:
        state = "approved" if any("/approved/" in r for r in closed) else "rejected"
        label = ref.removeprefix("refs/heads/review/")
        report.decided_elsewhere.append(f"proposal {label} was {state} on another clone")

    def _report_waiting(
        self,
        remote: dict[str, dict[str, str]],
        local: dict[str, dict[str, str]],
        report: SyncReport,
    ) -> None:
        me = self.repo.identity()
        new_keys = {
            k for k, refs in remote.items() if k not in local and any("/review/" in r for r in refs)
        }
        for prop in self.revisions.proposals(OPEN):
            if f"{prop.first_id}/{prop.number}" not in new_keys:
                continue
            if self.revisions.check_approver(prop, me) is None:
                report.waiting_for_me.append(_describe(prop))


# git's empty tree: the parent side of a diff for a commit with no parent.
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _key_of(ref: str) -> str:
    parts = ref.split("/")
    return f"{parts[-2]}/{parts[-1]}"


def _proposal_key(commit: Commit) -> tuple[str, str] | None:
    """An approval commit on main names its proposal: (documents, number)."""
    if not has_trailer(commit.trailers, REVIEWED_BY):
        return None
    number = pairs_of(commit.trailers, PROPOSAL)
    if not number:
        return None
    return (",".join(sorted(versions_of(commit.trailers))), number[0])


def _describe(prop: Proposal) -> str:
    return f"{prop.number}  {versions_label(prop.documents)}  {prop.author.name}: {prop.summary}"
