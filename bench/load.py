"""Warm start-up on a big vault: `sopvault list` and the TUI's first screen, each beside its
floor measured in the same run.

    python bench/load.py [VAULT] [--docs 10000] [--repeat 5] [--before SRC] [--after SRC]
                         [--cache DIR]

Without VAULT a git vault is generated with bench/gen_vault.py under bench/out/. Every
figure is a whole process, its median wall time and CPU time (the process and its
children) over the repeats, run interleaved with its floor, and printed as a ratio to the
floor (this machine is shared: ratios and CPU times say more than wall times):

- warm `sopvault list` (output to /dev/null) against `git status --porcelain` in the vault
  and `python -c pass`;
- the TUI's first screen, warm, against `python -c "import textual.app"`: the dashboard as
  `sopvault tui` opens it (until its report shows) and the tree (until its first level
  shows), headless, in a fresh process;
- peak memory (maximum resident set size) of each, one run each;
- the first `list` and the first dashboard with an empty cache folder (one run each: they
  leave the caches the warm figures read; minutes at 50,000 documents).

``--before SRC`` times a second sopvault beside this one (a source tree holding the package
``sopvault``, e.g. ``git archive merge16 sopvault | tar -x -C /tmp/before``), each version
with its own cache folder; ``--after SRC`` times that tree instead of this checkout;
``--cache DIR`` keeps the cache folders in DIR (a second run is then warm from the start).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gen_vault import bench_vault  # noqa: E402

_TUI_PROBE = """
import asyncio, resource, sys, time
from pathlib import Path
from sopvault.services.workspace import Workspace
# As `sopvault tui` starts: what is due read ahead before Textual is imported (a
# sopvault from before session 26 has no services.dueahead and reads it in the app).
workspace = Workspace.open(Path(sys.argv[1]))
try:
    from sopvault.services import dueahead
    options = {"ahead": dueahead.start(workspace)} if sys.argv[2] == "dashboard" else {}
except ImportError:
    options = {}
from sopvault.tui.app import SopVaultApp
from sopvault.tui.screens.dashboard import DashboardScreen
from sopvault.tui.widgets.doc_tree import DocTree

def shown(app, first):
    if first == "dashboard":
        return isinstance(app.screen, DashboardScreen) and bool(app.screen.shown)
    trees = app.screen.query(DocTree)
    return bool(trees) and bool(trees.first().root.children)

async def run(first):
    app = SopVaultApp(workspace, first=first, **options)
    async with app.run_test(size=(120, 40)) as pilot:
        while not shown(app, first):
            await pilot.pause(0.005)
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child reading ahead, git
        return time.time(), time.process_time() + reaped.ru_utime + reaped.ru_stime

print(*asyncio.run(run(sys.argv[2])))
"""

Command = list[str]
# Every process starts in an empty folder: `python -m` and `-c` put the working folder
# first on sys.path, so started here every version timed would be this checkout.
NEUTRAL = tempfile.mkdtemp(prefix="sopvault-load-cwd-")


def timed(command: Command, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process (its children's CPU included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env, cwd=NEUTRAL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def timed_screen(command: Command, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds from starting the TUI probe's process until its first screen
    shows (interpreter start included; the app's shutdown after it is not). CPU counts
    the children reaped by then too: git, and the child reading what is due ahead."""
    start = time.time()
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=NEUTRAL)
    shown, cpu = map(float, done.stdout.split()[-2:])
    return shown - start, cpu


def peak_kb(command: Command, env: dict[str, str]) -> int | None:
    """Maximum resident set size (KB) of one run, from `/usr/bin/time -v`; None without it."""
    if not Path("/usr/bin/time").exists():
        return None
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
        env=env,
        cwd=NEUTRAL,
    )
    for line in done.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1])
    return None


class Version:
    """One sopvault to time: its source tree (None: this checkout) and cache folder."""

    def __init__(self, name: str, src: Path | None, cache: Path) -> None:
        self.name = name
        self.env = dict(os.environ)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have bytecode caching
        self.env["SOPVAULT_CACHE_DIR"] = str(cache)
        self.env["PYTHONPATH"] = str(src or HERE.parent)

    def list_command(self, root: Path) -> Command:
        return [sys.executable, "-m", "sopvault", "--vault", str(root), "list"]

    def tui_command(self, root: Path, first: str) -> Command:
        return [sys.executable, "-c", _TUI_PROBE, str(root), first]


