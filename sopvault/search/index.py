"""The Whoosh index on disk: build, update in place, and answer queries.

The index is a cache: it can always be rebuilt from the files. Builds go to a new folder
that replaces the old one in a rename, so readers never see a half-built index. Updates
take Whoosh's writer lock (an fcntl lock the kernel drops with the process, so a killed
writer leaves nothing stale) and never optimise.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.searching import Searcher
from whoosh.writing import LockError

from sopvault import __version__
from sopvault.errors import NotFound
from sopvault.model.document import Document
from sopvault.model.search import SearchResponse
from sopvault.search import hits
from sopvault.search import query as squery
from sopvault.search.build import build_index
from sopvault.search.combined import Weighting
from sopvault.search.mapped import MappedStorage
from sopvault.search.schema import SCHEMA_VERSION, index_fields, written_text
from sopvault.search.vocabulary import Vocabulary, VocabularyUnreadable
from sopvault.search.writer import merge_small_only, update_writer

META_NAME = "sopvault-index.json"
# Memory for the posting pool of each build process (Whoosh's estimate; the process's
# resident size is about 1.5 times it): beyond it sorted runs spill to disk, cheaply
# (search.writer), so the pool bounds a build's memory at any vault size.
LIMIT_MB = 256


def _pool_mb() -> int:
    """The pool size, overridable with SOPVAULT_INDEX_MB on small machines."""
    value = os.environ.get("SOPVAULT_INDEX_MB", "")
    return int(value) if value.isdigit() and int(value) >= 16 else LIMIT_MB


Progress = Callable[[int, int], None]


class IndexUnavailable(NotFound):
    """The index is missing or unreadable; the caller rebuilds it."""


@dataclass
class IndexMeta:
    """What the index was built from; ``changes`` belongs to the change detector."""

    schema: int = SCHEMA_VERSION
    sopvault: str = __version__
    changes: dict[str, Any] = field(default_factory=dict)


class SearchIndex:
    """One index folder (``index`` in the vault's private state folder, never in the vault:
    Whoosh's table of contents is a pickle)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # A searcher kept open between queries (opening one costs 10-40 ms on 10k
        # documents), refreshed when the index changes; guarded because the TUI may run an
        # outdated search worker beside the current one.
        self._ix: windex.Index | None = None
        self._searcher: Searcher | None = None
        self._opened_version: tuple[int, int] | None = None
        self._words: tuple[tuple[int, int], Vocabulary] | None = None
        self._lock = threading.Lock()

    # ---- state -------------------------------------------------------------------------

    def read_meta(self) -> IndexMeta | None:
        """The stored meta, or None when the index must be rebuilt (missing, old, unreadable)."""
        try:
            data = json.loads((self.directory / META_NAME).read_text(encoding="utf-8"))
            meta = IndexMeta(data["schema"], data["sopvault"], dict(data["changes"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if meta.schema != SCHEMA_VERSION or not self.exists():
            return None
        return meta

    def write_meta(self, changes: dict[str, Any], directory: Path | None = None) -> None:
        """Write ``meta.json`` atomically (the change detector's ``changes`` with the schema
        and sopvault versions) into ``directory``, the index folder by default.
        """
        target = (directory or self.directory) / META_NAME
        tmp = target.with_suffix(".tmp")
        payload = {"schema": SCHEMA_VERSION, "sopvault": __version__, "changes": changes}
        try:
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            raise

    @contextmanager
    def writer_lock(self, wait: float) -> Iterator[bool]:
        """Hold the one-writer lock (yields True), or yield False after ``wait`` seconds.

        An flock on ``index.lock``: the kernel releases it when the holder dies, so a killed
        sopvault never leaves a stale lock behind.
        """
        lock_path = self.directory.with_name(self.directory.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+b") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def document_count(self) -> int:
        """How many documents the index holds; IndexUnavailable when it cannot be read."""
        ix = self._open()
        with ix.reader() as reader:
            return int(reader.doc_count())

    def exists(self) -> bool:
        """Whether a readable index is there (a damaged table of contents counts as none)."""
        try:
            return bool(windex.exists_in(str(self.directory)))
        except Exception:  # noqa: BLE001 - whoosh raises many kinds on damaged files
            return False

    def _open(self) -> windex.Index:
        try:
            return MappedStorage(str(self.directory)).open_index()
        except Exception as err:  # noqa: BLE001 - any damage means: rebuild
            raise IndexUnavailable(
                f"the search index is unreadable ({type(err).__name__})"
            ) from None

    def _current_searcher(self) -> Searcher:
        """The kept searcher while the index is unchanged; reopened after any commit here or
        in another process (a new generation) or a rebuild that swapped the folder."""
        inode = os.stat(self.directory).st_ino
        if self._ix is None or self._opened_version is None or inode != self._opened_version[0]:
            self.close()
            self._ix = self._open()
        version = (inode, self._ix.latest_generation())
        if self._searcher is None or version != self._opened_version:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix.searcher(weighting=Weighting())
            self._opened_version = version
        return self._searcher

    def vocabulary(self) -> Vocabulary:
        """The written words of the open index (``search.vocabulary``), read on first use
        and kept while the index is unchanged; IndexUnavailable when it cannot be read."""
        version = self._opened_version
        if version is None or self._words is None or self._words[0] != version:
            try:
                words = Vocabulary.load(self.directory)
            except VocabularyUnreadable as err:
                raise IndexUnavailable(f"the search index is incomplete ({err})") from None
            if version is None:
                return words
            self._words = (version, words)
        return self._words[1]

    def close(self) -> None:
        """Close the kept searcher and forget the open index; the next search reopens it."""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._ix = None
        self._opened_version = None
        self._words = None

    # ---- writing -----------------------------------------------------------------------

    def rebuild(
        self,
        files: Sequence[str],
        load: hits.DocumentLoader,
        changes: dict[str, Any],
        progress: Progress | None = None,
        procs: int = 1,
    ) -> None:
        """Build a complete new index of the documents in ``files`` (vault paths, each
        read by ``load``; None skips a file) beside the old one, then swap it in.

        ``procs`` builder processes (``search.build``); ``progress`` is told (done,
        total). Raises OSError when the disk refuses (the old index stays whole)."""
        fresh = self.directory.with_name(self.directory.name + ".new")
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        try:
            vocabulary = build_index(
                fresh, files, load, procs=procs, limitmb=_pool_mb(), progress=progress
            )
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        try:
            vocabulary.save(fresh)
            self.write_meta(changes, fresh)
        except OSError:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, old)
        os.replace(fresh, self.directory)
        shutil.rmtree(old, ignore_errors=True)

    def update(
        self,
        documents: Iterable[Document],
        deleted: Iterable[str],
        changes: dict[str, Any],
        wait: float = 2.0,
    ) -> bool:
        """Re-index changed documents and drop deleted paths; False when another process
        held the writer lock for longer than ``wait`` seconds (nothing was changed)."""
        ix = self._open()
        try:
            vocabulary = Vocabulary.load(self.directory)
        except VocabularyUnreadable as err:
            raise IndexUnavailable(f"the search index is incomplete ({err})") from None
        known = len(vocabulary)
        before = set(os.listdir(self.directory))
        try:
            writer = update_writer(ix, timeout=wait, delay=0.05, limitmb=_pool_mb())
        except LockError:
            return False
        except OSError:  # a full disk: whoosh's scratch folder may be half made
            self._drop_new(before)
            raise
        try:
            for path in deleted:
                writer.delete_by_term("path", path)
            for doc in documents:
                writer.update_document(**index_fields(doc))
                vocabulary.add_text(written_text(doc))
            writer.commit(mergetype=merge_small_only)
        except BaseException:
            try:
                writer.cancel()
            except OSError:
                pass  # cancelling writes too (a full disk again): its files go below
            self._drop_new(before)
            raise
        # Words of deleted or changed texts stay: they map to stems the index may no
        # longer hold, which match nothing. Words are only ever added, so an update that
        # brought none leaves the file as it is (writing it is a tenth of an update).
        if len(vocabulary) != known:
            vocabulary.save(self.directory)
        self.write_meta(changes)
        return True

    def _drop_new(self, before: set[str]) -> None:
        """Remove what a failed update wrote (a full disk): its half-written segment and
        whoosh's scratch folder. The index itself is whole, since its table of contents
        is replaced in a rename; nobody else writes while we hold the writer lock."""
        for name in set(os.listdir(self.directory)) - before:
            stray = self.directory / name
            if stray.is_dir():
                shutil.rmtree(stray, ignore_errors=True)
            else:
                stray.unlink(missing_ok=True)

    # ---- reading -----------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 20,
        load: hits.DocumentLoader | None = None,
        notices: tuple[str, ...] = (),
    ) -> SearchResponse:
        """Run a query; fills in snippets by loading the hit documents through ``load``."""
        parsed = squery.parse(text, kind=kind, status=status)
        try:
            with self._lock:
                searcher = self._current_searcher()
                parsed = hits.expanded(parsed, self.vocabulary)
                found = hits.run(searcher, parsed, limit)
                terms = hits.matched_words(searcher, parsed)
                did_you_mean: str | None = None
                corrected = False
                fixes = (
                    hits.corrections(searcher, self.vocabulary(), parsed.words)
                    if len(found) < hits.FEW_HITS
                    else {}
                )
                if fixes:
                    did_you_mean = hits.apply_fixes(text, fixes)
                    retry = squery.parse(did_you_mean, kind=kind, status=status)
                    retry = hits.expanded(retry, self.vocabulary)
                    seen = {fields["path"] for fields, _ in found}
                    more = [h for h in hits.run(searcher, retry, limit) if h[0]["path"] not in seen]
                    if more:
                        found += more[: limit - len(found)]
                        terms |= hits.matched_words(searcher, retry)
                        corrected = True
        except (squery.QueryError, IndexUnavailable):
            raise
        except Exception as err:  # noqa: BLE001 - a damaged index reads as unavailable
            self.close()
            raise IndexUnavailable(
                f"the search index is unreadable ({type(err).__name__})"
            ) from None
        found_hits = tuple(hits.hit(f, score, terms, load) for f, score in found[:limit])
        return SearchResponse(
            query=text,
            hits=found_hits,
            did_you_mean=did_you_mean,
            corrected=corrected,
            notices=notices,
        )
