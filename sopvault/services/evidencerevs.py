"""The revisions approved in a period, for an evidence pack: each with its landing on
main, its sign-offs as ``verify`` reads them and its structured diff (issue 16).

Which commits count as approvals is ``History.revisions``'s rule (the one ``verify``
judges by, ``core.trailers.counts_as_approval``); the sign-offs are the vote commits
``services.review.signoff`` reads, signatures checked against the allowed-signers file in
force before the landing; the diff is ``core.redline.compare`` with git's own diff kept,
as a proposal's review shows it (ISO 9001 §7.5.3.2 c: changes identified).
"""

from __future__ import annotations

from sopvault.core.localtime import moment_of
from sopvault.core.redline import compare
from sopvault.core.trailers import REVIEWED_BY, has_trailer, identities_of, versions_of
from sopvault.model.control import Revision, TextAt, Vote
from sopvault.model.evidence import ApprovedRevision, Landing, Period
from sopvault.services.review.history import History
from sopvault.services.review.signoff import SignOffs, proposal_line, vote_commits, votes_in
from sopvault.services.workspace import Workspace
from sopvault.store.git import diffs
from sopvault.store.git.repo import Commit, Repo


def approved_in(ws: Workspace, tip: str, period: Period) -> list[ApprovedRevision]:
    """Every revision approved on main's own line up to ``tip`` whose landing commit was
    committed in ``period`` (when it took effect), oldest first; several documents landed
    together give one each. Raises GitError when git cannot answer."""
    repo = ws.git()
    commits = repo.log(tip, first_parent=True, until=int(period.end.timestamp()))
    landed: dict[str, Commit] = {}
    for commit in commits:
        when = moment_of(commit.commit_date)
        if when is not None and period.holds(when) and has_trailer(commit.trailers, REVIEWED_BY):
            landed[commit.sha] = commit
    wanted = sorted({doc for c in landed.values() for doc in versions_of(c.trailers)})
    history, signoffs = History(ws), SignOffs(ws)
    found: list[ApprovedRevision] = []
    for doc_id in wanted:
        revisions = history.revisions(doc_id, tip)  # newest first, by the approval rule
        for index, rev in enumerate(revisions):
            if rev.commit in landed and rev.path:
                before = revisions[index + 1] if index + 1 < len(revisions) else None
                found.append(_approved(ws, repo, signoffs, landed[rev.commit], rev, before))
    order = {sha: n for n, sha in enumerate(reversed(list(landed)))}
    found.sort(key=lambda a: (order[a.revision.commit], a.revision.id))
    return found


def _approved(
    ws: Workspace,
    repo: Repo,
    signoffs: SignOffs,
    commit: Commit,
    rev: Revision,
    before: Revision | None,
) -> ApprovedRevision:
    """One revision with its landing, sign-offs, texts and diff."""
    parent = commit.parents[0] if commit.parents else diffs.EMPTY_TREE
    new_path = ws.repo_path(rev.path)
    old_path = new_path
    if commit.parents and repo.blob(parent, old_path) is None and before and before.path:
        old_path = ws.repo_path(before.path)  # renamed in this revision
    new_blob = repo.blob_ids(commit.sha, [new_path]).get(new_path, "")
    old_blob = repo.blob_ids(parent, [old_path]).get(old_path) if commit.parents else None
    old_data, new_data = repo.blobs([f"{parent}:{old_path}", f"{commit.sha}:{new_path}"])
    if not commit.parents:
        old_data = None
    shown_before = before.version if before else "before"
    old = None
    if old_data is not None:
        old = TextAt(
            f"{rev.id} {shown_before} ({parent[:8]})", _text(old_data), _vault_path(ws, old_path)
        )
    new = TextAt(f"{rev.id} {rev.version} ({commit.sha[:8]})", _text(new_data or b""), rev.path)
    raw = diffs.text_diff(repo, parent, commit.sha, sorted({old_path, new_path}))
    landing = Landing(commit.sha, parent, commit.commit_date, tuple(commit.trailers))
    return ApprovedRevision(
        revision=rev,
        landing=landing,
        votes=tuple(_votes(repo, signoffs, commit)),
        diff=compare(old, new, raw),
        old_blob=old_blob,
        new_blob=new_blob,
        repo_path=new_path,
        text=new_data or b"",
    )


def _vault_path(ws: Workspace, repo_path: str) -> str:
    """The vault path of a repository path (the path itself outside the vault)."""
    return ws.vault_path(repo_path) or repo_path


def _votes(repo: Repo, signoffs: SignOffs, commit: Commit) -> list[Vote]:
    """The sign-offs of a landing as ``verify`` reads them: its proposal's vote commits
    (a landing whose second parent is the proposal line), else the ``Reviewed-by`` names
    of the commit itself (made before votes were kept, ``legacy``); each with who signed
    it, checked against the allowed-signers file in force before the landing."""
    if len(commit.parents) >= 2:
        _, origin = proposal_line(repo, commit.parents[1])
        found = vote_commits(repo, origin.sha, commit.parents[1]) if origin else []
        votes = votes_in(found)
    else:
        names = identities_of(commit.trailers, REVIEWED_BY)
        votes = [Vote(commit.sha, who, commit.committer, legacy=True) for who in names]
    if not votes or not commit.parents:
        return votes
    return signoffs.signed(votes, commit.parents[0])


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
