"""History figures: `sopvault history ID` as a whole process in a repository with many commits.

    python bench/history.py [--commits 5000] [--repeat 5] [--out DIR] [--verify-only]

Builds (once) a copy of sample_vault whose main holds COMMITS approved revisions spread
over its documents, written with `git fast-import`, then times `sopvault history SOP-003`
and `sopvault verify` as processes beside `git log --follow` of the same file (the floor),
then the TUI's history screen (headless): from `h` to the table and first diff, and from
one row to the next diff.

Then `verify`'s second run (issue 17): a whole-history `sopvault verify` after one that
left its record, with no new commit and with the last 10 commits new (the record made at
main~10 is put back before each run), beside its floors measured in the same rounds:
`git rev-parse HEAD`, `git log --raw` of the new commits, `sopvault --version` (start-up)
and `python -c pass`; and `sopvault verify --full` (every commit judged, as every run did
before) beside `git log --first-parent --raw`. Wall time (median) and CPU time (user +
system of the process and its git children, median), in rounds so a neighbour's burst of
work falls on every figure alike. `--verify-only` prints only these.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sopvault.services.vault import Vault  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402

TARGET = "SOP-003"
PEOPLE = [
    ("Alice Moreno", "alice.moreno@harrowfinch.example"),
    ("Bilal Okafor", "bilal.okafor@harrowfinch.example"),
    ("Carmen Ruiz", "carmen.ruiz@harrowfinch.example"),
    ("Hana Sato", "hana.sato@harrowfinch.example"),
]


def build(out: Path, commits: int) -> Path:
    """A vault repository with ``commits`` approved revisions after the import."""
    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ROOT / "sample_vault", out, ignore=shutil.ignore_patterns(".*"))
    (out / ".gitignore").write_text(".sopvault/\n")
    docs = sorted(Vault.open(out).state.documents.values(), key=lambda d: d.id)
    texts = {d.path: (out / d.path).read_text(encoding="utf-8") for d in docs}
    stream: list[bytes] = []

    def data(payload: bytes) -> None:
        stream.append(f"data {len(payload)}\n".encode() + payload + b"\n")

    when = 1_700_000_000
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"committer Hana Sato <hana.sato@harrowfinch.example> {when} +0000\n".encode())
    data(b"Import\n\nReviewed-by: Bilal Okafor <bilal.okafor@harrowfinch.example>\n")
    for path in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        stream.append(f"M 100644 inline {path}\n".encode())
        data((out / path).read_bytes())
    for n in range(1, commits + 1):
        doc = docs[n % len(docs)]
        author = PEOPLE[n % len(PEOPLE)]
        reviewer = PEOPLE[(n + 1) % len(PEOPLE)]
        when += 3600
        texts[doc.path] += f"\nRevision note {n}.\n"
        message = (
            f"Revise {doc.id} ({n})\n\nSOP-Id: {doc.id}\nSOP-Version: 1.{n}\n"
            f"Reviewed-by: {reviewer[0]} <{reviewer[1]}>\nApproved-at: 2026-01-01T00:00:00Z\n"
        )
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author {author[0]} <{author[1]}> {when} +0000\n".encode())
        stream.append(f"committer {reviewer[0]} <{reviewer[1]}> {when} +0000\n".encode())
        data(message.encode())
        stream.append(f"M 100644 inline {doc.path}\n".encode())
        data(texts[doc.path].encode("utf-8"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    return out


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


async def tui_history(root: Path) -> tuple[float, float]:
    """Seconds from `h` to the history table with its first diff, and from Down to the
    next diff, in the real app driven headless."""
    from textual.widgets import DataTable
    from textual.worker import WorkerCancelled

    from sopvault.tui.app import SopVaultApp
    from sopvault.tui.screens.browse import BrowseScreen

    app = SopVaultApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            while True:
                try:
                    await app.workers.wait_for_complete()
                    break
                except WorkerCancelled:  # a newer selection replaced a worker
                    continue
            await pilot.pause()

        await settle()
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        browser.reveal(TARGET)
        await settle()
        start = time.perf_counter()
        await pilot.press("h")
        await settle()
        opened = time.perf_counter() - start
        assert app.screen.query_one(DataTable).row_count > 1
        start = time.perf_counter()
        await pilot.press("down")
        await settle()
        return opened, time.perf_counter() - start


def measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def in_process(
    root: Path, state: Path, record: Path, starts: dict[str, bytes], repeat: int = 9
) -> dict[str, tuple[float, float]]:
    """(wall, CPU) medians of ``Audit.verify()`` in this process (imports done), with the
    record put back to each of ``starts`` before each call: verify's own work."""
    from sopvault.services.review.audit import Audit

    os.environ["SOPVAULT_CACHE_DIR"] = str(state)
    found = {}
    for label, content in starts.items():
        walls, cpus = [], []
        for _ in range(repeat):
            record.write_bytes(content)
            start, cpu = time.perf_counter(), time.process_time()
            Audit(Workspace.open(root)).verify()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        found[label] = (statistics.median(walls), statistics.median(cpus))
    return found


