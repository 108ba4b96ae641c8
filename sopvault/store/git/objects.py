"""git's objects without the user's index or files: blobs read in batch, trees built in a
private index (``GIT_INDEX_FILE``).

A person's own uncommitted work is never staged, stashed or rewritten: every tree sopvault
writes is built in an index file of its own, deleted afterwards.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sopvault.store.git.errors import GitError
from sopvault.store.git.log import ZERO
from sopvault.store.git.runner import DISK, Runner, failure


def blobs(runner: Runner, names: list[str]) -> list[bytes | None]:
    """The content of each ``rev:path`` (or object id) in ``names``, in order, read through
    one persistent ``cat-file --batch``; None for one that is not there or not a file."""
    found = []
    for name in names:
        obj = runner.read_object(name)
        found.append(obj[1] if obj is not None and obj[0] == "blob" else None)
    return found


def read_blobs(runner: Runner, ids: list[str]) -> dict[str, bytes]:
    """{id: content} of each blob id in ``ids`` that git holds, from ONE ``cat-file
    --batch`` process fed every id on its stdin: ten thousand blobs in one read, where the
    persistent reader (:func:`blobs`) takes one pipe round trip each. Ids are hex object
    names, never paths, so no name can hold the line break that ends a request."""
    wanted = _hex_ids(ids)
    if not wanted:
        return {}
    out = runner.run(["cat-file", "--batch"], stdin=("\n".join(wanted) + "\n").encode())
    return _batch_blobs(out, wanted)


def _hex_ids(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if _OBJECT_ID.fullmatch(i)))


def _batch_blobs(out: bytes, wanted: list[str]) -> dict[str, bytes]:
    """{id: content} of the blobs in ``cat-file --batch``'s answer ``out`` to ``wanted``."""
    found: dict[str, bytes] = {}
    pos = 0
    for _ in wanted:
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        pos = end + 1
        if len(head) != 3:  # "<id> missing": nothing follows
            continue
        size = int(head[2])
        if head[1] == b"blob":
            found[head[0].decode()] = out[pos : pos + size]
        pos += size + 1  # the content, then one line feed
    return found


def read_blobs_behind(runner: Runner, ids: list[str]) -> Callable[[], dict[str, bytes]]:
    """:func:`read_blobs` started now and left to git: ``cat-file --batch`` reads the ids
    from a private temporary file and writes the blobs to another, so git inflates them
    on another core while the caller works (no thread of ours waits on a pipe). The
    function returned waits for git and returns the blobs; it raises GitError when git
    failed (GitUnavailable at once without git)."""
    wanted = _hex_ids(ids)
    if not wanted:
        return dict
    requests = tempfile.TemporaryFile()  # 0600, and gone when closed
    answers = tempfile.TemporaryFile()
    try:
        requests.write(("\n".join(wanted) + "\n").encode())
        requests.seek(0)
        process = runner._start(["cat-file", "--batch"], stdin=requests, stdout=answers)
    except BaseException:
        requests.close()
        answers.close()
        raise

    def answer() -> dict[str, bytes]:
        try:
            status = process.wait()
            answers.seek(0)
            out = answers.read()
        finally:
            requests.close()
            answers.close()
        if status != 0:
            raise GitError("git cat-file stopped while reading blobs")
        return _batch_blobs(out, wanted)

    return answer


def stream_blobs(runner: Runner, ids: list[str]) -> Iterator[tuple[str, bytes]]:
    """(id, content) of each blob id in ``ids`` that git holds, in order, as git reads
    them: one ``cat-file --batch`` fed from a thread, so what the caller does with one
    text (parse it) runs while git reads the next, on another core (a listing of 10,000
    texts hides most of git's second). Ids are hex object names, as in :func:`read_blobs`.
    Raises GitError when the process fails; it is ended when the caller stops early."""
    wanted = list(dict.fromkeys(i for i in ids if _OBJECT_ID.fullmatch(i)))
    if not wanted:
        return
    process = runner._start(["cat-file", "--batch"])
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None  # both are pipes

    def feed() -> None:
        try:
            stdin.write(("\n".join(wanted) + "\n").encode())
            stdin.close()
        except OSError:
            return  # the reader stopped early, or git died: the reader reports it

    writer = threading.Thread(target=feed, name="cat-file-feed", daemon=True)
    writer.start()
    try:
        for _ in wanted:
            head = stdout.readline().split()
            if len(head) == 2 and head[1] == b"missing":
                continue
            if len(head) != 3 or not head[2].isdigit():
                raise GitError("git cat-file stopped while reading blobs")
            size = int(head[2])
            data = stdout.read(size + 1)  # the content, then one line feed
            if len(data) != size + 1:
                raise GitError("git cat-file stopped while reading blobs")
            if head[1] == b"blob":
                yield head[0].decode(), data[:size]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        stdout.close()
        writer.join()


_OBJECT_ID = re.compile(r"[0-9a-f]{40,64}")


def object_ids(runner: Runner, names: list[str]) -> list[str | None]:
    """The blob id each ``rev:path`` (or object name) of ``names`` names, in order, as git
    names it, from ONE ``cat-file --batch-check`` (no content read); None for one that is
    missing, not a blob, or holds a line break (it cannot be asked on a line)."""
    asked = [name for name in names if "\n" not in name and "\r" not in name]
    if not asked:
        return [None] * len(names)
    out = runner.run(["cat-file", "--batch-check"], stdin=("\n".join(asked) + "\n").encode())
    answers = iter(out.decode("utf-8", "surrogateescape").split("\n"))
    found: list[str | None] = []
    for name in names:
        if "\n" in name or "\r" in name:
            found.append(None)
            continue
        parts = next(answers, "").split(" ")
        is_blob = len(parts) == 3 and parts[1] == "blob" and _OBJECT_ID.fullmatch(parts[0])
        found.append(parts[0] if is_blob else None)
    return found


