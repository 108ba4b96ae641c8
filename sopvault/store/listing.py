"""The listing cache: what ``sopvault list`` prints of every document, kept as one compact
file beside the load cache (``store.cache``), so a warm listing reads a few plain tuples
per document instead of unpickling whole checked documents.

The file, ``cache/listing.marshal`` in the vault's private state folder (the user's cache
folder, never the vault: ``store.statedir``), is a header line and ``marshal`` of plain
values (strings, integers, tuples, lists: nothing in it can name a class or run code):

    sopvault-listing 1 <code version> <load key> <BLAKE2b of the payload>\\n<payload>

The load key is ``store.cache.snapshot_key`` of this load (every file's stamp, the refused
files, the config, the date), so the listing is fresh exactly when the load snapshot would
be; the code version digests the source of everything a load and a listing run, so a
changed rule (even in a development checkout, same version number) is another version. A
file another user owns, one with another key or version, or one whose payload does not
match its digest (truncated, corrupt) is not used; the next listing is loaded and the
file written again, atomically.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any

from sopvault import __version__
from sopvault.store.statedir import owned_by_me, write_private

LISTING_NAME = "listing.marshal"
_MAGIC = b"sopvault-listing 1"
# The code a listing's rows depend on, under the package: the rules of a load (core: the
# parse, the checks, the tree; model), the scan and the caches (store), the load itself
# (services.vault). A frozen install without sources falls back on the version alone.
_SOURCES = ("core", "model", "store/fs.py", "store/cache.py", "store/listing.py")
_SOURCES_TOO = ("services/vault.py",)

# (rows, skipped): each row the fields of ``model.listing.Listed``, in the listing's order
# (kind order, then id); skipped the vault paths of files left out of the load.
Rows = tuple[list[tuple[Any, ...]], list[str]]


@cache
def code_version() -> str:
    """sopvault's version and a BLAKE2b digest of the source files a listing depends on
    (``_SOURCES``), 24 hex digits; read once per process (about a hundred small files)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=12)
    digest.update(__version__.encode())
    files: list[Path] = []
    for name in (*_SOURCES, *_SOURCES_TOO):
        where = package / name
        files += sorted(where.glob("*.py")) if where.is_dir() else [where]
    for path in files:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")  # no source (a frozen install): the version decides
    return digest.hexdigest()


def read_listing(cache_dir: Path, key: str) -> Rows | None:
    """The rows and skipped paths cached for the load key ``key``; None when there are
    none for it (missing, another key or code version, another user's file, truncated or
    corrupt)."""
    try:
        with open(cache_dir / LISTING_NAME, "rb") as handle:
            if not owned_by_me(handle.fileno()):
                return None
            data = handle.read()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    if header != _header(key, payload):
        return None  # another key or version, or the payload is not what was written
    try:
        rows, skipped = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(rows, list) or not isinstance(skipped, list):
        return None
    return rows, skipped


def write_listing(
    cache_dir: Path, key: str, rows: list[tuple[Any, ...]], skipped: list[str]
) -> None:
    """Save ``rows`` (plain tuples) and ``skipped`` for the load key ``key``, atomically
    (a temporary file renamed over the old one); a cache that cannot be written is simply
    gone without."""
    payload = marshal.dumps((rows, skipped))
    write_private(cache_dir, LISTING_NAME, _header(key, payload) + b"\n" + payload)


def _header(key: str, payload: bytes) -> bytes:
    """The first line: the format, the code version, the load key and the payload's
    digest (a truncated or altered payload no longer matches it)."""
    check = hashlib.blake2b(payload, digest_size=20).hexdigest()
    return b" ".join((_MAGIC, code_version().encode(), key.encode(), check.encode()))
