"""Search figures at query time (issue 17), each beside its floor measured in the same run:

- ``sopvault search WORD`` as a whole process, p50 over 10 words, beside ``rg -il WORD``;
- the first ``sopvault search`` after editing 10 files, beside the same edits + ``rg -il``;
- opening the searcher in a fresh process (the index memory-mapped), beside mapping every
  file of the index folder (and, for scale, Whoosh's default open, which copies each file
  of a segment into memory).

Processes are interleaved (ours, floor, ours, floor ...) so a neighbour's burst of work falls
on both; wall and CPU (user + system, children included) are given, medians.

    python bench/searchquery.py VAULT [--repeat 7] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gen_vault import timed_process  # noqa: E402

WORDS = [
    "pallet",
    "respirator",
    "freezer",
    "invoice",
    "forklift",
    "scanner",
    "ledger",
    "calibrate",
    "shipment",
    "zanzibar",
]
# A fresh process opening the searcher: the figure and its floors, printed as
# "<wall ms> <cpu ms>" of the open alone (imports done before the clock starts).
OPEN_SCRIPT = """
import mmap, os, sys, time
from pathlib import Path
mode, folder = sys.argv[1], sys.argv[2]
if mode == "ours":
    from sopvault.search.index import SearchIndex
elif mode == "copied":
    from whoosh import index as windex
start, cpu = time.perf_counter(), time.process_time()
if mode == "ours":
    SearchIndex(Path(folder))._current_searcher()
elif mode == "copied":
    windex.open_dir(folder).searcher()
else:
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size:
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)[:1]
print((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000)
"""


def sopvault(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sopvault", "--vault", str(root), *args]


def ratio_line(
    label: str, ours: list[tuple[float, float]], floor: list[tuple[float, float]]
) -> str:
    """``label``: median wall / CPU of ours and of the floor, and the ratios."""
    wall, cpu = (statistics.median(x[i] for x in ours) for i in (0, 1))
    fwall, fcpu = (statistics.median(x[i] for x in floor) for i in (0, 1))
    return (
        f"{label}: {wall:.3f} s / {cpu:.3f} s CPU vs {fwall:.3f} s / {fcpu:.3f} s"
        f" = {wall / fwall:.2f}x wall, {cpu / max(fcpu, 1e-6):.2f}x CPU (n={len(ours)})"
    )


def whole_process(root: Path, repeat: int) -> str:
    """p50 over ``WORDS`` of each word's median, ours and rg's, interleaved."""
    ours: dict[str, list[tuple[float, float]]] = {w: [] for w in WORDS}
    rg: dict[str, list[tuple[float, float]]] = {w: [] for w in WORDS}
    for word in WORDS:  # warm: the page cache, the bytecode, the index fresh
        timed_process(sopvault(root, "search", word), root)
    for _ in range(repeat):
        for word in WORDS:
            ours[word].append(timed_process(sopvault(root, "search", word), root))
            rg[word].append(timed_process(["rg", "-il", word, "."], root))
    per_word = [tuple(statistics.median(x[i] for x in ours[w]) for i in (0, 1)) for w in WORDS]
    floor = [tuple(statistics.median(x[i] for x in rg[w]) for i in (0, 1)) for w in WORDS]
    return ratio_line(
        f"`sopvault search WORD` vs `rg -il WORD`, p50 of {len(WORDS)} words",
        per_word,  # type: ignore[arg-type]
        floor,  # type: ignore[arg-type]
    )


def edit(files: list[Path], tag: str) -> None:
    for path in files:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\nEdited {tag} quokka{tag}.\n")


def after_edits(root: Path, repeat: int) -> str:
    """Edit 10 files, then search (ours) or rg (the floor); edits and search timed together."""
    files = sorted(root.rglob("*.md"))
    ours, floor = [], []
    for round_ in range(repeat):
        for kind, out in (("ours", ours), ("rg", floor)):
            chosen = files[200 * round_ + (0 if kind == "ours" else 100) :][:10]
            tag = f"{kind}{round_}"
            command = (
                sopvault(root, "search", f"quokka{tag}")
                if kind == "ours"
                else ["rg", "-il", f"quokka{tag}", "."]
            )
            before = os.times()
            edit(chosen, tag)
            edit_cpu = os.times()
            wall, cpu = timed_process(command, root)
            edit_seconds = (edit_cpu.user - before.user) + (edit_cpu.system - before.system)
            out.append((wall + edit_seconds, cpu + edit_seconds))
    subprocess.run(["git", "-C", str(root), "checkout", "--", "."], check=True)
    timed_process(sopvault(root, "index"), root)
    return ratio_line(
        "first search after editing 10 files vs the same edits + `rg -il`", ours, floor
    )


def searcher_open(index_dir: Path, repeat: int) -> list[str]:
    """Fresh processes opening the searcher: ours (mapped), the floor (mapping the files),
    Whoosh's default open (copies), interleaved."""
    runs: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": [], "copied": []}
    for _ in range(repeat + 1):
        for mode, out in runs.items():
            done = subprocess.run(
                [sys.executable, "-c", OPEN_SCRIPT, mode, str(index_dir)],
                capture_output=True,
                text=True,
                check=True,
            )
            wall, cpu = map(float, done.stdout.split())
            out.append((wall, cpu))
    for out in runs.values():
        del out[0]  # the first round warms the page cache
    median = {m: tuple(statistics.median(x[i] for x in r) for i in (0, 1)) for m, r in runs.items()}
    ours, floor, copied = median["ours"], median["floor"], median["copied"]
    return [
        f"searcher open, fresh process, mapped: {ours[0]:.1f} ms / {ours[1]:.1f} ms CPU"
        f" vs mapping the index files {floor[0]:.1f} ms / {floor[1]:.1f} ms CPU"
        f" = {ours[0] / max(floor[0], 1e-3):.1f}x (goal <= 30 ms at 50k; n={repeat})",
        f"  for scale, Whoosh's default open (each segment file copied): {copied[0]:.1f} ms"
        f" / {copied[1]:.1f} ms CPU",
    ]


def figures(root: Path, index_dir: Path, repeat: int) -> list[str]:
    """Every query-time figure, as printed lines."""
    lines = searcher_open(index_dir, repeat)
    if shutil.which("rg") is None:
        return [*lines, "rg is not installed: no process figures"]
    return [*lines, whole_process(root, repeat), after_edits(root, repeat)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    root = args.vault.resolve()
    subprocess.run(sopvault(root, "index"), check=True, stdout=subprocess.DEVNULL)
    from gen_vault import state_dir

    for line in figures(root, state_dir(root) / "index", args.repeat):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
