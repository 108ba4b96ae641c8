"""Documents' top-level fields by git blob id, parsed once per machine: a content-addressed
cache of ``core.parse.parse_head`` shared by every reader of committed texts (the vault on
any date, ``services.asof``; main's documents for acknowledgements and ``due``,
``services.ackmain``).

A blob id names its bytes, so an entry can never go stale; the key is the blob id and the
parser's version (sopvault's version and a digest of the parsing code's source: a changed
rule in a development checkout is a new version too). Most texts of a date are the texts
of every other date (a document changes a few times in years), so a listing of one date
reads and parses only what no earlier command has.

The cache is one file in the vault's private state folder (the user's cache folder, never
the vault; ``store.statedir``), ``heads.marshal``: ``marshal`` of plain values only
(strings, integers, tuples, one dict), never a pickle: nothing in it can name a class or
run code. Every entry is checked on read; a file another user owns, one that is truncated,
corrupt or of another version, or an entry of the wrong shape, is ignored and rebuilt.
Writers replace the file atomically after merging what is on disk, so two processes
writing at once lose at most each other's new entries, never a file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
from collections.abc import Callable, Iterable
from datetime import date
from operator import attrgetter
from pathlib import Path
from sys import intern
from typing import Any

from sopvault import __version__
from sopvault.core.parse import DATE_FIELDS, LIST_FIELDS, TEXT_FIELDS, parse_head
from sopvault.model.document import Document, Kind, Status
from sopvault.model.finding import Finding, ParseResult, Severity
from sopvault.store.forked import Forked, ForkFailed, start
from sopvault.store.statedir import read_mine, write_private

HEADS_NAME = "heads.marshal"
# Every text of ten years of a 10,000-document vault fits (about 50 MB); beyond that the
# entries added longest ago go first, and a text they held is simply parsed again.
MAX_ENTRIES = 100_000
# From this many texts a child's share is parsed by a forked child
# (``HeadCache.apart``; it is about half of a listing's parsing): forking costs about
# 5 ms and decoding its answer 15 µs a text, parsing about 130 µs a text.
FORK_AT = 500
_MAGIC = "sopvault-heads"
_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}
_SEVERITIES = {severity.value: severity for severity in Severity}
_INT, _STR, _TEXT = {int}, {str}, {str, type(None)}  # the types a value may have
_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
_TEXTS, _LISTS, _DATES = (attrgetter(*keys) for keys in (TEXT_FIELDS, LIST_FIELDS, DATE_FIELDS))
# One entry: (document or None, findings, ignored). A document: (id, title, kind,
# status or "", text fields, list fields, date fields (ISO 8601 or ""), field lines);
# a finding: (line, severity, code, message). The path is the caller's: a blob's parse
# does not depend on where it lies, except the path it names.
Entry = tuple[Any, tuple[tuple[int, str, str, str], ...], bool]
# What ``HeadCache.apart`` runs: parse what it can of {blob id: path} into the cache it
# is given, and answer {blob id: light result}.
Work = Callable[[dict[str, str]], dict[str, ParseResult]]


# The modules a head parse runs, by name under the package: their sources are read,
# never imported (a listing does not load the steps' rules: ``core.parse`` imports them
# only to read steps).
PARSER = (
    "core.parse",
    "core.frontmatter",
    "core.delimiters",
    "core.steps",
    "core.conditions",
    "model.document",
    "model.finding",
)


def parser_version() -> str:
    """sopvault's version and a digest of the source of the modules of ``PARSER``: a new
    rule in any of them is a new version."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{__version__}\0{[f.name for f in dataclasses.fields(Document)]}".encode())
    package = Path(__file__).parents[1]  # the sopvault package's folder
    for name in PARSER:
        try:
            digest.update(package.joinpath(*name.split(".")).with_suffix(".py").read_bytes())
        except OSError:
            digest.update(name.encode())  # no source (a frozen install): the version
    return digest.hexdigest()


