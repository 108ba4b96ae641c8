"""Following main in the work trees after main moved under them (an approval landed, or
sync brought the server's main), without ever overwriting the user's own edits.

Every work tree that has the branch checked out follows: the repository's own and any
added with ``git worktree add``; otherwise that one would show the approval reversed and
staged (Trust §7). Files are compared and written the way git compares and checks them
out: through the clean and smudge filters and line-ending conversion, never as raw bytes.
"""

from __future__ import annotations

from pathlib import Path

from sopvault.store.fs import write_atomic
from sopvault.store.git.diffs import changed_between
from sopvault.store.git.repo import ZERO, Repo


def holders(repo: Repo, ref: str) -> list[Path]:
    """The work trees (real paths) that have ``ref`` (``refs/heads/main``) checked out:
    this repository's and any linked one that still exists. Raises GitError."""
    out = repo._run("worktree", "list", "--porcelain", "-z").decode("utf-8", "surrogateescape")
    found: list[Path] = []
    for record in out.split("\0\0"):
        fields = dict(f.partition(" ")[::2] for f in record.split("\0") if f)
        tree = Path(fields.get("worktree", ""))
        if fields.get("branch") == ref and "bare" not in fields and tree.is_dir():
            found.append(tree.resolve())
    return found


def _each(repo: Repo, ref: str) -> list[tuple[Path, Repo]]:
    """(work tree, Repo over it) for every work tree holding ``ref``; ``repo`` itself for
    its own."""
    own = repo.root.resolve()
    return [(tree, repo if tree == own else Repo(tree, repo.env)) for tree in holders(repo, ref)]


def check_unlocked(repo: Repo, ref: str) -> None:
    """Before ``ref`` moves: refuse (GitError with the lock's path) when the index of a
    work tree that would follow it is locked, so a landing never stops half-way."""
    for _, tree in _each(repo, ref):
        tree.check_index_unlocked()


def follow(repo: Repo, ref: str, old: str, new: str, known: list[str]) -> tuple[str, ...]:
    """Every work tree holding ``ref`` follows it from ``old`` to ``new`` (see
    :func:`follow_main`). Returns the paths kept as they were: repository paths for this
    work tree, full paths for another. Raises GitError when git fails."""
    kept: list[str] = []
    own = repo.root.resolve()
    for tree, other in _each(repo, ref):
        for path in follow_main(other, old, new, known):
            kept.append(path if tree == own else str(tree / path))
        if other is not repo:
            other.close()
    return tuple(kept)


def follow_main(repo: Repo, old: str, new: str, known: list[str]) -> tuple[str, ...]:
    """Bring along the files that changed from ``old`` to ``new`` (commits of a checked-out
    main), unless the user has edits of their own in them: a file is the user's own unless
    it holds main's old or new text, or its text in one of the ``known`` commits (the
    proposals that led here), compared as git compares (filters applied). Index entries
    still at main's old blob move to the new one. Returns the repository paths kept as
    they were. Raises GitError when git fails."""
    kept: list[str] = []
    paths = changed_between(repo, old, new)
    disk = repo.worktree_ids(paths)
    olds, news = repo.blob_ids(old, paths), repo.blob_ids(new, paths)
    mine = [repo.blob_ids(commit, paths) for commit in known]
    index_lines = _index_updates(repo, paths, olds, news)
    for path in paths:
        here, after = disk.get(path), news.get(path)
        if here in (olds.get(path), after) or any(here == ids.get(path) for ids in mine):
            target = repo.root / path
            if after is None:
                target.unlink(missing_ok=True)
            elif here != after or not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, repo.checkout_bytes(path, after))
        else:
            kept.append(path)
    if index_lines:
        repo._run("update-index", "--index-info", stdin="".join(index_lines).encode())
        repo._call("update-index", "-q", "--refresh")
    return tuple(kept)


def _index_updates(
    repo: Repo, paths: list[str], old_ids: dict[str, str], new_ids: dict[str, str]
) -> list[str]:
    """``update-index --index-info`` lines for the entries still at main's old blob."""
    staged = _index_blobs(repo, paths)
    lines = []
    for path in paths:
        if staged.get(path) == old_ids.get(path):
            after_id = new_ids.get(path)
            lines.append(
                f"0 {ZERO}\t{path}\n" if after_id is None else f"100644 {after_id}\t{path}\n"
            )
    return lines


def _index_blobs(repo: Repo, paths: list[str]) -> dict[str, str]:
    """The blob id the user's index holds for each of ``paths`` it has."""
    staged: dict[str, str] = {}
    for entry in repo._paths("ls-files", "-s", "-z", "--", *paths) if paths else []:
        meta, path = entry.split("\t", 1)
        staged[path] = meta.split()[1]
    return staged
