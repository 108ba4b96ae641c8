"""What counts as local state (caches, the search index) that must never travel with a vault.

sopvault keeps its caches and search index in the user's cache folder, never in the vault
(issue 12, §3: a pickle or a Whoosh table of contents that arrives with a vault would run
code when read). Older versions kept them in ``<vault>/.sopvault/``; such a folder is now
ignored and never read. These rules name the files so ``check`` and ``verify`` can report a
vault that carries them.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from sopvault.model.finding import Finding, Severity

# The folder older sopvault versions kept their state in, inside the vault.
OLD_STATE_DIR = ".sopvault"

# Names of cache and index files: pickles, and Whoosh's table of contents (``_MAIN_3.toc``),
# segments (``MAIN_x1y2.seg``) and lock (``MAIN_WRITELOCK``).
STATE_FILE_PATTERNS = ("*.pickle", "*.pkl", "*.toc", "*.seg", "_MAIN_*", "MAIN_WRITELOCK")


def is_state_file(rel: str) -> bool:
    """Whether a vault- or repository-relative path (``/``-separated) is local state: any
    file under a ``.sopvault`` folder, or a file named like a cache or index file.

    Pure; a document (``*.md``) is never state, whatever its folder name suggests."""
    parts = rel.split("/")
    if OLD_STATE_DIR in parts[:-1]:
        return True
    name = parts[-1]
    if name.endswith(".md"):
        return False
    return any(fnmatchcase(name, pattern) for pattern in STATE_FILE_PATTERNS)


def tracked_state_finding(rel: str) -> Finding:
    """The error ``check`` reports for a state file git tracks (vault-relative ``rel``)."""
    return Finding(
        rel,
        1,
        Severity.ERROR,
        "tracked-state",
        "a cache or index file is tracked by git: sopvault never reads it, and it must not"
        " travel with the vault; remove it with `git rm --cached` and commit",
    )


def old_state_finding() -> Finding:
    """The warning ``check`` gives for a ``.sopvault/`` folder in the vault (left by an older
    sopvault, or arrived with the vault): never read, safe to delete."""
    return Finding(
        f"{OLD_STATE_DIR}/",
        1,
        Severity.WARNING,
        "old-state",
        "sopvault no longer keeps state in the vault and never reads this folder;"
        " it may be deleted",
    )
