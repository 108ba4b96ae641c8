"""Evidence pack figures (issue 16): `sopvault export evidence` as a whole process on the
demo vault and on a generated vault (bench/gen_vault.py, bench/scale.py: DOCS documents,
COMMITS approved revisions ten minutes apart from November 2023, RUNS run logs seven
minutes apart from January 2026), for a week of approvals and a week of runs: seconds,
files and bytes, and that `sha256sum -c` passes.

    python bench/evidence.py [--docs 10000] [--commits 5000] [--runs 5000] [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import build  # noqa: E402

PERIODS = {
    "a week of approvals": ("2023-12-01", "2023-12-07"),
    "a week of runs": ("2026-01-01", "2026-01-07"),
}


def pack(root: Path, out: Path, since: str, until: str) -> tuple[float, int, int]:
    """Seconds, files and bytes of one pack made as a process; fails unless the pack
    passes ``sha256sum -c``."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sopvault", "--vault", str(root), "export", "evidence"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--since", since, "--until", until, str(out)], capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"export evidence failed: {done.stderr.strip()}")
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out, check=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    return took, len(files), sum(p.stat().st_size for p in files)


def show(label: str, figures: tuple[float, int, int]) -> None:
    took, files, size = figures
    print(f"{label:<48} {took:7.2f} s {files:7d} files {size / 1e6:8.2f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "sv-evidence")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    demo = args.out / "demo"
    if not demo.exists():
        subprocess.run([sys.executable, "-m", "sopvault", "demo", str(demo)], check=True)
    show("demo, since 2026-01-01", pack(demo, args.out / "pack-demo", "2026-01-01", "2026-12-31"))
    big = build(args.out / f"vault-{args.docs}", args.docs, args.commits, args.runs)
    for label, (since, until) in PERIODS.items():
        figures = pack(big, args.out / "pack-big", since, until)
        show(f"{args.docs} docs, {label}", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