class Figures:
    """Wall and CPU seconds per named figure, over the repeats."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, name: str, command: Command, env: dict[str, str], screen: bool = False) -> None:
        wall, cpu = (timed_screen if screen else timed)(command, env)
        self.wall.setdefault(name, []).append(wall)
        self.cpu.setdefault(name, []).append(cpu)

    def line(self, name: str, floor: str | None = None) -> str:
        wall, cpu = statistics.median(self.wall[name]), statistics.median(self.cpu[name])
        text = f"{name:<44} {wall:7.3f} s wall {cpu:7.3f} s CPU"
        if floor is not None:
            fwall = statistics.median(self.wall[floor])
            fcpu = statistics.median(self.cpu[floor])
            text += f"   {wall / fwall:5.1f}x / {cpu / fcpu:5.1f}x CPU  {floor}"
        return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path, nargs="?")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a source tree of another sopvault")
    parser.add_argument("--after", type=Path, help="the source tree to time (default: here)")
    parser.add_argument("--cache", type=Path, help="keep the cache folders here (reused)")
    args = parser.parse_args()
    root = bench_vault(args.vault, args.docs, git=True)
    files = sum(1 for _ in root.rglob("*.md"))
    print(f"vault: {root} ({files} .md files), medians of {args.repeat}")
    work = args.cache or Path(tempfile.mkdtemp(prefix="sopvault-load-"))
    cold = not any(work.glob("*/*"))  # no cache folder yet: the first runs are cold
    after = args.after.resolve() if args.after is not None else None
    versions = [Version("after", after, work / "after")]
    if args.before is not None:
        versions.insert(0, Version("before", args.before.resolve(), work / "before"))
    plain = dict(os.environ)
    floors: dict[str, Callable[[], Command]] = {
        "git status --porcelain": lambda: ["git", "-C", str(root), "status", "--porcelain"],
        "python -c pass": lambda: [sys.executable, "-c", "pass"],
        "python -c 'import textual.app'": lambda: [sys.executable, "-c", "import textual.app"],
    }
    figures = Figures()
    try:
        for version in versions:  # a cold load each, leaving the caches warm
            figures.run(f"{version.name}: list, no cache", version.list_command(root), version.env)
            figures.run(
                f"{version.name}: TUI dashboard, first run",
                version.tui_command(root, "dashboard"),
                version.env,
                screen=True,
            )
        for _ in range(args.repeat):
            for floor, command in floors.items():
                figures.run(floor, command(), plain)
            for version in versions:
                name = version.name
                figures.run(f"{name}: sopvault list, warm", version.list_command(root), version.env)
                for first in ("dashboard", "browse"):
                    command = version.tui_command(root, first)
                    figures.run(f"{name}: TUI {first}, warm", command, version.env, screen=True)
        print(figures.line("git status --porcelain"))
        print(figures.line("python -c pass"))
        print(figures.line("python -c 'import textual.app'"))
        for version in versions:
            name = version.name
            print(figures.line(f"{name}: sopvault list, warm", "git status --porcelain"))
            print(figures.line(f"{name}: sopvault list, warm", "python -c pass"))
            for first in ("dashboard", "browse"):
                print(figures.line(f"{name}: TUI {first}, warm", "python -c 'import textual.app'"))
        for version in versions:
            list_kb = peak_kb(version.list_command(root), version.env)
            tui_kb = peak_kb(version.tui_command(root, "dashboard"), version.env)
            print(f"{version.name}: peak memory: list {list_kb} KB, TUI dashboard {tui_kb} KB")
        for version in versions if cold else []:
            print(figures.line(f"{version.name}: list, no cache"))
            print(figures.line(f"{version.name}: TUI dashboard, first run"))
    finally:
        os.rmdir(NEUTRAL)
        if args.cache is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
