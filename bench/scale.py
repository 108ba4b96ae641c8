"""Everything at once, big: a vault of 50,000 documents with 20,000 commits and 10,000 run
records; every CLI command and the TUI's first screen, timed as whole processes.

    python bench/scale.py [--docs 50000] [--commits 20000] [--runs 10000] [--out DIR]

Builds (once) the generated vault (bench/gen_vault.py), 10,000 run files, and a history
written with `git fast-import`: the import, then approved revisions (SOP-Id, SOP-Version,
Reviewed-by trailers) of documents chosen at random, the last revision's text checked out.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from gen_vault import generate, state_dir  # noqa: E402
from load import tui_first_screen  # noqa: E402

from sopvault.model.run import Event, EventType, Run, StepEntry  # noqa: E402

WHO = "Alice Moreno <alice@example.com>"
from sopvault.core.runlog import replay  # noqa: E402
from sopvault.store.runlog import dumps  # noqa: E402

PEOPLE = [
    ("Alice Moreno", "alice@example.com"),
    ("Bilal Okafor", "bilal@example.com"),
    ("Carmen Ruiz", "carmen@example.com"),
]


def write_runs(root: Path, count: int) -> None:
    procedures = sorted(p.stem for p in (root / "procedures").glob("*.md"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        moment = start + timedelta(minutes=7 * n)
        doc_id = procedures[n % len(procedures)]
        run = Run(
            id=f"{moment:%Y%m%d-%H%M%S}-{n % 65536:04x}",
            doc_id=doc_id,
            title=f"Procedure {doc_id}",
            version="1.0",
            commit="0" * 40,
            blob="0" * 40,
            path=f"procedures/{doc_id}.md",
            started_by=WHO,
            started_at=moment,
            steps=[StepEntry(i, f"Check item {i}") for i in range(1, 7)],
        )
        events = [Event(f"{n:04x}0000"[-8:], EventType.START, WHO, moment)]
        events += [
            Event(f"{n % 65536:04x}{i:04x}", EventType.DONE, WHO, moment, step=i)
            for i in range(1, 7)
        ]
        if n % 100:
            events.append(Event(f"{n % 65536:04x}ffff", EventType.COMPLETE, WHO, moment))
        replay(run, events)
        folder = root / "runs" / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{run.id}.jsonl").write_text(dumps(run), encoding="utf-8")


def history(root: Path, commits: int) -> None:
    """The import and ``commits - 1`` approved revisions, by ``git fast-import``."""
    rng = random.Random(11)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    docs = [f for f in files if f.endswith(".md") and not f.startswith("runs/")]
    stream: list[bytes] = []

    def data(payload: bytes) -> None:
        stream.append(f"data {len(payload)}\n".encode() + payload + b"\n")

    when = 1_700_000_000
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
    data(b"Import\n\nReviewed-by: Bilal Okafor <bilal@example.com>\n")
    for path in files:
        stream.append(f"M 100644 inline {path}\n".encode())
        data((root / path).read_bytes())
    texts: dict[str, str] = {}
    for n in range(1, commits):
        path = rng.choice(docs)
        if path not in texts:
            texts[path] = (root / path).read_text(encoding="utf-8")
        texts[path] += f"\nRevision note {n}.\n"
        doc_id = Path(path).stem
        author, reviewer = rng.sample(PEOPLE, 2)
        when += 600
        message = (
            f"Revise {doc_id} ({n})\n\nSOP-Id: {doc_id}\nSOP-Version: 1.{n}\n"
            f"Reviewed-by: {reviewer[0]} <{reviewer[1]}>\nApproved-at: 2026-01-01T00:00:00Z\n"
        )
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author {author[0]} <{author[1]}> {when} +0000\n".encode())
        stream.append(f"committer {reviewer[0]} <{reviewer[1]}> {when} +0000\n".encode())
        data(message.encode())
        stream.append(f"M 100644 inline {path}\n".encode())
        data(texts[path].encode("utf-8"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def build(out: Path, docs: int, commits: int, runs: int) -> Path:
    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    generate(out, docs, seed=7)
    write_runs(out, runs)
    history(out, commits)
    print(f"built {out} in {time.perf_counter() - start:.0f} s")
    return out


def timed(root: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"sopvault {' '.join(args)} failed: {done.stderr.strip()}")
    return took


def show(label: str, seconds: float) -> None:
    print(f"{label:<58} {seconds:8.2f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "scale")
    args = parser.parse_args()
    root = build(args.out, args.docs, args.commits, args.runs)
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
    ).stdout.strip()
    print(f"vault: {root}: {args.docs} documents, {count} commits, {args.runs} run files")
    shutil.rmtree(state_dir(root), ignore_errors=True)
    show("sopvault list, first time (no cache)", timed(root, "list"))
    show("sopvault list, cached", timed(root, "list"))
    show("sopvault check, cached", timed(root, "check"))
    show("sopvault show PRC-00001", timed(root, "show", "PRC-00001"))
    show("sopvault tree PRC-00001", timed(root, "tree", "PRC-00001"))
    show("TUI first screen (tree shown), cached", tui_first_screen(root))
    show("sopvault index (first build)", timed(root, "index"))
    target = next((root / "procedures").glob("*.md"))
    target.write_text(target.read_text(encoding="utf-8") + "\nquokkanine\n", encoding="utf-8")
    show("sopvault search, first after a change", timed(root, "search", "quokkanine"))
    show("sopvault search, next", timed(root, "search", "pallet"))
    doc_id = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%(trailers:key=SOP-Id,valueonly)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    show(f"sopvault history {doc_id}", timed(root, "history", doc_id))
    show(f"sopvault diff {doc_id}", timed(root, "diff", doc_id))
    show("sopvault reviews", timed(root, "reviews"))
    show("sopvault runs, first time", timed(root, "runs"))
    show("sopvault runs, cached", timed(root, "runs"))
    show("sopvault runs --open", timed(root, "runs", "--open"))
    show("sopvault verify --since HEAD~100", timed(root, "verify", "--since", "HEAD~100"))
    show("sopvault verify (whole history)", timed(root, "verify"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
