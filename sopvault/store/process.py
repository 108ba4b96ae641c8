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
    try:
        with _signals_interrupt():
            out, _ = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out = _rest(proc)
        return Finished(tuple(args), None, out[-KEEP_BYTES:], time.monotonic() - started, True)
    except KeyboardInterrupt:
        _kill_group(proc)
        out = _rest(proc)
        took = time.monotonic() - started
        return Finished(tuple(args), proc.returncode, out[-KEEP_BYTES:], took, interrupted=True)
    return Finished(tuple(args), proc.returncode, out[-KEEP_BYTES:], time.monotonic() - started)


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


def _rest(proc: subprocess.Popen[bytes]) -> bytes:
    """What ``proc`` wrote after its group was killed, waiting at most ``DRAIN_SECONDS``:
    a process that left its session (``setsid``) survives the kill and may hold the
    output open for ever, and the time limit must hold all the same (issue 15)."""
    try:
        out, _ = proc.communicate(timeout=DRAIN_SECONDS)
    except subprocess.TimeoutExpired as err:
        if proc.stdout is not None:
            proc.stdout.close()  # the escaped process keeps writing into nothing
        proc.wait()
        return bytes(err.output or b"")  # everything read so far
    return out


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
