"""Parse a vault's files, reusing what is cached in the vault's state folder when unchanged.

The state folder is the user's own (``store.statedir``: outside the vault, 0700, owned by
the user), and a cache file is read only when it belongs to the user: these are pickles,
and a pickle from anyone else could run code. Two files, private to one machine and
silently rebuilt when missing, unreadable or written by another sopvault version:

- ``parsed.pickle``: per file, (its stamp, ParseResult), so after an edit only the
  changed files are parsed again (the stamp: size, mtime, ctime, inode and, for a file
  changed within seconds of the scan, a digest of its bytes: ``store.fs.FileStamp``);
- ``snapshot.pickle``: the checked vault and its tree, keyed by every file's stamp, the
  config and the date, with documents stored *light* (no steps, body or front matter text).
  An unchanged vault then loads without parsing or checking anything; ``Vault.get`` reads
  the one full document a command needs.

A cache never decides anything a fresh parse would not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import pickle
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopvault import __version__
from sopvault.core.tree import VaultTree
from sopvault.model.document import Document, EvidenceSpec, Step
from sopvault.model.finding import Finding, ParseResult, Severity
from sopvault.store.fs import FileStamp, Stamp
from sopvault.store.statedir import owned_by_me, write_private

if TYPE_CHECKING:  # imported where used: a warm listing needs neither the parser nor checks
    from sopvault.core.checks import CheckedVault

PARSED_NAME = "parsed.pickle"
SNAPSHOT_NAME = "snapshot.pickle"


def _shape() -> str:
    """The cached classes' fields: a cache written before a field was added (same
    version number, as in a development checkout) is then simply not used."""
    classes = (Document, Step, EvidenceSpec, Finding, VaultTree)
    return ",".join(f"{c.__name__}:{'/'.join(f.name for f in fields(c))}" for c in classes)


_FORMAT = ("sopvault-cache", 5, __version__, _shape())

# Path -> (the file's stamp without its path, the parse of the bytes it stamped).
CacheEntries = dict[str, tuple[tuple[int, int, int, int, str], ParseResult]]


@dataclass
class LoadReport:
    """The parse results, and how many came from the cache (for benchmarks and tests)."""

    results: list[ParseResult]
    reused: int
    parsed: int


def load_results(
    root: Path, stamps: list[FileStamp], refused: list[Finding], cache_dir: Path | None
) -> LoadReport:
    """Parse every scanned file; only files whose stamp changed are read."""
    cached = read_parsed(cache_dir)
    fresh: CacheEntries = {}
    results = list(_results(root, stamps, cached, fresh))
    for finding in refused:  # a link out of the vault, a name that is not UTF-8
        results.append(ParseResult(finding.path, None, [finding]))
    parsed = sum(1 for s in stamps if fresh[s.rel] is not cached.get(s.rel))
    if cache_dir is not None and (parsed or len(fresh) != len(cached)):
        write_cached(cache_dir, PARSED_NAME, fresh)
    return LoadReport(results=results, reused=len(stamps) - parsed, parsed=parsed)


def iter_results(
    root: Path, stamps: list[FileStamp], cache_dir: Path | None
) -> Iterator[ParseResult]:
    """Parse results one by one (cached where unchanged), for consumers that show progress."""
    return _results(root, stamps, read_parsed(cache_dir), {})


def read_parsed(cache_dir: Path | None) -> CacheEntries:
    """The per-file parse cache (path -> stamp and result), empty when there is none or it
    is unreadable.
    """
    loaded = read_cached(cache_dir / PARSED_NAME) if cache_dir is not None else None
    return loaded if isinstance(loaded, dict) else {}


def _results(
    root: Path, stamps: list[FileStamp], cached: CacheEntries, fresh: CacheEntries
) -> Iterator[ParseResult]:
    for stamp in stamps:
        hit = cached.get(stamp.rel)
        seen = stamp[1:]
        if hit is None or hit[0] != seen:
            hit = (seen, parse_file(root, stamp.rel))
        fresh[stamp.rel] = hit
        yield hit[1]


def parse_file(root: Path, rel: str) -> ParseResult:
    """Read and parse one file; an unreadable file becomes a finding, not an exception."""
    try:
        raw = (root / rel).read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        finding = Finding(rel, 1, Severity.ERROR, "unreadable", f"cannot read file: {reason}")
        return ParseResult(rel, None, [finding])
    from sopvault.core.parse import parse_bytes

    return parse_bytes(rel, raw)


def snapshot_key(
    stamps: Sequence[Stamp], refused: list[Finding], config_text: str, today: date
) -> str:
    """A digest (40 hex digits) of everything a checked vault depends on: every file's
    stamp (``store.fs.FileStamp``, or the plain tuple of its fields), the refused files,
    the config's text and the date."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((_FORMAT, today.isoformat(), config_text, refused)).encode())
    # marshal version 2: no sharing table to build (twice as fast on 50,000 stamps);
    # plain tuples, as marshal takes no named tuple.
    digest.update(marshal.dumps(list(map(tuple, stamps)), 2))
    return digest.hexdigest()


def read_snapshot(cache_dir: Path, key: str) -> tuple[CheckedVault, VaultTree] | None:
    """The checked vault and tree saved for ``key`` (the vault's change stamp), or None
    when the snapshot is missing, damaged or from another state.
    """
    from sopvault.core.checks import CheckedVault

    loaded = read_cached(cache_dir / SNAPSHOT_NAME)
    if not isinstance(loaded, tuple) or len(loaded) != 3 or loaded[0] != key:
        return None
    _, checked, tree = loaded
    if not isinstance(checked, CheckedVault) or not isinstance(tree, VaultTree):
        return None
    return checked, tree


def write_snapshot(cache_dir: Path, key: str, checked: CheckedVault, tree: VaultTree) -> None:
    """Save the checked vault and tree for ``key``, documents made light (no steps, body
    or front text) so a warm start unpickles little.
    """
    write_cached(cache_dir, SNAPSHOT_NAME, (key, lighten(checked), tree))


def lighten(checked: CheckedVault) -> CheckedVault:
    """``checked`` with every document made light (no steps, body or front text): what a
    snapshot keeps, so a warm start unpickles little; the full text is read on demand."""
    return dataclasses.replace(
        checked, documents={doc_id: _light(doc) for doc_id, doc in checked.documents.items()}
    )


def _light(doc: Document) -> Document:
    return dataclasses.replace(
        doc, steps=[], body="", front_text="", field_lines={}, complete=False
    )


def read_cached(path: Path) -> Any:
    """A pickle this sopvault wrote, or None (missing, unreadable, other version, or a file
    another user owns: never unpickled)."""
    try:
        with open(path, "rb") as handle:
            if not owned_by_me(handle.fileno()):
                return None
            header, payload = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable cache just means a fresh parse
        return None
    return payload if header == _FORMAT else None


def write_cached(cache_dir: Path, name: str, payload: object) -> None:
    """Write atomically into ``cache_dir`` (made 0700); a cache that cannot be written is
    simply gone without."""
    data = pickle.dumps((_FORMAT, payload), protocol=pickle.HIGHEST_PROTOCOL)
    write_private(cache_dir, name, data)
