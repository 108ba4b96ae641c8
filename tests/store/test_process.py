"""Issue 15 (steps that run a command, the command channel): programs run from an argument
list, never a shell, within a time limit, their output kept and bounded."""

from __future__ import annotations

import sys
import time

import pytest

from sopvault.store.process import KEEP_BYTES, ProgramError, last_lines, run_program


def test_an_argument_is_never_read_by_a_shell(tmp_path) -> None:
    """Issue 15: `; touch x` is one argument to the program, no shell runs it."""
    done = run_program(
        [sys.executable, "-c", "import sys; print(sys.argv[1])", "a; touch x"],
        timeout=10,
        cwd=tmp_path,
    )
    assert done.ok and done.status == 0
    assert done.output.decode().strip() == "a; touch x"
    assert not (tmp_path / "x").exists()


def test_input_exit_status_and_the_end_of_the_output() -> None:
    """Issue 15: stdin reaches the program; a non-zero status is a result, not an error."""
    code = "import sys; data = sys.stdin.read(); print(data.upper()); sys.exit(3)"
    done = run_program([sys.executable, "-c", code], timeout=10, stdin=b"hello")
    assert done.status == 3 and not done.ok and not done.timed_out
    assert last_lines(done.output) == ["HELLO"]
    big = run_program([sys.executable, "-c", "print('x' * 200000)"], timeout=10)
    assert len(big.output) == KEEP_BYTES


def test_the_time_limit_ends_the_program_and_its_children() -> None:
    """Issue 15: a program past its limit is ended with everything it started."""
    code = (
        "import subprocess, sys, time; subprocess.Popen(['sleep', '30']);"
        " print('started', flush=True); time.sleep(30)"
    )
    began = time.monotonic()
    done = run_program([sys.executable, "-c", code], timeout=1)
    assert done.timed_out and done.status is None and not done.ok
    assert time.monotonic() - began < 20
    assert last_lines(done.output) == ["started"]


def test_a_missing_program_is_one_clear_error() -> None:
    """Issue 15: a program that does not exist is refused with its name."""
    with pytest.raises(ProgramError, match="no-such-program-here"):
        run_program(["no-such-program-here"], timeout=5)
    with pytest.raises(ProgramError, match="empty"):
        run_program([], timeout=5)
