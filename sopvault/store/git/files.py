"""The work tree's files as git sees them: compared with blobs and written from them
through git's filters and line-ending conversion, never as raw bytes (Trust §7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sopvault.store.git import objects, worktreeblobs
from sopvault.store.git.runner import Runner


class WorkTreeFiles:
    """What :class:`~sopvault.store.git.repo.Repo` offers about files and trees, over its
    runner: with ``core.autocrlf`` or ``.gitattributes`` (``eol=crlf``, ``text``, a clean
    or smudge filter) the bytes on disk are not the blob's, and only git can say whether
    they hold the same text."""

    _runner: Runner

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file at ``path`` in ``rev``, or None when it is not there."""
        return objects.blobs(self._runner, [f"{rev}:{path}"])[0]

    def blobs(self, names: list[str]) -> list[bytes | None]:
        """Many ``rev:path`` (or blob id) objects through one persistent ``cat-file
        --batch``, in order; None for a missing one."""
        return objects.blobs(self._runner, names)

    def object_ids(self, names: list[str]) -> list[str | None]:
        """The blob id of each ``rev:path`` in ``names``, in order, from one ``cat-file
        --batch-check`` (no content read); None for a missing one."""
        return objects.object_ids(self._runner, names)

    def read_blobs(self, ids: list[str]) -> dict[str, bytes]:
        """{id: content} of many blob ids through one ``cat-file --batch`` process (a
        whole tree's documents at once); ids git does not hold are left out."""
        return objects.read_blobs(self._runner, ids)

    def read_blobs_behind(self, ids: list[str]) -> Callable[[], dict[str, bytes]]:
        """``read_blobs`` in a thread started now (``objects.read_blobs_behind``): call
        the function returned for the answer once the work done meanwhile is done."""
        return objects.read_blobs_behind(self._runner, ids)

    def stream_blobs(self, ids: list[str]) -> Iterator[tuple[str, bytes]]:
        """(id, content) of many blob ids as git reads them, in order, while the caller
        works on each (``objects.stream_blobs``); ids git does not hold are left out."""
        return objects.stream_blobs(self._runner, ids)

    def worktree_blobs(self, wanted: dict[str, str]) -> dict[str, bytes]:
        """{blob id: bytes} for each ``{path: blob id}`` of ``wanted`` whose work-tree file
        holds exactly that blob (hashed as git names blobs; ``store.git.worktreeblobs``):
        what need not be read from git. Others are left out."""
        return worktreeblobs.worktree_blobs(self._runner.root, wanted)

    def worktree_holds(self, wanted: dict[str, str]) -> set[str]:
        """The paths of ``{path: blob id}`` whose work-tree file holds exactly that blob's
        bytes (hashed, as ``worktree_blobs``; never git's index, which a filter,
        ``autocrlf``, assume-unchanged or skip-worktree fools)."""
        return worktreeblobs.holding(self._runner.root, wanted)

    def blob_ids(self, rev: str, paths: list[str]) -> dict[str, str]:
        """The blob id of each of ``paths`` that ``rev`` holds, from one ``ls-tree``."""
        return objects.blob_ids(self._runner, rev, paths)

    def hash_blob(self, path: str, data: bytes) -> str:
        """Store ``data`` as the blob for ``path`` (git's filters for the path apply)."""
        return objects.hash_blob(self._runner, path, data)

    def tree_of(self, rev: str) -> str:
        """The id of ``rev``'s tree; raises GitError when ``rev`` is unknown."""
        return self._runner.text(["rev-parse", f"{rev}^{{tree}}"])

    def tree_entries(self, rev: str, under: str = "") -> dict[str, tuple[str, str]]:
        """{path: (mode, id)} of every file of ``rev`` under the folder ``under``."""
        return objects.tree_entries(self._runner, rev, under)

    def worktree_ids(self, paths: list[str]) -> dict[str, str]:
        """The blob id git would store now for each of ``paths`` that is a file: how a
        work-tree file is compared with a blob (filters applied), never by raw bytes."""
        return objects.worktree_ids(self._runner, paths)

    def differs_from(self, rev: str | None, path: str) -> bool:
        """Whether the file at ``path`` differs from ``rev``'s as ``git status`` says."""
        committed = objects.blob_ids(self._runner, rev, [path]).get(path) if rev else None
        return self.worktree_ids([path]).get(path) != committed

    def as_checked_out(self, path: str, data: bytes) -> bytes:
        """Committed ``data`` as ``git checkout`` would write it at ``path``."""
        return objects.as_checked_out(self._runner, path, data)

    def checkout_bytes(self, path: str, blob: str) -> bytes:
        """Blob ``blob`` as ``git checkout`` would write it at ``path`` (smudged)."""
        return objects.checkout_bytes(self._runner, path, blob)
