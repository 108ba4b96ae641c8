"""Which document files changed since the search index was last brought up to date.

In a git work tree one ``git status`` answers it (about as fast as git itself, whatever the
vault's size): files changed since HEAD and files git ignores (the vault's scan, and so the
index, holds those too; they are stamped every time, as changed files are), plus, when HEAD
moved, one ``git diff`` between the old and new HEAD. Outside git, every file is stat-ed.
A stamp is the listing cache's (``store.fs``): size, mtime, ctime and inode, and a digest
of the bytes when the file changed too recently for those to prove anything, so an edit
that keeps the size and sets the mtime back is still seen. A file stamped with a digest
(changed just before a run) and stamped again later, settled, with the same size, times and
inode, is the same text when its bytes still hash to that digest: it is not indexed again.
The state kept between runs is a small JSON-able dict stored with the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sopvault.store.fs import (
    FileStamp,
    content_digest,
    is_document_path,
    scan_documents,
    stamp_of,
)
from sopvault.store.git import discovery as gitstore

MISSING: list[int | str] = [-1, -1]


@dataclass
class ChangeSet:
    """Paths to look at again (changed, added or gone); ``full`` when only a rebuild will do."""

    paths: set[str] = field(default_factory=set)
    full: bool = False
    state: dict[str, Any] = field(default_factory=dict)


def current_state(root: Path) -> dict[str, Any]:
    """The state to store right after a full build, taken before the files are read."""
    return detect(root, {}).state


def detect(root: Path, previous: dict[str, Any]) -> ChangeSet:
    """What changed in the vault since ``previous`` (the state kept with the index): from
    git when the vault is in a repository, else by scanning file stamps.
    """
    repo = gitstore.find_repo_root(root)
    if repo is not None:
        found = _detect_with_git(root, repo, previous)
        if found is not None:
            return found
    return _detect_by_scan(root, previous)


def _fields(stamp: FileStamp) -> list[int | str]:
    """What is kept of a stamp: everything but the path (JSON-able)."""
    return [stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.ino, stamp.digest]


def _stamp(root: Path, rel: str) -> list[int | str]:
    stamp = stamp_of(root, rel)
    return MISSING if stamp is None else _fields(stamp)


def _same(root: Path, rel: str, old: list[int | str] | None, new: list[int | str]) -> bool:
    """Whether file ``rel``, stamped ``new`` now, still holds the text it held when stamped
    ``old`` (the stamp kept with the index; None when it had none).

    A stamp taken within ``RACY_NS`` of a change carries a digest of the bytes (the times
    could not prove a later write in the same tick); once the file settles, its stamp
    carries none. When size, times and inode are unchanged, the bytes hashing to the old
    digest prove the text unchanged (as git re-hashes a racily clean entry), so a file
    indexed just after it was saved is not indexed a second time when it settles."""
    if old == new:
        return True
    if old is None or len(old) != len(new) or not old[-1] or new[-1]:
        return False
    if list(old[:-1]) != list(new[:-1]):
        return False
    return content_digest(str(root / rel)) == old[-1]


def _detect_with_git(root: Path, repo: Path, previous: dict[str, Any]) -> ChangeSet | None:
    prefix = root.resolve().relative_to(repo.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    status = gitstore.worktree_status(repo, prefix or ".")
    if status is None:
        return None
    dirty = {
        rel: _stamp(root, rel)
        for path in status.changed
        if path.startswith(prefix) and is_document_path(rel := path[len(prefix) :])
    }
    dirty.update(_ignored(root, [p[len(prefix) :] for p in status.ignored if p.startswith(prefix)]))
    state = {"mode": "git", "head": status.head, "prefix": prefix, "dirty": dirty}
    if previous.get("mode") != "git" or previous.get("prefix") != prefix:
        return ChangeSet(full=True, state=state)
    paths: set[str] = set()
    if status.head != previous.get("head"):
        old = previous.get("head")
        moved = None
        if old and status.head:
            moved = gitstore.changed_between(repo, old, status.head, prefix or ".")
        if moved is None:
            return ChangeSet(full=True, state=state)
        paths.update(
            rel for p in moved if p.startswith(prefix) and is_document_path(rel := p[len(prefix) :])
        )
    before: dict[str, list[int | str]] = previous.get("dirty", {})
    paths.update(rel for rel, new in dirty.items() if not _same(root, rel, before.get(rel), new))
    paths.update(rel for rel in before if rel not in dirty)  # committed or reverted since
    return ChangeSet(paths=paths, state=state)


def _ignored(root: Path, rels: list[str]) -> dict[str, list[int | str]]:
    """The stamps of the documents git ignores: git names an ignored folder, not its
    files, so a folder the vault's scan enters is scanned here too, as the vault's scan
    finds its files (links judged against the vault, exclusions only at its top)."""
    found: dict[str, list[int | str]] = {}
    for rel in rels:
        if not rel.endswith("/"):
            if is_document_path(rel):
                found[rel] = _stamp(root, rel)
        elif is_document_path(rel + "x.md"):
            found.update((s.rel, _fields(s)) for s in scan_documents(root, under=rel)[0])
    return found


def _detect_by_scan(root: Path, previous: dict[str, Any]) -> ChangeSet:
    stamps, _ = scan_documents(root)
    now = {s.rel: _fields(s) for s in stamps}
    state = {"mode": "scan", "stamps": now}
    if previous.get("mode") != "scan":
        return ChangeSet(full=True, state=state)
    before: dict[str, list[int | str]] = previous.get("stamps", {})
    paths = {rel for rel, stamp in now.items() if not _same(root, rel, before.get(rel), stamp)}
    paths.update(rel for rel in before if rel not in now)
    return ChangeSet(paths=paths, state=state)
