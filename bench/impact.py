"""Impact figures: `sopvault impact ID` as a whole process on the 10k vault with 5,000
approved revisions (issue 14: at most 0.5 s).

    python bench/impact.py [--docs 10000] [--commits 5000] [--repeat 11] [--out DIR]

Builds (once) the generated vault (`gen_vault.generate`, people holding its roles added to
sopvault.toml), imports it with `git fast-import` as one commit followed by COMMITS
approved revisions spread over its documents, starts three runs of the target procedure
and approves one more revision of it, so the runs follow an older one. Then, after one
warm-up run that leaves the load and runs caches, times whole processes in turns (round
robin; medians and p95 of REPEAT, wall and CPU time) beside floors: the interpreter
starting, `sopvault list --kind policy` (the same cached vault load), and one of the git
questions impact asks (`git ls-tree`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from gen_vault import ROLES, generate, timed_process  # noqa: E402

from sopvault.services.runs import Runs  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402

PEOPLE = [(f"person{n}", f"Person {n}", ROLES[n % len(ROLES)]) for n in range(24)]
REVIEWER = "Bench Reviewer <reviewer@example.com>"


def _people_toml() -> str:
    return "".join(
        f'\n[people.{handle}]\nname = "{name}"\nemail = "{handle}@example.com"\n'
        f'roles = ["{role}"]\n'
        for handle, name, role in PEOPLE
    )


def _revision(doc_id: str, n: int, path: str, text: str, when: int) -> list[bytes]:
    message = (
        f"Revise {doc_id} ({n})\n\nSOP-Id: {doc_id}\nSOP-Version: 1.{n}\n"
        f"Reviewed-by: {REVIEWER}\nApproved-at: 2026-01-01T00:00:00Z\n"
    ).encode()
    payload = text.encode("utf-8")
    return [
        b"commit refs/heads/main\n",
        f"committer Bench Author <author@example.com> {when} +0000\n".encode(),
        f"data {len(message)}\n".encode() + message + b"\n",
        f"M 100644 inline {path}\n".encode(),
        f"data {len(payload)}\n".encode() + payload + b"\n",
    ]


def _import(out: Path, stream: list[bytes], first: bool) -> None:
    if first:
        subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    else:
        stream.insert(0, b"reset refs/heads/main\nfrom refs/heads/main^0\n\n")
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet", "--force"],
        input=b"".join(stream),
        check=True,
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)


def build(out: Path, docs: int, commits: int) -> tuple[Path, str, str]:
    """The vault, the procedure whose impact is timed (the one with the most work
    instructions below it) and a process (related to others: most of the vault)."""
    marker = out / ".bench-ready"
    if not marker.exists():
        shutil.rmtree(out, ignore_errors=True)
        generate(out, docs, seed=7)
        with (out / "sopvault.toml").open("a", encoding="utf-8") as config:
            config.write(_people_toml())
    from sopvault.services.vault import Vault

    state = Vault.open(out).state
    procedures = [  # a retired procedure may not be run, so it cannot be the target
        d
        for d in state.documents.values()
        if d.kind.value == "procedure" and d.status is not None and d.status.value != "retired"
    ]
    target = max(procedures, key=lambda d: (len(state.tree.children_of(d.id)), d.id))
    process = min(d.id for d in state.documents.values() if d.kind.value == "process")
    if marker.exists():
        return out, target.id, process
    ordered = sorted(state.documents.values(), key=lambda d: d.id)
    texts = {d.path: (out / d.path).read_text(encoding="utf-8") for d in ordered}
    when = 1_700_000_000
    message = f"Import\n\nReviewed-by: {REVIEWER}\n".encode()
    stream = [
        b"commit refs/heads/main\n",
        f"committer Bench Author <author@example.com> {when} +0000\n".encode(),
        f"data {len(message)}\n".encode() + message + b"\n",
    ]
    for path in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        if not path.startswith(".git/"):
            data = (out / path).read_bytes()
            stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    for n in range(1, commits + 1):
        doc = ordered[n % len(ordered)]
        texts[doc.path] += f"\nRevision note {n}.\n"
        stream += _revision(doc.id, n, doc.path, texts[doc.path], when + n * 60)
    _import(out, stream, first=True)
    runs = Runs(Workspace.open(out))
    for _ in range(3):
        runs.start(target.id)
    texts[target.path] += "\nOne more approved revision after the runs started.\n"
    _import(out, _revision(target.id, commits + 1, target.path, texts[target.path], when), False)
    marker.write_text("built\n")
    return out, target.id, process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "impact")
    args = parser.parse_args()
    root, target, process = build(args.out, args.docs, args.commits)
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "main"], capture_output=True, text=True
    ).stdout.strip()
    me = [sys.executable, "-m", "sopvault"]
    report = subprocess.run([*me, "impact", target], cwd=root, capture_output=True, text=True)
    print(f"vault: {root} ({count} commits on main)")
    print(f"impact {target}: {report.stdout.count(chr(10))} lines; first lines:")
    for line in report.stdout.splitlines()[:3]:
        print(f"  {line[:100]}")
    path = next(root.glob(f"*/{target}.md")).relative_to(root).as_posix()
    figures = {
        f"sopvault impact {target} (procedure)": [*me, "impact", target],
        f"sopvault impact {target} --json": [*me, "impact", target, "--json"],
        f"sopvault impact {process} (process: most of the vault)": [*me, "impact", process],
        "floor: python -c pass": [sys.executable, "-c", "pass"],
        "floor: sopvault list --kind policy (cached load)": [*me, "list", "--kind", "policy"],
        "floor: git ls-tree main -- PATH": ["git", "ls-tree", "main", "--", path],
    }
    for command in figures.values():
        timed_process(command, root)  # warm-up: caches written, files in the page cache
    # Round robin, so a neighbour's burst of work on a shared machine falls on every
    # figure alike rather than on whichever was being timed then.
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in figures}
    for _ in range(args.repeat):
        for label, command in figures.items():
            samples[label].append(timed_process(command, root))
    for label, runs in samples.items():
        walls = sorted(wall for wall, _ in runs)
        p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
        cpu = statistics.median(c for _, c in runs)
        print(
            f"{label:<55} p50 {statistics.median(walls) * 1000:5.0f} ms"
            f"  p95 {p95 * 1000:5.0f} ms  cpu p50 {cpu * 1000:5.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
