"""Writing an export folder incrementally and safely (issue 16).

A manifest in the folder (``.sopvault-export.json``) records, for each file the export
wrote, the key of its inputs and the SHA-256 of its bytes. Exporting again renders only
the files whose inputs changed, writes only those whose bytes changed, and removes the
files of documents no longer exported (only files the manifest lists: nothing else in the
folder is ever deleted). A non-empty folder without a manifest is refused unless the
caller forces it, so a typo cannot clobber someone's folder. Every write is atomic
(``store.fs.write_atomic``) and read back before it counts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sopvault.errors import Conflict, Invalid, Refused
from sopvault.store.fs import folder_lock, write_atomic

MANIFEST = ".sopvault-export.json"
FORMAT = 1
LOCK_WAIT = 30.0  # seconds an export waits for another one writing the same folder


class ExportRefused(Refused):
    """An export folder that is not one of ours (non-empty, no manifest), or a path in it
    that leads elsewhere (a symbolic link)."""


class ExportBusy(Conflict):
    """Another export holds the folder's lock longer than we wait (30 s)."""


@dataclass(frozen=True)
class Output:
    """One file of an export: ``path`` relative to the folder (``docs/SOP-001.html``),
    ``key`` a digest of everything its bytes depend on, and ``make`` the function that
    produces them (called only when the key changed or the file is missing); ``source``
    the vault path of the document it shows ("" for the site's own files), recorded in
    the manifest so a later export can keep it while that document cannot be read."""

    path: str
    key: str
    make: Callable[[], bytes]
    source: str = ""


@dataclass(frozen=True)
class WriteReport:
    """What an export did: files ``written``, ``unchanged`` and ``removed`` (paths), and
    ``kept``: an earlier export's pages of documents that cannot be read now, left as
    they were."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()

    def summary(self) -> str:
        """``12 written, 3 unchanged, 1 removed`` (``, 1 kept from the last export``)."""
        counts = (len(self.written), len(self.unchanged), len(self.removed))
        line = "{} written, {} unchanged, {} removed".format(*counts)
        return line + (f", {len(self.kept)} kept from the last export" if self.kept else "")


def digest(*parts: str | bytes) -> str:
    """SHA-256 (hex) of ``parts`` joined with a separator no part can forge (lengths)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def write_export(
    folder: Path,
    outputs: Iterable[Output],
    *,
    force: bool = False,
    keep: Collection[str] = (),
) -> WriteReport:
    """Bring ``folder`` to exactly ``outputs`` (plus anything not ours already there).

    Raises ExportRefused for a non-empty folder without a manifest (unless ``force``),
    for a folder or sub-folder that is a symbolic link, and Invalid for an output path
    that is not a plain relative path; ExportBusy when another export holds the folder
    for LOCK_WAIT seconds. The files an earlier export made from a source in ``keep``
    (vault paths of documents that cannot be read now) stay, with their manifest entries
    (reported ``kept``). A new folder gets an empty manifest first (an interrupted first
    export leaves a folder the next one recognises as its own); the full manifest is
    written last, so an interrupted export is finished by the next one."""
    folder = _prepare(folder)
    try:
        with folder_lock(folder, LOCK_WAIT):  # two exports into one folder take turns
            _refuse_foreign(folder, force)  # under the lock: a concurrent first export's
            if not (folder / MANIFEST).is_file():  # temp file is never taken for someone's
                _write_manifest(folder, {})
            old = _read_manifest(folder)
            entries, written, unchanged = _bring(folder, outputs, old)
            kept = {
                path: entry
                for path, entry in old.items()
                if path not in entries
                and entry.get("source") in keep
                and _ours(folder, path, entry)
            }
            entries |= kept
            removed = [path for path in old if path not in entries and _remove(folder, path)]
            _write_manifest(folder, entries)
    except TimeoutError as err:
        raise ExportBusy(
            f"{folder} is being written by another export ({err}): try again when it is done"
        ) from None
    return WriteReport(tuple(written), tuple(unchanged), tuple(removed), tuple(sorted(kept)))


