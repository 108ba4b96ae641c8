"""A share of pure CPU work done by a forked copy of this process, on another core, while
this process does the rest: the one place sopvault forks without running a program.

Used where a command parses thousands of texts it already holds in memory (the vault on
any date with an empty cache folder, ``services.asof``), and to read what is due while the
TUI starts (``services.dueahead``, forked before Textual is imported). A forked child
starts with everything imported and every text in hand, so no start-up is paid again (a
spawned interpreter costs its imports: measured 0.15 s gained of 1.3 s, against about half
with a fork). The child computes, hands back one ``marshal`` value (plain data: strings, numbers,
tuples, lists, dicts; never a pickle) through a pipe and ends with ``os._exit`` (no
``atexit``, no buffered output flushed twice).

Forking is done only where it is safe and pays: on Linux, with more than one core usable,
and from a process with a single thread (the TUI's worker threads could hold a lock a
child would wait on forever; there the work is done in process). Everything else runs the
work here. A child that fails in any way (killed, out of memory, a value marshal cannot
write) is not an error: ``result`` raises ``ForkFailed`` and the caller does that share
itself, so nothing is lost. Leaving the handle's ``with`` early (Ctrl-C) ends and reaps
the child; and the child is killed by the kernel as soon as the parent ends, however it
ends (a signal during the fork itself, a SIGTERM or SIGKILL to the parent alone).
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["ForkFailed", "Forked", "can_fork", "start"]


class ForkFailed(Exception):
    """The child gave no usable answer (the caller does its share in process)."""


def can_fork() -> bool:
    """Whether ``start`` would fork here: Linux, two or more usable cores, one thread."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores > 1 and threading.active_count() == 1


class Forked:
    """A forked child computing one value; ``result()`` waits for it (once)."""

    def __init__(self, pid: int, reader: int) -> None:
        self._pid = pid
        self._reader = reader
        self._done = False

    def result(self) -> Any:
        """The child's value (what ``work`` returned, through ``marshal``). Raises
        ForkFailed when the child ended without one: killed, crashed, refused."""
        if self._done:
            raise ForkFailed("the result was already taken")
        chunks = []
        try:
            while chunk := os.read(self._reader, 1 << 20):
                chunks.append(chunk)
        finally:
            status = self._reap()
        if status != 0:
            raise ForkFailed(f"the child process ended with status {status}")
        try:
            return marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError) as err:
            raise ForkFailed(f"the child's answer does not read: {err}") from None

    def cancel(self) -> None:
        """End the child (if it still runs) and reap it; nothing when already reaped."""
        if self._done:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _reap(self) -> int:
        self._done = True
        try:
            os.close(self._reader)
        except OSError:
            pass
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def start(work: Callable[[], Any]) -> Forked | None:
    """Run ``work()`` in a forked child and return its handle; None when this process
    does not fork (``can_fork``) or the fork itself fails (the caller runs ``work``)."""
    if not can_fork():
        return None
    parent = os.getpid()
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: compute, answer, end; never return into the caller
        status = 1
        try:
            os.close(reader)
            _end_with(parent)
            data = marshal.dumps(work())
            view = memoryview(data)
            while view:
                view = view[os.write(writer, view) :]
            status = 0
        except BaseException:  # noqa: BLE001 - the parent is told by the status alone
            status = 1
        finally:
            os._exit(status)
    os.close(writer)
    return Forked(pid, reader)


def _end_with(parent: int) -> None:
    """In the child: be killed when ``parent`` ends, however it ends (``PR_SET_PDEATHSIG``:
    a Ctrl-C that reached the parent alone, during the fork itself or before its caller
    held the handle, or a SIGTERM or SIGKILL sent to its process id), and end now if it
    already has."""
    import ctypes  # in the child only: the parent never pays for it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # without it, a child whose parent is gone ends at its write (a broken pipe)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
