"""Approvals: who may approve, recording a vote, landing the change on main, finishing an
interrupted landing, and tidying refs a killed process left behind.

Four eyes: the author never approves their own change, and the rules are judged by
``core.approval.judge``, the one place sign-offs are judged (21 CFR Part 11 §11.50, §11.70:
the sign-off is in the trailers of the very commit that holds the text).
"""

from __future__ import annotations

from sopvault.core.approval import Problem, Rules, judge, landed_as_reviewed
from sopvault.core.parse import with_changes
from sopvault.core.trailers import (
    APPROVED_AT,
    APPROVES,
    PROPOSAL,
    PROPOSAL_COMMIT,
    PROPOSED_BY,
    REVIEWED_BY,
    blob_trailers,
    document_trailers,
    identities_of,
    message,
    retirement_trailers,
)
from sopvault.core.versioning import next_review
from sopvault.model.config import VaultConfig
from sopvault.model.control import (
    ApproveResult,
    Identity,
    Proposal,
    ProposalState,
    Refusal,
    Vote,
)
from sopvault.model.document import Status
from sopvault.services.review.common import (
    RevisionError,
    Scope,
    front_names,
    front_text,
    is_document,
)
from sopvault.services.review.proposals import Proposals, closed_ref
from sopvault.services.review.races import explain, landing_of, refuse_taken_numbers
from sopvault.services.review.signoff import SignOffs, reviewers, vote_commits, votes_in
from sopvault.services.workspace import Workspace
from sopvault.store.git import diffs, refs, worktree
from sopvault.store.git.repo import ZERO, GitError

OPEN, APPROVED = ProposalState.OPEN, ProposalState.APPROVED


