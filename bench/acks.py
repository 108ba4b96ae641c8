"""Acknowledgement figures (issue 14): what a person owes, their training record and one
acknowledgement, on a vault of 10,000 documents with 5,000 approved revisions and about
10,000 acknowledgements, timed as whole processes beside their floors.

    python bench/acks.py [--docs 10000] [--commits 5000] [--repeat 5] [--out DIR]

Builds (once) the generated vault (bench/gen_vault.py) with eight people holding two roles
each, every person's acknowledgement of half the documents they must read, and a history
written with `git fast-import` (bench/scale.py: the import, approved, then COMMITS
approved revisions). `owed` is what `sopvault due` lists (its figure: 0.5 s as a process);
it reads main's tree listing and a blob-keyed cache, never the history.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from gen_vault import OWNERS, ROLES, generate, state_dir  # noqa: E402
from scale import history  # noqa: E402

from sopvault.services.acks import Acknowledgements  # noqa: E402
from sopvault.services.workspace import Workspace  # noqa: E402

TARGET = 0.5  # seconds: `sopvault due` as a process (issue 14)


def people_config(rng: random.Random) -> tuple[str, dict[str, tuple[str, ...]]]:
    """``[people]`` for the generated owners, two roles each, and {handle: roles}."""
    roles = {handle: tuple(rng.sample(ROLES, 2)) for handle in OWNERS}
    lines = ['name = "Synthetic benchmark vault"\n', "[checks]\nextra_verbs = []\n"]
    for handle, held in roles.items():
        listed = ", ".join(f'"{r}"' for r in held)
        lines.append(
            f'[people.{handle}]\nname = "{handle.title()} Bench"\n'
            f'email = "{handle}@example.com"\nroles = [{listed}]\n'
        )
    return "\n".join(lines), roles


def write_acks(root: Path, roles: dict[str, tuple[str, ...]], rng: random.Random) -> int:
    """Each person's acknowledgement of about half the effective documents they must read."""
    written = 0
    for path in sorted(root.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        front = tomllib.loads(text.split("+++\n")[1])
        if front.get("status") != "effective":
            continue
        for handle, held in roles.items():
            if not set(held) & set(front.get("roles", [])) or rng.random() < 0.5:
                continue
            email = f"{handle}@example.com"
            folder = root / "acks" / email
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{front['id']}@{front['version']}-{rng.getrandbits(32):08x}.toml"
            (folder / name).write_text(
                f'document = "{front["id"]}"\nversion = "{front["version"]}"\n'
                f'blob = "{"0" * 40}"\nlanded = "{"0" * 40}"\nname = "{handle}"\n'
                f'email = "{email}"\nat = 2026-01-02T03:04:05Z\n'
                'meaning = "read and understood"\n',
                encoding="utf-8",
            )
            written += 1
    return written


def build(out: Path, docs: int, commits: int) -> Path:
    if (out / ".git").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    rng = random.Random(5)
    generate(out, docs, seed=7)
    config, roles = people_config(rng)
    (out / "sopvault.toml").write_text(config, encoding="utf-8")
    acks = write_acks(out, roles, rng)
    history(out, commits)
    print(f"built {out} ({acks} acknowledgements) in {time.perf_counter() - start:.0f} s")
    return out


def timed(root: Path, args: list[str], repeat: int, *, sopvault: bool = True) -> float:
    """The median wall time of ``sopvault ARGS`` (or ``ARGS``) as a process."""
    command = [sys.executable, "-m", "sopvault", "--vault", str(root), *args] if sopvault else args
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=root)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return statistics.median(times)


def in_process(root: Path, handle: str | None, repeat: int) -> tuple[float, int]:
    """The median time of ``Acknowledgements(ws).owed(person)`` in this process (a fresh
    service each time, the state folder's cache warm), and how many are owed."""
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        service = Acknowledgements(Workspace.open(root))
        person = service.person_of(handle) if handle else None
        count = len(service.owed(person))
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def show(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:<60} {seconds:7.3f} s  {note}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "acks")
    args = parser.parse_args()
    root = build(args.out, args.docs, args.commits)
    files = subprocess.run(
        ["git", "-C", str(root), "ls-tree", "-r", "--name-only", "main", "--", "acks"],
        capture_output=True,
        text=True,
    ).stdout.count("\n")
    print(f"vault: {root}: {args.docs} documents, {args.commits} revisions, {files} acks")
    floor = timed(root, ["git", "ls-tree", "-r", "main"], args.repeat, sopvault=False)
    show("floor: git ls-tree -r main (the one git read owed needs)", floor)
    show(
        "floor: sopvault --version (interpreter and CLI start)",
        timed(root, ["--version"], args.repeat),
    )
    shutil.rmtree(state_dir(root), ignore_errors=True)
    show(
        "sopvault acks --person alice, cold (no cache)",
        timed(root, ["acks", "--person", "alice"], 1),
    )
    show(
        "sopvault acks --person alice (training record), warm",
        timed(root, ["acks", "--person", "alice"], args.repeat),
        f"target for due: {TARGET} s",
    )
    show("sopvault acks PRC-00001, warm", timed(root, ["acks", "PRC-00001"], args.repeat))
    seconds, owed = in_process(root, "alice", args.repeat)
    show("Acknowledgements.owed(alice) in process, warm", seconds, f"{owed} owed")
    seconds, owed = in_process(root, None, args.repeat)
    show("Acknowledgements.owed() everyone, in process, warm", seconds, f"{owed} owed")
    env = os.environ | {"GIT_AUTHOR_NAME": "Alice Bench", "GIT_AUTHOR_EMAIL": "alice@example.com"}
    env |= {"GIT_COMMITTER_NAME": "Alice Bench", "GIT_COMMITTER_EMAIL": "alice@example.com"}
    target = (
        Acknowledgements(Workspace.open(root))
        .owed(Acknowledgements(Workspace.open(root)).person_of("alice"))[0]
        .doc_id
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(root), "ack", target],
        capture_output=True,
        text=True,
        env=env,
    )
    show(
        f"sopvault ack {target} (one commit on main)",
        time.perf_counter() - start,
        done.stderr.strip(),
    )
    show(
        "sopvault acks --person alice, after main moved",
        timed(root, ["acks", "--person", "alice"], 1),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
