"""Quick read-only questions to git without importing GitPython, for commands that must
answer in a fraction of a second on a large vault (``impact``: issue 14, 0.5 s).

GitPython's import alone costs about 0.12 s; a question here is one short ``git``
process through :func:`runner.query` (the same argument lists and environment policy as
every other git command). Like the search path's queries, a failure is an answer
("unknown"), never an exception: the caller says what it could not tell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sopvault.store.git.discovery import find_repo_root
from sopvault.store.git.runner import query


@dataclass(frozen=True)
class Peek:
    """The repository holding a vault, as a cheap walk finds it (a ``.git`` at or above
    the vault; ``GIT_DIR`` is not consulted, as on the search path): its top folder
    ``root`` and the vault's folder inside it, ``prefix`` (``""`` or ``"vault/"``)."""

    root: Path
    prefix: str

    @classmethod
    def at(cls, vault_root: Path) -> Peek | None:
        """The repository holding ``vault_root``, or None when there is none."""
        real = vault_root.resolve()
        top = find_repo_root(real)
        if top is None:
            return None
        rel = real.relative_to(top).as_posix()
        return cls(top, "" if rel == "." else f"{rel}/")

    def blob_id(self, rev: str, path: str) -> str | None:
        """The blob id ``rev`` holds at repository path ``path`` (one ``ls-tree``); None
        when it holds none there, or ``rev`` is unknown."""
        out = query(self.root, "ls-tree", "-z", "--end-of-options", rev, "--", path)
        if not out:
            return None
        meta, _, found = out.decode("utf-8", "surrogateescape").rstrip("\0").partition("\t")
        parts = meta.split()
        return parts[2] if found == path and len(parts) == 3 and parts[1] == "blob" else None

    def blob(self, blob_id: str) -> bytes | None:
        """The content of blob ``blob_id`` (one ``cat-file``), None when git lacks it."""
        return query(self.root, "cat-file", "blob", blob_id)

    def worktree_id(self, path: str) -> str | None:
        """The blob id git would store now for the work-tree file at repository path
        ``path``, its filters and line-ending rules applied (``hash-object``, nothing
        written), so it equals a committed id exactly when the file is unchanged; None
        when there is no such file."""
        if not (self.root / path).is_file():
            return None
        out = query(self.root, "hash-object", "--", path)
        return out.decode().strip() if out else None

    def answers(self) -> bool:
        """Whether git answers here at all (installed, the repository readable and trusted:
        not refused for "dubious ownership"), to tell "not there" from "cannot tell"."""
        return query(self.root, "rev-parse", "--git-dir") is not None

    def unchanged(self, path: str, blob_id: str) -> bool:
        """Whether the work-tree file at repository path ``path`` holds blob ``blob_id``,
        as ``git status`` would say: its bytes hashed here first (no process when they
        are the blob's), else git's ``hash-object`` with the path's filters and
        line-ending rules."""
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return False
        raw = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False)
        return raw.hexdigest() == blob_id or self.worktree_id(path) == blob_id

    def main_branch(self, configured: str | None) -> str:
        """The branch approved documents live on, as ``Repo.main_branch`` decides it:
        configured, else ``main``, else ``master``, else whatever HEAD names."""
        if configured:
            return configured
        for name in ("main", "master"):
            if query(self.root, "rev-parse", "--verify", "-q", f"refs/heads/{name}") is not None:
                return name
        head = query(self.root, "symbolic-ref", "--short", "-q", "HEAD")
        return (head or b"").decode("utf-8", "replace").strip() or "main"
