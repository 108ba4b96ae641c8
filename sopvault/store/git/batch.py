"""One persistent ``git cat-file --batch`` per repository: every object read by id or
``rev:path`` through one process, names on its stdin (never a command line).

A few hundred reads through one process cost what one ``git`` start costs; a process per
read would cost seconds on a 10,000-document vault. Started without GitPython (its import
alone costs more than ``due``'s git work: issue 14); the process is the runner's
(``Runner.read_object``).
"""

from __future__ import annotations

import subprocess
from typing import IO

from sopvault.store.git.errors import GitError

# What cat-file prints instead of "<id> <type> <size>" for a name it cannot answer.
_UNANSWERED = (b"missing", b"ambiguous", b"dangling", b"loop", b"notdir")


class BatchReader:
    """Reads through one ``git cat-file --batch`` process (started by the runner, the one
    place git processes start). Not thread-safe: the runner holds its lock around each
    read."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    def read(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object ``name``; None when git has no such object, the
        name is ambiguous, or it holds a line break (cat-file reads one name a line).
        Raises GitError when the process failed (the caller starts another)."""
        if "\n" in name or "\r" in name or not name:
            return None
        stdin, stdout = self._pipes()
        try:
            stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            stdin.flush()
            header = stdout.readline()
        except OSError as error:
            raise GitError(f"cannot read {name} from git: {error}") from None
        parts = header.split()
        if len(parts) >= 2 and parts[-1] in _UNANSWERED:
            return None
        if len(parts) != 3 or not parts[2].isdigit():
            raise GitError(f"cannot read {name} from git: it answered {header[:80]!r}")
        size = int(parts[2])
        data = _exactly(stdout, size + 1)  # the content and cat-file's line feed after it
        if len(data) != size + 1:
            raise GitError(f"cannot read {name} from git: its answer was cut short")
        return parts[1].decode("ascii", "replace"), data[:size]

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        process = self._process
        if process.stdin is None or process.stdout is None or process.poll() is not None:
            raise GitError("git cat-file stopped (is this a repository git can read?)")
        return process.stdin, process.stdout

    def close(self) -> None:
        """End the process: its stdin closed, it exits; killed if it does not at once."""
        process = self._process
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __del__(self) -> None:
        if getattr(self, "_process", None) is not None and self._process.poll() is None:
            self.close()


def _exactly(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes from ``stream`` (fewer only at its end)."""
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
