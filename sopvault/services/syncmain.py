"""Sync's main branch: fast-forward, or replay the commits made here on the server's main
(dropping an approval the server already holds), and say what the server's main brought."""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.core.trailers import (
    ACK,
    PROPOSAL,
    PROPOSAL_COMMIT,
    REVIEWED_BY,
    RUN_ID,
    SOP_VERSION,
    has_trailer,
    identities_of,
    pairs_of,
    versions_label,
    versions_of,
)
from sopvault.services.syncplan import SyncError, SyncReport
from sopvault.services.syncruns import is_run_log, joined_logs, runs_brought
from sopvault.store.git import diffs
from sopvault.store.git.repo import Commit, Repo


@dataclass(frozen=True)
class Replay:
    """How our commits are re-made on the server's main: ``where`` names it in messages,
    ``runs`` is the repository path of the vault's ``runs/`` (its logs are joined by
    event id, not patched), ``sign`` signs the new commits."""

    where: str
    runs: str = "runs/"
    sign: bool = False


def new_main(
    repo: Repo, mine: str | None, theirs: str | None, report: SyncReport, how: Replay
) -> str | None:
    """Where main goes: the server's main when only behind, ours when only ahead, else our
    commits replayed on theirs (see ``Replay``). Raises SyncError when a commit of ours
    no longer applies, or an approval would land other text than it did here."""
    if theirs is None or mine == theirs:
        return mine
    if mine is None or repo.is_ancestor(mine, theirs):
        return theirs  # fast-forward
    if repo.is_ancestor(theirs, mine):
        return mine  # only ahead: pushed later
    return _replay(repo, mine, theirs, report, how)


def _replay(repo: Repo, mine: str, theirs: str, report: SyncReport, how: Replay) -> str:
    """The commits made here since the two mains parted, re-made on the server's
    main; an approval the server already holds is dropped, not made twice, and so is a
    run's commit whose events the server holds all. A landing keeps its second parent
    (its votes), and must put the very files it put here."""
    where = how.where
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
        tree, only_runs = _replayed_tree(repo, commit, tip, how)
        _same_files(repo, commit, tree, where)
        if only_runs and tree == repo.tree_of(tip):
            report.dropped.append(
                f"{commit.sha[:10]} {commit.subject} (the server holds its events already)"
            )
            continue
        tip = repo.commit_tree(
            tree,
            [tip, *commit.parents[1:]],
            repo.message_of(commit.sha),
            author=commit.author,
            author_date=commit.author_date,
            sign=how.sign,
        )
        report.replayed.append(f"{commit.subject}")
    return tip


def _replayed_tree(repo: Repo, commit: Commit, tip: str, how: Replay) -> tuple[str, bool]:
    """The tree ``commit`` makes on ``tip``: its run logs joined with the server's by
    event id (``syncruns.joined_logs``), every other file patched as git would; and
    whether it changed run logs only. Raises SyncError when the patch meets other edits."""
    parent = commit.parents[0] if commit.parents else None
    changed = diffs.changed_between(repo, parent or diffs.EMPTY_TREE, commit.sha)
    logs = [p for p in changed if is_run_log(p, how.runs)]
    others = [p for p in changed if p not in logs]
    tree: str | None = repo.tree_of(tip)
    if others:
        tree = repo.apply_to(tip, diffs.patch(repo, parent, commit.sha, others))
    if tree is None:
        raise SyncError(
            f"your commit {commit.sha[:10]} ({commit.subject}) does not apply on top"
            f" of {how.where}, which changed the same lines;"
            " nothing was changed: look at it with git, or propose the change again"
        )
    if logs:
        tree = repo.tree_with(tree, joined_logs(repo, commit, tip, logs, how.where))
    return tree, bool(logs) and not others


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


def incoming(
    repo: Repo, old_main: str, theirs: str, my_email: str, report: SyncReport, runs: str
) -> None:
    """What the server's main brought: approved revisions, acknowledgements and runs
    recorded by others (``runs``: the repository path of the vault's ``runs/``; see
    ``syncruns.runs_brought``)."""
    for commit in reversed(repo.log(f"{old_main}..{theirs}", first_parent=True)):
        trailers = commit.trailers
        acked = pairs_of(trailers, ACK)
        if acked and commit.author.email.lower() != my_email.lower():
            version = (pairs_of(trailers, SOP_VERSION) or ["?"])[0]
            report.acks_in.append(f"{commit.author.name} acknowledged {acked[0]} {version}")
        if has_trailer(trailers, REVIEWED_BY) and not has_trailer(trailers, RUN_ID):
            approvers = ", ".join(a.name for a in identities_of(trailers, REVIEWED_BY))
            docs = versions_label(versions_of(trailers)) or commit.subject
            report.revisions_in.append(
                f"{docs}: {commit.subject} ({commit.author.name}, approved by {approvers})"
            )
    report.runs_in.extend(runs_brought(repo, old_main, theirs, my_email.lower(), runs))


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
