"""Run figures: recording one step (write + fsync), and listing 10,000 run files.

    python bench/runs.py [--steps 300] [--runs 10000] [--out DIR]

Makes (once) the demo repository, starts a run of SOP-010 and records steps over and
over (done, then undo), timing each `Runs.mark` call (read the run file, check the rule,
write a temporary file, fsync, rename) and each bare write + fsync. Then writes RUNS run
files spread over the vault's procedures and times `Runs.listing()` in process (first time,
then from its cache) and `sopvault runs` / `sopvault runs --open` as whole processes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sopvault.model.run import RunState, StepState  # noqa: E402
from sopvault.services.demo import make_demo  # noqa: E402
from sopvault.services.runs import Runs  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402
from sopvault.store.runfile import dumps, loads  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def show(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{label:<48} p50 {statistics.median(ms):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms"
        f"   max {max(ms):7.2f} ms   (n={len(ms)})"
    )


def record_steps(root: Path, count: int) -> None:
    runs = Runs(Workspace.open(root))
    run = runs.start("SOP-010").run
    marks: list[float] = []
    writes: list[float] = []
    for n in range(count):
        action = "done" if n % 2 == 0 else "undo"
        start = time.perf_counter()
        run = runs.mark(run.id, 3, action)
        marks.append(time.perf_counter() - start)
        start = time.perf_counter()
        runs.save(run)
        writes.append(time.perf_counter() - start)
    show("record one step (Runs.mark: read, check, write, fsync)", marks)
    show("write + fsync + rename of the run file alone", writes)


def make_run_files(root: Path, count: int) -> None:
    """``count`` run files like real ones: a finished run of SOP-010 with varied ids."""
    runs = Runs(Workspace.open(root))
    template = runs.start("SOP-010").run
    for number in (1, 2, 3, 4, 5, 6):
        template = runs.mark(
            template.id, number, "done", value={1: "yes", 2: "60", 6: "pass"}.get(number)
        )
    (root / template.file).unlink()
    text = dumps(template)
    base = loads(text, "template")
    docs = sorted(p.name for p in (root / "procedures").glob("SOP-*.md"))
    ids = [name.split("-")[0] + "-" + name.split("-")[1] for name in docs]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        moment = start + timedelta(minutes=17 * n)
        base.id = f"{moment:%Y%m%d-%H%M%S}-{n % 65536:04x}"
        base.doc_id = ids[n % len(ids)]
        base.started_at = moment
        base.state = RunState.OPEN if n % 50 == 0 else RunState.COMPLETED
        for record in base.steps:
            record.state = StepState.DONE
        path = root / "runs" / base.doc_id / f"{base.id}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(base), encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "runs")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    root = make_demo(args.out).root
    print(f"vault: {root}")
    record_steps(root, args.steps)
    shutil.rmtree(root / "runs", ignore_errors=True)
    make_run_files(root, args.runs)
    files = sum(1 for _ in (root / "runs").glob("*/*.toml"))
    size = sum(p.stat().st_size for p in (root / "runs").glob("*/*.toml"))
    print(f"{files} run files, {size / 1e6:.1f} MB")
    lists = []
    for _ in range(args.repeat + 1):
        runs = Runs(Workspace.open(root))
        start = time.perf_counter()
        listing = runs.listing()
        lists.append(time.perf_counter() - start)
    assert len(listing.runs) == files
    show("Runs.listing(), first time (parses every file)", lists[:1])
    show("Runs.listing(), from the listing cache", lists[1:])
    command = [sys.executable, "-m", "sopvault", "runs"]
    show("`sopvault runs` as a process", [timed(command, root) for _ in range(args.repeat)])
    command = [sys.executable, "-m", "sopvault", "runs", "--open"]
    show("`sopvault runs --open` as a process", [timed(command, root) for _ in range(args.repeat)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
