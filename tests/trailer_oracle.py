"""Trust §6 (trailer grammar), suite-wide: after every test that used ``tmp_path``, every
commit in every repository the test left there is read twice, by sopvault
(``Repo.log``) and by ``git interpret-trailers --parse``, and the two readings must be
equal. One ``git log --all`` per repository and one ``interpret-trailers`` per distinct
message (remembered for the whole session) keep it cheap; the cost is printed at the end.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopvault.store.git.repo import Repo

_SEEN: dict[str, list[tuple[str, str]]] = {}  # message -> git's reading
_COST = {"seconds": 0.0, "repositories": 0, "commits": 0, "messages": 0}


def repositories_under(folder: Path) -> list[Path]:
    """Every git repository (work trees and bare ones) under ``folder``."""
    found = []
    for top, dirs, files in os.walk(folder):
        if ".git" in dirs or ".git" in files:
            found.append(Path(top))
        elif "HEAD" in files and "objects" in dirs and "refs" in dirs:
            found.append(Path(top))
            dirs.clear()
            continue
        dirs[:] = [d for d in dirs if d != ".git"]
    return found


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    env = {**os.environ, "GIT_NO_REPLACE_OBJECTS": "1"}  # commits as made, as sopvault reads
    done = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, env=env
    )
    return done.stdout if done.returncode == 0 else None


def git_reading(root: Path, text: str) -> list[tuple[str, str]]:
    """``git interpret-trailers --parse`` of one message, as (key, value) pairs."""
    if text not in _SEEN:
        _COST["messages"] += 1
        out = _git(root, "interpret-trailers", "--parse", stdin=text.encode()) or b""
        lines = out.decode("utf-8", "surrogateescape").split("\n")
        _SEEN[text] = [(k, v) for k, _, v in (line.partition(": ") for line in lines if line)]
    return _SEEN[text]


def compare_repository(root: Path) -> list[str]:
    """The commits of ``root`` whose trailers sopvault reads otherwise than git does."""
    out = _git(root, "log", "--all", "-z", "--format=%H%n%B")
    if not out:
        return []  # no commits, or a repository this test made unreadable on purpose
    messages = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        sha, _, text = record.lstrip("\n").partition("\n")
        if sha:
            messages[sha] = text
    repo = Repo(root)
    try:
        commits = repo.log(*messages)
    finally:
        repo.close()
    _COST["repositories"] += 1
    _COST["commits"] += len(commits)
    return [
        f"{root}: {c.sha[:10]}: sopvault read {c.trailers}, git {git_reading(root, text)}"
        for c in commits
        if c.trailers != git_reading(root, text := messages[c.sha])
    ]


@pytest.fixture(autouse=True)
def trailers_read_as_git_reads_them(request: pytest.FixtureRequest) -> Iterator[None]:
    """Trust §6 (trailer grammar): every commit a test made reads the same to sopvault and
    to ``git interpret-trailers --parse``."""
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if folder is None or os.environ.get("SOPVAULT_NO_TRAILER_ORACLE"):
        return
    start = time.perf_counter()
    wrong = [line for root in repositories_under(folder) for line in compare_repository(root)]
    _COST["seconds"] += time.perf_counter() - start
    assert not wrong, "\n".join(wrong)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What the suite-wide trailer comparison cost, for the record."""
    if _COST["repositories"]:
        terminalreporter.write_line(
            "trailer oracle (Trust §6): {repositories} repositories, {commits} commits,"
            " {messages} distinct messages, {seconds:.1f} s".format(**_COST)
        )
