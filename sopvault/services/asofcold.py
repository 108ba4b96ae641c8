"""The texts of a past date parsed when nothing of them is cached: the cold half of a
listing of the vault on a date (``services.asof``; issue 14's figure, at most 2 s on
10,000 documents with an empty cache folder).

Three sources work at once on two cores:

- **git** inflates, in the background, the texts that differ between the date's commit and
  today's ``HEAD`` (one tree-to-tree diff names them): today's files cannot hold them;
- **this process** and **a forked child** (``HeadCache.apart``) each read a share of the
  other texts from the work tree, keep each file only when its bytes hash to the blob id
  (``Repo.worktree_blobs``: never git's index's word, which a smudge filter, line-ending
  conversion, assume-unchanged or skip-worktree fools), and parse it.

The diff is only a guess at where a text is: a text the work tree does not hold after all
(edited, smudged, missing) is read from git afterwards, and one git reads that the work
tree also holds costs nothing but git's time. So the answer is exactly the date's texts,
whatever the work tree holds; only the time depends on the guess.
"""

from __future__ import annotations

from functools import partial

from sopvault.model.finding import ParseResult
from sopvault.store.git import diffs
from sopvault.store.git.errors import GitError
from sopvault.store.git.repo import Repo
from sopvault.store.heads import HeadCache

# Of the texts git reads, this part of their count is added to the child's share of the
# disk's texts: this process parses all of git's (and waits for git's inflating, on the
# same two cores), then decodes the child's answer, so the child takes more of the disk's
# (balanced on 10,000 texts of which 2,172 come from git: 0.4 left this process last,
# 0.7 the child).
GIT_WEIGHT = 0.55


def parse_cold(
    repo: Repo, commit: str, todo: dict[str, str], paths: dict[str, str], heads: HeadCache
) -> dict[str, ParseResult]:
    """{blob id: light result} of each blob of ``todo`` ({blob id: vault path}) that git
    holds, parsed into ``heads``; ``paths`` gives each blob's repository path. ``commit``
    is the date's commit. Raises GitError when git cannot read what it holds."""
    changed = _changed_since(repo, commit)
    from_git = [sha for sha in todo if paths[sha] in changed]
    disk = [sha for sha in todo if paths[sha] not in changed]
    if not disk:  # all from git (the rest was cached): each parsed as git reads the next
        return {sha: heads.add(sha, todo[sha], data) for sha, data in repo.stream_blobs(from_git)}
    later = repo.read_blobs_behind(from_git)  # git inflates these meanwhile
    share = min(len(disk), len(disk) // 2 + int(len(from_git) * GIT_WEIGHT))
    work = partial(_from_disk, repo, heads, paths)
    with heads.apart({sha: todo[sha] for sha in disk[:share]}, work) as apart:
        fresh = work({sha: todo[sha] for sha in disk[share:]})
        for sha, data in later().items():
            fresh[sha] = heads.add(sha, todo[sha], data)
        fresh.update(apart.collect())
    rest = [sha for sha in todo if sha not in fresh]  # not in the work tree after all
    for sha, data in repo.stream_blobs(rest):
        fresh[sha] = heads.add(sha, todo[sha], data)
    return fresh


def _changed_since(repo: Repo, commit: str) -> frozenset[str]:
    """Repository paths whose blob differs between ``commit`` and ``HEAD`` (empty when git
    cannot say: an unborn ``HEAD``; every text is then looked for on the disk first)."""
    try:
        return frozenset(diffs.changed_between(repo, commit, "HEAD"))
    except GitError:
        return frozenset()


def _from_disk(
    repo: Repo, heads: HeadCache, paths: dict[str, str], todo: dict[str, str]
) -> dict[str, ParseResult]:
    """{blob id: light result} of the blobs of ``todo`` ({blob id: vault path}) whose
    work-tree file holds exactly their bytes, parsed into ``heads``; the others are left
    out."""
    found = repo.worktree_blobs({paths[sha]: sha for sha in todo})
    return {sha: heads.add(sha, todo[sha], data) for sha, data in found.items()}
