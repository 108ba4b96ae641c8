"""Search figures on a big vault: build, freshness, update, query latency, whole process vs rg.

    python bench/search.py [VAULT] [--docs 10000]

Without VAULT a git vault is generated with bench/gen_vault.py under bench/out/. The vault
must be a git repository for the git-based freshness figures. Edits made here are undone
with `git checkout` at the end.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import searchquery  # noqa: E402
from gen_vault import bench_arguments, bench_vault, state_dir  # noqa: E402
from index_build import build_figures  # noqa: E402

from sopvault.search.index import SearchIndex  # noqa: E402
from sopvault.services.vault import Vault  # noqa: E402

QUERIES = [
    "freezer alarm",
    "reorder point",
    "pallet",
    "inspect damaged carton",
    "respirator",
    '"freezer alarm"',
    '"weekly invoice"',
    '"check the hot"',
    "reord*",
    "calib*",
    "recieve~",
    "respirtor~",
    "kind:procedure pallet",
    "status:draft scanner",
    "owner:alice forklift",
    "tag:safety gauge",
    'role:"warehouse lead" label',
    "dept:finance ledger",
    "what do we do when the freezer alarm goes off at night",
    "pallet OR manifest",
    "conveyor NOT sealed",
    "title:shipment",
    "SOP-00042",
]


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def sopvault(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sopvault", "--vault", str(root), *args]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def folder_size(path: Path, skip: tuple[str, ...] = ()) -> int:
    return sum(
        p.stat().st_size
        for p in path.rglob("*")
        if p.is_file() and not any(part in skip for part in p.relative_to(path).parts)
    )


def main() -> int:
    args = bench_arguments(__doc__.splitlines()[0])
    root = bench_vault(args.vault, args.docs, git=True)
    files = sorted(root.rglob("*.md"))
    print(f"vault: {root} ({len(files)} .md files)")

    build_figures(root, min(args.repeat, 3), Path(tempfile.mkdtemp(prefix="search-bench-")))
    shutil.rmtree(state_dir(root) / "index", ignore_errors=True)
    timed(sopvault(root, "index", "--rebuild"))  # the index the figures below search

    vault = Vault.open(root)
    vault.refresh_index()
    fresh = [0.0] * args.repeat * 4
    for i in range(len(fresh)):
        start = time.perf_counter()
        report = Vault.open(root).refresh_index()
        fresh[i] = time.perf_counter() - start
        assert not report.updated and not report.rebuilt
    print(
        "freshness check, nothing changed (in process, median):"
        f" {statistics.median(fresh) * 1000:7.1f} ms"
        "  (target <= 50 ms)"
    )
    git_status = statistics.median(
        timed(["git", "-C", str(root), "status", "--porcelain"]) for _ in range(args.repeat)
    )
    print(f"  for scale, `git status --porcelain`                  : {git_status * 1000:7.1f} ms")

    index = SearchIndex(vault.index_dir)
    latencies: dict[str, float] = {}
    for query in QUERIES:
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            index.search(query, limit=10)
            runs.append(time.perf_counter() - start)
        latencies[query] = statistics.median(runs)
    values = list(latencies.values())
    print(
        f"query latency over {len(QUERIES)} queries, no snippets:"
        f" p50 {percentile(values, 50) * 1000:.1f} ms,"
        f" p95 {percentile(values, 95) * 1000:.1f} ms  (targets 5 / 50 ms)"
    )
    for query, seconds in sorted(latencies.items(), key=lambda kv: -kv[1])[:5]:
        print(f"    slowest: {seconds * 1000:7.1f} ms  {query}")
    with_snippets = []
    for query in QUERIES:
        start = time.perf_counter()
        vault.search(query, limit=10)
        with_snippets.append(time.perf_counter() - start)
    print(
        "  with freshness check and snippets of 10 hits:"
        f" p50 {percentile(with_snippets, 50) * 1000:.1f} ms,"
        f" p95 {percentile(with_snippets, 95) * 1000:.1f} ms"
    )

    for line in searchquery.figures(root, vault.index_dir, args.repeat):
        print(line, flush=True)

    vault_bytes = folder_size(root, skip=(".git", ".sopvault"))
    index_bytes = folder_size(vault.index_dir)
    print(
        f"index size: {index_bytes / 1e6:.1f} MB for {vault_bytes / 1e6:.1f} MB of documents"
        f" ({index_bytes / vault_bytes:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
