"""Whoosh's segment writer with two costs of a full build taken out, the index unchanged.

A build spends most of its time in Whoosh's pure-Python writer. Two of its costs are not
in the postings themselves:

- **Field lengths.** When a segment's postings are written, Whoosh asks for the length of
  the posting's field in its document once per posting (for each block's shortest and
  longest document), reading it back from the length column it has just written, through
  a column reader: about a fifth of the writing time. ``SegmentBuilder`` keeps the same
  one-byte lengths in memory as they are added and answers from there.
- **Spilled runs.** The posting pool sorts its postings in memory up to ``limitmb`` and
  spills sorted runs to disk beyond that, one ``pickle.dump`` per posting, read back with
  one ``pickle.load`` each. ``SpillPool`` writes a run as ``marshal`` chunks of many
  postings (the same tuples, in the same order), so a small pool (the memory ceiling of a
  build) costs little.

The segment written is the one Whoosh writes: the same terms, postings, weights, values,
lengths and stored fields (``tests/services/test_search_build.py`` compares them term by
term).

An update of an existing index (``update_writer``) uses the same writer, with Whoosh's
writer lock, posting blocks left uncompressed (``UPDATE_CODEC``), and is committed with
``merge_small_only`` (Whoosh's merge policy, never over a large segment).
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import MERGE_SMALL, PostingPool, SegmentWriter

# Postings per marshal chunk of a spilled run: large enough that the per-call cost
# vanishes, small enough that merging 128 runs holds little in memory.
CHUNK = 4096
Posting = tuple[str, bytes, int, float, bytes | None]
# Told how many postings were written so far, every REPORT_EVERY or more.
REPORT_EVERY = 4096
Written = Callable[[int], None]
# The codec of the segments an update writes (and of those its merges write): Whoosh's,
# its posting blocks not compressed. An update's segment is small: most of its terms hold
# one or two postings, whose pickled block zlib makes no shorter, at a call per term
# (about a sixth of writing a small segment). Each block's header says how it was
# compressed, so every reader reads both kinds; a full build compresses as before.
UPDATE_CODEC = W3Codec(compression=0)
# A segment of this many documents or more is never merged by an update (a search that
# took in a few edits): Whoosh's own policy (``MERGE_SMALL``) would, within a few hundred
# updates, merge the segments of the full build together, tens of seconds inside one
# search at 10,000 documents and minutes at 50,000. ``sopvault index --rebuild`` makes
# one index again; until then a large segment only keeps its deleted documents.
LARGE_SEGMENT = 1000


class SpillPool(PostingPool):  # type: ignore[misc]
    """Whoosh's posting pool, its sorted runs written in marshal chunks, and counting the
    postings it holds (``count``) for a progress report while they are written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spilled = 0  # postings written to runs on disk
        self.written: Written | None = None

    @property
    def count(self) -> int:
        """How many postings the pool holds, in memory and spilled (counted here, not per
        posting added: ``add`` runs once per posting)."""
        return self.spilled + len(self.current)

    def save(self) -> None:
        """Spill the postings in memory as one sorted run."""
        self.spilled += len(self.current)
        super().save()

    def _write_run(self, f: BinaryIO, items: Iterable[Posting]) -> None:
        source = iter(items)
        while chunk := list(islice(source, CHUNK)):
            marshal.dump(chunk, f, 4)
        f.close()

    def _read_run(self, path: str) -> Iterator[Posting]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting in order, telling ``written`` how many went out so far."""
        told = self.written
        if told is None:
            yield from self.items()
            return
        step = max(REPORT_EVERY, self.count // 200)
        done = 0
        for done, posting in enumerate(self.items(), start=1):
            yield posting
            if not done % step:
                told(done)
        told(done)


class Lengths:
    """The one-byte field lengths of a segment's documents, as the length column holds
    them, answered as Whoosh's per-document reader answers ``doc_field_length``."""

    def __init__(self) -> None:
        self._bytes: dict[str, bytearray] = {}

    def note(self, fieldname: str, docnum: int, length: int) -> None:
        """Record ``length`` (tokens) of ``fieldname`` in document ``docnum`` (from 0)."""
        column = self._bytes.setdefault(fieldname, bytearray())
        if len(column) <= docnum:
            column.extend(bytes(docnum + 1 - len(column)))
        column[docnum] = length_to_byte(length)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The length Whoosh's reader would give (the byte decoded), ``default`` when the
        field has no length in that document."""
        column = self._bytes.get(fieldname)
        if column is None or docnum >= len(column) or not column[docnum]:
            return default
        return int(byte_to_length(column[docnum]))


class SegmentBuilder(SegmentWriter):  # type: ignore[misc]
    """A segment writer for a new index's builder processes: no lock of its own (the
    build holds the index's), the pool a ``SpillPool``, field lengths kept in memory.

    ``finish`` writes the segment and returns it for the table of contents; the caller
    commits the table once every builder is done. ``writer_args`` go to Whoosh's writer
    (``update_writer``: its lock, a codec).
    """

    def __init__(self, ix: Any, limitmb: int, **writer_args: Any) -> None:
        super().__init__(ix, **{"_lk": False, **writer_args, "limitmb": limitmb})
        self.pool = SpillPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self.lengths = Lengths()
        add_field = self.perdocwriter.add_field

        def add_field_noting(fieldname: str, fieldobj: Any, value: Any, length: int) -> None:
            if length:
                self.lengths.note(fieldname, self.docnum, length)
            add_field(fieldname, fieldobj, value, length)

        self.perdocwriter.add_field = add_field_noting

    def postings(self) -> int:
        """How many postings the segment holds so far."""
        return int(self.pool.count)

    def _flush_segment(self) -> None:
        # Whoosh's own, with the lengths from memory instead of the column just written.
        self.perdocwriter.close()
        lengths = self.lengths if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()

    def finish(self, written: Written | None = None) -> W3Segment:
        """Write the segment's postings and files; ``written`` is told the postings
        written so far. Returns the segment, picklable, for the table of contents."""
        self.pool.written = written
        return self._finalize_segment()


def update_writer(ix: Any, *, timeout: float, delay: float, limitmb: int) -> SegmentBuilder:
    """A writer of one update of the existing index ``ix``: Whoosh's writer (its lock,
    taken within ``timeout`` seconds, tried every ``delay``; commit it with
    ``mergetype=merge_small_only``) with the field lengths in memory and ``UPDATE_CODEC``.
    Raises whoosh's LockError when another writer holds the lock past ``timeout``, OSError
    when the disk refuses."""
    return SegmentBuilder(ix, limitmb, _lk=True, timeout=timeout, delay=delay, codec=UPDATE_CODEC)


def merge_small_only(writer: Any, segments: list[Any]) -> list[Any]:
    """The merge policy of an update: Whoosh's ``MERGE_SMALL`` over the segments of fewer
    than ``LARGE_SEGMENT`` documents (deleted ones counted), the large ones kept as they
    are. Returns the segments kept; those merged are added to ``writer``'s new segment."""
    large = [seg for seg in segments if seg.doc_count_all() >= LARGE_SEGMENT]
    small = [seg for seg in segments if seg.doc_count_all() < LARGE_SEGMENT]
    return large + list(MERGE_SMALL(writer, small))
