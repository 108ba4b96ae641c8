"""Searching a vault: keeping its Whoosh index up to date with the files, then asking it.

A mixin of ``Vault``: the index follows the vault's files (changed files re-parsed, a
broken or missing index rebuilt), so a search always answers for the working tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sopvault.errors import ReadOnly
from sopvault.model.document import Document
from sopvault.model.search import SearchResponse
from sopvault.store import cache as loadcache
from sopvault.store import changes
from sopvault.store.fs import is_document_path, scan_documents, stamp_of

if TYPE_CHECKING:
    from sopvault.search import SearchIndex

Progress = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What bringing the search index up to date did, and anything the user should know."""

    rebuilt: bool = False
    documents: int | None = None
    updated: int = 0
    removed: int = 0
    notices: list[str] = field(default_factory=list)
    failed: str = ""  # why the index could not be written (the disk's words), else ""


class Searchable:
    """The search half of ``Vault``; the vault provides its root, state folder and notes."""

    root: Path
    # How long an index update waits for another process's update before answering
    # from the index as it is (seconds).
    index_lock_wait: float = 2.0
    _search_index: SearchIndex | None = None  # kept so its searcher stays open

    @property
    def state_dir(self) -> Path:
        """Where sopvault keeps its caches and index for this vault."""
        raise NotImplementedError

    def notes(self) -> list[str]:
        """What works differently here (a read-only vault), shown with search results."""
        raise NotImplementedError

    @property
    def index_dir(self) -> Path:
        """Where the search index lives (under the state folder)."""
        return self.state_dir / "index"

    def search(
        self,
        text: str,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 20,
        progress: Progress | None = None,
    ) -> SearchResponse:
        """Search, after bringing the index up to date with the working tree; ``limit``
        caps the hits, ``progress`` is told (done, total) while a rebuild runs.

        A malformed query raises QueryError (a SopvaultError) before any work is done.
        """
        from sopvault.search import IndexUnavailable, SearchIndex, query

        query.tokenize(text)  # fail fast on a malformed query, before touching the index
        if self._search_index is None:
            self._search_index = SearchIndex(self.index_dir)
        index = self._search_index

        def run(notices: list[str]) -> SearchResponse:
            return index.search(
                text,
                kind=kind,
                status=status,
                limit=limit,
                load=self._document_at,
                notices=tuple(notices),
            )

        try:
            return run([*self.notes(), *self.refresh_index(progress=progress).notices])
        except IndexUnavailable:
            report = self.refresh_index(rebuild=True, progress=progress)
            if report.failed:  # no index to answer from, and none could be written
                raise ReadOnly(f"cannot write the search index: {report.failed}") from None
            return run(["the search index was unreadable; rebuilt it", *report.notices])

    def refresh_index(
        self, *, rebuild: bool = False, progress: Progress | None = None
    ) -> IndexReport:
        """Re-index what changed since last time; rebuild when asked, missing or unreadable."""
        from sopvault.search import IndexUnavailable, SearchIndex

        index = SearchIndex(self.index_dir)
        existed = index.directory.exists()
        try:
            lock = index.writer_lock(wait=self.index_lock_wait if existed else 600.0)
            with lock as locked:
                if not locked:
                    return IndexReport(
                        notices=[
                            "another sopvault is updating the search index;"
                            " answering from the index as it was"
                        ]
                    )
                meta = None if rebuild else index.read_meta()
                if meta is None:
                    return self._rebuild_index(index, progress, rebuild, existed)
                found = changes.detect(self.root, meta.changes)
                if found.full:
                    return self._rebuild_index(index, progress, True, existed)
                if not found.paths:
                    if found.state != meta.changes:
                        index.write_meta(found.state)
                    return IndexReport()
                documents, removed = self._reparse(found.paths)
                try:
                    index.update(documents, removed, found.state)
                except IndexUnavailable:
                    return self._rebuild_index(index, progress, False, existed)
                return IndexReport(updated=len(documents), removed=len(removed))
        except OSError as err:
            # the old index (if any) is whole: updates and builds are swapped in whole
            why = f"{err.strerror or err} ({self.index_dir})"
            return IndexReport(notices=[f"search index not updated: {why}"], failed=why)

    def _rebuild_index(
        self, index: SearchIndex, progress: Progress | None, asked: bool, existed: bool
    ) -> IndexReport:
        state = changes.current_state(self.root)  # before reading: later edits are seen next time
        stamps, _ = scan_documents(self.root)
        # Each builder process parses its share of the files (the parse a load runs):
        # reading the whole parse cache into the process that forks them would give each
        # a copy of every document (search.build).
        files = [stamp.rel for stamp in stamps]
        procs = min(2, os.cpu_count() or 1) if len(stamps) >= 2000 else 1
        index.rebuild(files, self._parsed_document, state, progress=progress, procs=procs)
        notices = []
        if not asked:
            notices.append(
                "rebuilt the search index (it was unreadable or out of date)"
                if existed
                else "built the search index"
            )
        return IndexReport(rebuilt=True, documents=index.document_count(), notices=notices)

    def _reparse(self, paths: set[str]) -> tuple[list[Document], list[str]]:
        documents: list[Document] = []
        removed: list[str] = []
        for rel in sorted(paths):
            doc = self._document_at(rel) if is_document_path(rel) else None
            if doc is None:
                removed.append(rel)
            else:
                documents.append(doc)
        return documents, removed

    def document_in_file(self, rel: str) -> Document | None:
        """The document in vault file ``rel`` as it is on disk now (None when gone or
        unreadable): what a search hit's snippet is cut from."""
        return self._document_at(rel)

    def _parsed_document(self, rel: str) -> Document | None:
        """The document in one file parsed from its bytes now (None when unreadable or
        not a document): what a full build indexes."""
        return loadcache.parse_file(self.root, rel).document

    def _document_at(self, rel: str) -> Document | None:
        """The document in one file as it is on disk now, or None if gone or unreadable."""
        if stamp_of(self.root, rel) is None:
            return None
        return loadcache.parse_file(self.root, rel).document
