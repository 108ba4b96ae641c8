"""The full index build beside its floor: bare Whoosh, one stemmed field, the same text.

    python bench/index_build.py VAULT [--repeat 3] [--before SRC] [--cache DIR]

Times `sopvault index --rebuild` as a whole process (wall, CPU of the process and its
builder processes, peak resident memory from `/usr/bin/time`), interleaved with the
floor: a process that builds a bare Whoosh index of the same documents with one field,
analysed by sopvault's stemming analyzer, holding each document's title, steps and body
(the text sopvault indexes), read from a prepared JSON Lines file, with the writer
settings sopvault uses (builder processes, pool size; the floor uses Whoosh's own
`MpWriter` for them), and beside it the same floor with Whoosh's old 768 MB pool.
`--before SRC` also times another sopvault source tree (e.g. `git archive main sopvault
| tar -x -C /tmp/before`). `bench/search.py` prints the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

TIME = "/usr/bin/time"


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, children included) and peak resident MB
    (the largest process) of one whole process, as `/usr/bin/time` reports them."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        subprocess.run(
            [TIME, "-f", "%e %U %S %M", "-o", out.name, *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
        wall, user, system, peak_kb = out.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak_kb) / 1024


def write_texts(root: Path, target: Path) -> int:
    """One JSON line per document of ``root``: the text sopvault indexes (title, steps,
    body). Returns how many documents."""
    from sopvault.search.schema import body_text, steps_text
    from sopvault.store.cache import parse_file
    from sopvault.store.fs import scan_documents

    stamps, _ = scan_documents(root)
    count = 0
    with open(target, "w", encoding="utf-8") as out:
        for stamp in stamps:
            doc = parse_file(root, stamp.rel).document
            if doc is not None:
                text = "\n".join((doc.title, steps_text(doc), body_text(doc)))
                out.write(json.dumps(text) + "\n")
                count += 1
    return count


def floor_build(texts: Path, directory: Path, procs: int, limitmb: int) -> None:
    """Bare Whoosh: one stemmed field (sopvault's analyzer), the same writer settings."""
    from whoosh import fields
    from whoosh import index as windex

    from sopvault.search.analysis import stemming_analyzer

    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    schema = fields.Schema(text=fields.TEXT(analyzer=stemming_analyzer()))
    ix = windex.create_in(str(directory), schema)
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb)
    else:
        writer = ix.writer(limitmb=limitmb)
    with open(texts, encoding="utf-8") as lines:
        for line in lines:
            writer.add_document(text=json.loads(line))
    writer.commit()


def build_figures(root: Path, repeat: int, cache: Path, before: Path | None = None) -> None:
    """Print the build figures for ``root``: each build ``repeat`` times, interleaved."""
    from sopvault.search.index import _pool_mb

    work = Path(tempfile.mkdtemp(prefix="index-build-"))
    texts = work / "texts.jsonl"
    docs = write_texts(root, texts)
    procs = min(2, os.cpu_count() or 1) if docs >= 2000 else 1
    limitmb = _pool_mb()
    me = [sys.executable, str(Path(__file__).resolve())]
    runs: dict[str, list[str]] = {
        "sopvault index --rebuild": [sys.executable, "-m", "sopvault", "--vault", str(root)],
        f"floor: bare Whoosh, {procs} procs, {limitmb} MB pool": [
            *me,
            "--floor",
            str(texts),
            str(work / "floor"),
            str(procs),
            str(limitmb),
        ],
        f"floor: bare Whoosh, {procs} procs, 768 MB pool": [
            *me,
            "--floor",
            str(texts),
            str(work / "floor"),
            str(procs),
            "768",
        ],
    }
    envs = {name: {**os.environ, "SOPVAULT_CACHE_DIR": str(cache / "after")} for name in runs}
    runs["sopvault index --rebuild"] += ["index", "--rebuild"]
    if before is not None:
        runs["before: sopvault index --rebuild"] = runs["sopvault index --rebuild"]
        envs["before: sopvault index --rebuild"] = {
            **os.environ,
            "SOPVAULT_CACHE_DIR": str(cache / "before"),
            "PYTHONPATH": str(before),
        }
    for name in runs:  # warm: bytecode, and the parse cache a `before` build reads
        if name.startswith("before"):
            timed(runs[name], envs[name])
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, command in runs.items():
            figures[name].append(timed(command, envs[name]))
    print(f"full index build, {docs} documents, medians of {repeat} (wall / CPU / peak):")
    medians = {
        name: tuple(statistics.median(f[i] for f in got) for i in range(3))
        for name, got in figures.items()
    }
    ours = medians["sopvault index --rebuild"]
    for name, (wall, cpu, peak) in medians.items():
        print(
            f"  {name:44} {wall:7.1f} s {cpu:7.1f} s CPU {peak:6.0f} MB"
            f"  ratio {ours[0] / wall:.2f}x wall, {ours[1] / cpu:.2f}x CPU"
        )
    shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    if sys.argv[1:2] == ["--floor"]:
        texts, directory, procs, limitmb = sys.argv[2:6]
        floor_build(Path(texts), Path(directory), int(procs), int(limitmb))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another sopvault source tree")
    parser.add_argument("--cache", type=Path, help="cache folders (default: a new one)")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="index-build-cache-"))
    build_figures(args.vault.resolve(), args.repeat, cache, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
