"""The one way sopvault runs git: an argument list, never a shell, under one environment
policy. Every command that changes a repository runs through GitPython's ``Git.execute``;
the commands that only read (``READS``: ``rev-parse``, ``log``, ``ls-tree``, objects through
one persistent ``cat-file --batch`` in ``store.git.batch``...) run as plain processes under
the same policy, because GitPython's import alone costs more (~0.08-0.12 s) than most of
their git work and ``due`` and ``impact`` must answer in 0.5 s (issue 14). GitPython also
finds an unusual repository (``discovery``) and makes new ones (``init``).

The read-only queries on the search path (``git status``, ``git diff --name-only``) and
of ``impact`` (``peek.py``) go through :func:`query`: the same policy, and a failure is
an answer (None), never an exception.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, BinaryIO, cast

from sopvault.store.git.batch import BatchReader
from sopvault.store.git.errors import NO_GIT, DubiousOwnership, GitError, GitUnavailable

if TYPE_CHECKING:
    import git

TIMEOUT = 300.0  # seconds a single git command may take before it is killed

# The environment policy, in one place, for every git process sopvault starts.
POLICY: Mapping[str, str] = {
    "LC_ALL": "C",  # git's own English words, which we parse and quote
    "LANGUAGE": "C",
    "GIT_PAGER": "cat",  # never a pager, whatever core.pager says
    # Fail instead of waiting for a password nobody will type (a prompt would hang a TUI).
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    # A read never takes the index lock, so sopvault never gets in the way of the user's git.
    "GIT_OPTIONAL_LOCKS": "0",
    # Commits as they were made: a replace ref (git replace) could show another message,
    # other trailers, another history in place of an approval (Trust §5, §6).
    "GIT_NO_REPLACE_OBJECTS": "1",
    # A vault that arrives with its .git (a tarball) brings its own .git/config, which git
    # trusts when the user owns it: core.fsmonitor there would run a program on every
    # status sopvault asks for (Trust §3). sopvault never needs a file-system monitor.
    # Hooks likewise: sopvault's pushes and ref updates run none of the repository's hooks
    # (a planted .git/hooks/pre-push, reference-transaction). A server's own hooks still
    # run: git drops these variables when it talks to another repository.
    # And diff.orderFile: a file git reads before any diff (a FIFO there held every
    # `git diff` for the whole time limit); /dev/null is git's own way to cancel it.
    "GIT_CONFIG_COUNT": "3",
    "GIT_CONFIG_KEY_0": "core.fsmonitor",
    "GIT_CONFIG_VALUE_0": "false",
    "GIT_CONFIG_KEY_1": "core.hooksPath",
    "GIT_CONFIG_VALUE_1": "/dev/null",
    "GIT_CONFIG_KEY_2": "diff.orderFile",
    "GIT_CONFIG_VALUE_2": "/dev/null",
}
# Left behind by a git hook or a shell, it would make git read another index than the
# repository's own; a private index is always asked for explicitly.
INDEX_VARIABLE = "GIT_INDEX_FILE"

# The git commands that only read a repository: run as a plain process, without importing
# GitPython (its import costs more than most of these commands, and `due`, `impact` and the
# search path only read). Every command that changes a repository (commit, update-ref,
# merge, fetch, push, hash-object -w, read-tree into an index...) goes through GitPython.
READS = frozenset(
    {
        "cat-file",
        "check-attr",
        "check-ignore",
        "diff",
        "diff-tree",
        "for-each-ref",
        "log",
        "ls-files",
        "ls-tree",
        "merge-base",
        "rev-list",
        "rev-parse",
        "show",
        "show-ref",
        "status",
        "var",
        "verify-commit",
    }
)


_CONFIG_READS = frozenset({"--get", "--get-all", "--get-regexp"})


def gitpython() -> ModuleType:
    """GitPython, imported so that a machine without git gets GitUnavailable from the first
    command that needs git, not an ImportError from the import (GitPython looks for git
    when imported unless ``GIT_PYTHON_REFRESH`` says to stay quiet)."""
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    import git

    return git


_DUBIOUS = re.compile(r"dubious ownership in repository at '(?P<path>[^']*)'")


def refuse_dubious(stderr: bytes) -> None:
    """Raise DubiousOwnership, one line with the fix, when git refused a repository that
    belongs to another user; return otherwise."""
    match = _DUBIOUS.search(stderr.decode("utf-8", "replace"))
    if match is not None:
        path = match["path"]
        raise DubiousOwnership(
            f"git refuses the repository at {path}: it belongs to another user (git's"
            " 'dubious ownership' check); if you trust it, run:"
            f" git config --global --add safe.directory {path}"
        )


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment for one git process: ours, without an inherited
    ``GIT_INDEX_FILE``, with the policy and then ``extra`` (identity, dates, an index) on top."""
    env = dict(os.environ)
    env.pop(INDEX_VARIABLE, None)
    env.update(POLICY)
    env.update(extra or {})
    return env


