"""`sopvault due` as a whole process on a 10,000-document vault whose main holds 5,000
approved revisions (the issue asks for at most 0.5 s).

    python bench/due.py [--docs 10000] [--commits 5000] [--repeat 7] [--out DIR]

Builds (once) the generated vault (bench/gen_vault.py) with a `next_review` date on every
document and people in its settings, imports it and COMMITS revisions with `git
fast-import` (as bench/history.py does), then opens three proposals and starts five runs
through the services, and times `sopvault due`, `sopvault due --mine` and `--json` beside
the floors: `sopvault list` (the load cache), `python -c pass` and `git status`. The first
`due` fills the caches; the figures are the warm runs' medians (p50), wall time and CPU
time (user + system, with git's processes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from gen_vault import OWNERS, generate, timed_process  # noqa: E402

ME = ("Hana Sato", "hana@example.com")
TODAY = date(2026, 11, 25)


def people() -> str:
    """A ``[people]`` table for the generated owners (hana is the quality manager)."""
    lines = []
    for handle in OWNERS:
        roles = '["quality manager", "operator"]' if handle == "hana" else '["operator"]'
        lines += [
            f"[people.{handle}]",
            f'name = "{handle.capitalize()} Bench"' if handle != "hana" else f'name = "{ME[0]}"',
            f'email = "{handle}@example.com"',
            f"roles = {roles}",
            "",
        ]
    return "\n".join(lines)


def dated(out: Path) -> list[str]:
    """Give every document a ``next_review`` spread over a year around TODAY; return the
    vault-relative paths."""
    paths = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    for n, rel in enumerate(paths):
        path = out / rel
        day = TODAY + timedelta(days=(n * 37) % 400 - 40)
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            'review_every = "12 months"\n',
            f'review_every = "12 months"\nnext_review = {day.isoformat()}\n',
            1,
        )
        path.write_text(text, encoding="utf-8")
    return paths


def git(out: Path, *args: str, data: bytes | None = None) -> None:
    subprocess.run(["git", "-C", str(out), *args], input=data, check=True)


def build(out: Path, docs: int, commits: int) -> Path:
    """The vault and its history (made once; removed and made again if half-made)."""
    if (out / ".git" / "sopvault-bench-done").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    generate(out, docs, seed=7)
    config = out / "sopvault.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + people(), encoding="utf-8")
    paths = dated(out)
    stream: list[bytes] = []

    def data(payload: bytes) -> None:
        stream.append(f"data {len(payload)}\n".encode() + payload + b"\n")

    when = 1_700_000_000
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"committer {ME[0]} <{ME[1]}> {when} +0000\n".encode())
    data(b"Import\n\nReviewed-by: Alice Bench <alice@example.com>\n")
    for rel in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        stream.append(f"M 100644 inline {rel}\n".encode())
        data((out / rel).read_bytes())
    texts: dict[str, str] = {}
    for n in range(1, commits + 1):
        rel = paths[(n * 7919) % len(paths)]
        text = texts.get(rel) or (out / rel).read_text(encoding="utf-8")
        texts[rel] = text = text + f"\nRevision note {n}.\n"
        doc_id = re.search(r'^id = "([^"]+)"', text, re.M)
        when += 600
        message = (
            f"Revise {doc_id[1] if doc_id else rel} ({n})\n\n"
            f"Reviewed-by: {ME[0]} <{ME[1]}>\nApproved-at: 2026-01-01T00:00:00Z\n"
        )
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author Bilal Bench <bilal@example.com> {when} +0000\n".encode())
        stream.append(f"committer {ME[0]} <{ME[1]}> {when} +0000\n".encode())
        data(message.encode())
        stream.append(f"M 100644 inline {rel}\n".encode())
        data(text.encode("utf-8"))
    git(out, "init", "-q", "-b", "main")
    git(out, "fast-import", "--quiet", data=b"".join(stream))
    git(out, "checkout", "-q", "-f", "main")
    git(out, "config", "user.name", ME[0])
    git(out, "config", "user.email", ME[1])
    proposals_and_runs(out)
    (out / ".git" / "sopvault-bench-done").write_text("")
    return out


def proposals_and_runs(out: Path) -> None:
    """Three open proposals by bilal (waiting for hana) and five open runs with roles."""
    from sopvault.services.clock import running_from
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.runs import Runs
    from sopvault.services.workspace import Workspace

    ws = Workspace.open(out, clock=running_from(TODAY))
    procedures = sorted(
        (
            d
            for d in ws.vault.state.documents.values()
            if d.id.startswith("SOP-") and (d.status is None or d.status.value != "retired")
        ),
        key=lambda d: d.id,
    )
    env = {"GIT_AUTHOR_NAME": "Bilal Bench", "GIT_AUTHOR_EMAIL": "bilal@example.com"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        control = DocumentControl(ws)
        for doc in procedures[:3]:
            path = out / doc.path
            path.write_text(path.read_text(encoding="utf-8") + "\nA proposed change.\n")
            control.proposals.propose([doc.id], f"Revise {doc.id}")
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    runs = Runs(ws)
    for doc in procedures[10:15]:
        full = ws.vault.get(doc.id)
        roles = {s.role: "hana" for s in full.steps if s.role}
        runs.start(doc.id, roles=roles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "due")
    args = parser.parse_args()
    root = build(args.out, args.docs, args.commits)
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
    ).stdout.strip()
    due = [sys.executable, "-m", "sopvault", "due"]
    shown = subprocess.run(due, cwd=root, capture_output=True, text=True).stdout
    print(f"vault: {root} ({args.docs} documents, {count} commits on main)")
    print(shown.strip().splitlines()[-1])
    figures = {
        "sopvault due": due,
        "sopvault due --mine": [*due, "--mine"],
        "sopvault due --json": [*due, "--json"],
        "sopvault list (floor: the load cache)": [sys.executable, "-m", "sopvault", "list"],
        "git status (floor)": ["git", "status", "--short"],
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
    }
    print(f"{'':<38} {'wall p50':>9} {'CPU p50':>9}")
    for label, command in figures.items():
        runs = [timed_process(command, root) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs) * 1000
        cpu = statistics.median(r[1] for r in runs) * 1000
        print(f"{label:<38} {wall:6.0f} ms {cpu:6.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
