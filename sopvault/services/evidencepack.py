"""Writing an evidence pack to a folder (issue 16): all of it or nothing, every file
read back before the pack counts, nothing existing overwritten.

The files are written into a private hidden folder beside OUT (``mkdtemp``: 0700, new
files only) and read back, then flushed to disk at once (``sync``: a pack of thousands
of files fsynced one by one spent 4 ms on each); the folder is then renamed to OUT in
one step (``rename(2)`` replaces OUT only when it is an empty folder), so a killed
export leaves no half pack under OUT's name. Paths are checked to be made only of
validated ids: nothing in a document names where a file goes (21 CFR Part 11 §11.10(b)).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sopvault.errors import Refused, SopvaultError
from sopvault.model.evidence import PackFile

# A path inside the pack: parts of letters, digits, ``._@-``, none starting with a dot.
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


class PackRefused(Refused):
    """OUT exists and is not an empty folder, or its parent folder cannot be used."""


@dataclass(frozen=True)
class Written:
    """What was written: the pack's folder, how many files and how many bytes."""

    folder: Path
    files: int
    size: int


def safe_pack_path(path: str) -> bool:
    """Whether ``path`` stays inside the pack: ``/``-separated parts, each a safe name
    (no ``..``, no leading dot, no separator or control character)."""
    parts = path.split("/")
    return all(_SAFE_PART.match(part) and ".." not in part for part in parts)


def refuse_existing(out: Path) -> None:
    """Refuse (PackRefused) an OUT that exists as anything but an empty folder: a pack is
    never written over earlier evidence. A symbolic link is refused whatever it leads to."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise PackRefused(f"{out} exists and is not a folder: give a new folder for the pack")
    if out.is_dir() and any(out.iterdir()):
        raise PackRefused(f"{out} is not empty: give a new or empty folder for the pack")


def write_pack(out: Path, files: list[PackFile]) -> Written:
    """Write ``files`` as the folder ``out`` (which must not exist, or be an empty
    folder). Raises PackRefused for an existing OUT, SopvaultError (one line) when a
    file cannot be written or reads back different; nothing is left under OUT then."""
    refuse_existing(out)
    for item in files:
        if not safe_pack_path(item.path):
            raise SopvaultError(f"refusing to write {item.path!r}: not a plain path in the pack")
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as err:
        raise PackRefused(f"cannot write in {parent}: {err.strerror or err}") from None
    try:
        size = _write_all(work, files)
        os.sync()  # every file on disk before the pack gets its name (one flush, not 4,000)
        mask = _umask()
        for folder, _, _ in os.walk(work):
            os.chmod(folder, 0o777 & ~mask)
        os.rename(work, out)
    except OSError as err:
        shutil.rmtree(work, ignore_errors=True)
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise PackRefused(f"{out} appeared meanwhile: give a new folder") from None
        raise SopvaultError(f"cannot write the pack in {parent}: {err.strerror or err}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _sync_folder(parent)
    return Written(out, len(files), size)


def _write_all(work: Path, files: list[PackFile]) -> int:
    """Write each file under ``work`` and read it back; the total bytes. Raises
    SopvaultError when one reads back different, OSError when the disk refuses."""
    size = 0
    mode = 0o666 & ~_umask()
    for item in files:
        target = work.joinpath(*item.path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:  # a new file in a folder only we can write
            handle.write(item.data)
        os.chmod(target, mode)
        if target.read_bytes() != item.data:
            raise SopvaultError(f"{item.path} did not read back as written: the disk is not safe")
        size += len(item.data)
    return size


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """fsync a folder so the rename into it survives a crash (best effort where the
    system refuses to open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