def query(root: Path, *args: str) -> bytes | None:
    """stdout of a read-only ``git -C root ARGS``, or None when git is missing or fails.

    For the search path and ``peek`` (impact) only: no stdin, no GitPython import,
    nothing raised."""
    try:
        done = subprocess.run(  # a missing git or a refused repository: None, as any failure
            ["git", "-C", str(root), *args],
            capture_output=True,
            env=environment(),
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def only_reads(args: Sequence[str]) -> bool:
    """Whether ``git ARGS`` only reads the repository: its command (after leading ``-c
    key=value`` options) is one of ``READS``, ``hash-object`` without ``-w``, or
    ``config`` with a reading action (git takes one action a call, so ``--get`` is no
    write)."""
    rest = list(args)
    while rest[:1] == ["-c"]:
        rest = rest[2:]
    if not rest:
        return False
    if rest[0] == "hash-object":
        return "-w" not in rest
    if rest[0] == "config":
        return any(arg in _CONFIG_READS for arg in rest[1:])
    return rest[0] in READS


class Runner:
    """git for one work tree (``root``).

    ``env`` is set for every call on top of the policy (who is acting and when: the demo
    plays several people). Safe to share between threads: each call is its own process,
    and object reads through the one persistent ``cat-file`` take turns.
    """

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self._batch: BatchReader | None = None
        self._gitpython: git.Git | None = None
        self._git_dir: str | None = None
        self._reading = threading.Lock()

    def call(
        self,
        args: Sequence[str],
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """``git -C root ARGS`` with ``stdin`` fed in; whatever its exit status.

        Raises GitUnavailable when git cannot be started, GitError when it ran past TIMEOUT."""
        extra = {**self.env, **(env or {})}
        if only_reads(args):
            return self._read(list(args), stdin, environment(extra))
        if INDEX_VARIABLE in os.environ and INDEX_VARIABLE not in extra:
            # GitPython always starts from os.environ, so an inherited index can only be
            # outvoted, not removed: name the repository's own index instead.
            extra[INDEX_VARIABLE] = str(Path(self.git_dir()) / "index")
        return self._execute(list(args), stdin, environment(extra))

    def _cmd(self) -> git.Git:
        if self._gitpython is None:
            git = gitpython()  # here, not at the top: the read-only paths never pay for it
            cmd = git.Git(self.root)
            cmd.update_environment(**POLICY)
            self._gitpython = cmd
        return self._gitpython

    def _execute(
        self, args: list[str], stdin: bytes | None, env: dict[str, str]
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a git command that may change the repository, through GitPython's
        ``Git.execute``; raises GitUnavailable without git, DubiousOwnership when git
        refuses a repository owned by another user (whatever the caller accepts as a
        status)."""
        git = gitpython()
        argv = ["git", "-C", str(self.root), *args]
        try:
            with _stdin_file(stdin) as istream:
                status, out, err = self._cmd().execute(
                    argv,
                    istream=istream,
                    with_extended_output=True,
                    with_exceptions=False,
                    stdout_as_string=False,
                    strip_newline_in_stdout=False,
                    kill_after_timeout=TIMEOUT,
                    shell=False,  # whatever Git.USE_SHELL says: user text is never shell syntax
                    env=env,
                )
        except git.GitCommandNotFound:
            raise GitUnavailable(NO_GIT) from None
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        if status < 0 and err.startswith("Timeout:"):
            raise GitError(f"git {args[0]} did not finish in {TIMEOUT / 60:g} minutes")
        stderr = err.encode("utf-8", "surrogateescape")
        if status != 0:
            refuse_dubious(stderr)
        return subprocess.CompletedProcess(argv, status, out, stderr)

    def _read(
        self, args: list[str], stdin: bytes | None, env: dict[str, str]
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a git command that only reads (``READS``) without importing GitPython;
        the same argument list, policy and errors as ``_execute``."""
        argv = ["git", "-C", str(self.root), *args]
        try:
            with _stdin_file(stdin) as istream:
                done = subprocess.run(  # an argument list: user text is never shell syntax
                    argv,
                    stdin=istream if istream is not None else subprocess.DEVNULL,
                    capture_output=True,
                    env=env,
                    timeout=TIMEOUT,
                    check=False,
                )
        except FileNotFoundError:
            raise GitUnavailable(NO_GIT) from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish in {TIMEOUT / 60:g} minutes") from None
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        if done.returncode != 0:
            refuse_dubious(done.stderr)
        return done

    def _start(
        self,
        args: list[str],
        stdin: BinaryIO | int = subprocess.PIPE,
        stdout: BinaryIO | int = subprocess.PIPE,
    ) -> subprocess.Popen[bytes]:
        """A long-lived ``git -C root ARGS`` with pipes to and from it, or the files given
        (stderr dropped). Raises GitUnavailable without git."""
        try:
            return subprocess.Popen(
                ["git", "-C", str(self.root), *args],
                stdin=stdin,
                stdout=stdout,
                stderr=subprocess.DEVNULL,
                env=environment(self.env),
            )
        except FileNotFoundError:
            raise GitUnavailable(NO_GIT) from None
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None

    def run(
        self,
        args: Sequence[str],
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (0,),
    ) -> bytes:
        """stdout of ``git ARGS``; GitError with git's first line (or lock advice) when its
        exit status is not in ``ok``."""
        done = self.call(args, stdin=stdin, env=env)
        if done.returncode not in ok:
            raise GitError(failure(done.stderr) or f"git {args[0]} failed")
        return done.stdout

    def text(
        self, args: Sequence[str], stdin: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """stdout of ``git ARGS`` as text, surrounding white space stripped; raises GitError."""
        return self.run(args, stdin=stdin, env=env).decode("utf-8", "surrogateescape").strip()

    def git_dir(self) -> str:
        """The absolute git folder of this work tree (a linked work tree has its own);
        raises GitError outside a repository."""
        if self._git_dir is None:
            done = self._read(["rev-parse", "--absolute-git-dir"], None, environment(self.env))
            if done.returncode != 0:
                raise GitError(failure(done.stderr) or "not a git repository")
            self._git_dir = done.stdout.decode("utf-8", "surrogateescape").strip()
        return self._git_dir

    def read_object(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object ``name`` (``rev:path`` or an id) through one
        persistent ``cat-file --batch``, or None when there is no such object. Names go on
        its stdin, never on a command line.

        Raises GitError when the reader itself failed (it is restarted on the next read),
        GitUnavailable without git."""
        with self._reading:
            if self._batch is None:
                self._batch = BatchReader(self._start(["cat-file", "--batch"]))
            try:
                return self._batch.read(name)
            except GitError:
                self._batch.close()
                self._batch = None
                raise

    def close(self) -> None:
        """Stop the persistent ``cat-file`` now (it stops anyway when this is collected)."""
        with self._reading:
            if self._batch is not None:
                self._batch.close()
                self._batch = None


@contextmanager
def _stdin_file(data: bytes | None) -> Iterator[BinaryIO | None]:
    """``data`` in an unnamed temporary file, at its start: a file (not a pipe) as the
    child's stdin cannot fill up and block while its output is read."""
    if data is None:
        yield None
        return
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        yield cast(BinaryIO, handle)


LOCKED = (
    "{what} is locked by {lock}. If no git command is running, it was left by a process"
    " that was killed: delete that file (rm '{lock}') and try again"
)
_LOCK_ERROR = re.compile(r"Unable to create '(?P<lock>[^']+\.lock)': File exists")


# The disk itself said no: that line is the truth, whatever git printed before it.
DISK = re.compile(
    r"No space left on device|Out of diskspace|Disk quota exceeded|Read-only file system"
)
NO_SPACE = "No space left on device"


def failure(stderr: bytes) -> str:
    """What to tell the user about a failed git command, from its stderr: advice for a
    stale ``.lock`` file, else the line saying the disk is full (or read-only), else git's
    first line without ``fatal:``; "" when it said nothing."""
    text = stderr.decode("utf-8", "replace")
    match = _LOCK_ERROR.search(text)
    if match is not None:
        lock = match["lock"]
        what = "git's index" if lock.endswith("/index.lock") else "a git reference"
        return LOCKED.format(what=what, lock=lock)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    disk = [line for line in lines if DISK.search(line)]
    said = (disk or lines)[0].removeprefix("fatal: ")
    if "Out of diskspace" in said and NO_SPACE not in said:
        return f"{NO_SPACE} ({said})"  # one wording for a full disk, git's or Python's
    return said
