"""Find a vault's root and its document files without leaving the vault; write atomically."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from sopvault.core.config import CONFIG_FILE
from sopvault.errors import InvalidId, VaultNotFound
from sopvault.model.finding import Finding, Severity

# Folders under the vault that hold things other than documents.
EXCLUDED_DIRS = frozenset({"runs", "templates", ".sopvault", "acks"})


# A file whose last change (ctime or mtime) is this close to a scan may change again within
# the same clock tick without any stamp showing it (git's "racy clean" entries): its stamp
# then carries a digest of its bytes too. 3 s covers FAT's 2 s mtime granularity and a
# kernel tick (file times lag the clock by up to one).
RACY_NS = 3_000_000_000


class FileStamp(NamedTuple):
    """A candidate document and what tells whether it changed since a cache was written.

    ``size``, ``mtime_ns``, ``ctime_ns`` and ``ino`` are the file's (its target's, for a
    link in the vault): any write changes the ctime (which no program can set back, unlike
    the mtime), and an edit saved by renaming a new file over the old one changes the
    inode. ``digest`` is a BLAKE2b digest of the bytes (hex) when the file changed within
    ``RACY_NS`` of the scan, else "" (see ``racy``). A named tuple: 50,000 are made on
    every load (a frozen dataclass costs several times as much to make)."""

    rel: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    ino: int = 0
    digest: str = ""


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC

# A stamp as a plain tuple, the fields of ``FileStamp`` in its order: what a scan makes (a
# warm start makes 50,000 and keys a cache by them; a named tuple costs a copy each).
Stamp = tuple[str, int, int, int, int, str]


def _stamp(rel: str, info: os.stat_result, since: int, where: str) -> FileStamp:
    """The stamp of the file at path ``where`` from ``info``; a file changed at or after
    ``since`` (ns since the epoch) gets the digest of its bytes too ("" when they cannot
    be read)."""
    digest = "" if _settled(info, since) else content_digest(where)
    return FileStamp(rel, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest)


def _settled(info: os.stat_result, since: int) -> bool:
    """Whether the file's last change (ctime and mtime) is before ``since``."""
    return info.st_ctime_ns < since and info.st_mtime_ns < since