class HeadCache:
    """The cache of one state folder (``cache_dir``; None: remember for this process only).

    ``known(blob_id, path)`` answers from it; ``parse(blob_id, path, raw)`` parses and
    remembers; ``save()`` writes what was added. Results are *light* documents, as the load
    snapshot keeps them (no steps, body or front-matter text; ``complete = False``, so a
    reader that needs the whole text reads it, as ``Vault.get`` does), with the parse
    findings of the head read."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.version = parser_version()
        self._stamp = _stamp(cache_dir) if cache_dir is not None else None
        self._entries = _read(cache_dir, self.version) if cache_dir is not None else {}
        self._added: dict[str, Entry] = {}
        self.hits = 0  # answered from the cache (for benchmarks and tests)

    def __contains__(self, blob_id: str) -> bool:
        return blob_id in self._entries

    def known(self, blob_id: str, path: str) -> ParseResult | None:
        """The cached parse of blob ``blob_id`` as the file ``path``; None when it is not
        cached or its entry does not read as one (then it is parsed again)."""
        entry = self._entries.get(blob_id)
        if entry is None:
            return None
        try:
            result = _decode(path, entry)
        except (TypeError, ValueError, KeyError, IndexError):
            del self._entries[blob_id]
            return None
        self.hits += 1
        return result

    def parse(self, blob_id: str, path: str, raw: bytes) -> ParseResult:
        """``parse_head`` of ``raw`` (blob ``blob_id`` at ``path``), made light and
        remembered (the same result a later ``known`` gives)."""
        return self.add(blob_id, path, raw)

    def add(self, blob_id: str, path: str, raw: bytes) -> ParseResult:
        """Parse and remember blob ``blob_id`` (``known`` answers it from now on); the
        light result, equal to what ``known`` will give (made from the parse itself, not
        decoded again from the entry: 10,000 fewer documents built on a cold listing)."""
        result = parse_head(path, raw)
        self._entries[blob_id] = self._added[blob_id] = _encode(result)
        return _light(result)

    def apart(self, todo: dict[str, str], work: Work) -> ParsedApart:
        """Start ``work(todo)`` in a forked child (``store.forked``) while this process does
        other work. ``todo`` is {blob id: path}; ``work`` parses the blobs of it that it
        can read into the cache it is given (with ``add``) and returns {blob id: light
        result}. ``collect()`` on the handle gives that answer here, each entry
        remembered, as if ``work(todo)`` had run in this process. Under ``FORK_AT``
        blobs, or where this process does not fork, ``collect`` runs ``work`` here. Use it
        as a context manager: leaving it early ends the child."""
        forked = None
        if len(todo) >= FORK_AT:
            forked = start(lambda: self._entries_after(work, todo))
        return ParsedApart(self, todo, work, forked)

    def _entries_after(self, work: Work, todo: dict[str, str]) -> list[Entry | None]:
        """In the child: ``work(todo)``, then the entry of each blob of ``todo`` in order
        (None for one it did not parse)."""
        work(todo)
        return [self._added.get(blob_id) for blob_id in todo]

    def results(
        self,
        wanted: dict[str, str],
        contents: dict[str, bytes],
        fresh: dict[str, ParseResult] | None = None,
    ) -> list[ParseResult]:
        """The parse of each file in ``wanted`` ({path: blob id}), by path order: from
        ``fresh`` ({blob id: what ``add`` gave}, used for the path it was parsed as),
        cached, else parsed from ``contents`` ({blob id: bytes}); a blob missing from all
        three is left out."""
        found = []
        fresh = fresh or {}
        for path, blob_id in sorted(wanted.items()):
            result = fresh.get(blob_id)
            if result is None or result.path != path:
                result = self.known(blob_id, path)
            if result is None and blob_id in contents:
                result = self.parse(blob_id, path, contents[blob_id])
            if result is not None:
                found.append(result)
        return found

    def missing(self, blob_ids: Iterable[str]) -> list[str]:
        """The ids of ``blob_ids`` not cached, each once, in order."""
        return [b for b in dict.fromkeys(blob_ids) if b not in self._entries]

    def save(self) -> None:
        """Write the entries added since opening, merged with the file as it is now on disk
        (another process may have added its own), atomically; nothing when none were added
        or the folder cannot be written (the cache is then simply without them)."""
        if not self._added or self.cache_dir is None:
            return
        unchanged = self._stamp is not None and _stamp(self.cache_dir) == self._stamp
        merged = dict(self._entries) if unchanged else _read(self.cache_dir, self.version)
        merged.update(self._added)
        if len(merged) > MAX_ENTRIES:  # the oldest first out: a dict keeps its order
            merged = dict(list(merged.items())[-MAX_ENTRIES:])
        _write(self.cache_dir, (_MAGIC, self.version, merged))
        self._added = {}


class ParsedApart:
    """Blobs being parsed by a forked child for a ``HeadCache`` (``HeadCache.apart``)."""

    def __init__(
        self, heads: HeadCache, todo: dict[str, str], work: Work, forked: Forked | None
    ) -> None:
        self._heads = heads
        self._todo = todo
        self._work = work
        self._forked = forked

    def collect(self) -> dict[str, ParseResult]:
        """{blob id: light result} of the blobs of ``todo`` that ``work`` parsed, each
        remembered by the cache: the child's entries, checked as a cache file's are
        (``_decode``), or, when the child gave no usable answer, ``work`` run here; so the
        answer never depends on the child."""
        entries = None
        if self._forked is not None:
            try:
                entries = self._forked.result()
            except ForkFailed:
                entries = None
        if not isinstance(entries, list) or len(entries) != len(self._todo):
            return self._work(self._todo)
        found: dict[str, ParseResult] = {}
        again: dict[str, str] = {}
        for (blob_id, path), entry in zip(self._todo.items(), entries, strict=True):
            if entry is None:
                continue  # not parsed by ``work``: not parsed here either
            try:
                found[blob_id] = _decode(path, entry)
            except (TypeError, ValueError, KeyError, IndexError):
                again[blob_id] = path
            else:
                self._heads._entries[blob_id] = self._heads._added[blob_id] = entry
        if again:
            found.update(self._work(again))
        return found

    def __enter__(self) -> ParsedApart:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._forked is not None:
            self._forked.cancel()


def _stamp(cache_dir: Path) -> tuple[int, int, int] | None:
    """The cache file's (inode, size, mtime in ns), None when there is none: when it is
    the same at saving as at opening, nobody else wrote it meanwhile and what was read
    need not be read again to merge."""
    try:
        found = os.stat(cache_dir / HEADS_NAME)
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _read(cache_dir: Path, version: str) -> dict[str, Entry]:
    """The entries of ``cache_dir``'s file; empty when it is missing, another user's,
    unreadable, truncated, corrupt or of another parser version."""
    data = read_mine(cache_dir / HEADS_NAME)
    if data is None:
        return {}
    try:
        loaded = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(loaded, tuple) and len(loaded) == 3 and loaded[:2] == (_MAGIC, version)):
        return {}
    entries = loaded[2]
    return entries if isinstance(entries, dict) else {}


def _write(cache_dir: Path, payload: tuple[str, str, dict[str, Entry]]) -> None:
    try:
        data = marshal.dumps(payload)
    except ValueError:  # a value marshal cannot write: the cache is gone without it
        return
    write_private(cache_dir, HEADS_NAME, data)


def _encode(result: ParseResult) -> Entry:
    doc = result.document
    findings = tuple((f.line, f.severity.value, f.code, f.message) for f in result.findings)
    if doc is None:
        return (None, findings, result.ignored)
    fields = (
        doc.id,
        doc.title,
        doc.kind.value,
        doc.status.value if doc.status is not None else "",
        _TEXTS(doc),
        tuple(map(tuple, _LISTS(doc))),
        tuple(map(_iso, _DATES(doc))),
        {intern(key): line for key, line in doc.field_lines.items()},  # marshal refs
    )
    return (fields, findings, result.ignored)


def _decode(path: str, entry: Entry) -> ParseResult:
    """The light result an entry holds; raises TypeError, ValueError, KeyError or
    IndexError when it is not an entry this module wrote (``marshal`` gives plain values
    only, so checking each value's type is the whole check)."""
    fields, found, ignored = entry
    findings = [
        Finding(path, _int(line), _SEVERITIES[severity], _str(code), _str(message))
        for line, severity, code, message in found
    ]
    if fields is None:
        return ParseResult(path, None, findings, ignored=bool(ignored))
    doc_id, title, kind, status, texts, lists, dates, lines = fields
    if type(lines) is not dict or not set(map(type, lines.values())) <= _INT:
        raise TypeError("not field lines")
    if not set(map(type, lines)) <= _STR:
        raise TypeError("not field lines")
    if not set(map(type, texts)) <= _TEXT or not {type(v) for vs in lists for v in vs} <= _STR:
        raise TypeError("not a text or a list of texts")
    # The instance's fields set directly, in the class's order (a third of a decode's
    # time went to ``Document``'s keyword call): every field is set here, as
    # ``tests/store/test_heads.py`` checks against a parse.
    values: dict[str, Any] = dict.fromkeys(_DOCUMENT_FIELDS)
    values.update(
        path=path,
        id=_str(doc_id),
        title=_str(title),
        kind=_KINDS[kind],
        front_text="",
        body="",
        status=_STATUSES[status] if status else None,
        steps=[],
        field_lines=dict(lines),
        complete=False,
    )
    values.update(zip(TEXT_FIELDS, texts, strict=True))
    values.update(zip(LIST_FIELDS, map(list, lists), strict=True))
    for key, value in zip(DATE_FIELDS, dates, strict=True):
        values[key] = date.fromisoformat(value) if value else None
    doc = object.__new__(Document)
    doc.__dict__.update(values)
    return ParseResult(path, doc, findings, ignored=bool(ignored))


def _light(result: ParseResult) -> ParseResult:
    """``result`` with its document made light in place, as ``_decode`` gives it: the
    fields an entry keeps, no steps, body or front matter text (nor the parsed TOML)."""
    doc = result.document
    if doc is not None:
        doc.front_text = doc.body = ""
        doc.steps = []
        doc.complete = False
        doc.__dict__.pop("front", None)
    return result


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not an integer")
    return value
