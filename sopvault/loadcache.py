"""Parse a vault's files, reusing results cached under ``.sopvault/`` for unchanged files.

The cache maps each relative path to (size, mtime_ns, ParseResult). It is private to one
machine (``.sopvault/`` is git-ignored) and rebuilt silently when missing, unreadable or
written by another sopvault version; it never decides anything a fresh parse would not.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sopvault import __version__
from sopvault.document import parse_bytes
from sopvault.files import FileStamp, scan_documents
from sopvault.model import Finding, ParseResult, Severity

CACHE_NAME = "load-cache.pickle"
_FORMAT = ("sopvault-load-cache", 1, __version__)

CacheEntries = dict[str, tuple[int, int, ParseResult]]


@dataclass
class LoadReport:
    """The parse results, and how many came from the cache (for benchmarks and tests)."""

    results: list[ParseResult]
    reused: int
    parsed: int


def load_results(root: Path, cache_dir: Path | None) -> LoadReport:
    """Parse every document file under ``root``; only new or changed files are read."""
    stamps, refused = scan_documents(root)
    cached = _read_cache(cache_dir) if cache_dir is not None else {}
    fresh: CacheEntries = {}
    results: list[ParseResult] = []
    reused = 0
    for stamp in stamps:
        hit = cached.get(stamp.rel)
        if hit is not None and hit[0] == stamp.size and hit[1] == stamp.mtime_ns:
            result = hit[2]
            reused += 1
        else:
            result = _parse_file(root, stamp)
        fresh[stamp.rel] = (stamp.size, stamp.mtime_ns, result)
        results.append(result)
    for rel in refused:
        results.append(
            ParseResult(
                rel,
                None,
                [
                    Finding(
                        rel,
                        1,
                        Severity.ERROR,
                        "symlink",
                        "symbolic link leads outside the vault; not followed",
                    )
                ],
            )
        )
    parsed = len(stamps) - reused
    if cache_dir is not None and (parsed or len(fresh) != len(cached)):
        _write_cache(cache_dir, fresh)
    return LoadReport(results=results, reused=reused, parsed=parsed)


def _parse_file(root: Path, stamp: FileStamp) -> ParseResult:
    try:
        raw = (root / stamp.rel).read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        return ParseResult(
            stamp.rel,
            None,
            [Finding(stamp.rel, 1, Severity.ERROR, "unreadable", f"cannot read file: {reason}")],
        )
    return parse_bytes(stamp.rel, raw)


def _read_cache(cache_dir: Path) -> CacheEntries:
    try:
        with open(cache_dir / CACHE_NAME, "rb") as handle:
            header, entries = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable cache just means a fresh parse
        return {}
    if header != _FORMAT or not isinstance(entries, dict):
        return {}
    return entries


def _write_cache(cache_dir: Path, entries: CacheEntries) -> None:
    """Write atomically; a read-only vault simply goes without a cache."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".load-cache.")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((_FORMAT, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_dir / CACHE_NAME)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return
