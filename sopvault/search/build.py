"""A full index build: builder processes that each read, parse and index their share of
the files into one segment of their own, then one table of contents over the segments.

Why not Whoosh's own ``MpWriter``: it forks its workers when the first 100 documents have
been fed, after the feeding process has loaded the whole parse cache (700 MB at 50,000
documents), so each worker starts with a copy of it; the feeder also pickles every
document's fields to a job file for a worker to read back. Here the builders are forked
first, from a small process, and are handed file names in batches; each parses its files
itself (the parse is the same ``parse_file`` a load runs), so no process ever holds the
vault and the parsing runs on every core. Each builder's postings pool is capped
(``limitmb``) and spills cheaply (``search.writer``), which bounds a build's memory at
any vault size.

Progress is counted in two halves: documents indexed, then postings written (the second
half, sorting and writing the postings, is as long as the first).
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
from collections.abc import Callable, Sequence
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from whoosh import index as windex

from sopvault.errors import SopvaultError
from sopvault.search.hits import DocumentLoader
from sopvault.search.schema import SCHEMA, index_fields, written_text
from sopvault.search.vocabulary import Vocabulary
from sopvault.search.writer import SegmentBuilder

# Files per job handed to a builder: small enough that two builders finish together.
BATCH = 64
Progress = Callable[[int, int], None]


class BuildFailed(SopvaultError):
    """A builder process died without a word (killed, out of memory): one line for the
    CLI and the TUI, the old index kept."""


def build_index(
    directory: Path,
    files: Sequence[str],
    load: DocumentLoader,
    *,
    procs: int,
    limitmb: int,
    progress: Progress | None = None,
) -> Vocabulary:
    """Index the documents of ``files`` (vault paths; ``load`` gives each one's document,
    None to skip it) into the new, empty index in ``directory``.

    ``procs`` builder processes (1: in this process), each with a posting pool of
    ``limitmb`` MB; ``progress`` is told (done, total) with total twice the files.
    Returns the written words of every indexed document (``search.vocabulary``), each
    builder's merged. Raises what a builder raised (OSError on a full disk), or BuildFailed.
    """
    ix = windex.create_in(str(directory), SCHEMA)
    report = _Progress(len(files), progress)
    vocabulary = Vocabulary()
    context = _fork_context()
    if procs <= 1 or context is None:
        segments = [_build_here(ix, files, load, limitmb, report, vocabulary)]
    else:
        segments = _build_apart(context, directory, files, load, procs, limitmb, report, vocabulary)
    writer = ix.writer()
    try:
        writer._close_segment()  # the committing writer's own segment stays empty
        writer._commit_toc([s for s in segments if s.doc_count()])
    finally:
        writer._finish()
    return vocabulary


def _fork_context() -> BaseContext | None:
    """Forked builders inherit the loader; where fork is missing, build in process."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _build_here(
    ix: Any,
    files: Sequence[str],
    load: DocumentLoader,
    limitmb: int,
    report: _Progress,
    vocabulary: Vocabulary,
) -> Any:
    builder = SegmentBuilder(ix, limitmb)
    try:
        for number, rel in enumerate(files, start=1):
            _add(builder, load, rel, vocabulary)
            if not number % 100:
                report.indexed(0, number)
        report.indexed(0, len(files))
        written = report.writer(0, len(files), builder.postings())
        return builder.finish(written)
    except BaseException:
        builder.cancel()
        raise


def _add(builder: SegmentBuilder, load: DocumentLoader, rel: str, vocabulary: Vocabulary) -> None:
    doc = load(rel)
    if doc is not None:
        builder.add_document(**index_fields(doc))
        vocabulary.add_text(written_text(doc))


