"""Start-up before and after a change, in one run: `sopvault --help` and a cached `sopvault list`.

    python bench/startup.py [VAULT] [--docs 10000] [--repeat 7] [--before REV]

REV (default: the commit before the redesign of issue 11) is checked out with `git archive`
into a temporary folder and run with the same interpreter, so both sides see the same
machine, Python and libraries; each side lists its own copy of the vault so that one side's
cache never serves the other. Prints medians and the ratio after/before (below 1 is faster).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_vault import bench_vault  # noqa: E402

REDESIGN_BASE = "161a55c"  # main before issue 11's redesign


def checkout(rev: str, into: Path) -> Path:
    """The package source at ``rev``, unpacked under ``into``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "sopvault"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def timed(argv: list[str], source: Path) -> float:
    """Seconds for one whole process running sopvault from ``source``, output discarded."""
    # Bytecode is written and used, as in a user's install (some shells set
    # PYTHONDONTWRITEBYTECODE, which would time compiling every module on every run).
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sopvault", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    return time.perf_counter() - start


def median_of(argv: list[str], source: Path, repeat: int) -> float:
    """The median of ``repeat`` timed runs, after one untimed run that warms caches
    (the load cache, the page cache and the bytecode)."""
    timed(argv, source)
    return statistics.median(timed(argv, source) for _ in range(repeat))


def main() -> int:
    """Print the before/after medians and ratios; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path, nargs="?")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", default=REDESIGN_BASE)
    args = parser.parse_args()
    vault = bench_vault(args.vault, args.docs, git=False)
    with tempfile.TemporaryDirectory() as tmp:
        before = checkout(args.before, Path(tmp) / "before")
        copies = {}
        for side in ("before", "after"):
            copies[side] = Path(tmp) / f"vault-{side}"
            shutil.copytree(vault, copies[side], ignore=shutil.ignore_patterns(".sopvault"))
        sources = {"before": before, "after": ROOT}
        print(f"vault: {vault} ({args.docs} documents); before = {args.before}, after = work tree")
        print(f"{'command':<28} {'before':>9} {'after':>9} {'after/before':>13}")
        for label, argv in (
            ("sopvault --help", ["--help"]),
            ("sopvault list (cached)", ["--vault", "{vault}", "list"]),
        ):
            figures = {}
            for side, source in sources.items():
                real = [a.replace("{vault}", str(copies[side])) for a in argv]
                figures[side] = median_of(real, source, args.repeat)
            ratio = figures["after"] / figures["before"]
            print(
                f"{label:<28} {figures['before']:>8.3f}s {figures['after']:>8.3f}s {ratio:>12.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
