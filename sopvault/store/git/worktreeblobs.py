"""Committed texts read from the work tree when it holds them byte for byte: a listing of a
past date (``services.asof``) needs every text of that date, and most of them are still
the files on disk, which the kernel hands over faster than git inflates them from a pack.

A file's bytes count as blob ``X`` only when they hash to ``X`` the way git names a blob
(SHA-1, or SHA-256 in a repository of that format: ``"blob <size>\\0"`` then the bytes), so
the answer is exactly git's, whatever the file's stat data, git's index, filters or line
endings say: a file changed, smudged, converted or replaced by anything else simply does
not match and is read from git. Nothing is written, and a file is opened without following
a symbolic link and without blocking (a FIFO planted at a document's path cannot hang the
reader); only regular files are read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

# A document larger than this is left to git (a listing's texts are a few kilobytes).
MAX_BYTES = 4 * 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_HASHES = {40: "sha1", 64: "sha256"}  # hex digits of an object id: git's hash


def blob_id(data: bytes, length: int = 40) -> str:
    """The id git gives ``data`` as a blob: SHA-1 (40 hex digits) or, for ``length`` 64,
    SHA-256 of ``blob <size>\\0`` and the bytes. Raises KeyError for another length."""
    digest = hashlib.new(_HASHES[length], b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def worktree_blobs(root: Path, wanted: Mapping[str, str]) -> dict[str, bytes]:
    """{blob id: bytes} for each ``{path: blob id}`` of ``wanted`` (paths relative to the
    work tree ``root``, ``/``-separated) whose file in the work tree holds exactly that
    blob's bytes; the others are left out (missing, unreadable, not a regular file, a
    symbolic link, larger than ``MAX_BYTES``, or different). Never raises for a file."""
    found: dict[str, bytes] = {}
    for path, blob in wanted.items():
        if blob not in found:
            data = _exact_bytes(root, path, blob)
            if data is not None:
                found[blob] = data
    return found


def holding(root: Path, wanted: Mapping[str, str]) -> set[str]:
    """The paths of ``wanted`` (``{path: blob id}``, as :func:`worktree_blobs`) whose file
    in the work tree holds exactly that blob's bytes: what git's index cannot prove (it
    calls a smudged, converted, assume-unchanged or skip-worktree file unchanged)."""
    return {path for path, blob in wanted.items() if _exact_bytes(root, path, blob) is not None}


def _exact_bytes(root: Path, path: str, blob: str) -> bytes | None:
    """The bytes of the work-tree file ``path`` when they hash to ``blob``, else None."""
    if len(blob) not in _HASHES:
        return None
    data = _read_regular(os.fspath(root) + "/" + path)  # every open() takes "/"
    return data if data is not None and blob_id(data, len(blob)) == blob else None


def _read_regular(path: str) -> bytes | None:
    """The bytes of the regular file at ``path`` (its last component not followed when
    a symbolic link), or None."""
    try:
        handle = os.open(path, _FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        # One read: whatever it gets is used only when it hashes to the blob id asked
        # for, so a file cut short or growing meanwhile is simply read from git.
        return os.read(handle, info.st_size)
    except OSError:
        return None
    finally:
        os.close(handle)
