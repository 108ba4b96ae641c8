"""The links cache: what ``sopvault impact`` walks, kept as one compact file beside the load
snapshot (``store.cache``), so an impact report on an unchanged vault reads a few plain
tuples per document instead of unpickling every checked document (issue 14: 0.5 s).

The file, ``cache/links.marshal`` in the vault's private state folder (the user's cache
folder, never the vault: ``store.statedir``), is a header line and ``marshal`` of plain
values (strings, tuples, lists, dicts: nothing in it can name a class or run code):

    sopvault-links 1 <code version> <load key> <BLAKE2b of the payload>\\n<payload>

as the listing cache's (``store.listing``, whose code version it extends with its own
sources): the load key is ``store.cache.snapshot_key`` of this load (every file's stamp,
the refused files, the config, the date), so the links are fresh exactly when the load
snapshot would be. A file another user owns, one with another key or version, or one
whose payload does not match its digest is not used: the vault is loaded and the file
written again, atomically.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any

from sopvault.store.listing import code_version
from sopvault.store.statedir import read_mine, write_private

LINKS_NAME = "links.marshal"
_MAGIC = b"sopvault-links 1"
# The code that makes and reads the links, beside what the listing's version covers.
_SOURCES = ("store/links.py", "services/impactlinks.py")

# (documents, children, roots, related, used_by, skipped): documents by id as (title,
# kind value, status value or None, version or None, vault path); the tree's links as
# ``core.tree.VaultTree`` holds them (roots by kind value); the vault paths left out.
Links = tuple[
    dict[str, tuple[Any, ...]],
    dict[str, list[str]],
    dict[str, list[str]],
    dict[str, list[str]],
    dict[str, list[str]],
    list[str],
]


def read_links(cache_dir: Path, key: str) -> Links | None:
    """The links cached for the load key ``key``; None when there are none for it
    (missing, another key or code version, another user's file, truncated or corrupt)."""
    data = read_mine(cache_dir / LINKS_NAME)
    if data is None:
        return None
    header, _, payload = data.partition(b"\n")
    if header != _header(key, payload):
        return None  # another key or version, or the payload is not what was written
    try:
        links = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    shapes = (dict, dict, dict, dict, dict, list)
    if not isinstance(links, tuple) or len(links) != len(shapes):
        return None
    if not all(isinstance(part, shape) for part, shape in zip(links, shapes, strict=True)):
        return None
    return links  # the shape checked just above


def write_links(cache_dir: Path, key: str, links: Links) -> None:
    """Save ``links`` (plain values) for the load key ``key``, atomically (a temporary
    file renamed over the old one); a cache that cannot be written is simply gone
    without."""
    payload = marshal.dumps(links)
    write_private(cache_dir, LINKS_NAME, _header(key, payload) + b"\n" + payload)


@cache
def links_version() -> str:
    """The listing's code version (``store.listing.code_version``: the load's rules) and
    a digest of the code that writes and reads the links (``_SOURCES``), 24 hex digits: a
    changed walk is another version even in a development checkout."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(code_version().encode(), digest_size=12)
    for name in _SOURCES:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(b"?")  # no source (a frozen install): the version decides
    return digest.hexdigest()


def _header(key: str, payload: bytes) -> bytes:
    """The first line: the format, the code version, the load key and the payload's
    digest (a truncated or altered payload no longer matches it)."""
    check = hashlib.blake2b(payload, digest_size=20).hexdigest()
    return b" ".join((_MAGIC, links_version().encode(), key.encode(), check.encode()))
