"""Issue 14 (speed): work shared with a forked child (``store.forked``) gives exactly the
child's answer, or ``ForkFailed`` when there is none (raised, killed, unwritable), and a
process with a second thread never forks. Each case runs in a fresh interpreter: the
decision to fork depends on the threads alive, which other tests of the suite leave."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="forking is used on Linux only"
)

PRELUDE = """
import json, os, signal, threading, time
from sopvault.store.forked import ForkFailed, can_fork, start

def outcome(handle):
    try:
        return ["value", handle.result()]
    except ForkFailed as err:
        return ["failed", str(err)]
"""


def run(body: str) -> object:
    """What the script ``body`` (after ``PRELUDE``) prints as JSON on its last line."""
    script = PRELUDE + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_the_child_computes_and_answers() -> None:
    found = run(
        """
        assert can_fork()
        handle = start(lambda: {"pid": os.getpid(), "texts": ["a", "é", "x" * 100_000]})
        kind, value = outcome(handle)
        print(json.dumps([kind, value["pid"] != os.getpid(), len(value["texts"][2])]))
        """
    )
    assert found == ["value", True, 100_000]  # over a pipe's buffer, from another process


@pytest.mark.parametrize(
    "work",
    [
        "lambda: 1 // 0",  # raises
        "lambda: object()",  # a value marshal cannot write
        "lambda: os.kill(os.getpid(), signal.SIGKILL)",  # killed
    ],
)
def test_a_child_without_an_answer_is_a_failure_never_a_value(work: str) -> None:
    found = run(
        f"""
        kind, value = outcome(start({work}))
        print(json.dumps([kind]))
        """
    )
    assert found == ["failed"]


def test_cancel_ends_and_reaps_a_child_still_working() -> None:
    found = run(
        """
        handle = start(lambda: time.sleep(60))
        pid = handle._pid
        began = time.monotonic()
        with handle:
            pass  # left early, as on Ctrl-C
        try:
            os.waitpid(pid, os.WNOHANG)
            reaped = False
        except ChildProcessError:
            reaped = True
        print(json.dumps([reaped, time.monotonic() - began < 30]))
        """
    )
    assert found == [True, True]


def test_a_process_with_a_second_thread_does_not_fork() -> None:
    found = run(
        """
        stop = threading.Event()
        worker = threading.Thread(target=stop.wait)
        worker.start()
        threaded = [can_fork(), start(lambda: 1) is None]
        stop.set()
        worker.join()
        print(json.dumps([*threaded, can_fork()]))
        """
    )
    assert found == [False, True, True]  # and once the thread ended, it may


def test_the_child_ends_with_its_parent_however_the_parent_ends() -> None:
    """A parent killed outright (SIGKILL: no ``with`` left, no handler run) takes its
    child with it: the kernel kills the child (``PR_SET_PDEATHSIG``), which would
    otherwise work on, orphaned, for the whole of its share."""
    script = PRELUDE + textwrap.dedent(
        """
        import sys
        handle = start(lambda: time.sleep(60))
        print(handle._pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())  # not read to its end: the child holds it
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(child):
        time.sleep(0.05)
    assert not alive(child)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
