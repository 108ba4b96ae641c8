"""The listing cache: what ``sopvault list`` prints of every document, kept as one compact
file beside the load cache (``store.cache``), so a warm listing reads a few plain tuples
per document instead of unpickling whole checked documents.

The file, ``cache/listing.marshal`` in the vault's private state folder (the user's cache
folder, never the vault: ``store.statedir``), is a header line and two ``marshal`` parts
of plain values (strings, integers, tuples, lists: nothing in it can name a class or run
code):

    sopvault-listing 2 <code version> <load key> <length> <BLAKE2b> <BLAKE2b>\\n<shown><rest>

``shown`` holds, per document, the five fields ``list`` prints (and filters kind and
status on) plus the skipped files; ``rest`` the other five of ``model.listing.Listed``
(owner, department, parents, tags, path), decoded only when asked for (an owner or tag
filter, ``--json``): at 50,000 documents the rest is most of the decoding (issue 17).
Each part has its own digest, checked before it is decoded.

The load key is ``store.cache.snapshot_key`` of this load (every file's stamp, the refused
files, the config, the date), so the listing is fresh exactly when the load snapshot would
be; the code version digests the source of everything a load and a listing run, so a
changed rule (even in a development checkout, same version number) is another version. A
file another user owns, one with another key or version, or one whose parts do not match
their digests (truncated, corrupt) is not used; the next listing is loaded and the file
written again, atomically.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any

from sopvault import __version__
from sopvault.model.listing import SHOWN
from sopvault.store.statedir import read_mine, write_private

LISTING_NAME = "listing.marshal"
_MAGIC = b"sopvault-listing 2"
# The code a listing's rows depend on, under the package: the rules of a load (core: the
# parse, the checks, the tree; model), the scan and the caches (store), the load itself
# and what is read of it (services.vault, services.listing). A frozen install without
# sources falls back on the version alone.
_SOURCES = ("core", "model", "store/fs.py", "store/cache.py", "store/listing.py")
_SOURCES_TOO = ("services/vault.py", "services/listing.py")

Row = tuple[Any, ...]


class ListingFile:
    """A listing read for one load key: ``shown`` (per document the first ``SHOWN``
    fields of ``model.listing.Listed``, in the listing's order), ``skipped`` (the vault
    paths of files left out of the load), and ``rest()`` (the other fields, in the same
    order), decoded on the first call; None when that part is damaged."""

    def __init__(self, shown: list[Row], skipped: list[str], rest: bytes, check: bytes) -> None:
        self.shown = shown
        self.skipped = skipped
        self._rest = rest
        self._check = check

    def rest(self) -> list[Row] | None:
        """The remaining fields of every row (owner, department, parents, tags, path), or
        None when that part of the file does not match its digest or does not decode."""
        if _digest(self._rest) != self._check:
            return None
        loaded = _loads(self._rest)
        if not isinstance(loaded, list) or len(loaded) != len(self.shown):
            return None
        return loaded


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


def read_listing(cache_dir: Path, key: str) -> ListingFile | None:
    """The listing cached for the load key ``key`` (its ``shown`` part decoded, the rest
    on demand); None when there is none for it (missing, another key or code version,
    another user's file, truncated or corrupt)."""
    data = read_mine(cache_dir / LISTING_NAME)
    if data is None:
        return None
    header, _, payload = data.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 7 or b" ".join(fields[:4]) != _prefix(key) or not fields[4].isdigit():
        return None  # another format, code version or key
    cut = int(fields[4])
    shown_part, rest = payload[:cut], payload[cut:]
    if _digest(shown_part) != fields[5]:
        return None  # truncated or altered
    loaded = _loads(shown_part)
    if not isinstance(loaded, tuple) or len(loaded) != 2:
        return None
    shown, skipped = loaded
    if not isinstance(shown, list) or not isinstance(skipped, list):
        return None
    return ListingFile(shown, skipped, rest, fields[6])


def write_listing(cache_dir: Path, key: str, rows: list[Row], skipped: list[str]) -> None:
    """Save ``rows`` (plain tuples, the fields of ``model.listing.Listed``) and
    ``skipped`` for the load key ``key``, atomically (a temporary file renamed over the
    old one); a cache that cannot be written is simply gone without."""
    shown = marshal.dumps(([row[:SHOWN] for row in rows], skipped))
    rest = marshal.dumps([row[SHOWN:] for row in rows])
    header = b" ".join((_prefix(key), str(len(shown)).encode(), _digest(shown), _digest(rest)))
    write_private(cache_dir, LISTING_NAME, header + b"\n" + shown + rest)


def _prefix(key: str) -> bytes:
    """The header's first fields: the format, the code version and the load key."""
    return b" ".join((_MAGIC, code_version().encode(), key.encode()))


def _digest(part: bytes) -> bytes:
    return hashlib.blake2b(part, digest_size=20).hexdigest().encode()


def _loads(part: bytes) -> Any:
    """``marshal.loads``, None for bytes that are not one marshalled value."""
    try:
        return marshal.loads(part)
    except (EOFError, ValueError, TypeError):
        return None
