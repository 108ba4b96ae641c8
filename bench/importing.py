"""Import figures (issue 16): ``sopvault import`` of an Obsidian-style export of PAGES
pages (YAML front matter, tag lists, a numbered Steps list, three wiki links each, nested
folders) into a fresh vault, as whole processes: a dry run, then the import itself, then
``sopvault check`` of the result.

    python bench/importing.py [--pages 1000] [--vault PATH] [--out DIR]

``--vault`` imports into a copy of that vault instead of a new one (its documents are read
for ids taken and pages imported before, and the drafts are checked among them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VERBS = ("Check", "Open", "Close", "Weigh", "Record", "Drain", "Rinse", "Inspect")


def export(where: Path, pages: int) -> Path:
    """An Obsidian-style export of ``pages`` pages under ``where``."""
    for number in range(pages):
        folder = where / ("Procedures" if number % 4 else "Policies") / f"Area {number % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        links = " ".join(f"[[Page {(number * 7 + k) % pages}]]" for k in (1, 2, 3))
        steps = "\n".join(f"{i}. {VERBS[(number + i) % len(VERBS)]} item {i}." for i in (1, 2, 3))
        (folder / f"Page {number}.md").write_text(
            f"---\ntitle: Page {number}\ntags: [area-{number % 10}, imported]\n"
            f"created: 2024-01-{number % 28 + 1:02d}\n---\n# Page {number}\n\nSee {links}.\n\n"
            f"## Steps\n\n{steps}\n\n## Notes\n\nKept.\n",
            encoding="utf-8",
        )
    return where


def timed(*args: str, env: dict[str, str]) -> float:
    """Seconds one sopvault process takes (its output discarded; exit 0 or 1 accepted)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", *args], env=env, capture_output=True, check=False
    )
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode(errors="replace"))
    return time.perf_counter() - start


def main() -> None:
    """Print the three figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="sopvault-import-bench-"))
    env = dict(os.environ, SOPVAULT_CACHE_DIR=str(out / "state"))
    vault = out / "vault"
    if vault.exists():
        shutil.rmtree(vault)
    if args.vault:
        shutil.copytree(args.vault, vault, ignore=shutil.ignore_patterns(".git"))
    else:
        timed("init", str(vault), env=env)
    source = export(out / "export", args.pages) if not (out / "export").exists() else out / "export"
    timed("--vault", str(vault), "list", env=env)  # the vault's load cache, as a user has it
    dry = timed("--vault", str(vault), "import", "--dry-run", str(source), env=env)
    real = timed("--vault", str(vault), "import", str(source), env=env)
    check = timed("--vault", str(vault), "check", env=env)
    print(f"import of {args.pages} pages: dry run {dry:.2f} s, import {real:.2f} s,")
    print(f"check afterwards {check:.2f} s ({out})")


if __name__ == "__main__":
    main()