def _bring(
    folder: Path, outputs: Iterable[Output], old: dict[str, dict[str, str]]
) -> tuple[dict[str, dict[str, str]], list[str], list[str]]:
    """Write each output whose bytes changed: (manifest entries, written, unchanged)."""
    entries: dict[str, dict[str, str]] = {}
    written: list[str] = []
    unchanged: list[str] = []
    for out in outputs:
        target = _inside(folder, out.path)
        before = old.get(out.path)
        if before and before.get("key") == out.key and _same(target, before.get("sha256", "")):
            entries[out.path] = before | _source(out)
            unchanged.append(out.path)
            continue
        data = out.make()
        sha = hashlib.sha256(data).hexdigest()
        if _same(target, sha):
            unchanged.append(out.path)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            _inside(folder, out.path)  # the folder just made is still ours
            write_atomic(target, data)
            if not _same(target, sha):
                raise ExportRefused(f"{target} did not read back as written; nothing counted")
            written.append(out.path)
        entries[out.path] = {"key": out.key, "sha256": sha} | _source(out)
    return entries, written, unchanged


def _source(out: Output) -> dict[str, str]:
    return {"source": out.source} if out.source else {}


def _write_manifest(folder: Path, entries: dict[str, dict[str, str]]) -> None:
    manifest = {"format": FORMAT, "files": dict(sorted(entries.items()))}
    data = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    write_atomic(folder / MANIFEST, data)
    if (folder / MANIFEST).read_bytes() != data:
        raise ExportRefused(f"{folder / MANIFEST} did not read back as written")


def _prepare(folder: Path) -> Path:
    if folder.is_symlink():
        raise ExportRefused(f"{folder} is a symbolic link: give the folder it leads to")
    if folder.exists() and not folder.is_dir():
        raise ExportRefused(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def _refuse_foreign(folder: Path, force: bool) -> None:
    """Refuse (ExportRefused) a non-empty folder without a manifest unless ``force``."""
    if not force and not (folder / MANIFEST).is_file() and any(folder.iterdir()):
        raise ExportRefused(
            f"{folder} is not empty and holds no earlier export ({MANIFEST}): give an"
            " empty or new folder, or --force to write into it (nothing there is deleted)"
        )


def _inside(folder: Path, rel: str) -> Path:
    """``folder / rel`` after refusing a path that is not plain (absolute, ``..``, empty
    parts) or whose folders are symbolic links leading out."""
    parts = PurePosixPath(rel).parts
    if not rel or rel.startswith("/") or any(p in ("..", ".", "") for p in parts) or "\\" in rel:
        raise Invalid(f"export path {rel!r} must be a plain relative path")
    target = folder.joinpath(*parts)
    here = folder
    for part in parts[:-1]:
        here = here / part
        if here.is_symlink():
            raise ExportRefused(f"{here} is a symbolic link: an export never writes through one")
    return target  # a link in its place is replaced by the file (a rename), never followed


def _ours(folder: Path, rel: str, entry: dict[str, str]) -> bool:
    """Whether ``rel`` is still the file an earlier export wrote there (a plain path
    inside the folder holding the bytes its manifest entry names)."""
    try:
        return _same(_inside(folder, rel), entry.get("sha256", ""))
    except (Invalid, ExportRefused):
        return False


def _same(target: Path, sha: str) -> bool:
    try:
        return hashlib.sha256(target.read_bytes()).hexdigest() == sha
    except OSError:
        return False


def _read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The previous export's {path: {key, sha256}}; empty when there is none or it is
    unreadable (everything is then written again, nothing removed)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {
        path: entry
        for path, entry in files.items()
        if isinstance(path, str)
        and isinstance(entry, dict)
        and all(isinstance(v, str) for v in entry.values())
    }


def _remove(folder: Path, rel: str) -> bool:
    """Delete a file an earlier export wrote (a regular file inside ``folder``, reached
    through no symbolic link); False when it is gone or not ours to delete."""
    try:
        target = _inside(folder, rel)
    except (Invalid, ExportRefused):
        return False
    if target.is_symlink() or not target.is_file():
        return False
    os.unlink(target)
    return True


def write_file(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write one exported file (a PDF) atomically and read it back. Raises ExportRefused
    when ``path`` exists (unless ``force``), is a folder or a symbolic link, or its folder
    does not exist."""
    if path.is_symlink():
        raise ExportRefused(f"{path} is a symbolic link: an export never writes through one")
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder: give a file name such as SOP-001.pdf")
    if path.exists() and not force:
        raise ExportRefused(f"{path} exists: give another name, or --force to replace it")
    if not path.parent.is_dir():
        raise ExportRefused(f"{path.parent} is not a folder")
    write_atomic(path, data)
    if path.read_bytes() != data:
        raise ExportRefused(f"{path} did not read back as written")
