"""Search figures at query time (issue 17), each beside its floor measured in the same run:

- ``sopvault search WORD`` as a whole process, p50 over 10 words, beside ``rg -il WORD``
  (and, for scale, a process that only imports Whoosh's searching and Click);
- the first ``sopvault search`` after editing 10 files, beside the same edits + ``rg -il``;
- opening the searcher in a fresh process (the index memory-mapped), beside mapping every
  file of the index folder (and, for scale, Whoosh's default open, which copies each file
  of a segment into memory).

Processes are interleaved (ours, floor, ours, floor ...) so a neighbour's burst of work falls
on both; wall and CPU (user + system, children included) are given, medians.

    python bench/searchquery.py VAULT [--repeat 7] [--cache DIR] [--before SRC] [--no-settle]

``--cache DIR`` gives each sopvault timed its own cache folder under DIR (kept, so a second
run starts with its index built); ``--before SRC`` times another source tree (e.g. ``git
archive main sopvault | tar -x -C SRC``) beside this one, interleaved, each with its own
cache folder. Before each timed search after edits, an untimed ``sopvault index`` takes in
every earlier edit (the floor's, the other version's), so the search indexes exactly its
10 files; ``--no-settle`` leaves that out (the method before session 25: the timed search
also indexed the floor's 10 files of the round before, about 20 in all).
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


class Version:
    """One sopvault to time: its name, source tree (None: this checkout) and the
    environment its processes run with (its own cache folder when one is given)."""

    def __init__(self, name: str, src: Path | None, cache: Path | None) -> None:
        self.name = name
        self.env = dict(os.environ)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have bytecode caching
        self.env["PYTHONPATH"] = str(src or HERE.parent)
        if cache is not None:
            self.env["SOPVAULT_CACHE_DIR"] = str(cache)

    def run(self, root: Path, *args: str) -> tuple[float, float]:
        """Wall and CPU seconds of ``sopvault --vault root ARGS`` as this version."""
        return timed_process(sopvault(root, *args), root, self.env)


# What any sopvault search process imports before it reads a byte of the index: Whoosh
# (the chosen engine) and Click (the chosen CLI library). Its cost is a floor of its own.
IMPORTS = "import click, whoosh.index, whoosh.searching, whoosh.qparser"


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


def whole_process(root: Path, repeat: int, versions: list[Version]) -> list[str]:
    """p50 over ``WORDS`` of each word's median, each version's and rg's, interleaved."""
    ours: dict[str, dict[str, list[tuple[float, float]]]] = {
        v.name: {w: [] for w in WORDS} for v in versions
    }
    rg: dict[str, list[tuple[float, float]]] = {w: [] for w in WORDS}
    imports: list[tuple[float, float]] = []
    for version in versions:
        for word in WORDS:  # warm: the page cache, the bytecode, the index fresh
            version.run(root, "search", word)
    for _ in range(repeat):
        for word in WORDS:
            for version in versions:
                ours[version.name][word].append(version.run(root, "search", word))
            rg[word].append(timed_process(["rg", "-il", word, "."], root))
        imports.append(timed_process([sys.executable, "-c", IMPORTS], root))
    floor = [tuple(statistics.median(x[i] for x in rg[w]) for i in (0, 1)) for w in WORDS]
    lines = [
        ratio_line(
            "  for scale, a process importing only Whoosh's searching and Click vs `rg -il`",
            imports,
            floor,  # type: ignore[arg-type]
        )
    ]
    for version in versions:
        mine = ours[version.name]
        per_word = [tuple(statistics.median(x[i] for x in mine[w]) for i in (0, 1)) for w in WORDS]
        lines.append(
            ratio_line(
                f"{_label(version, versions)}`sopvault search WORD` vs `rg -il WORD`,"
                f" p50 of {len(WORDS)} words",
                per_word,  # type: ignore[arg-type]
                floor,  # type: ignore[arg-type]
            )
        )
    return lines


def _label(version: Version, versions: list[Version]) -> str:
    return f"{version.name}: " if len(versions) > 1 else ""


def edit(files: list[Path], tag: str) -> None:
    for path in files:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\nEdited {tag} quokka{tag}.\n")


def after_edits(root: Path, repeat: int, versions: list[Version], settle: bool = True) -> list[str]:
    """Edit 10 files, then search (each version) or rg (the floor); edits and search timed
    together. With ``settle`` each version's index first takes in every earlier edit,
    untimed, so its timed search indexes exactly its own 10 files."""
    files = sorted(root.rglob("*.md"))
    runs: dict[str, list[tuple[float, float]]] = {v.name: [] for v in versions}
    floor: list[tuple[float, float]] = []
    step = 10 * (len(versions) + 1)
    for round_ in range(repeat):
        for at, version in enumerate([*versions, None]):
            chosen = files[step * round_ + 10 * at :][:10]
            tag = f"{version.name if version else 'rg'}{round_}"
            if version is not None and settle:
                version.run(root, "index")
            before = os.times()
            edit(chosen, tag)
            edit_cpu = os.times()
            if version is None:
                wall, cpu = timed_process(["rg", "-il", f"quokka{tag}", "."], root)
            else:
                wall, cpu = version.run(root, "search", f"quokka{tag}")
            edit_seconds = (edit_cpu.user - before.user) + (edit_cpu.system - before.system)
            (floor if version is None else runs[version.name]).append(
                (wall + edit_seconds, cpu + edit_seconds)
            )
    subprocess.run(["git", "-C", str(root), "checkout", "--", "."], check=True)
    for version in versions:
        version.run(root, "index")
    how = "" if settle else " (earlier edits not taken in first)"
    return [
        ratio_line(
            f"{_label(v, versions)}first search after editing 10 files{how}"
            " vs the same edits + `rg -il`",
            runs[v.name],
            floor,
        )
        for v in versions
    ]


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


def figures(
    root: Path,
    index_dir: Path,
    repeat: int,
    versions: list[Version] | None = None,
    settle: bool = True,
) -> list[str]:
    """Every query-time figure, as printed lines (``versions``: this checkout alone, with
    the environment as it is, when None)."""
    versions = versions or [Version("after", None, None)]
    lines = searcher_open(index_dir, repeat)
    if shutil.which("rg") is None:
        return [*lines, "rg is not installed: no process figures"]
    searches = whole_process(root, repeat, versions)
    return [
        *lines,
        *searches[1:],
        searches[0],  # the imports' floor, under the searches
        *after_edits(root, repeat, versions, settle),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cache", type=Path, help="a cache folder per version, kept here")
    parser.add_argument("--before", type=Path, help="the source tree of another sopvault")
    parser.add_argument("--no-settle", action="store_true", help="the method before session 25")
    args = parser.parse_args()
    root = args.vault.resolve()
    if args.cache is not None:
        args.cache = args.cache.resolve()  # the processes run in the vault
    versions = [Version("after", None, args.cache / "after" if args.cache else None)]
    if args.before is not None:
        cache = args.cache / "before" if args.cache else None
        versions.insert(0, Version("before", args.before.resolve(), cache))
    for version in versions:
        version.run(root, "index")  # built (or brought up to date) before any timing
    if args.cache is not None:
        os.environ["SOPVAULT_CACHE_DIR"] = str(args.cache / "after")
    from gen_vault import state_dir

    for line in figures(root, state_dir(root) / "index", args.repeat, versions, not args.no_settle):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