def content_digest(path: str) -> str:
    """BLAKE2b (20 bytes, hex) of the file's bytes; "" when it cannot be read (a file that
    cannot be read is a finding of the parse, whatever its stamp)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=20)).hexdigest()
    except OSError:
        return ""


def racy_since() -> int:
    """The time (ns since the epoch) from which a file's change counts as racy for a scan
    starting now: a later write could land in the same clock tick as the one a stamp saw,
    so its stamp is not proof enough (git's racy-clean rule, with a fixed margin)."""
    return time.time_ns() - RACY_NS


def find_vault_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding sopvault.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise VaultNotFound(
        f"no {CONFIG_FILE} in {start} or any folder above it"
        " (run `sopvault init` or pass --vault PATH)"
    )


def is_document_path(rel: str) -> bool:
    """Whether a vault-relative path is where a document may live (the scanner's rules)."""
    parts = rel.split("/")
    return (
        rel.endswith(".md")
        and is_utf8_name(rel)
        and not any(part.startswith(".") or not part for part in parts)
        and not (len(parts) > 1 and parts[0] in EXCLUDED_DIRS)
    )


# Hugo builds these as Markdown pages too; sopvault reads ``.md`` only (Trust §2).
OTHER_MARKDOWN = (".markdown", ".mdown")


def is_other_markdown(rel: str) -> bool:
    """Whether ``rel`` is a Markdown file Hugo reads and sopvault does not (``.markdown``,
    ``.mdown``) where a ``.md`` file would be a document: reported, never passed over."""
    for suffix in OTHER_MARKDOWN:
        if rel.endswith(suffix):
            return is_document_path(rel[: -len(suffix)] + ".md")
    return False


def stamp_of(root: Path, rel: str) -> FileStamp | None:
    """The stamp of one file, or None where the vault's scan (``scan_stamps``) finds none:
    gone, no regular file (a FIFO holds a read forever), a link out of the vault, or under
    a folder that is a symbolic link (the scan never enters one, nor may an index update)."""
    path, parts = root / rel, rel.split("/")[:-1]
    try:
        for n in range(len(parts)):  # every folder on the way a real folder, not a link
            if not stat.S_ISDIR(os.lstat(os.path.join(root, *parts[: n + 1])).st_mode):
                return None
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            return None
        info = path.stat()
    except OSError:
        return None
    return _stamp(rel, info, racy_since(), str(path)) if stat.S_ISREG(info.st_mode) else None


def is_utf8_name(name: str) -> bool:
    """False for a name ``os.fsdecode`` made from bytes that are not UTF-8 (it keeps them
    as lone surrogates, which no index, cache or terminal can take)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def escaped_name(name: str) -> str:
    """A file name that is not UTF-8 as it can be shown: ``bad\\xff.md``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _refusal(rel: str, code: str, message: str) -> Finding:
    return Finding(rel, 1, Severity.ERROR, code, message)


def scan_documents(
    root: Path, since: int | None = None, under: str = ""
) -> tuple[list[FileStamp], list[Finding]]:
    """``scan_stamps`` with each stamp a ``FileStamp`` (named fields)."""
    stamps, refused = scan_stamps(root, since, under)
    return list(map(FileStamp._make, stamps)), refused


def scan_stamps(
    root: Path, since: int | None = None, under: str = ""
) -> tuple[list[Stamp], list[Finding]]:
    """Every ``*.md`` under ``root`` outside excluded and hidden folders; with ``under``
    (a vault path ending in "/") only those in that folder, found as the whole scan
    finds them (links judged against the vault, exclusions only at its top).

    Symlinked folders are never entered and a symlinked file counts only when it resolves
    inside the vault, so a link cannot pull outside files in. A file or folder whose name
    is not UTF-8 is not read (Hugo, git hosts and the index cannot name it either). Returns
    the stamps (plain tuples with the fields of ``FileStamp``, by path) and one error
    finding for each refused link or name (the name escaped). Files changed at or after
    ``since`` (ns since the epoch; default ``racy_since()``) are stamped with a digest of
    their bytes too.

    Every warm start stats every file (50,000 of them, issue 17), so the usual entry (a
    regular ``.md`` file with a plain ASCII name: ``os.scandir`` knows the type without a
    system call) is stamped a folder at a time in comprehensions; any other (folders,
    links, other names) goes through ``_other``, one by one.
    """
    stamps: list[Stamp] = []
    refused: list[Finding] = []
    resolved_root = root.resolve()
    since = racy_since() if since is None else since
    stack = [(os.path.join(root, under), under)]
    while stack:
        folder, prefix = stack.pop()
        try:  # stat relative to the open folder: a fifth less kernel time than whole paths
            fd = os.open(folder, _FOLDER | (os.O_NOFOLLOW if prefix else 0))
        except OSError:
            continue
        try:
            try:
                entries = list(os.scandir(fd))
            except OSError:
                continue
            plain = [
                e
                for e in entries
                if (n := e.name).endswith(".md")
                and n[0] != "."
                and n.isascii()
                and e.is_file(follow_symlinks=False)
            ]
            stamps += _stamped(plain, prefix)
            if len(plain) != len(entries):
                chosen = set(map(id, plain))
                for entry in entries:
                    if id(entry) not in chosen:
                        where = (folder, prefix, resolved_root)
                        _other(entry, where, stack, stamps, refused)
        finally:
            os.close(fd)
    stamps.sort(key=itemgetter(0))  # paths are unique: the order of whole stamps
    for k in [k for k, s in enumerate(stamps) if s[2] >= since or s[3] >= since]:
        rel, size, mtime, ctime, ino, _ = stamps[k]
        stamps[k] = (rel, size, mtime, ctime, ino, content_digest(os.path.join(root, rel)))
    return stamps, refused


def _stamped(entries: list[os.DirEntry[str]], prefix: str) -> list[Stamp]:
    """The stamps (without digests) of regular files; one removed since its folder was
    read is left out (as if the scan had come a moment later)."""
    try:
        infos = list(map(os.DirEntry.stat, entries))  # regular files: stat is lstat
    except OSError:
        kept = []
        for entry in entries:
            with suppress(OSError):
                kept.append((entry, entry.stat(follow_symlinks=False)))
        entries, infos = [e for e, _ in kept], [i for _, i in kept]
    return [
        (prefix + e.name, i.st_size, i.st_mtime_ns, i.st_ctime_ns, i.st_ino, "")
        for e, i in zip(entries, infos, strict=True)
    ]


def _other(
    entry: os.DirEntry[str],
    where: tuple[str, str, Path],
    stack: list[tuple[str, str]],
    stamps: list[Stamp],
    refused: list[Finding],
) -> None:
    """One entry (of a folder scanned by its descriptor) that is not a plain document
    file: a folder to enter (``stack``), a link that counts when it leads to a file inside
    the vault (``stamps``, its target's stat), a name refused (``refused``), or nothing
    (hidden, other files). ``where``: the folder's path, its vault-relative prefix and the
    vault's resolved root."""
    folder, prefix, resolved_root = where
    name = entry.name
    if name.startswith("."):
        return
    rel = f"{prefix}{name}"
    if not name.isascii() and not is_utf8_name(name):
        if entry.is_dir(follow_symlinks=False) or name.endswith(".md"):
            message = "the name is not valid UTF-8; rename it (shown escaped)"
            refused.append(_refusal(escaped_name(rel), "file-name", message))
        return
    if entry.is_dir(follow_symlinks=False):
        if prefix or name not in EXCLUDED_DIRS:
            stack.append((os.path.join(folder, name), rel + "/"))
        return
    if not name.endswith(".md"):
        if is_other_markdown(rel):
            message = "Hugo reads this as a page; sopvault reads .md files only: rename it"
            refused.append(_refusal(rel, "markdown-suffix", message))
        return
    try:
        if entry.is_symlink():
            target = Path(folder, name).resolve()
            if not target.is_relative_to(resolved_root) or not target.is_file():
                message = "symbolic link leads outside the vault; not followed"
                refused.append(_refusal(rel, "symlink", message))
                return
            info = target.stat()
        elif entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
        else:
            return
    except OSError:
        return
    stamps.append((rel, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, ""))


def safe_relative(root: Path, rel: str) -> Path:
    """Join a vault-relative path after refusing anything that could escape the vault."""
    candidate = Path(rel)
    if (
        not rel
        or candidate.is_absolute()
        or rel.startswith(("/", "\\"))
        or any(part in ("..", "") for part in rel.replace("\\", "/").split("/"))
        or any(ord(ch) < 32 for ch in rel)
    ):
        raise InvalidId(f"path {rel!r} must be relative and stay inside the vault")
    full = root / candidate
    if not full.resolve().is_relative_to(root.resolve()):
        raise InvalidId(f"path {rel!r} leads outside the vault")
    return full


@contextmanager
def folder_lock(folder: Path, wait: float = 30.0) -> Iterator[None]:
    """Hold an exclusive advisory lock (``flock``) on ``folder`` itself for the block, so
    read-modify-write cycles of the files in it by several processes (two terminals, the
    TUI and the CLI) take turns and none overwrites another's change. The folder is
    locked, not a file: files in it are replaced by rename, and a lock file would be one
    more file in the vault. Where the file system has no such locks, the block runs
    unlocked. Raises TimeoutError when another process holds it for ``wait`` seconds,
    OSError when the folder cannot be opened."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{folder} stayed locked for {wait:.0f} s") from None
                time.sleep(0.005)
            except OSError:
                break  # no flock on this file system: nothing to take turns with
        yield
    finally:
        os.close(fd)  # releases the lock


def write_atomic(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write through a temp file and rename, so a crash leaves the old or the new file whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def append_record(path: Path, line: bytes) -> None:
    """Append one whole ``line`` (ending in a newline) to the existing file at ``path``,
    fsynced, then read back: the file must end with exactly ``line``.

    A last line without its newline is an append a crash cut short, never reported as
    written: it is cut off first, so the new line starts a line of its own. The caller
    holds the file's folder lock (``folder_lock``). Raises OSError when the disk refuses
    (nothing half-written stays: the file is cut back to its old length), ValueError when
    ``line`` is not one line, OSError (EIO) when the read-back differs."""
    if not line.endswith(b"\n") or b"\n" in line[:-1]:
        raise ValueError("a record is exactly one line ending in a newline")
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        size = os.fstat(fd).st_size
        whole = _whole_length(fd, size)
        if whole != size:
            os.ftruncate(fd, whole)
        try:
            written = os.write(fd, line)
            if written != len(line):
                # A short write: the disk took only part of the line (full, or a quota).
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, whole)
            raise
        if os.pread(fd, len(line), whole) != line:
            raise OSError(errno.EIO, f"{path.name} does not read back as written")
    finally:
        os.close(fd)


def _whole_length(fd: int, size: int) -> int:
    """The length of the file up to and including its last newline (0 when it has none)."""
    end = size
    while end > 0:
        start = max(0, end - 4096)
        chunk = os.pread(fd, end - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        end = start
    return 0
