"""Opening the index with its segment files memory-mapped, never copied into memory.

Whoosh keeps each segment as one compound file (``.seg``) holding the segment's own files
(terms, postings, lengths, stored fields, columns). With its default storage, opening a
searcher maps the compound file and then wraps each file inside it in a ``BufferFile``,
whose ``BytesIO`` copies the whole file: opening a searcher costs time and memory in
proportion to the index (125 ms at 50,000 documents, issue 17). ``MappedStorage`` hands
Whoosh's ``CompoundStorage`` a file that is already mapped and whose ``subset`` is a view
of the map (Whoosh takes ``subset`` when told the storage does not map files itself), so
a searcher reads the pages a query touches and nothing else.

Whoosh reads each posting block's header, and other small records, with ``pickle.load``
on the file, and the unpickler calls a Python file's ``read`` once or more per opcode
(about twenty calls a header). ``MappedFile.read_pickle`` unpickles from a ``BytesIO``
over a short copy of the bytes at the position instead, and moves the position past what
was read: the same value, in one call.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

_COMPOUND_EXT = ".seg"
# Bytes copied to unpickle a record (a block header is about 30); a longer record is
# tried again with four times as many.
_PICKLE_CHUNK = 512


class _View:
    """A read-only file over a buffer (a memoryview of the map): ``read``, ``readline``,
    ``seek`` and ``tell`` as a binary file has them, each read copying only what it
    returns."""

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), start + size)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        limit = len(self._buf) if size is None or size < 0 else min(len(self._buf), start + size)
        chunk = self._buf[start:limit].tobytes()
        newline = chunk.find(b"\n")
        line = chunk if newline < 0 else chunk[: newline + 1]
        self._pos = start + len(line)
        return line

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self.closed = True


class MappedFile(BufferFile):  # type: ignore[misc]
    """A Whoosh ``StructFile`` over part of a memory map, sharing the map's pages.

    ``subset`` (how ``CompoundStorage`` opens each file inside a compound segment) is a
    view of the same map, not a copy. The map itself is released when the last view of
    it is gone (closing a map that views still point into would fail).
    """

    def __init__(self, buf: memoryview, name: str | None = None) -> None:
        StructFile.__init__(self, _View(buf), name=name)
        self._buf = buf
        self.is_real = False

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        """A view of ``length`` bytes from ``position``: no bytes are copied."""
        return MappedFile(self._buf[position : position + length], name=name or self._name)

    def read_pickle(self) -> Any:
        """The pickled value at the current position, the position moved past it (as
        Whoosh's ``StructFile.read_pickle``), unpickled from a short copy. Raises what
        ``pickle.load`` raises on a damaged or truncated record."""
        view: _View = self.file
        start, size, end = view._pos, _PICKLE_CHUNK, len(view._buf)
        while True:
            stream = io.BytesIO(view._buf[start : start + size])
            try:
                value = pickle.load(stream)
            except (EOFError, pickle.UnpicklingError):
                if start + size >= end:  # the whole rest was there: the record is bad
                    raise
                size *= 4  # the record runs past the copy: a pickle stops only at its end
                continue
            view._pos = start + stream.tell()
            return value

    def close(self) -> None:
        """Forget the view (the map closes with its last view)."""
        self.is_closed = True
        self.file.close()


class MappedStorage(FileStorage):  # type: ignore[misc]
    """Whoosh's folder storage, except that compound segment files open memory-mapped
    (``MappedFile``); every other file, and all writing, is as in ``FileStorage``.

    ``supports_mmap`` is False so that ``CompoundStorage`` takes the file's ``subset``
    views rather than copying each inner file into a ``BytesIO``.
    """

    supports_mmap = False

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """The named file; a compound segment as a ``MappedFile`` (an empty or unmappable
        one as a plain file)."""
        if not name.endswith(_COMPOUND_EXT) or kwargs:
            return super().open_file(name, **kwargs)
        with open(self._fpath(name), "rb") as handle:
            try:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # empty, or a file system that cannot map
                return super().open_file(name)
        return MappedFile(memoryview(mapped), name=name)
