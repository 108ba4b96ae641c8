"""Sign-offs as git records them, read the same way for approve, sync and verify.

A proposal is its own commit (``SOP-Proposal``, ``Proposed-by``) followed by vote commits
(``Approves``, ``Reviewed-by``) and, when votes from two clones met, join commits. When
the change lands, the landing commit on main takes the proposal's last commit as its
second parent, so every vote commit is in main's history: ``git log --first-parent`` reads
main as before, and ``verify`` can judge each vote with git alone. ``core.approval.judge``
decides what the votes mean; this module only reads them, and asks git who signed them
against the allowed-signers file committed in the vault.
"""

from __future__ import annotations

from dataclasses import replace

from sopvault.core.approval import Problem, landed_as_reviewed
from sopvault.core.trailers import (
    APPROVES,
    PROPOSAL,
    PROPOSED_BY,
    REJECTED_BY,
    REVIEWED_BY,
    blobs_of,
    has_trailer,
    identities_of,
    pairs_of,
)
from sopvault.model.control import Identity, Refusal, Vote
from sopvault.services.review.common import RevisionError, Scope
from sopvault.store.git.diffs import EMPTY_TREE, changed_between
from sopvault.store.git.repo import ZERO, Commit, Repo

# How many commits of a proposal line are read at first; doubled until its origin shows.
_FIRST_READ = 16


def is_origin(commit: Commit) -> bool:
    """Whether ``commit`` is a proposal's own commit (not a vote, a rejection or a landing)."""
    trailers = commit.trailers
    return (
        has_trailer(trailers, PROPOSAL)
        and has_trailer(trailers, PROPOSED_BY)
        and not any(has_trailer(trailers, k) for k in (APPROVES, REVIEWED_BY, REJECTED_BY))
    )


def proposal_line(repo: Repo, tip: str) -> tuple[list[Commit], Commit | None]:
    """The commits above a proposal's own commit on ``tip``'s first-parent line (newest
    first), and that commit (None when the line holds no proposal). Raises GitError."""
    limit = _FIRST_READ
    while True:
        line = repo.log(tip, first_parent=True, limit=limit)
        for index, commit in enumerate(line):
            if is_origin(commit):
                return line[:index], commit
        if len(line) < limit:
            return line, None
        limit *= 4


def vote_commits(repo: Repo, origin: str, tip: str) -> list[Commit]:
    """Every vote commit between a proposal's own commit and ``tip``, oldest first, on
    every line (votes joined from two clones sit on both parents of a join commit)."""
    if origin == tip:
        return []
    found = repo.log(f"{origin}..{tip}")
    return [c for c in reversed(found) if has_trailer(c.trailers, APPROVES)]


def votes_in(commits: list[Commit]) -> list[Vote]:
    """One Vote per ``Reviewed-by`` of each vote commit, recorded by its committer."""
    return [
        Vote(commit.sha, who, commit.committer)
        for commit in commits
        for who in identities_of(commit.trailers, REVIEWED_BY)
    ]


def reviewers(votes: list[Vote]) -> list[Identity]:
    """The distinct reviewers of ``votes``, in the order they first voted."""
    found: list[Identity] = []
    for vote in votes:
        if not any(vote.reviewer.same_as(f) for f in found):
            found.append(vote.reviewer)
    return found


class SignOffs(Scope):
    """The allowed-signers file in force at a commit, and who signed sign-off commits."""

    def signers_file(self, rev: str) -> bytes:
        """The allowed-signers file as committed at ``rev`` (the rules at ``rev`` name it);
        empty when there is none, so no key is listed."""
        config = self.rules_at(rev)
        path = self.ws.repo_path(config.review.allowed_signers)
        return self.repo.blob(rev, path) or b""

    def signed(self, votes: list[Vote], rev: str) -> list[Vote]:
        """``votes`` with their ``signer`` filled in by git's check against the
        allowed-signers file in force at ``rev`` (main before the change lands)."""
        allowed = self.signers_file(rev)
        found = self.repo.signers(sorted({v.commit for v in votes}), allowed)
        return [replace(v, signer=found.get(v.commit)) for v in votes]

    def content_problems(
        self, landing: Commit, origin: Commit, votes: list[Commit], touched: list[str]
    ) -> list[Problem]:
        """Why what ``landing`` put on main is not what its votes approved: a vote on other
        content than the proposal's, a controlled file (of ``touched``, repository paths)
        the proposal did not change, a missing or wrong ``SOP-Blob`` record, or a file that
        is not the reviewed text plus approval's edit (21 CFR Part 11 §11.70)."""
        number = (pairs_of(origin.trailers, PROPOSAL) or ["?"])[0]
        problems = [
            (Refusal.NOT_REVIEWED_CONTENT, f"vote {v.sha[:10]} approves other content")
            for v in votes
            if v.tree != origin.tree
        ]
        base = origin.parents[0] if origin.parents else EMPTY_TREE
        proposed = [
            p for p in changed_between(self.repo, base, origin.sha) if self.ws.is_controlled(p)
        ]
        for path in sorted(set(touched) - set(proposed)):
            shown = self.ws.vault_path(path) or path
            problems.append(
                (Refusal.NOT_REVIEWED_CONTENT, f"changes {shown}, which proposal {number} did not")
            )
        reviewed = self.repo.blob_ids(origin.sha, proposed)
        landed = self.repo.blob_ids(landing.sha, proposed)
        recorded = blobs_of(landing.trailers)
        for path in proposed:
            ids = (reviewed.get(path, ZERO), landed.get(path, ZERO))
            shown = self.ws.vault_path(path) or path
            problem = self._file_problem(path, ids, recorded.get(shown))
            if problem is not None:
                problems.append((Refusal.NOT_REVIEWED_CONTENT, f"{shown} {problem}"))
        return problems

    def _file_problem(
        self, path: str, ids: tuple[str, str], recorded: tuple[str, str] | None
    ) -> str | None:
        """Why one file's landing does not match its record and its reviewed text."""
        if recorded is None:
            return "has no SOP-Blob record of the content reviewed"
        if recorded != ids:
            return f"is not the content recorded (SOP-Blob {recorded[0][:10]} {recorded[1][:10]})"
        before, after = (self.repo.blobs([i])[0] if i != ZERO else None for i in ids)
        return landed_as_reviewed(before, after, self.ws.is_document(path))

    def signing_key(self) -> str:
        """Refuse unless git is set to sign with an SSH key (``gpg.format = ssh`` and
        ``user.signingkey``); returns the key. Raises RevisionError with how to set it."""
        key = self.repo.config_value("user.signingkey")
        if key is None or (self.repo.config_value("gpg.format") or "openpgp") != "ssh":
            raise RevisionError(
                "this vault requires signed sign-offs ([review] require_signatures): set an"
                " SSH signing key with git config gpg.format ssh and git config"
                " user.signingkey ~/.ssh/id_ed25519.pub (see docs/document-control.md)"
            )
        return key
