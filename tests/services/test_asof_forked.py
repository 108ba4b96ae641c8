"""Issue 14 (speed): a listing of a past date with an empty cache folder parses half of
the texts in a forked child (``services.asofcold``, ``HeadCache.apart``); what it prints is exactly
what a process that cannot fork prints (one with a second thread, as the TUI is), and
what a second run reads back from the heads cache. On a real repository larger than
twice ``FORK_AT``, with texts read both from the work tree and from git."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.store.heads import FORK_AT
from tests.conftest import MINIMAL_CONFIG, write

pytestmark = [
    pytest.mark.usefixtures("utc"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is used on Linux"),
]

DOCS = 2 * FORK_AT + 300  # the child's share is half
REVISED = range(0, DOCS, 4)  # a quarter changed after 15 January: read from git
EDITED = range(1, DOCS, 20)  # edited since, not committed: not what the disk holds
DELETED = range(2, DOCS, 40)  # gone from the work tree, not from HEAD

# Runs sopvault's CLI in this interpreter; with "thread", a second thread is alive
# meanwhile (so nothing forks); it prints how many children were forked.
RUN = """
import sys, threading
from sopvault.store import forked
started = []
real = forked.start
def counted(work):
    handle = real(work)
    started.append(handle is not None)
    return handle
forked.start = counted
import sopvault.store.heads as heads
heads.start = counted
stop = threading.Event()
if sys.argv[1] == "thread":
    threading.Thread(target=stop.wait, daemon=True).start()
from sopvault.cli.app import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
stop.set()
print(f"forked {sum(started)}", file=sys.stderr)
"""


def text(n: int, title: str) -> str:
    return (
        f'+++\nid = "FRM-{n:05d}"\ntitle = "{title}"\nkind = "form"\nversion = "1.{n % 7}"\n'
        f'status = "effective"\nowner = "gareth"\ntags = ["t{n % 5}"]\n'
        f'\n[[steps]]\naction = "Fill in box {n}"\n+++\nBody {n}.\n'
    )


def commit(root: Path, when: str, message: str) -> None:
    env = dict(os.environ) | {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", message], check=True, env=env)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """DOCS forms committed on 10 January; a quarter retitled on 10 February (the work
    tree holds February's texts); some edited or deleted since and not committed."""
    root = tmp_path / "v"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    write(root, "sopvault.toml", MINIMAL_CONFIG)
    for n in range(DOCS):
        write(root, f"forms/FRM-{n:05d}.md", text(n, f"Form {n} of January"))
    commit(root, "2026-01-10T09:00:00Z", "January")
    for n in REVISED:
        write(root, f"forms/FRM-{n:05d}.md", text(n, f"Form {n} of February"))
    commit(root, "2026-02-10T09:00:00Z", "February")
    for n in EDITED:  # not committed: HEAD still holds January's text
        write(root, f"forms/FRM-{n:05d}.md", text(n, f"Form {n} edited in March"))
    for n in DELETED:
        (root / f"forms/FRM-{n:05d}.md").unlink()
    return root


def listing(root: Path, cache: Path, how: str) -> tuple[str, str]:
    env = dict(os.environ) | {"SOPVAULT_CACHE_DIR": str(cache)}
    args = ["--vault", str(root), "list", "--as-of", "2026-01-15", "--json"]
    done = subprocess.run(
        [sys.executable, "-c", RUN, how, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return done.stdout, done.stderr.strip().splitlines()[-1]


def test_a_forked_parse_lists_what_one_process_lists(vault: Path, tmp_path: Path) -> None:
    forked, told = listing(vault, tmp_path / "one", "plain")
    assert told == "forked 1"
    alone, told_alone = listing(vault, tmp_path / "two", "thread")
    assert told_alone == "forked 0"
    assert forked == alone
    again, _ = listing(vault, tmp_path / "one", "plain")  # every head from the cache now
    assert again == forked
    assert forked.count("of January") == DOCS
    assert "of February" not in forked and "March" not in forked