def _build_apart(
    context: BaseContext,
    directory: Path,
    files: Sequence[str],
    load: DocumentLoader,
    procs: int,
    limitmb: int,
    report: _Progress,
    vocabulary: Vocabulary,
) -> list[Any]:
    jobs: Any = context.Queue()
    results: Any = context.Queue()
    workers = [
        context.Process(  # type: ignore[attr-defined]
            target=_builder_main,
            args=(slot, str(directory), jobs, results, load, limitmb),
            daemon=True,
        )
        for slot in range(procs)
    ]
    for worker in workers:
        worker.start()
    try:
        for start in range(0, len(files), BATCH):
            jobs.put(list(files[start : start + BATCH]))
        for _ in workers:
            jobs.put(None)
        return _collect(workers, results, report, vocabulary)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join(timeout=5)
            if worker.is_alive():  # stuck at its own exit (its queue's feeder): end it
                worker.kill()
                worker.join()
        for channel in (jobs, results):
            # An interrupted build leaves batches no builder will take: the queue's feeder
            # thread, blocked writing them, must not hold the process's exit forever.
            channel.cancel_join_thread()
            channel.close()


def _collect(
    workers: list[Any], results: Any, report: _Progress, vocabulary: Vocabulary
) -> list[Any]:
    """Follow the builders' reports until each has sent its words and its segment."""
    segments: dict[int, Any] = {}
    indexed: dict[int, int] = {}
    while len(segments) < len(workers):
        try:
            slot, kind, value = results.get(timeout=0.5)
        except queue.Empty:
            if any(w.exitcode not in (None, 0) for w in workers):
                raise BuildFailed(
                    "a search index builder process died (killed or out of memory); "
                    "the previous index is kept: run `sopvault index --rebuild` again"
                ) from None
            continue
        if kind == "indexed":
            indexed[slot] = indexed.get(slot, 0) + value
            report.indexed(slot, indexed[slot])
        elif kind == "written":
            report.written(slot, value)
        elif kind == "postings":
            report.postings[slot] = value
        elif kind == "words":
            vocabulary.update(value)
        elif kind == "failed":
            raise value
        else:
            segments[slot] = value
    return [segments[slot] for slot in sorted(segments)]


def _builder_main(
    slot: int, directory: str, jobs: Any, results: Any, load: DocumentLoader, limitmb: int
) -> None:
    """One builder process: index each batch of files, then write the segment."""
    builder = SegmentBuilder(windex.open_dir(directory), limitmb)
    vocabulary = Vocabulary()
    try:
        for batch in iter(jobs.get, None):
            for rel in batch:
                _add(builder, load, rel, vocabulary)
            results.put((slot, "indexed", len(batch)))
        results.put((slot, "words", vocabulary.settled()))
        results.put((slot, "postings", builder.postings()))
        segment = builder.finish(lambda done: results.put((slot, "written", done)))
        results.put((slot, "segment", segment))
    except BaseException as err:  # noqa: BLE001 - handed to the parent, which raises it
        builder.cancel()
        results.put((slot, "failed", _sendable(err)))


def _sendable(err: BaseException) -> BaseException:
    """``err`` if it survives a pickle (OSError with its errno does), else a RuntimeError
    naming it."""
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001 - any exception type may refuse pickling
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err


class _Progress:
    """Documents indexed and postings written by each builder, as (done, 2 x files)."""

    def __init__(self, files: int, told: Progress | None) -> None:
        self.files = files
        self.told = told
        self.done: dict[int, int] = {}
        self.wrote: dict[int, float] = {}
        self.postings: dict[int, int] = {}

    def indexed(self, slot: int, files: int) -> None:
        """Builder ``slot`` has indexed ``files`` files so far."""
        self.done[slot] = files
        self._tell()

    def written(self, slot: int, postings: int) -> None:
        """Builder ``slot`` has written ``postings`` of its postings."""
        total = self.postings.get(slot, 0)
        share = self.done.get(slot, 0)
        self.wrote[slot] = share * min(1.0, postings / total) if total else share
        self._tell()

    def writer(self, slot: int, files: int, postings: int) -> Callable[[int], None]:
        """The ``written`` callback for an in-process builder."""
        self.done[slot] = files
        self.postings[slot] = postings
        return lambda done: self.written(slot, done)

    def _tell(self) -> None:
        if self.told is not None:
            done = sum(self.done.values()) + int(sum(self.wrote.values()))
            self.told(min(done, 2 * self.files), 2 * self.files)
