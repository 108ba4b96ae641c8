"""Where a vault's local state (load cache, run-list cache, search index) lives: the user's
own cache folder, never the vault.

Caches are pickles and Whoosh's table of contents is one: reading them runs whatever they
say, so they are read only from folders the user alone can write (issue 12, §3). The folder
is ``<user cache>/sopvault/<name>-<hash>``: ``<user cache>`` from platformdirs
(``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS), or
``$SOPVAULT_CACHE_DIR`` in place of ``<user cache>/sopvault``; ``<hash>`` digests the
vault's real path (symlinks resolved), so two vaults never share state and a symlink to a
vault shares its target's. Folders are created 0700. One that is not a folder, is a
symbolic link, belongs to another user, can be written by group or others, or lies inside
the vault is refused with one line on stderr, and the process works in a fresh private
temporary folder instead (removed at exit).

``state_in_vault`` finds state files that came with a vault (for ``check``) without git.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import platformdirs

from sopvault.core.localstate import is_state_file

CACHE_ENV = "SOPVAULT_CACHE_DIR"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Refused folder -> the temporary folder serving it in this process (one warning each).
_stand_ins: dict[Path, Path] = {}


def cache_root() -> Path:
    """The folder holding every vault's state: ``$SOPVAULT_CACHE_DIR``, else platformdirs'
    user cache folder for sopvault."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return platformdirs.user_cache_path("sopvault", appauthor=False)


def vault_key(root: Path) -> str:
    """The state folder's name for a vault: a readable tail (the vault folder's name, made
    file-name safe, at most 40 characters) and 16 hex digits of SHA-256 of its real path."""
    real = os.path.realpath(root)
    tail = _UNSAFE_NAME.sub("_", os.path.basename(real))[:40].strip("._") or "vault"
    digest = hashlib.sha256(os.fsencode(real)).hexdigest()[:16]
    return f"{tail}-{digest}"


def refusal(path: Path) -> str | None:
    """Why ``path`` may not hold state (None when it may): it must be a real folder (not a
    symbolic link), owned by the current user, and not writable by group or others."""
    try:
        info = os.lstat(path)
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.getuid():
        return f"is owned by another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return None


def owned_by_me(fd: int) -> bool:
    """Whether an open file belongs to the current user (a cache file is read only then)."""
    return os.fstat(fd).st_uid == os.getuid()


def read_mine(path: Path) -> bytes | None:
    """The bytes of the cache file ``path`` when the current user owns it; None when it is
    missing, unreadable or another user's (its content is then never looked at)."""
    try:
        with open(path, "rb") as handle:
            if not owned_by_me(handle.fileno()):
                return None
            return handle.read()
    except OSError:
        return None


def state_dir_for(root: Path) -> Path:
    """The private state folder for the vault at ``root``, created 0700 when missing.

    When the folder (or the sopvault folder above it) is refused (see ``refusal``), or lies
    inside the vault, or cannot be created, one warning line goes to stderr and a fresh
    private temporary folder serves this process instead (the same one for every open of
    that vault): nothing is read from the refused folder; caches and the index are rebuilt."""
    base = cache_root()
    folder = base / vault_key(root)
    problem: str | None = None
    try:
        for level in (base, folder):
            level.mkdir(mode=0o700, parents=True, exist_ok=True)
            problem = refusal(level)
            if problem is not None:
                problem = f"{level} {problem}"
                break
    except OSError as err:
        problem = f"{folder} cannot be created ({err.strerror or err})"
    if problem is None and _inside(folder, root):
        problem = f"{folder} is inside the vault"
    if problem is None:
        return folder
    if folder not in _stand_ins:
        _stand_ins[folder] = _fresh(problem)
    return _stand_ins[folder]


def _inside(folder: Path, root: Path) -> bool:
    """Whether ``folder`` is ``root`` or below it, symlinks resolved."""
    return Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root))


def _fresh(problem: str) -> Path:
    """A new private temporary folder (mkdtemp makes it 0700), removed when the process
    ends; the one warning line says why."""
    fresh = Path(tempfile.mkdtemp(prefix="sopvault-"))
    atexit.register(shutil.rmtree, fresh, ignore_errors=True)
    sys.stderr.write(
        f"sopvault: warning: not using the cache folder: {problem};"
        f" working without a cache (in {fresh})\n"
    )
    return fresh


def state_in_vault(root: Path) -> list[str]:
    """Vault-relative paths of files under ``root`` named like state (``core.localstate``),
    hidden folders included, ``.git`` and symlinked folders not entered; sorted. A walk of
    names only: ``check`` asks git about them only when there are any."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else f"{rel}/"
        found += [f"{prefix}{name}" for name in files if is_state_file(f"{prefix}{name}")]
    return sorted(found)


def write_private(folder: Path, name: str, data: bytes) -> None:
    """Replace ``folder/name`` with ``data`` atomically (a temporary file in ``folder``,
    made 0700 when missing, renamed over the old one); nothing when the folder cannot be
    written: a cache that cannot be saved is simply gone without (the next run rebuilds it).
    The one way the caches of this folder are written (load, listing, heads, verified)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        return
