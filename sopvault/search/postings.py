"""Writing a segment's sorted postings: the bytes Whoosh's field writer writes, in fewer
Python calls per term.

Whoosh's ``FieldWriter.add_postings`` makes about fifteen method calls for every term
(start the term, buffer each posting, then finish the posting list: block statistics, the
term's statistics, the block header and data, the term's entry in the term index). A
small segment, the one an update writes, has a term or two per posting, so those calls
are most of the time spent writing it (issue 17). ``write_postings`` does the same work
term by term, inline: the same posting blocks (at most ``blocklimit`` postings each,
pickled as Whoosh pickles them, compressed as the codec says), the same term statistics
(weights summed as 32-bit floats, as Whoosh's block buffer holds them) and the same term
index entries. ``tests/services/test_search_update.py`` compares the files it writes
with Whoosh's byte for byte.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from pickle import dumps
from struct import Struct
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

# A posting as the pool gives it: field name, term bytes, document number, weight, value.
Posting = tuple[str, bytes, int, float, bytes | None]
_TERMINFO: Struct = W3TermInfo._struct
_KEY_VALUE_LENGTHS = Struct("!ii")  # whoosh.filedb.filetables' entry header
_NO_ID = 0xFFFFFFFF


def can_write(fieldwriter: Any) -> bool:
    """Whether ``write_postings`` writes what ``fieldwriter.add_postings`` would: a
    whoosh3 field writer whose codec never inlines postings into the term index."""
    codec = getattr(fieldwriter, "_codec", None)
    return type(fieldwriter) is W3FieldWriter and getattr(codec, "_inlinelimit", 2) <= 1


def write_postings(
    fieldwriter: W3FieldWriter, schema: Any, lengths: Any, items: Iterable[Posting]
) -> None:
    """Write ``items`` (sorted by field, term and document, as a posting pool gives them)
    through ``fieldwriter`` (see ``can_write``); ``lengths`` answers
    ``doc_field_length(docnum, fieldname)`` (None: no lengths kept)."""
    length_of = lengths.doc_field_length if lengths else None
    for fieldname, field_postings in groupby(items, itemgetter(0)):
        fieldwriter.start_field(fieldname, schema[fieldname])
        term_writer = _TermWriter(fieldwriter, fieldname, length_of)
        for btext, postings in groupby(field_postings, itemgetter(1)):
            term_writer.write(btext, [p for p in postings if p[2] != -1])
        fieldwriter.finish_field()


class _TermWriter:
    """One field's posting lists and term index entries, written term by term."""

    def __init__(self, fieldwriter: W3FieldWriter, fieldname: str, length_of: Any) -> None:
        postwriter = fieldwriter._postwriter
        self.blocklimit: int = postwriter._blocklimit
        self.compression: int = postwriter._compression
        fixed = fieldwriter._fieldobj.format.fixed_value_size()
        self.fixed = -1 if fixed is None else fixed
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.prefix = pack_ushort(fieldwriter._fieldid)
        self.fieldname = fieldname
        self.length_of = length_of

    def write(self, btext: bytes, postings: list[Posting]) -> None:
        """Write one term's posting list and its term index entry."""
        if not postings:
            return
        postfile = self.postfile
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        stats = _TermStats()
        limit = self.blocklimit
        for at in range(0, len(postings), limit):
            block = postings[at : at + limit]
            self._write_block(block, stats, last=at + limit >= len(postings))
        value = stats.to_bytes() + pack_long(start) + pack_int(postfile.tell() - start)
        self._index(self.prefix + btext, value)

    def _write_block(self, block: list[Posting], stats: _TermStats, last: bool) -> None:
        ids = [p[2] for p in block]
        raw_weights = [p[3] for p in block]
        weights = array("f", raw_weights)  # as Whoosh's block buffer holds them
        values = [v for p in block if (v := p[4] or b"")]
        lengths = [0] * len(block)
        if self.length_of is not None:
            name, length_of = self.fieldname, self.length_of
            lengths = [length_of(docnum, name) for docnum in ids]
        given = [n for n in lengths if n]
        minlength = min(given) if given else None
        maxlength = max(given, default=0)
        highest = max(raw_weights)
        maxweight = highest if highest > 0 else 0  # Whoosh's block starts from the int 0
        stats.add(ids, weights, minlength, maxlength, maxweight)
        data = (tuple(_deltas(ids)), _mini_weights(weights), self._mini_values(values))
        databytes = dumps(data, 2)
        if self.compression:
            databytes = zlib.compress(databytes, self.compression)
        info = (len(ids), ids[-1], maxweight, self.compression)
        infobytes = dumps((*info, length_to_byte(minlength), length_to_byte(maxlength)), 2)
        size = len(infobytes) + len(databytes)
        self.postfile.write(pack_int(-size if last else size) + infobytes + databytes)

    def _mini_values(self, values: list[bytes]) -> Any:
        if self.fixed < 0:
            return tuple(values)
        return None if self.fixed == 0 else b"".join(values)

    def _index(self, key: bytes, value: bytes) -> None:
        """``OrderedHashWriter.add``: the entry, its position in the ordered index and
        its hash bucket (keys come in order: the pool sorted them)."""
        tindex = self.tindex
        dbfile = tindex.dbfile
        pos = dbfile.tell()
        tindex.index.append(pos)
        dbfile.write(_KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value)
        h = tindex.hashfn(key)
        tindex.buckets[h & 255].append((h, pos))
        tindex.lastkey = key


class _TermStats:
    """A term's statistics over its blocks, as ``W3TermInfo.add_block`` sums them."""

    def __init__(self) -> None:
        self.weight = 0.0
        self.df = 0
        self.minlength: int | None = None
        self.maxlength = 0
        self.maxweight: float = 0
        self.minid: int | None = None
        self.maxid = 0

    def add(
        self,
        ids: list[int],
        weights: array[float],
        minlength: int | None,
        maxlength: int,
        maxweight: float,
    ) -> None:
        """Take in one block's postings."""
        self.weight += sum(weights)
        self.df += len(ids)
        if self.minlength is None:
            self.minlength = minlength
        else:
            self.minlength = min(self.minlength, minlength)  # type: ignore[type-var]
        self.maxlength = max(self.maxlength, maxlength)
        self.maxweight = max(self.maxweight, maxweight)
        if self.minid is None:
            self.minid = ids[0]
        self.maxid = ids[-1]

    def to_bytes(self) -> bytes:
        """The fixed part of ``W3TermInfo.to_bytes`` (not inlined)."""
        minlength = 0 if self.minlength is None else length_to_byte(self.minlength)
        minid = _NO_ID if self.minid is None else self.minid
        return _TERMINFO.pack(
            False,
            self.weight,
            self.df,
            minlength,
            length_to_byte(self.maxlength),
            self.maxweight,
            minid,
            self.maxid,
        )


def _deltas(ids: list[int]) -> Iterable[int]:
    """``whoosh.util.numlists.delta_encode``."""
    return map(int.__sub__, ids, [0, *ids[:-1]])


def _mini_weights(weights: array[float]) -> Any:
    """``W3PostingsWriter._mini_weights``."""
    if all(w == 1.0 for w in weights):
        return None
    if all(w == weights[0] for w in weights):
        return weights[0]
    return tuple(weights)
