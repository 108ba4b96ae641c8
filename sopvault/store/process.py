"""The one way to run a program that is not git (a step's ``command``, a notification
``command`` channel): an argument list, never a shell; a time limit; input given as bytes;
output captured and bounded.

Nothing here decides whether a program may run: the services ask (an approved text, an
operator's confirmation, the user's own configuration) before they call ``run_program``.
The program gets no terminal (stdin is the given bytes or nothing) and its own process
group, so a time limit ends it and every child it started.
"""

from __future__ import annotations

import os
import select
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sopvault.errors import Refused

KEEP_BYTES = 64 * 1024  # of each stream, the end kept: what a record shows is the last lines
DRAIN_SECONDS = 2  # after the time limit ended a program, its output is awaited no longer


class ProgramError(Refused):
    """The program could not be started (not found, not executable, an empty list)."""


@dataclass(frozen=True)
class Finished:
    """How a program ended: ``status`` is its exit status (negative: killed by that
    signal), None when the time limit ended it (``timed_out``). ``output`` is the end of
    its stdout and stderr together (at most ``KEEP_BYTES``), as bytes: the caller makes it
    inert before showing or recording it. ``seconds`` is the wall time it took."""

    argv: tuple[str, ...]
    status: int | None
    output: bytes
    seconds: float
    timed_out: bool = False
    interrupted: bool = False  # Ctrl-C, SIGTERM or SIGHUP reached sopvault: it was ended

    @property
    def ok(self) -> bool:
        """True when the program exited 0 within its time limit."""
        return self.status == 0 and not self.timed_out


def run_program(
    argv: Sequence[str],
    *,
    timeout: float,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Finished:
    """Run ``argv`` (``argv[0]`` found on PATH, as ``execvp`` would) with ``stdin`` as
    its input, for at most ``timeout`` seconds, in ``cwd``; ``env`` is added to the
    environment. Never a shell: each element is one argument, whatever characters it
    holds. Raises ProgramError when it cannot be started; a non-zero exit or a timeout is
    a ``Finished``, not an error (what it means is the caller's rule). When sopvault is
    interrupted meanwhile (Ctrl-C, SIGTERM, SIGHUP: a closed SSH session) the program and
    its group are ended and the result says ``interrupted``, so the caller can record
    what ran before it stops too: the program, in a session of its own, would otherwise
    run on unseen and unrecorded (issue 15)."""
    args = [str(a) for a in argv]
    if not args or not args[0]:
        raise ProgramError("no program to run: the command is an empty list")
    started = time.monotonic()
    try:
        proc = subprocess.Popen(  # noqa: S603 - an argument list, never a shell
            args,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    except OSError as err:
        raise ProgramError(f"cannot run {args[0]!r}: {err.strerror or err}") from None
    tail, deadline = bytearray(), started + timeout
    try:
        with _signals_interrupt():
            late = _pump(proc, stdin or b"", tail, deadline) or not _ended(proc, deadline)
    except KeyboardInterrupt:
        _stop(proc, tail)
        took = time.monotonic() - started
        return Finished(tuple(args), proc.returncode, bytes(tail), took, interrupted=True)
    if late:
        _stop(proc, tail)
        return Finished(tuple(args), None, bytes(tail), time.monotonic() - started, True)
    return Finished(tuple(args), proc.returncode, bytes(tail), time.monotonic() - started)


def _pump(proc: subprocess.Popen[bytes], data: bytes, tail: bytearray, deadline: float) -> bool:
    """Feed ``data`` to the program's input and keep the last ``KEEP_BYTES`` of its output
    in ``tail`` until the output ends; True when ``deadline`` (monotonic) came first. Only
    the tail is ever held: a program printing gigabytes within its limit (it reached 6 GB
    in 4 s through ``communicate``) costs no memory (issue 15)."""
    with selectors.DefaultSelector() as watch:
        if proc.stdin is not None:
            if data:
                watch.register(proc.stdin, selectors.EVENT_WRITE)
            else:
                proc.stdin.close()
        if proc.stdout is not None:
            watch.register(proc.stdout, selectors.EVENT_READ)
        left = memoryview(data)
        while watch.get_map():
            wait = deadline - time.monotonic()
            if wait <= 0:
                return True
            for key, _ in watch.select(wait):
                if key.fileobj is proc.stdin and proc.stdin is not None:
                    try:
                        left = left[os.write(key.fd, left[: select.PIPE_BUF]) :]
                    except BrokenPipeError:
                        left = left[:0]  # it stopped reading: the rest is not wanted
                    if not left:
                        watch.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    watch.unregister(key.fileobj)
                tail += chunk
                del tail[:-KEEP_BYTES]
    return False


def _ended(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Whether the program exits by ``deadline`` (its output may end before it does)."""
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


def _stop(proc: subprocess.Popen[bytes], tail: bytearray) -> None:
    """End the program's group, then read what it still wrote for at most
    ``DRAIN_SECONDS``: a process that left the session (``setsid``) survives the kill and
    may hold the output open for ever, and the time limit must hold all the same."""
    _kill_group(proc)
    if proc.stdin is not None and not proc.stdin.closed:
        proc.stdin.close()
    _pump(proc, b"", tail, time.monotonic() + DRAIN_SECONDS)
    if proc.stdout is not None:
        proc.stdout.close()
    proc.wait()


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While a program runs, SIGTERM and SIGHUP interrupt sopvault as Ctrl-C does (in the
    main thread only: signal handlers live there), then the old handlers come back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    kept = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End ``proc`` and every process it started (its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def last_lines(output: bytes, count: int = 20) -> list[str]:
    """The last ``count`` lines of ``output``, decoded (bad bytes replaced), without
    their line ends. Not yet inert: render with ``render.safetext``."""
    text = output.decode("utf-8", "replace").replace("\r\n", "\n")
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    return lines[-count:]
