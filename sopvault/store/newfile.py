"""A new file written whole or not at all, and never over an existing one (issue 16, import).

``fs.write_atomic`` replaces a file by rename, which is right for an edit and wrong for a
file that must be new: between looking and renaming another writer could have made it.
Here the bytes go to a temporary file in the same folder, are fsync'd, and are then
hard-linked under the new name, which the kernel refuses when the name exists; the link
is the commit point, so a crash leaves either no file or the whole one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` as the new file ``path``; FileExistsError when ``path`` exists
    (nothing is changed then), OSError when the disk refuses."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            _claim_then_replace(tmp, path)  # a file system without hard links
        _sync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _claim_then_replace(tmp: str, path: Path) -> None:
    """Claim the name with an exclusive create, then rename the whole file over the claim:
    at worst an empty file is left, never a part of one."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    os.replace(tmp, path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (the folder's entry), where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
