"""Run figures: recording one step (one event appended and fsynced), and listing 10,000 runs.

    python bench/runs.py [--steps 300] [--runs 10000] [--repeat 5] [--out DIR]

Makes (once) the demo repository and writes RUNS runs spread over the vault's procedures
as JSON Lines logs (`store.runlog.dumps` of runs made and recorded with `core.checklist`:
a few events each, one run in ten with a deviation, some open, some aborted) and a few
format 1 `.toml` files. Then starts a run of SOP-010 among them and records step 3 over
and over (done, then undo), timing each `Runs.mark` call (lock the run, read and replay its
log, check the rules, append one line, fsync, read it back) beside the floor: appending
the same lines with `store.fs.append_record` alone. Last it times `Runs.listing()` in
process (first time, then from its cache) and `sopvault runs list` / `runs --open` as
whole processes (wall and CPU time).
Goals (issue 13): recording one step p95 <= 20 ms; `sopvault runs list` warm <= 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tomli_w

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sopvault.core import checklist  # noqa: E402
from sopvault.core.runlog import apply  # noqa: E402
from sopvault.errors import RunError  # noqa: E402
from sopvault.model.document import Document, EvidenceType, Step  # noqa: E402
from sopvault.model.run import Run  # noqa: E402
from sopvault.services.demo import make_demo  # noqa: E402
from sopvault.services.runs import Runs  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402
from sopvault.store import runlog  # noqa: E402
from sopvault.store.fs import append_record  # noqa: E402

PEOPLE = (
    "Dmitri Volkov <dmitri.volkov@harrowfinch.example>",
    "Erin Walsh <erin.walsh@harrowfinch.example>",
    "Hana Sato <hana.sato@harrowfinch.example>",
)
LEGACY_FILES = 20  # format 1 run files among the logs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def show(label: str, seconds: list[float], goal: str = "") -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{label:<52} p50 {statistics.median(ms):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms"
        f"   max {max(ms):7.2f} ms   (n={len(ms)}){f'   goal {goal}' if goal else ''}"
    )


def record_steps(root: Path, count: int) -> None:
    """Time ``count`` answers on one run, and the bare append of the same lines."""
    runs = Runs(Workspace.open(root))
    run = runs.start("SOP-010").run
    runs.mark(run.id, 1, "done", value="yes")
    runs.mark(run.id, 2, "done", value="60")
    marks: list[float] = []
    for n in range(count):
        action = "done" if n % 2 == 0 else "undo"
        start = time.perf_counter()
        run = runs.mark(run.id, 3, action)
        marks.append(time.perf_counter() - start)
    scratch = root / "runs" / "scratch.jsonl"
    scratch.write_bytes((root / run.file).read_bytes())
    lines = [runlog.event_line(e).encode("utf-8") for e in run.events[1:]]
    appends: list[float] = []
    for line in lines[:count]:
        start = time.perf_counter()
        append_record(scratch, line)
        appends.append(time.perf_counter() - start)
    scratch.unlink()
    print(f"the run's log grew to {len(run.events)} events (each mark replays the whole log)")
    show("record one step (Runs.mark: lock, replay, check, append)", marks, "p95 <= 20 ms")
    show("    the first 30 (a long run's length)", marks[:30])
    show("floor: append one line + fsync + read back alone", appends)


def answer_for(step: Step, deviate: bool) -> tuple[str | None, str]:
    """A value for ``step`` (a passing one, or one that deviates) and the note it needs."""
    spec = step.evidence
    if spec is None:
        return None, ""
    if spec.type is EvidenceType.NUMBER:
        if deviate and spec.max is not None:
            return str(spec.max + 10), "reading taken twice, supervisor told"
        low = spec.min if spec.min is not None else spec.max if spec.max is not None else 1
        return str(low), ""
    if spec.type is EvidenceType.YESNO:
        return ("no", "not done: supervisor told") if deviate else ("yes", "")
    if spec.type is EvidenceType.CHOICE:
        return (step.passing() or spec.choices)[0], ""
    return "ok", ""


def recorded_run(doc: Document, n: int, moment: datetime) -> Run:
    """Run number ``n`` of ``doc``, started at ``moment`` and recorded with the run rules:
    open halfway (one in 50), aborted (one in 97), else completed; one in ten deviates."""
    who = PEOPLE[n % len(PEOPLE)]
    run_id = f"{moment:%Y%m%d-%H%M%S}-{n % 65536:04x}"
    run = checklist.new_run(run_id, doc, commit="", blob="0" * 40, who=who, now=moment)
    stop = len(doc.steps) // 2 if n % 50 == 0 else len(doc.steps)
    deviate = n % 10 == 3
    for number, step in enumerate(doc.steps[:stop], start=1):
        if run.steps[number - 1].auto:
            continue
        value, note = answer_for(step, deviate and step.evidence is not None)
        now = moment + timedelta(minutes=3 * number)
        try:
            event = checklist.mark(
                run, doc, number, "done", who=who, now=now, value=value, note=note
            )
        except RunError:
            continue  # a condition not yet decided: the runner would wait for it
        apply(run, event)
        deviate = deviate and not event.deviation  # one deviation per deviating run
    end = moment + timedelta(hours=2)
    if n % 50 and n % 97 == 0:
        apply(run, checklist.abort(run, who=who, now=end, reason="line stopped for repair"))
    elif n % 50:
        try:
            apply(run, checklist.complete(run, who=who, now=end))
        except RunError:
            pass  # a step left pending (a condition never decided): the run stays open
    return run


def legacy_text(run: Run) -> str:
    """``run`` as a format 1 file (the TOML written before runs were logs)."""
    data: dict[str, object] = {
        "run": run.id,
        "document": run.doc_id,
        "title": run.title,
        "version": run.version or "",
        "commit": run.commit,
        "blob": run.blob,
        "path": run.path,
        "state": run.state.value,
        "started_by": run.started_by,
        "started_at": run.started_at,
    }
    if run.ended_at is not None:
        data.update(ended_by=run.ended_by, ended_at=run.ended_at)
    steps = []
    for s in run.steps:
        entry: dict[str, object] = {"action": s.action, "state": s.state.value}
        if s.at is not None:
            entry.update(at=s.at, by=s.by)
        if s.value is not None:
            entry["value"] = s.value
        steps.append(entry)
    data["steps"] = steps
    return tomli_w.dumps(data)


def make_run_files(root: Path, count: int) -> None:
    """``count`` run files like real ones over the vault's procedures; the first
    LEGACY_FILES as format 1 ``.toml`` files, the rest as logs."""
    runs = Runs(Workspace.open(root))
    ids = sorted(runs.vault.documents)
    docs = [d for d in (runs.vault.get(i) for i in ids) if d.steps]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        doc = docs[n % len(docs)]
        run = recorded_run(doc, n, start + timedelta(minutes=17 * n))
        folder = root / "runs" / doc.id
        folder.mkdir(parents=True, exist_ok=True)
        if n < LEGACY_FILES:
            (folder / f"{run.id}.toml").write_text(legacy_text(run), encoding="utf-8")
        else:
            (folder / f"{run.id}.jsonl").write_text(runlog.dumps(run), encoding="utf-8")


def timed(command: list[str], cwd: Path, bytecode: bool = True) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) ``command`` takes as a process; ``bytecode``:
    modules compiled once and read from ``__pycache__`` as in an install (else compiled
    at every start, as under ``PYTHONDONTWRITEBYTECODE=1``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def show_process(label: str, command: list[str], root: Path, repeat: int, **how: bool) -> None:
    """Time ``command`` ``repeat`` times as a process: wall time, and CPU time (which a
    machine shared with other work disturbs less)."""
    times = [timed(command, root, **how) for _ in range(repeat)]
    goal = "<= 500 ms" if command[-2:] == ["runs", "list"] and how.get("bytecode", True) else ""
    show(label, [wall for wall, _ in times], goal)
    show("    CPU time of the same", [cpu for _, cpu in times])


def list_runs(root: Path, repeat: int) -> None:
    """Time the listing in process (first, then cached) and as whole processes."""
    files = sorted((root / "runs").glob("*/*.*"))
    size = sum(p.stat().st_size for p in files)
    logs = sum(1 for p in files if p.suffix == ".jsonl")
    print(
        f"{len(files)} run files ({logs} logs, {len(files) - logs} format 1), {size / 1e6:.1f} MB"
    )
    lists = []
    for _ in range(repeat + 1):
        runs = Runs(Workspace.open(root))
        start = time.perf_counter()
        listing = runs.listing()
        lists.append(time.perf_counter() - start)
    assert len(listing.runs) == len(files) and not listing.problems, listing.problems[:3]
    deviating = sum(1 for r in listing.runs if r.deviations)
    print(f"{deviating} runs with deviations")
    show("Runs.listing(), first time (reads every file)", lists[:1])
    show("Runs.listing(), from the listing cache", lists[1:])
    sopvault = [sys.executable, "-m", "sopvault"]
    timed([*sopvault, "runs", "list"], root)  # warm: cache in place, bytecode written
    show_process(
        "`sopvault runs list` as a process, warm", [*sopvault, "runs", "list"], root, repeat
    )
    show_process(
        "the same, no bytecode (PYTHONDONTWRITEBYTECODE=1)",
        [*sopvault, "runs", "list"],
        root,
        repeat,
        bytecode=False,
    )
    show_process(
        "`sopvault runs --open` as a process, warm", [*sopvault, "runs", "--open"], root, repeat
    )
    show_process("`sopvault --help` (start-up alone)", [*sopvault, "--help"], root, repeat)


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
    start = time.perf_counter()
    make_run_files(root, args.runs)
    print(f"made {args.runs} runs in {time.perf_counter() - start:.1f} s")
    record_steps(root, args.steps)  # among the runs just made, as in a vault in use
    list_runs(root, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
