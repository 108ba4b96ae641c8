"""The revisions approved in a period, for an evidence pack: each with its landing on
main, its sign-offs as ``verify`` reads them and its structured diff (issue 16).

Which commits count as approvals is ``History.revisions``'s rule (the one ``verify``
judges by, ``core.trailers.counts_as_approval``); the sign-offs are the vote commits
``services.review.signoff`` reads, signatures checked against the allowed-signers file in
force before the landing; the diff is ``core.redline.compare`` with git's own diff kept,
as a proposal's review shows it (ISO 9001 §7.5.3.2 c: changes identified).
"""

from __future__ import annotations

from dataclasses import replace

from sopvault.core.localtime import moment_of
from sopvault.core.redline import compare
from sopvault.core.trailers import REVIEWED_BY, has_trailer, identities_of
from sopvault.model.control import Revision, TextAt, Vote
from sopvault.model.evidence import ApprovedRevision, Landing, Period
from sopvault.services.review.common import front_text
from sopvault.services.review.history import History
from sopvault.services.review.signoff import SignOffs, proposal_line, vote_commits, votes_in
from sopvault.services.workspace import Workspace
from sopvault.store.git import diffs
from sopvault.store.git.repo import ZERO, Commit, Repo


def approved_in(ws: Workspace, tip: str, period: Period) -> list[ApprovedRevision]:
    """Every revision approved on main's own line up to ``tip`` whose landing commit was
    committed in ``period`` (when it took effect), oldest first; several documents landed
    together give one each, by id. Raises GitError when git cannot answer."""
    repo = ws.git()
    commits = repo.log(tip, first_parent=True, raw=True, until=int(period.end.timestamp()))
    landed: dict[str, Commit] = {}
    for commit in commits:
        when = moment_of(commit.commit_date)
        if when is not None and period.holds(when) and has_trailer(commit.trailers, REVIEWED_BY):
            landed[commit.sha] = commit
    history, signoffs = History(ws), SignOffs(ws)
    approved = [r for r in history.approvals_in(list(landed.values()), tip) if r.path]
    order = {sha: n for n, sha in enumerate(reversed(list(landed)))}
    approved.sort(key=lambda r: (order[r.commit], r.id))
    sides = {(r.id, r.commit): _sides(ws, repo, landed[r.commit], r) for r in approved}
    wanted = sorted({b for pair in sides.values() for _, b in pair if b})
    texts = repo.read_blobs(wanted)
    votes = _signed(
        repo, signoffs, [(landed[r.commit], _votes(repo, landed[r.commit])) for r in approved]
    )
    return [
        _approved(ws, repo, landed[rev.commit], rev, sides[(rev.id, rev.commit)], texts, found)
        for rev, found in zip(approved, votes, strict=True)
    ]


Side = tuple[str | None, str | None]  # (repository path, blob id); None: no such side


def _sides(ws: Workspace, repo: Repo, commit: Commit, rev: Revision) -> tuple[Side, Side]:
    """Where the document's text was just before ``commit`` and where the approved text
    is, with their blob ids, from the commit's own changes (``--raw``): the same path, or
    the document file the commit removed whose front matter names the id (a rename)."""
    path = ws.repo_path(rev.path)
    changes = {p: (old, new) for p, old, new in commit.changes}
    if path in changes:
        new = changes[path][1]
        if changes[path][0] != ZERO:
            return (path, changes[path][0]), (path, new)
    else:  # not changed by the landing itself (never for a real approval): read the trees
        new = repo.blob_ids(commit.sha, [path]).get(path, "")
        old = repo.blob_ids(commit.parents[0], [path]).get(path) if commit.parents else None
        return ((path, old) if old else (None, None)), (path, new)
    gone = [(p, old) for p, (old, after) in changes.items() if after == ZERO and ws.is_document(p)]
    for (old_path, blob), data in zip(gone, repo.blobs([b for _, b in gone]), strict=True):
        if data is not None and front_text(data, "id") == rev.id:
            return (old_path, blob), (path, new)
    return (None, None), (path, new)


def _approved(
    ws: Workspace,
    repo: Repo,
    commit: Commit,
    rev: Revision,
    sides: tuple[Side, Side],
    texts: dict[str, bytes],
    votes: list[Vote],
) -> ApprovedRevision:
    """One revision with its landing, sign-offs, texts and diff."""
    parent = commit.parents[0] if commit.parents else ""  # "": a root commit, no parent
    (old_path, old_blob), (new_path, new_blob) = sides
    old_data = texts.get(old_blob) if old_blob else None
    new_data = texts.get(new_blob or "", b"")
    old = None
    if old_data is not None and old_path:
        before = front_text(old_data, "version") or "before"
        label = f"{rev.id} {before} ({parent[:8]})"
        old = TextAt(label, _text(old_data), _vault_path(ws, old_path))
    new = TextAt(f"{rev.id} {rev.version} ({commit.sha[:8]})", _text(new_data), rev.path)
    shown = sorted({p for p in (old_path, new_path) if p})
    # git's empty tree is the other side of a root commit's diff, never named as a commit
    raw = diffs.text_diff(repo, parent or diffs.EMPTY_TREE, commit.sha, shown)
    landing = Landing(commit.sha, parent, commit.commit_date, tuple(commit.trailers))
    return ApprovedRevision(
        revision=rev,
        landing=landing,
        votes=tuple(votes),
        diff=compare(old, new, raw),
        old_blob=old_blob,
        new_blob=new_blob or "",
        repo_path=new_path or "",
        text=new_data,
    )


def _vault_path(ws: Workspace, repo_path: str) -> str:
    """The vault path of a repository path (the path itself outside the vault)."""
    return ws.vault_path(repo_path) or repo_path


def _votes(repo: Repo, commit: Commit) -> list[Vote]:
    """The sign-offs of a landing as ``verify`` reads them: its proposal's vote commits
    (a landing whose second parent is the proposal line), else the ``Reviewed-by`` names
    of the commit itself (made before votes were kept, ``legacy``)."""
    if len(commit.parents) >= 2:
        _, origin = proposal_line(repo, commit.parents[1])
        found = vote_commits(repo, origin.sha, commit.parents[1]) if origin else []
        return votes_in(found)
    names = identities_of(commit.trailers, REVIEWED_BY)
    return [Vote(commit.sha, who, commit.committer, legacy=True) for who in names]


def _signed(
    repo: Repo, signoffs: SignOffs, landings: list[tuple[Commit, list[Vote]]]
) -> list[list[Vote]]:
    """Each landing's votes with who signed them, checked as ``verify`` checks them:
    against the allowed-signers file in force before the landing (its first parent).
    One ``git log`` per distinct allowed-signers file, not one per landing."""
    files: list[bytes] = []
    wanted: dict[bytes, set[str]] = {}
    for commit, votes in landings:
        allowed = signoffs.signers_file(commit.parents[0]) if votes and commit.parents else b""
        files.append(allowed)
        if votes and commit.parents:
            wanted.setdefault(allowed, set()).update(v.commit for v in votes)
    found = {allowed: repo.signers(sorted(shas), allowed) for allowed, shas in wanted.items()}
    return [
        [replace(v, signer=found.get(allowed, {}).get(v.commit)) for v in votes]
        for (_, votes), allowed in zip(landings, files, strict=True)
    ]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
