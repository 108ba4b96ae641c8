"""The record of the history ``verify`` has already judged: one signed JSON file in the
vault's private state folder (never the vault), so a second run reads only new commits.

What the record says is trusted only when this user's sopvault wrote it: the file must be
the user's own, and carry an HMAC-SHA256 (RFC 2104) of its content under a secret key of
32 random bytes that sopvault keeps in the user's state folder (platformdirs', apart from
the cache folder; ``$SOPVAULT_CACHE_DIR`` holds it too when set), created 0600 on first
use. A record edited by hand, planted, copied from another machine or restored with a CI
cache (which does not carry the key) fails the check and is ignored: ``verify`` then reads
the whole history, as it would with no record. The content is plain JSON values, never a
pickle: nothing in it can name a class or run code, and the reader checks every value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from sopvault.store.statedir import CACHE_ENV, read_mine, refusal, write_private

RECORD_NAME = "verified.json"
KEY_NAME = "verify.key"
_MAGIC = b"sopvault-verified 1\n"
_KEY_BYTES = 32


def key_folder() -> Path:
    """Where the secret key lives: ``$SOPVAULT_CACHE_DIR`` when set, else platformdirs'
    user state folder for sopvault (``$XDG_STATE_HOME`` or ``~/.local/state`` on Linux)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return platformdirs.user_state_path("sopvault", appauthor=False)


def secret_key(folder: Path | None = None) -> bytes | None:
    """The user's secret key (made on first use); None when the folder is not private
    (``statedir.refusal``: a symbolic link, another user's, writable by others) or the
    key cannot be read or written: then no record is trusted or written."""
    folder = folder or key_folder()
    path = folder / KEY_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if refusal(folder) is not None:
            return None
        if not path.exists():
            _make_key(folder, path)
    except OSError:
        return None
    key = read_mine(path)
    return key if key is not None and len(key) == _KEY_BYTES else None


def _make_key(folder: Path, path: Path) -> None:
    """Write a new key whole into a private temporary file, then link it into place: the
    key appears complete or not at all, and a key another process made first is kept."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{KEY_NAME}.")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def repository_fingerprint(root: Path) -> str:
    """The repository whose work tree is ``root``, on this machine: the real path and the
    device and inode of its ``.git`` (another repository made at the same path differs)."""
    try:
        info = os.stat(root / ".git")
        stamp = f"{info.st_dev}:{info.st_ino}"
    except OSError:
        stamp = "-"
    return f"{os.path.realpath(root)}\0{stamp}"


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def read_record(folder: Path, secret: bytes, expected: str) -> dict[str, Any] | None:
    """The record's content when it is the user's own file, its HMAC is right and it was
    made under the key ``expected`` (what judged it: see ``services.review.prefix``);
    None otherwise (missing, another user's, truncated, edited, of another key)."""
    data = read_mine(folder / RECORD_NAME)
    if data is None:
        return None
    if not data.startswith(_MAGIC):
        return None
    mac, _, body = data[len(_MAGIC) :].partition(b"\n")
    if not hmac.compare_digest(mac, _mac(secret, body)):
        return None
    try:
        loaded = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(loaded, dict) or loaded.get("key") != expected:
        return None
    content = loaded.get("content")
    return content if isinstance(content, dict) else None


def write_record(folder: Path, secret: bytes, key: str, content: dict[str, Any]) -> None:
    """Replace the record atomically (a temporary file in the folder, then a rename);
    nothing when the folder cannot be written (the next run then reads everything)."""
    body = json.dumps({"key": key, "content": content}, separators=(",", ":")).encode()
    write_private(folder, RECORD_NAME, _MAGIC + _mac(secret, body) + b"\n" + body)
