"""Sync's main branch: fast-forward, or replay the commits made here on the server's main
(dropping an approval the server already holds), and say what the server's main brought."""

from __future__ import annotations

from sopvault.core.trailers import (
    PROPOSAL,
    PROPOSAL_COMMIT,
    REVIEWED_BY,
    RUN_ID,
    SOP_ID,
    has_trailer,
    identities_of,
    pairs_of,
    versions_label,
    versions_of,
)
from sopvault.services.syncplan import SyncError, SyncReport
from sopvault.store.git import diffs
from sopvault.store.git.repo import Commit, Repo


def new_main(
    repo: Repo,
    mine: str | None,
    theirs: str | None,
    report: SyncReport,
    where: str,
    sign: bool = False,
) -> str | None:
    """Where main goes: the server's main when only behind, ours when only ahead, else our
    commits replayed on theirs (``where`` names the server's main in messages; ``sign``
    signs the replayed commits). Raises SyncError when a commit of ours no longer
    applies, or an approval would land other text than it did here."""
    if theirs is None or mine == theirs:
        return mine
    if mine is None or repo.is_ancestor(mine, theirs):
        return theirs  # fast-forward
    if repo.is_ancestor(theirs, mine):
        return mine  # only ahead: pushed later
    return _replay(repo, mine, theirs, report, where, sign)


def _replay(repo: Repo, mine: str, theirs: str, report: SyncReport, where: str, sign: bool) -> str:
    """The commits made here since the two mains parted, re-made on the server's
    main; an approval the server already holds is dropped, not made twice. A landing
    keeps its second parent (its votes), and must put the very files it put here."""
    base = repo.merge_base(mine, theirs)
    local = list(reversed(repo.log(f"{base}..{mine}" if base else mine, first_parent=True)))
    upstream = repo.log(f"{base}..{theirs}" if base else theirs, first_parent=True)
    landed_there = {_proposal_key(c) for c in upstream} - {None}
    tip = theirs
    for commit in local:
        key = _proposal_key(commit)
        if key is not None and key in landed_there:
            report.dropped.append(
                f"{commit.sha[:10]} {commit.subject} (proposal"
                f" {(pairs_of(commit.trailers, PROPOSAL) or ['?'])[0]} was approved"
                " on another clone too; one change kept)"
            )
            continue
        patch = diffs.patch(repo, commit.parents[0] if commit.parents else None, commit.sha)
        tree = repo.apply_to(tip, patch) if patch.strip() else repo.tree_of(tip)
        if tree is None:
            raise SyncError(
                f"your commit {commit.sha[:10]} ({commit.subject}) does not apply on top"
                f" of {where}, which changed the same lines;"
                " nothing was changed: look at it with git, or propose the change again"
            )
        _same_files(repo, commit, tree, where)
        tip = repo.commit_tree(
            tree,
            [tip, *commit.parents[1:]],
            repo.message_of(commit.sha),
            author=commit.author,
            author_date=commit.author_date,
            sign=sign,
        )
        report.replayed.append(f"{commit.subject}")
    return tip


def _same_files(repo: Repo, commit: Commit, tree: str, where: str) -> None:
    """Refuse (SyncError) to replay an approval whose files would differ from what it put
    on main here: the sign-off is tied to that content (21 CFR Part 11 §11.70)."""
    if not has_trailer(commit.trailers, REVIEWED_BY) or not commit.parents:
        return
    paths = diffs.changed_between(repo, commit.parents[0], commit.sha)
    if repo.blob_ids(commit.sha, paths) != repo.blob_ids(tree, paths):
        raise SyncError(
            f"your approval {commit.sha[:10]} ({commit.subject}) would put other text on"
            f" {where}, which changed the same documents; nothing was changed: propose the"
            " change again"
        )


def incoming(repo: Repo, old_main: str, theirs: str, my_email: str, report: SyncReport) -> None:
    """What the server's main brought: approved revisions and runs, by others."""
    for commit in reversed(repo.log(f"{old_main}..{theirs}", first_parent=True)):
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


def _proposal_key(commit: Commit) -> tuple[str, str] | None:
    """An approval commit on main names its proposal: by its commit (``("", sha)``), or,
    written before ``SOP-Proposal-Commit`` existed, by (documents, number)."""
    if not has_trailer(commit.trailers, REVIEWED_BY):
        return None
    named = pairs_of(commit.trailers, PROPOSAL_COMMIT)
    if named:
        return ("", named[0])
    number = pairs_of(commit.trailers, PROPOSAL)
    if not number:
        return None
    return (",".join(sorted(versions_of(commit.trailers))), number[0])
