"""The HTML export and the PDF on a vault of 10,000 generated documents, as whole processes.

    python bench/export.py [--docs 10000] [--keep DIR]

Generates the vault (bench/gen_vault.py, committed in one commit) in a temporary folder,
then times, each a fresh `sopvault` process with a fresh cache folder for the first:
1. `export html OUT` into an empty folder (every page rendered and written);
2. `export html OUT` again, nothing changed (every input key compared, nothing written);
3. one procedure changed and approved (a commit with the trailers of an approval), then
   `export html OUT` again: that page, the index and the search index written;
4. `export pdf ID OUT.pdf` of that procedure (WeasyPrint).
Prints wall and CPU seconds (the process and its children: git) and what each export
reported (N written, M unchanged, K removed), and the size of the site.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import commit_all, generate  # noqa: E402

REVIEWER = "Bilal Okafor <bilal.okafor@harrowfinch.example>"


def sopvault(*args: str) -> list[str]:
    return [sys.executable, "-m", "sopvault", *args]


def approve_one(vault: Path) -> str:
    """Change the first effective procedure's body, bump its version and commit it with
    the trailers of an approval; returns its id."""
    for path in sorted((vault / "procedures").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if 'status = "effective"' in text and 'version = "' in text:
            break
    else:
        raise SystemExit("no effective procedure in the generated vault")
    doc_id = path.stem
    old = text.split('version = "', 1)[1].split('"', 1)[0]
    major, _, minor = old.partition(".")
    new = f"{major}.{int(minor or 0) + 1}"
    path.write_text(text.replace(f'version = "{old}"', f'version = "{new}"', 1) + "\nA note.\n")
    message = (
        f"Approve {doc_id} {new}\n\nSOP-Id: {doc_id}\nSOP-Version: {new}\n"
        f"Reviewed-by: {REVIEWER}\nApproved-at: 2026-11-30T10:00:00Z\n"
    )
    ident = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "-C", str(vault), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(vault), *ident, "commit", "-qm", message], check=True)
    return doc_id


def timed(label: str, command: list[str], cwd: Path) -> None:
    """Run ``command`` once, timed, and print its figures and its last line."""
    out = Path(tempfile.mkstemp(prefix="bench-export-")[1])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("w") as sink:
        code = subprocess.run(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = out.read_text().strip().splitlines()[-1:] or [""]
    out.unlink()
    if code != 0:
        raise SystemExit(f"{label} failed ({code}): {last[0]}")
    print(f"{label:<34} {wall:7.2f} s wall {cpu:7.2f} s CPU   {last[0][:70]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="sopvault-bench-export-"))
    vault, site, cache = base / "vault", base / "site", base / "cache"
    if not (vault / ".git").exists():
        generate(vault, args.docs, seed=7)
        commit_all(vault)
    os.environ["SOPVAULT_CACHE_DIR"] = str(cache)
    print(f"{args.docs} documents in {vault}")
    timed("export html (first, cold cache)", sopvault("export", "html", str(site)), vault)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = len(list((site / "docs").glob("*.html")))
    print(
        f"  {pages} pages, {size / 1e6:.1f} MB; search-index.js"
        f" {(site / 'search-index.js').stat().st_size / 1e6:.1f} MB"
    )
    timed("export html (again, no change)", sopvault("export", "html", str(site)), vault)
    doc_id = approve_one(vault)
    timed(f"export html (after approving {doc_id})", sopvault("export", "html", str(site)), vault)
    timed(
        f"export pdf {doc_id}",
        sopvault("export", "pdf", doc_id, str(base / "one.pdf"), "--force"),
        vault,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