def blob_ids(runner: Runner, rev: str, paths: list[str]) -> dict[str, str]:
    """{path: blob id} for each of ``paths`` that ``rev`` holds, from one ``ls-tree``."""
    if not paths:
        return {}
    out = runner.run(["ls-tree", "-z", rev, "--", *paths]).decode("utf-8", "surrogateescape")
    ids: dict[str, str] = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        ids[path] = meta.split()[2]
    return ids


def tree_entries(runner: Runner, rev: str, under: str) -> dict[str, tuple[str, str]]:
    """{path: (mode, object id)} for every file (links and submodules too) of ``rev``
    under the folder ``under`` (``""``: all), from one ``ls-tree -r``."""
    args = ["ls-tree", "-r", "-z", rev, "--", *([under] if under else [])]
    out = runner.run(args).decode("utf-8", "surrogateescape")
    entries: dict[str, tuple[str, str]] = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, _, sha = meta.split()
        entries[path] = (mode, sha)
    return entries


def worktree_ids(runner: Runner, paths: list[str]) -> dict[str, str]:
    """{path: blob id} of each of ``paths`` (repository-relative) that is a file in the
    work tree, as git would store it now: through the path's clean filter and line-ending
    conversion (``core.autocrlf``, ``.gitattributes`` ``eol``/``text``), so it equals a
    committed blob id exactly when ``git status`` would call the file unchanged (Trust §7).
    One ``hash-object --stdin-paths``; nothing is written."""
    present = [p for p in paths if (runner.root / p).is_file()]
    if not present:
        return {}
    if any("\n" in p for p in present):
        return {p: runner.text(["hash-object", "--", p]) for p in present}
    out = runner.text(["hash-object", "--stdin-paths"], stdin="\n".join(present).encode())
    return dict(zip(present, out.split(), strict=True))


def checkout_bytes(runner: Runner, path: str, blob: str) -> bytes:
    """The blob ``blob`` as git would check it out at ``path``: through the smudge filter
    and line-ending conversion, so a file sopvault writes is what ``git checkout`` writes."""
    return runner.run(["cat-file", "--filters", f"--path={path}", blob])


def as_checked_out(runner: Runner, path: str, data: bytes) -> bytes:
    """Committed ``data`` as ``git checkout`` would write it at ``path`` (smudged, line
    endings converted), so it compares with the work-tree file as ``git diff`` does; the
    bytes themselves when git does not hold them. Nothing is written."""
    blob = runner.text(["hash-object", "--stdin", "--no-filters"], stdin=data)
    if runner.call(["cat-file", "-e", blob]).returncode != 0:
        return data
    return checkout_bytes(runner, path, blob)


def hash_blob(runner: Runner, path: str, data: bytes) -> str:
    """Store ``data`` as the blob for ``path`` (git's filters for the path apply); its id."""
    return runner.text(["hash-object", "-w", "--stdin", f"--path={path}"], stdin=data)


@contextmanager
def private_index(runner: Runner, base: str | None) -> Iterator[dict[str, str]]:
    """An index file of our own in the git folder, filled from the tree-ish ``base`` (empty
    for None); yields the env that selects it. The file is deleted however the block ends."""
    handle, name = tempfile.mkstemp(prefix="sopvault-index-", dir=runner.git_dir())
    os.close(handle)
    os.unlink(name)  # git wants to create it
    env = {"GIT_INDEX_FILE": name}
    try:
        if base is not None:
            runner.run(["read-tree", base], env=env)
        yield env
    finally:
        for leftover in (name, name + ".lock"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass


def tree_with(runner: Runner, base: str | None, files: Mapping[str, bytes | None]) -> str:
    """The id of the tree of ``base`` with ``files`` (path: content) set, or removed where
    the content is None. Raises GitError when git refuses a path."""
    with private_index(runner, base) as env:
        lines = []
        for path, data in files.items():
            if data is None:
                lines.append(f"0 {ZERO}\t{path}\n")
            else:
                lines.append(f"100644 {hash_blob(runner, path, data)}\t{path}\n")
        runner.run(["update-index", "--index-info"], stdin="".join(lines).encode(), env=env)
        return runner.text(["write-tree"], env=env)


# What ``git apply`` says when the patch meets other edits: the only failures that are a
# conflict. Anything else (a full disk, an index it cannot write) is git's own error.
_NO_FIT = re.compile(
    r"patch does not apply|patch failed|does not exist in index|already exists in index"
    r"|does not match index"
)


def apply_to(runner: Runner, base: str, patch: bytes) -> str | None:
    """The id of the tree of ``base`` with the binary ``patch`` applied, or None when it
    does not apply because the lines it changes were changed (a conflict). Raises
    GitError with git's words for any other failure (a full disk, an unwritable folder)."""
    with private_index(runner, base) as env:
        done = runner.call(["apply", "--cached", "--binary"], stdin=patch, env=env)
        if done.returncode:
            said = done.stderr.decode("utf-8", "replace")
            if _NO_FIT.search(said) and not DISK.search(said):
                return None
            raise GitError(f"git could not apply the change: {failure(done.stderr)}")
        return runner.text(["write-tree"], env=env)
