"""History figures: `sopvault history ID` as a whole process in a repository with many commits.

    python bench/history.py [--commits 5000] [--repeat 5] [--out DIR]

Builds (once) a copy of sample_vault whose main holds COMMITS approved revisions spread
over its documents, written with `git fast-import`, then times `sopvault history SOP-003`
and `sopvault verify` as processes beside `git log --follow` of the same file (the floor),
then the TUI's history screen (headless): from `h` to the table and first diff, and from
one row to the next diff.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sopvault.services.vault import Vault  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402

TARGET = "SOP-003"
PEOPLE = [
    ("Alice Moreno", "alice.moreno@harrowfinch.example"),
    ("Bilal Okafor", "bilal.okafor@harrowfinch.example"),
    ("Carmen Ruiz", "carmen.ruiz@harrowfinch.example"),
    ("Hana Sato", "hana.sato@harrowfinch.example"),
]


def build(out: Path, commits: int) -> Path:
    """A vault repository with ``commits`` approved revisions after the import."""
    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ROOT / "sample_vault", out, ignore=shutil.ignore_patterns(".*"))
    (out / ".gitignore").write_text(".sopvault/\n")
    docs = sorted(Vault.open(out).state.documents.values(), key=lambda d: d.id)
    texts = {d.path: (out / d.path).read_text(encoding="utf-8") for d in docs}
    stream: list[bytes] = []

    def data(payload: bytes) -> None:
        stream.append(f"data {len(payload)}\n".encode() + payload + b"\n")

    when = 1_700_000_000
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"committer Hana Sato <hana.sato@harrowfinch.example> {when} +0000\n".encode())
    data(b"Import\n\nReviewed-by: Bilal Okafor <bilal.okafor@harrowfinch.example>\n")
    for path in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        stream.append(f"M 100644 inline {path}\n".encode())
        data((out / path).read_bytes())
    for n in range(1, commits + 1):
        doc = docs[n % len(docs)]
        author = PEOPLE[n % len(PEOPLE)]
        reviewer = PEOPLE[(n + 1) % len(PEOPLE)]
        when += 3600
        texts[doc.path] += f"\nRevision note {n}.\n"
        message = (
            f"Revise {doc.id} ({n})\n\nSOP-Id: {doc.id}\nSOP-Version: 1.{n}\n"
            f"Reviewed-by: {reviewer[0]} <{reviewer[1]}>\nApproved-at: 2026-01-01T00:00:00Z\n"
        )
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author {author[0]} <{author[1]}> {when} +0000\n".encode())
        stream.append(f"committer {reviewer[0]} <{reviewer[1]}> {when} +0000\n".encode())
        data(message.encode())
        stream.append(f"M 100644 inline {doc.path}\n".encode())
        data(texts[doc.path].encode("utf-8"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    return out


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


async def tui_history(root: Path) -> tuple[float, float]:
    """Seconds from `h` to the history table with its first diff, and from Down to the
    next diff, in the real app driven headless."""
    from textual.widgets import DataTable
    from textual.worker import WorkerCancelled

    from sopvault.tui.app import SopVaultApp
    from sopvault.tui.screens.browse import BrowseScreen

    app = SopVaultApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            while True:
                try:
                    await app.workers.wait_for_complete()
                    break
                except WorkerCancelled:  # a newer selection replaced a worker
                    continue
            await pilot.pause()

        await settle()
        browser = app.screen
        assert isinstance(browser, BrowseScreen)
        browser.reveal(TARGET)
        await settle()
        start = time.perf_counter()
        await pilot.press("h")
        await settle()
        opened = time.perf_counter() - start
        assert app.screen.query_one(DataTable).row_count > 1
        start = time.perf_counter()
        await pilot.press("down")
        await settle()
        return opened, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "history")
    args = parser.parse_args()
    root = build(args.out, args.commits)
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
    ).stdout.strip()
    path = next(p for p in (root / "procedures").glob(f"{TARGET}-*.md")).relative_to(root)
    revisions = subprocess.run(
        [sys.executable, "-m", "sopvault", "history", TARGET],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.count("\n")
    print(f"repository: {root} ({count} commits; {TARGET} has {revisions} revisions)")
    figures = {
        f"sopvault history {TARGET}": [sys.executable, "-m", "sopvault", "history", TARGET],
        f"git log --follow {path.name}": ["git", "log", "--follow", "--oneline", "--", str(path)],
        "sopvault verify (whole history)": [sys.executable, "-m", "sopvault", "verify"],
        "python -c pass (start-up floor)": [sys.executable, "-c", "pass"],
    }
    for label, command in figures.items():
        runs = [timed(command, root) for _ in range(args.repeat)]
        print(f"{label:<45} median {statistics.median(runs) * 1000:7.1f} ms")
    screens = [asyncio.run(tui_history(root)) for _ in range(args.repeat)]
    opened = statistics.median(s[0] for s in screens)
    moved = statistics.median(s[1] for s in screens)
    print(f"{'TUI: h to history table and first diff':<45} median {opened * 1000:7.1f} ms")
    print(f"{'TUI: Down to the next revision diff':<45} median {moved * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
