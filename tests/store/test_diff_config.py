"""Trust §3: a vault's own .git/config cannot make sopvault's diffs run a program, wait
forever or show other text. ``diff.external`` and ``textconv`` drivers (selected by a
tracked ``.gitattributes``) are never run; ``diff.orderFile`` is never read (a FIFO there
held every diff for git's whole time limit); a file named like a revision is never taken
for one. Real repositories, real git."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from sopvault.store.git import diffs
from sopvault.store.git.repo import Repo


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
    return done.stdout.decode().strip()


def two_commits(root: Path) -> tuple[str, str]:
    """main's commit, then one changing b.md."""
    first = git(root, "rev-parse", "HEAD")
    (root / "b.md").write_text("beta two\n", encoding="utf-8")
    git(root, "commit", "-qam", "Second")
    return first, git(root, "rev-parse", "HEAD")


def test_no_diff_runs_a_program_the_config_names(work_tree: Path, repo: Repo) -> None:
    first, second = two_commits(work_tree)
    marker = work_tree.parent / "ran"
    script = work_tree.parent / "tool.sh"
    script.write_text(f"#!/bin/sh\necho CONVERTED\ntouch {marker}\n", encoding="utf-8")
    script.chmod(0o755)
    git(work_tree, "config", "diff.external", str(script))
    git(work_tree, "config", "diff.conv.textconv", str(script))
    (work_tree / ".gitattributes").write_text("*.md diff=conv\n", encoding="utf-8")
    assert "CONVERTED" in git(work_tree, "diff", first, second)  # git itself would run it
    marker.unlink()
    shown = diffs.text_diff(repo, first, second)
    patch = diffs.patch(repo, first, second)
    assert "-beta\n+beta two" in shown and b"-beta\n+beta two" in patch
    assert "CONVERTED" not in shown and not marker.exists()


def test_the_order_file_is_never_read(work_tree: Path, repo: Repo) -> None:
    first, second = two_commits(work_tree)
    fifo = work_tree.parent / "order"
    os.mkfifo(fifo)
    git(work_tree, "config", "diff.orderFile", str(fifo))

    done = threading.Event()

    def release() -> None:  # after 20 s, a reader waiting on the FIFO is let go at once
        done.wait(20)
        while not done.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader yet
                time.sleep(0.05)

    threading.Thread(target=release, daemon=True).start()
    began = time.monotonic()
    try:
        assert diffs.changed_between(repo, first, second) == ["b.md"]
        assert diffs.text_diff(repo, first, second).count("+beta two") == 1
        assert diffs.changed_since(repo, first, ".") == ["b.md"]
    finally:
        done.set()
    assert time.monotonic() - began < 10


def test_a_file_named_head_is_a_file(work_tree: Path, repo: Repo) -> None:
    first = git(work_tree, "rev-parse", "HEAD")
    (work_tree / "HEAD").write_text("not a revision\n", encoding="utf-8")
    git(work_tree, "add", "HEAD")
    git(work_tree, "commit", "-qm", "A file named HEAD")
    assert diffs.changed_between(repo, first, "HEAD") == ["HEAD"]
