"""Load figures on a big vault: bare tomllib, cold load, warm `sopvault list`, TUI first screen.

    python bench/load.py [VAULT] [--docs 10000] [--repeat 5]

Without VAULT a vault is generated with bench/gen_vault.py under bench/out/. Prints medians.
"""

from __future__ import annotations

import gc
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gen_vault import bench_arguments, bench_vault, state_dir  # noqa: E402


def bare_tomllib(root: Path) -> float:
    """The floor: read every document and parse its front matter with tomllib, nothing else."""
    start = time.perf_counter()
    for path in root.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("+++\n"):
            end = text.find("\n+++\n", 4)
            tomllib.loads(text[4 : end + 1])
    return time.perf_counter() - start


def bare_tomllib_no_gc(root: Path) -> float:
    """The same floor with the cyclic GC off, as sopvault's loader runs."""
    gc.disable()
    try:
        return bare_tomllib(root)
    finally:
        gc.enable()


def cold_load(root: Path) -> float:
    """sopvault's full load with no cache: parse, validate, check the vault, build the tree."""
    from sopvault.services.vault import Vault

    shutil.rmtree(state_dir(root), ignore_errors=True)
    start = time.perf_counter()
    state = Vault.open(root).state
    elapsed = time.perf_counter() - start
    assert state.parsed >= len(state.documents) > 0
    return elapsed


def warm_list_process(root: Path) -> float:
    """`sopvault list` as a whole process, with the cache left by the previous load."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(root), "list"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def tui_first_screen_cold(root: Path) -> float:
    """As tui_first_screen, with no cache at all (the first run on a new clone)."""
    shutil.rmtree(state_dir(root), ignore_errors=True)
    return tui_first_screen(root)


_TUI_PROBE = """
import asyncio, sys, time
start = time.perf_counter()
from pathlib import Path
from sopvault.tui.app import SopVaultApp
from sopvault.tui.widgets.doc_tree import DocTree
from sopvault.services.workspace import Workspace

async def run():
    app = SopVaultApp(Workspace.open(Path(sys.argv[1])))
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            trees = app.screen.query(DocTree)
            if trees and trees.first().root.children:
                return time.perf_counter() - start
            await pilot.pause(0.005)

print(asyncio.run(run()))
"""


def tui_first_screen(root: Path) -> float:
    """A fresh process: from its first import to the tree showing its first level, headless."""
    done = subprocess.run(
        [sys.executable, "-c", _TUI_PROBE, str(root)], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def median(fn, root: Path, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(fn(root) for _ in range(repeat))


def main() -> int:
    args = bench_arguments(__doc__.splitlines()[0])
    root = bench_vault(args.vault, args.docs, git=False)
    files = sum(1 for _ in root.rglob("*.md"))
    print(f"vault: {root} ({files} .md files)")
    floor = median(bare_tomllib, root, args.repeat)
    floor_no_gc = median(bare_tomllib_no_gc, root, args.repeat)
    cold = median(cold_load, root, args.repeat)
    tui_cold = median(tui_first_screen_cold, root, max(1, args.repeat // 2))
    cold_load(root)  # leave a fresh cache behind for the warm figures
    warm = median(warm_list_process, root, args.repeat)
    tui = median(tui_first_screen, root, max(1, args.repeat // 2))
    print(f"bare tomllib front matter parse : {floor:7.3f} s  (GC off: {floor_no_gc:.3f} s)")
    print(
        f"sopvault cold load (no cache)   : {cold:7.3f} s  ({cold / floor:.2f}x tomllib,"
        f" {cold / floor_no_gc:.2f}x tomllib with GC off; target <= 3x)"
    )
    print(f"`sopvault list` process, cached : {warm:7.3f} s  (target <= 0.5 s)")
    print(f"TUI first screen, cached        : {tui:7.3f} s  (target <= 1.5 s)")
    print(f"TUI first screen, no cache      : {tui_cold:7.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
