"""The vault on any date: `sopvault list/show/tree/search --as-of DATE` as whole processes on
10,000 generated documents with 5,000 approved revisions, cold, beside their floor.

    python bench/asof.py [--docs 10000] [--commits 5000] [--repeat 5] [--out DIR] [--no-search]

Builds (once) a repository with `git fast-import`: the generated vault (bench/gen_vault.py)
imported on 2023-11-14, then COMMITS approved revisions an hour apart, each appending a
line to one document chosen at random and bumping its version, with the trailers an
approval carries; every tenth revision also adds a new document, so a date in the middle
lacks the documents added after it. DATE is the day of the middle revision.

Every run is cold: `SOPVAULT_CACHE_DIR` points at a fresh empty folder, so nothing is read
from a cache (not the working copy's load cache, not an as-of snapshot, not a search
index), except that `search --as-of` starts with today's search index built (a search of
today builds it; the figure is what the date adds). The floor is `git ls-tree -r` of the
commit in force, the least any answer must read, and that listing piped into `git
cat-file --batch` (every text of the commit read once), the least a listing must read.
Prints p50.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402

START = 1_700_000_000  # 2023-11-14 22:13 UTC: the import
REVIEWER = ("Bilal Okafor", "bilal.okafor@harrowfinch.example")
AUTHOR = ("Carmen Ruiz", "carmen.ruiz@harrowfinch.example")


def _data(stream: list[bytes], payload: bytes) -> None:
    stream.append(f"data {len(payload)}\n".encode() + payload + b"\n")


def _commit(stream: list[bytes], when: int, message: str) -> None:
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"author {AUTHOR[0]} <{AUTHOR[1]}> {when} +0000\n".encode())
    stream.append(f"committer {REVIEWER[0]} <{REVIEWER[1]}> {when} +0000\n".encode())
    _data(stream, message.encode())


def build(out: Path, docs: int, commits: int) -> Path:
    """The repository (made once, kept under ``out``)."""
    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    generate(out, docs, seed=7)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    later = {f for f in files if f.endswith(".md")}
    later = set(random.Random(3).sample(sorted(later), commits // 10))  # added over time
    texts = {f: (out / f).read_text(encoding="utf-8") for f in files if f.endswith(".md")}
    stream: list[bytes] = []
    trailer = f"Reviewed-by: {REVIEWER[0]} <{REVIEWER[1]}>\n"
    _commit(stream, START, f"Import\n\n{trailer}")
    for path in files:
        if path not in later:
            stream.append(f"M 100644 inline {path}\n".encode())
            _data(stream, (out / path).read_bytes())
    rng = random.Random(11)
    present = [f for f in texts if f not in later]
    waiting = sorted(later)
    for n in range(1, commits + 1):
        path = rng.choice(present)
        doc_id = Path(path).stem
        texts[path] += f"\nRevision note {n}.\n"
        when = START + n * 3600
        stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = (
            f"Revise {doc_id} ({n})\n\nSOP-Id: {doc_id}\nSOP-Version: 5.{n}\nSOP-Proposal: {n}\n"
            f"Proposed-by: {AUTHOR[0]} <{AUTHOR[1]}>\n{trailer}Approved-at: {stamp}\n"
        )
        _commit(stream, when, message)
        stream.append(f"M 100644 inline {path}\n".encode())
        _data(stream, texts[path].encode("utf-8"))
        if n % 10 == 0 and waiting:
            added = waiting.pop()
            present.append(added)
            stream.append(f"M 100644 inline {added}\n".encode())
            _data(stream, texts[added].encode("utf-8"))
    for path in files:
        (out / path).unlink()
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    return out


def timed_cold(command: list[str], cwd: Path, seed: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children such as git) for ``command``
    with a cache folder of its own: empty (cold), or a copy of ``seed`` (what an earlier
    command left, nothing of the date's). Bytecode caching on, as a user has it (this
    machine sets ``PYTHONDONTWRITEBYTECODE``)."""
    with tempfile.TemporaryDirectory() as cache:
        if seed is not None:
            shutil.copytree(seed, cache, dirs_exist_ok=True)
        env = {**os.environ, "SOPVAULT_CACHE_DIR": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
        took = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {done.stderr.decode()}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def p50(runs: list[tuple[float, float]]) -> str:
    """``wall p50 (CPU p50)`` of timed runs."""
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return f"p50 {wall:6.2f} s  CPU {cpu:5.2f} s"


def seeded(root: Path, what: str) -> Path:
    """A cache folder holding what ``sopvault WHAT`` leaves of today's vault (``index``:
    its search index; ``list``: its load; ``due``: main's texts parsed), made afresh by
    each run of this script (a cache another version of sopvault left would not be used:
    its entries are keyed by the parser's version); runs use copies."""
    seed = root.parent / f"{root.name}-{what}"
    shutil.rmtree(seed, ignore_errors=True)
    env = {**os.environ, "SOPVAULT_CACHE_DIR": str(seed)}
    subprocess.run(
        [sys.executable, "-m", "sopvault", what],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return seed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "asof")
    parser.add_argument("--no-search", action="store_true", help="skip the (slow) search figures")
    args = parser.parse_args()
    root = build(args.out, args.docs, args.commits)
    middle = START + (args.commits // 2) * 3600
    day = datetime.fromtimestamp(middle, UTC).date().isoformat()
    commit = subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "rev-list",
            "-1",
            "--first-parent",
            f"--until={day} 23:59:59 +0000",
            "main",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    target = "SOP-00003"
    sopvault = [sys.executable, "-m", "sopvault"]
    figures = {
        f"sopvault list --as-of {day}": [*sopvault, "list", "--as-of", day],
        f"sopvault show {target} --as-of {day}": [*sopvault, "show", target, "--as-of", day],
        f"sopvault tree --as-of {day}": [*sopvault, "tree", "--as-of", day],
        f"git ls-tree -r {commit[:7]} (floor)": ["git", "ls-tree", "-r", commit],
        "ls-tree | cat-file --batch, every blob (floor)": [
            "sh",
            "-c",
            f"git ls-tree -r --object-only {commit} | git cat-file --batch >/dev/null",
        ],
        "python -c pass (start-up floor)": [sys.executable, "-c", "pass"],
        "sopvault list, today (no --as-of: for comparison)": [*sopvault, "list"],
    }
    print(f"repository: {root} ({args.docs} documents, {args.commits} revisions); TZ=UTC")
    os.environ["TZ"] = "UTC"
    for label, command in figures.items():
        runs = [timed_cold(command, root) for _ in range(args.repeat)]
        print(f"{label:<50} {p50(runs)}  (cold, {args.repeat} runs)")
    for what, mark in (("list", "**"), ("due", "***")):
        today = seeded(root, what)
        for verb in ("list", "tree"):
            command = [*sopvault, verb, "--as-of", day]
            runs = [timed_cold(command, root, today) for _ in range(args.repeat)]
            label = f"sopvault {verb} --as-of {day} ({mark})"
            print(f"{label:<50} {p50(runs)}")
    print("(**) today's load in the cache (any sopvault command leaves it); nothing of the date's")
    print("(***) what `sopvault due` leaves (main's texts in the blob-keyed heads cache)")
    if args.no_search:
        return 0
    seed = seeded(root, "index")
    for word in ("pallet", "freezer"):
        search = [*sopvault, "search", word, "--as-of", day]
        runs = [timed_cold(search, root, seed) for _ in range(args.repeat)]
        label = f"sopvault search {word} --as-of {day} (*)"
        print(f"{label:<50} {p50(runs)}")
    print("(*) today's search index built beforehand; nothing of the date's cached")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
