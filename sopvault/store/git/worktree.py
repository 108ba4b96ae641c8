"""Following main in the user's work tree after main moved under it (an approval landed,
or sync brought the server's main), without ever overwriting the user's own edits."""

from __future__ import annotations

from sopvault.store.fs import write_atomic
from sopvault.store.git.diffs import changed_between
from sopvault.store.git.repo import ZERO, Repo


def follow_main(repo: Repo, old: str, new: str, known: list[str]) -> tuple[str, ...]:
    """Bring along the files that changed from ``old`` to ``new`` (commits of a checked-out
    main), unless the user has edits of their own in them: a file is the user's own unless
    it holds main's old or new text, or its text in one of the ``known`` commits (the
    proposals that led here). Index entries still at main's old blob move to the new one.
    Returns the repository paths kept as they were. Raises GitError when git fails."""
    kept: list[str] = []
    paths = changed_between(repo, old, new)
    olds = repo.blobs([f"{old}:{p}" for p in paths])
    news = repo.blobs([f"{new}:{p}" for p in paths])
    texts = repo.blobs([f"{c}:{p}" for p in paths for c in known])
    proposed = [
        {t for t in texts[i * len(known) : (i + 1) * len(known)] if t is not None}
        for i in range(len(paths))
    ]
    index_lines = _index_updates(repo, old, new, paths)
    for path, before, after, mine in zip(paths, olds, news, proposed, strict=True):
        disk_path = repo.root / path
        disk = disk_path.read_bytes() if disk_path.is_file() else None
        if disk == before or disk == after or disk in mine:
            if after is None:
                disk_path.unlink(missing_ok=True)
            else:
                disk_path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(disk_path, after)
        else:
            kept.append(path)
    if index_lines:
        repo._run("update-index", "--index-info", stdin="".join(index_lines).encode())
        repo._call("update-index", "-q", "--refresh")
    return tuple(kept)


def _index_updates(repo: Repo, old: str, new: str, paths: list[str]) -> list[str]:
    """``update-index --index-info`` lines for the entries still at main's old blob."""
    staged = _index_blobs(repo, paths)
    old_ids = repo.blob_ids(old, paths)
    new_ids = repo.blob_ids(new, paths)
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
