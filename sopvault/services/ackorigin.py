"""Who put each ack file on main, read along main's line with the approvals.

``acks``, ``acks --person``, ``due`` and the reader's prompt count an acknowledgement only
when it stands on its own the way ``verify`` judges it (21 CFR Part 11 §11.50, §11.70):
the file as main holds it was *added* (never edited since) by a commit authored by the
person it names, it states its meaning, and it acknowledges a text an approval landed.
A file written by hand in someone else's name, edited afterwards, or naming a text no
approval put on main is not counted as anyone's training (``verify`` says why). The
signature and the rules in force at the time are ``verify``'s alone: they need the whole
history, and these lists must answer in a fraction of a second.
"""

from __future__ import annotations

from sopvault.core.ackfile import ACKS_DIR
from sopvault.core.trailers import counts_as_approval
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import ZERO, Commit, Repo

# An ack file's vault path -> (the blob id it was added with, its adder's e-mail, lower).
Adders = dict[str, tuple[str, str]]


def walk(ws: Workspace, repo: Repo, tip: str, since: str | None, adders: Adders) -> dict[str, str]:
    """Main's first-parent line after ``since`` (from the start when None) up to ``tip``,
    oldest first: ``adders`` is brought up to date in place (an ack file added gains its
    adder, one changed or deleted loses it), and the {blob id: commit} of the document
    texts approvals landed is returned (the oldest approval of a text wins)."""
    span = f"{since}..{tip}" if since else tip
    commits = repo.log(span, first_parent=True, raw=True, paths=(ws.prefix or ".",))
    landed: dict[str, str] = {}
    first = repo.first_voted_landing(tip) if commits else None
    # Whether votes were kept before the span: a Reviewed-by typed after proves nothing.
    kept = first is not None and since is not None and repo.is_ancestor(first, since)
    for commit in reversed(commits):
        approval = counts_as_approval(commit.trailers, len(commit.parents), kept)
        kept = kept or commit.sha == first
        for path, before, after in commit.changes:
            rel = ws.vault_path(path) or path
            if rel.startswith(f"{ACKS_DIR}/"):
                adders.pop(rel, None)
                if before == ZERO and after != ZERO:
                    origin = _origin(repo, commit, path)
                    adders[rel] = (after, origin.author.email.lower())
            elif approval and after != ZERO and ws.is_document(path):
                landed.setdefault(after, commit.sha)
    return landed


def _origin(repo: Repo, commit: Commit, path: str) -> Commit:
    """The commit that added ``path``: ``commit`` itself, or for a merge (``git pull``)
    the commit on its merged line that did (the merge itself when none did)."""
    if len(commit.parents) < 2:
        return commit
    for side in repo.log(f"{commit.parents[0]}..{commit.sha}", raw=True):
        if side.sha != commit.sha and any(p == path and b == ZERO for p, b, _ in side.changes):
            return side
    return commit