class Approvals(Scope):
    """Approving proposals on one workspace."""

    def __init__(self, ws: Workspace, proposals: Proposals | None = None) -> None:
        super().__init__(ws)
        self.proposals = proposals or Proposals(ws)
        self.signoffs = SignOffs(ws)

    def rules_for(self, prop: Proposal) -> Rules:
        """The rules in force on main now, narrowed by the documents' own reviewers."""
        tip = self.main_tip()
        return self._narrowed(self.rules_at(tip), tip, self.changed_paths(prop.base, prop.commit))

    def rules_for_each(self, props: list[Proposal], tip: str | None = None) -> list[Rules]:
        """``rules_for`` of each proposal, in order; main's tip (``tip``: just read by the
        caller), its rules and every proposal's changed paths read once for all (one ``git
        diff-tree``, ``sopvault due``). Raises RevisionError, GitError."""
        if not props:
            return []
        tip = tip or self.main_tip()
        config = self.rules_at(tip)
        changed = diffs.changed_between_each(self.repo, [(p.base, p.commit) for p in props])
        return [
            self._narrowed(config, tip, [p for p in paths if self.ws.is_controlled(p)])
            for paths in changed
        ]

    def _narrowed(self, config: VaultConfig, tip: str, paths: list[str]) -> Rules:
        """``config``'s review rules narrowed by the ``reviewers`` each document among
        ``paths`` (controlled repository paths) names on main at ``tip``."""
        reviewers = []
        for path, now in zip(paths, self.repo.blobs([f"{tip}:{p}" for p in paths]), strict=True):
            if self.ws.is_document(path):
                # a new document's own ``reviewers`` are its author's choice: not in force yet
                reviewers.append(front_names(now, "reviewers"))
        return Rules.for_change(config.review, config.people.values(), reviewers)

    def changed_paths(self, old: str, new: str) -> list[str]:
        """Controlled files (documents and the rules) that differ between two commits."""
        return [p for p in diffs.changed_between(self.repo, old, new) if self.ws.is_controlled(p)]

    def check_approver(
        self, prop: Proposal, me: Identity | None = None, rules: Rules | None = None
    ) -> str | None:
        """Why ``me`` (default: the acting identity) may not approve ``prop`` now, or None
        when they may (shown before the button is pressed in the TUI, and enforced by
        ``approve``). The sign-off rules are ``judge``'s, asked about the vote ``me``
        would record; a second vote by one person is refused here because it would not
        count."""
        me = me or self.repo.identity()
        rules = rules or self.rules_for(prop)
        mine = Vote("", me, me, signer=me.email)  # signed by me, when signatures are required
        for refusal, _ in judge(prop.author, [mine], rules):
            if refusal is Refusal.SELF_APPROVED:
                return (
                    f"you ({me.email}) proposed this change, and nobody approves their own"
                    " change: ask another reviewer"
                )
            if refusal is Refusal.NOT_ALLOWED:
                unknown = f" (your git e-mail {me.email} is not in [people])"
                known = "" if rules.person(me) else unknown
                names = ", ".join(prop.documents)
                return f"you may not approve {names}: allowed are {rules.who_may()}{known}"
        if any(me.same_as(v) for v in prop.approvals):
            return f"you have already approved proposal {prop.number}; it needs another reviewer"
        return None

    def judged(self, prop: Proposal, tip: str, rules: Rules) -> tuple[list[Problem], list[Vote]]:
        """``judge``'s verdict on the votes recorded between the proposal's own commit and
        ``tip``, signatures checked against the allowed-signers file on main when the rules
        require them; with the votes, oldest first."""
        votes = votes_in(vote_commits(self.repo, prop.commit, tip))
        if rules.require_signatures:
            votes = self.signoffs.signed(votes, self.main_tip())
        return judge(prop.author, votes, rules), votes

    def _refuse_bad_votes(self, prop: Proposal, problems: list[Problem]) -> None:
        """Raise RevisionError naming the first vote that does not count for a reason
        other than being too few or none yet (forged, unsigned, the author's, not allowed):
        a proposal waiting for review is not a problem to report."""
        for refusal, detail in problems:
            if refusal not in (Refusal.TOO_FEW, Refusal.UNREVIEWED):
                raise RevisionError(
                    f"proposal {prop.number} cannot land: {refusal.value}: {detail}; reject it"
                    f' (sopvault reject {prop.number} -m "why") and propose the change again'
                )

    def tidy(self) -> list[str]:
        """Delete review refs left beside the approved or rejected ref of the same
        proposal (a process killed between the two ref updates); returns them."""
        found = dict(refs.listing(self.repo))
        removed = []
        for ref, tip in found.items():
            if ref.state is not OPEN:
                continue
            for state in (APPROVED, ProposalState.REJECTED):
                closed = found.get(ref.moved_to(state))
                if closed is not None and self.repo.is_ancestor(tip, closed):
                    self.repo.delete_ref(ref.name, tip)
                    removed.append(ref.name)
                    break
        return removed

    def approve(self, label: str, comment: str = "") -> ApproveResult:
        """Approve an open proposal as the acting identity: a vote commit, and when the
        votes then approve the change (``judge``), it lands on main. Raises RevisionError
        when the approver is refused, a recorded vote does not count (forged, unsigned),
        signatures are required and git has no SSH signing key, or the change no longer
        applies to main."""
        self.ws.vault.must_be_writable("approve")
        self.tidy()
        prop = self.proposals.get(label, OPEN)
        finished = self.finish_landed(prop)
        if finished is not None:
            return finished
        me = self.repo.identity()
        rules = self.rules_for(prop)
        voted = any(me.same_as(v) for v in prop.approvals)  # sync left it to land
        refusal = None if voted else self.check_approver(prop, me, rules)
        if refusal:
            raise RevisionError(refusal)
        if rules.require_signatures:
            self.signoffs.signing_key()
        tip = prop.tip if voted else self._vote(prop, me, comment)
        problems, votes = self.judged(prop, tip, rules)
        self._refuse_bad_votes(prop, problems)
        if problems and tip == prop.tip:  # voted before, and still too few
            raise RevisionError(self.check_approver(prop, me, rules) or problems[0][1])
        if not problems:
            return self._land(prop, tip, votes, rules, comment)
        try:
            self.repo.update_ref(prop.ref, tip, prop.tip, f"sopvault approve {prop.number}")
        except GitError as err:
            raise explain(self, prop, None, err) from None
        return ApproveResult(prop, False, len(reviewers(votes)), rules.approvals, tip)

    def _vote(self, prop: Proposal, me: Identity, comment: str) -> str:
        """A vote commit of ``me`` on the proposal's tip (same tree: it approves exactly
        the proposed content), signed when git or the rules ask; no ref moves."""
        text = message(
            f"Approve proposal {prop.number}",
            comment,
            [
                (APPROVES, str(prop.number)),
                (PROPOSAL_COMMIT, prop.commit),
                (REVIEWED_BY, str(me)),
                (APPROVED_AT, self.stamp()),
            ],
        )
        tree = self.repo.tree_of(prop.tip)
        return self.repo.commit_tree(tree, [prop.tip], text, sign=self.signs())

    def finish_landed(self, prop: Proposal) -> ApproveResult | None:
        """An approval interrupted after main moved (the process was killed) left the
        proposal open although its change is on main: close it now instead of landing the
        change a second time. None when the change is not on main."""
        commit = landing_of(self, prop)
        if commit is None:
            return None
        kept: tuple[str, ...] = ()
        if commit.parents:
            # the files may not have followed main before the process died
            worktree.check_unlocked(self.repo, self.ws.main_ref)
            kept = worktree.follow(
                self.repo, self.ws.main_ref, commit.parents[0], commit.sha, [prop.commit]
            )
        closing: list[tuple[str, str | None, str | None]] = [(prop.ref, None, prop.tip)]
        if self.repo.rev(closed_ref(prop, APPROVED)) is None:
            voted = commit.parents[1] if len(commit.parents) > 1 else prop.tip
            closing.append((closed_ref(prop, APPROVED), voted, ZERO))
        try:
            self.repo.update_refs(closing, f"sopvault approve {prop.number}")
        except GitError as err:
            raise explain(self, prop, None, err) from None
        self.ws.vault.reload()
        approvals = identities_of(commit.trailers, REVIEWED_BY)
        return ApproveResult(prop, True, len(approvals), len(approvals), commit.sha, kept)

    def land_if_ready(self, prop: Proposal) -> ApproveResult | None:
        """Land a proposal whose votes, recorded on several clones, met on the server and
        now approve it (``sopvault sync``), when the acting identity is one of its
        reviewers (the landing commit is theirs); None when it needs more votes or another
        reviewer's sync. Raises RevisionError naming a vote that does not count."""
        rules = self.rules_for(prop)
        problems, votes = self.judged(prop, prop.tip, rules)
        self._refuse_bad_votes(prop, problems)
        me = self.repo.identity()
        if problems or not any(me.same_as(v.reviewer) for v in votes):
            return None
        if rules.require_signatures:
            self.signoffs.signing_key()
        return self._land(prop, prop.tip, votes, rules, "")

    def _land(
        self, prop: Proposal, tip: str, votes: list[Vote], rules: Rules, comment: str
    ) -> ApproveResult:
        """Put the approved change on main: one commit, sign-off in its trailers, the
        proposal's last vote ``tip`` as its second parent (so every vote is in main's
        history) and the reviewed and landed blob of every file in ``SOP-Blob`` trailers."""
        worktree.check_unlocked(self.repo, self.ws.main_ref)
        main_tip = self.main_tip()
        tree, blobs = self._landed_tree(prop, main_tip)
        people = reviewers(votes)
        trailers = document_trailers(prop.documents) + retirement_trailers(prop.retires)
        trailers += [(PROPOSAL, str(prop.number)), (PROPOSAL_COMMIT, prop.commit)]
        trailers.append((PROPOSED_BY, str(prop.author)))
        trailers += [(REVIEWED_BY, str(who)) for who in people]
        trailers.append((APPROVED_AT, self.stamp()))
        trailers += blob_trailers(blobs)
        body = "\n\n".join(part for part in (prop.body, comment.strip()) if part)
        text = message(prop.summary, body, trailers)
        landed = self.repo.commit_tree(
            tree,
            [main_tip, tip],
            text,
            author=prop.author,
            author_date=prop.date,
            sign=self.signs(),
        )
        # main, the approved ref and the open ref move together or not at all
        moves = [
            (self.ws.main_ref, landed, main_tip),
            (closed_ref(prop, APPROVED), tip, ZERO),
            (prop.ref, None, prop.tip),
        ]
        try:
            self.repo.update_refs(moves, f"sopvault approve {prop.number}")
        except GitError as err:
            raise explain(self, prop, main_tip, err) from None
        kept = worktree.follow(self.repo, self.ws.main_ref, main_tip, landed, [prop.commit])
        self.ws.vault.reload()
        return ApproveResult(prop, True, len(people), rules.approvals, landed, kept)

    def _landed_tree(self, prop: Proposal, main_tip: str) -> tuple[str, dict[str, tuple[str, str]]]:
        """The tree to land and {vault path: (reviewed blob, landed blob)} for every
        controlled file the proposal changes. Raises RevisionError when a file would not
        land as reviewed (main changed it since: the rebase would merge other text in) or
        its version number was taken meanwhile."""
        tree = self._mark_effective(prop, self._rebased_tree(prop, main_tip))
        refuse_taken_numbers(self, prop, main_tip)
        paths = self.changed_paths(prop.base, prop.commit)
        reviewed = self.repo.blob_ids(prop.commit, paths)
        landed = self.repo.blob_ids(tree, paths)
        blobs: dict[str, tuple[str, str]] = {}
        for path in paths:
            before, after = reviewed.get(path, ZERO), landed.get(path, ZERO)
            texts = self.repo.blobs([x for x in (before, after) if x != ZERO])
            old = texts.pop(0) if before != ZERO else None
            new = texts.pop(0) if after != ZERO else None
            problem = landed_as_reviewed(old, new, self.ws.is_document(path))
            shown = self.ws.vault_path(path) or path
            if problem is not None:
                raise RevisionError(
                    f"{self.ws.main} has changed {shown} since proposal {prop.number} was made:"
                    f" what would land {problem}; the author should bring it up to date and"
                    " propose again, or reject this one"
                )
            blobs[shown] = (before, after)
        return tree, blobs

    def _rebased_tree(self, prop: Proposal, main_tip: str) -> str:
        """The proposal's change applied to main now. Raises RevisionError when it meets
        other edits (a conflict), LostRace when it does not apply because someone landed or
        closed it a moment ago, GitError when git fails for any other reason (its words)."""
        if prop.base == main_tip:
            return self.repo.tree_of(prop.commit)
        tree = self.repo.apply_to(main_tip, diffs.patch(self.repo, prop.base, prop.commit))
        if tree is None:
            moved = ", ".join(
                sorted(
                    set(self.changed_paths(prop.base, main_tip))
                    & set(self.changed_paths(prop.base, prop.commit))
                )
            )
            conflict = RevisionError(
                f"{self.ws.main} has changed since proposal {prop.number} was made and the"
                f" change no longer applies ({moved or 'conflicting edits'}): the author should"
                " bring the document up to date and propose again, or reject this one"
            )
            # it may not apply because it is there already: someone landed it meanwhile
            raise explain(self, prop, None, conflict)
        return tree

    def _mark_effective(self, prop: Proposal, tree: str) -> str:
        """The landed documents made effective today, next review due by their period."""
        today = self.ws.today
        paths = [p for p in self.changed_paths(prop.base, prop.commit) if self.ws.is_document(p)]
        edits: dict[str, bytes | None] = {}
        for path, data in zip(paths, self.repo.blobs([f"{tree}:{p}" for p in paths]), strict=True):
            if data is None or not is_document(data):
                continue  # removed or moved away; or a note (no front matter) to leave alone
            if front_text(data, "status") == Status.RETIRED.value:
                continue  # a retirement lands exactly as reviewed: retired, not effective
            changes = {
                "status": Status.EFFECTIVE.value,
                "effective": today,
                "next_review": next_review(today, front_text(data, "review_every")),
            }
            edits[path] = with_changes(data.decode("utf-8"), changes).encode("utf-8")
        return self.repo.tree_with(tree, edits) if edits else tree