def verify_figures(root: Path, repeat: int, new: int = 10) -> None:
    """verify's second run beside its floors (see the module's docstring)."""
    state = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-verify-{os.getpid()}"
    shutil.rmtree(state, ignore_errors=True)
    env = dict(os.environ, SOPVAULT_CACHE_DIR=str(state))
    sop = [sys.executable, "-m", "sopvault"]
    subprocess.run([*sop, "verify", "--rev", f"main~{new}"], cwd=root, env=env, capture_output=True)
    record = next(state.glob("*/cache/verified.json"))
    older = record.read_bytes()
    subprocess.run([*sop, "verify"], cwd=root, env=env, capture_output=True)
    newest = record.read_bytes()
    log = ["git", "log", "--first-parent", "--raw", "--no-abbrev", "--format=%H %P %G?"]

    def at(content: bytes) -> None:
        record.write_bytes(content)

    figures: dict[str, tuple[list[str], bytes | None]] = {
        "verify, second run, no new commit": ([*sop, "verify"], newest),
        f"verify, second run, {new} new commits": ([*sop, "verify"], older),
        "floor: git rev-parse HEAD": (["git", "rev-parse", "HEAD"], None),
        f"floor: git log --raw of the {new} new commits": ([*log, f"main~{new}..main"], None),
        "floor: sopvault --version (start-up)": ([*sop, "--version"], None),
        "floor: python -c pass": ([sys.executable, "-c", "pass"], None),
        "verify --full (every commit, as before)": ([*sop, "verify", "--full"], None),
        "floor: git log --first-parent --raw": ([*log, "main", "--", "."], None),
    }
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in figures}
    for _ in range(repeat):  # rounds: each figure once per round
        for label, (command, content) in figures.items():
            if content is not None:
                at(content)
            runs[label].append(measured(command, root, env))
    inside = in_process(root, state, record, {"no new commit": newest, f"{new} new": older})
    at(newest)
    shutil.rmtree(state, ignore_errors=True)
    for label, (spent, cpu_spent) in inside.items():
        print(
            f"{'in process, after imports: ' + label:<45} median {spent * 1000:8.1f} ms"
            f"  CPU {cpu_spent * 1000:8.1f} ms"
        )
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    floors = {
        "verify, second run, no new commit": "floor: git rev-parse HEAD",
        f"verify, second run, {new} new commits": "floor: git rev-parse HEAD",
        "verify --full (every commit, as before)": "floor: git log --first-parent --raw",
    }
    for label in figures:
        line = f"{label:<45} median {wall[label] * 1000:8.1f} ms  CPU {cpu[label] * 1000:8.1f} ms"
        if label in floors:
            floor = floors[label]
            line += f"  = {wall[label] / wall[floor]:6.1f}x {floor.removeprefix('floor: ')}"
            start_up = wall["floor: sopvault --version (start-up)"]
            if "second run" in label:
                line += f"; start-up + {(wall[label] - start_up) * 1000:.0f} ms"
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "history")
    parser.add_argument("--verify-only", action="store_true", help="only verify's figures")
    args = parser.parse_args()
    root = build(args.out, args.commits)
    if args.verify_only:
        count = subprocess.run(
            ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
        ).stdout.strip()
        print(f"repository: {root} ({count} commits)")
        verify_figures(root, args.repeat)
        return 0
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
    ).stdout.strip()
    path = next(p for p in (root / "procedures").glob(f"{TARGET}-*.md")).relative_to(root)
    revisions = subprocess.run(
        [sys.executable, "-m", "sopvault", "history", TARGET],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.count("\n")
    print(f"repository: {root} ({count} commits; {TARGET} has {revisions} revisions)")
    figures = {
        f"sopvault history {TARGET}": [sys.executable, "-m", "sopvault", "history", TARGET],
        f"git log --follow {path.name}": ["git", "log", "--follow", "--oneline", "--", str(path)],
        "python -c pass (start-up floor)": [sys.executable, "-c", "pass"],
    }
    for label, command in figures.items():
        runs = [timed(command, root) for _ in range(args.repeat)]
        print(f"{label:<45} median {statistics.median(runs) * 1000:7.1f} ms")
    screens = [asyncio.run(tui_history(root)) for _ in range(args.repeat)]
    opened = statistics.median(s[0] for s in screens)
    moved = statistics.median(s[1] for s in screens)
    print(f"{'TUI: h to history table and first diff':<45} median {opened * 1000:7.1f} ms")
    print(f"{'TUI: Down to the next revision diff':<45} median {moved * 1000:7.1f} ms")
    verify_figures(root, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
