"""A branch's commit read from the repository's own files, without starting git: how a
second ``verify`` with no new commit sees that main has not moved (issue 17, speed).

Only where the answer is certain: an ordinary ``.git`` folder with refs in files
(``discovery.ordinary_git_dir``; no ``GIT_DIR`` and the like, no linked work tree, no
reftable), no ``GIT_NAMESPACE``, a plain branch name, and a loose ref file holding one
object id and a line end, else the branch's line in ``packed-refs`` (a loose file wins
over it, as in git). A symbolic link, a symbolic ref, a file of another shape or a
``packed-refs`` line git would not write gives None: the caller then asks git.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sopvault.store.git.discovery import ordinary_git_dir

_ID = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_COMPONENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def branch_id(top: Path, branch: str) -> str | None:
    """The object id ``refs/heads/BRANCH`` holds in the repository whose work tree's top
    is ``top``, when its files say so for certain; None otherwise (ask git). The id is
    the ref's value, not peeled: compare it with a known commit id."""
    parts = branch.split("/")
    plain = all(_COMPONENT.fullmatch(p) and not p.endswith(".lock") for p in parts)
    if not plain or ".." in branch or "GIT_NAMESPACE" in os.environ:
        return None
    git_dir = ordinary_git_dir(top)
    if git_dir is None:
        return None
    loose = _read(git_dir.joinpath("refs", "heads", *parts))
    if loose is not None:
        found = loose.removesuffix(b"\n")
        return found.decode() if _ID.fullmatch(found) else None
    if os.path.lexists(git_dir.joinpath("refs", "heads", *parts)):
        return None  # there, but not a file this reads (a folder, a link): git knows
    return _packed(git_dir / "packed-refs", f"refs/heads/{branch}".encode())


def _read(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (not through a symbolic link), or None."""
    try:
        handle = os.open(path, _FLAGS)
    except OSError:
        return None
    try:
        return os.read(handle, 200)
    except OSError:
        return None
    finally:
        os.close(handle)


def _packed(path: Path, ref: bytes) -> str | None:
    """The id ``packed-refs`` gives ``ref`` (None when it does not list it, or holds a
    line git does not write: a header, ``<id> <ref>`` or a peeled ``^<id>``)."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return None
    found = None
    for line in lines:
        if not line or line.startswith(b"# pack-refs with:"):
            continue
        if line.startswith(b"^") and _ID.fullmatch(line[1:]):
            continue
        value, space, name = line.partition(b" ")
        if not space or not _ID.fullmatch(value):
            return None
        if name == ref and found is None:
            found = value.decode()
    return found
