"""What a document path holds in each commit when it is a symbolic link, so ``verify``
judges the text the vault loads (Trust §5).

The scanner (``store.fs.scan_documents``) loads ``a.md -> notes/a.txt`` as the document
``a.md`` when the link leads to a file inside the vault. git records the link, not the
text: a change to ``notes/a.txt`` (not a document path) or a link moved to other text
would change an approved document unseen. :class:`LinkedDocuments` follows every link of
the vault and every blob under it commit by commit, oldest first, and turns both into a
change of the document path, with the blob ids of the text loaded before and after.
"""

from __future__ import annotations

from sopvault.services.workspace import Workspace
from sopvault.store.git.log import LINK_MODE
from sopvault.store.git.repo import ZERO, Commit, Repo

# (repository path, blob id before, blob id after) as ``git log --raw`` gives them.
Change = tuple[str, str, str]
MAX_HOPS = 40  # as the kernel's ELOOP limit: a cycle of links loads nothing


class LinkedDocuments:
    """The vault's files (path: blob id) and which of them are symbolic links, as of the
    commit before ``start``'s first one; :meth:`changes` moves it one commit on."""

    def __init__(self, ws: Workspace, repo: Repo, start: str | None) -> None:
        self.ws = ws
        self.repo = repo
        entries = repo.tree_entries(start, ws.prefix) if start else {}
        self.blobs = {path: sha for path, (_, sha) in entries.items()}
        self.links = {path for path, (mode, _) in entries.items() if mode == LINK_MODE}
        self._targets: dict[str, str] = {}  # link blob id -> where it points

    def changes(self, commit: Commit) -> list[Change]:
        """``commit``'s changes to controlled paths (documents, the rules), a document
        that is a link (before or after) changed as the text it loads; then the state
        moves past ``commit``. Raises GitError when a link cannot be read."""
        linked = {p for p in self.links | commit.links if self.ws.is_document(p)}
        before = {path: self._loaded(path) for path in linked}
        for path, _, after_id in commit.changes:
            if after_id == ZERO:
                self.blobs.pop(path, None)
            else:
                self.blobs[path] = after_id
            if path in commit.links:
                self.links.add(path)
            else:
                self.links.discard(path)
        touched = [c for c in commit.changes if self.ws.is_controlled(c[0]) and c[0] not in linked]
        for path in sorted(linked):
            old, new = before[path], self._loaded(path)
            if old != new:
                touched.append((path, old, new))
        return touched

    def _loaded(self, path: str) -> str:
        """The blob id of the text the vault loads at ``path`` now, following links;
        ZERO when it loads nothing (gone, dangling, a cycle, or leading out of the vault,
        which the scanner refuses)."""
        if path not in self.links:
            return self.blobs.get(path, ZERO)
        found = self._resolve(path)
        if found is None or found in self.links or not found.startswith(self.ws.prefix):
            return ZERO
        return self.blobs.get(found, ZERO)

    def _resolve(self, path: str) -> str | None:
        """Where ``path`` leads, every link on the way followed (relative to its folder),
        as a repository path; None for a cycle or a path above the repository."""
        done: list[str] = []
        todo = path.split("/")
        hops = 0
        while todo:
            part = todo.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if not done:
                    return None
                done.pop()
                continue
            here = "/".join([*done, part])
            if here not in self.links:
                done.append(part)
                continue
            hops += 1
            target = self._target(self.blobs[here])
            if hops > MAX_HOPS or target.startswith("/"):
                return None
            todo = target.split("/") + todo
        return "/".join(done)

    def _target(self, sha: str) -> str:
        """What the link blob ``sha`` holds: the path it points to."""
        if sha not in self._targets:
            data = self.repo.blobs([sha])[0] or b""
            self._targets[sha] = data.decode("utf-8", "surrogateescape")
        return self._targets[sha]
