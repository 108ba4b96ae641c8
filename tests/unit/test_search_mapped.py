"""``MappedFile.read_pickle`` reads what Whoosh's ``StructFile.read_pickle`` reads, and
leaves the position where Whoosh's leaves it, for records shorter and longer than the copy
it unpickles from, and at the end of the file."""

from __future__ import annotations

import io
import pickle

import pytest
from whoosh.filedb.structfile import StructFile

from sopvault.search.mapped import _PICKLE_CHUNK, MappedFile

RECORDS: list[object] = [
    (3, 17, 1.5, 0, 4, 9),  # a posting block's header
    "x" * (_PICKLE_CHUNK - 20),  # about the copy's length
    list(range(_PICKLE_CHUNK)),  # longer than the copy
    {"path": "procédures/ボイラー.md", "title": "x" * 5 * _PICKLE_CHUNK},  # several times
    None,
    (),
]


def _bytes(protocol: int) -> bytes:
    out = io.BytesIO()
    for record in RECORDS:
        pickle.dump(record, out, protocol)
        out.write(b"\x00\x01raw")  # bytes between records, read with read()
    return out.getvalue()


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_read_pickle_reads_what_whoosh_reads(protocol: int) -> None:
    data = _bytes(protocol)
    ours = MappedFile(memoryview(data)).subset(0, len(data))
    theirs = StructFile(io.BytesIO(data))
    for record in RECORDS:
        assert ours.read_pickle() == theirs.read_pickle() == record
        assert ours.tell() == theirs.tell()
        assert ours.read(5) == theirs.read(5) == b"\x00\x01raw"
    assert ours.tell() == len(data)


def test_a_damaged_or_truncated_record_raises() -> None:
    data = pickle.dumps(list(range(4 * _PICKLE_CHUNK)), 2)
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        MappedFile(memoryview(data[:-40])).read_pickle()
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        MappedFile(memoryview(b"\x80\x02\xff" + data[3:])).read_pickle()
