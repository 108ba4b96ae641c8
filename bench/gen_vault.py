"""Generate a large synthetic vault for benchmarks: realistic shape, deterministic content.

    python bench/gen_vault.py OUT_DIR [--docs 10000] [--seed 7] [--git]

About 2 % policies, 8 % processes, 45 % procedures, 30 % work instructions, 7 % standards and
8 % forms, each linked to a parent of an allowed kind, procedures and work instructions with
3-12 steps. ``--git`` also makes OUT_DIR a repository with everything committed.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import tomli_w

VERBS = [
    "Check",
    "Record",
    "Send",
    "Inspect",
    "Weigh",
    "Count",
    "Label",
    "Clean",
    "Verify",
    "Measure",
    "Prepare",
    "Review",
    "Confirm",
    "Open",
    "Close",
    "Load",
    "Pack",
    "Sign",
    "Approve",
    "Update",
    "Sample",
    "Test",
    "Report",
    "Notify",
    "Calibrate",
    "Store",
]
NOUNS = [
    "pallet",
    "invoice",
    "order",
    "valve",
    "pump",
    "freezer",
    "label",
    "carton",
    "batch",
    "sample",
    "supplier",
    "customer",
    "report",
    "filter",
    "tank",
    "forklift",
    "scanner",
    "ledger",
    "shipment",
    "alarm",
    "respirator",
    "gauge",
    "conveyor",
    "reorder point",
    "thermometer",
    "contract",
    "account",
    "password",
    "badge",
    "manifest",
]
ADJECTIVES = [
    "incoming",
    "damaged",
    "monthly",
    "critical",
    "outbound",
    "spare",
    "weekly",
    "hot",
    "frozen",
    "approved",
    "pending",
    "overdue",
    "sealed",
    "hazardous",
]
ROLES = [
    "warehouse lead",
    "operator",
    "quality manager",
    "buyer",
    "clerk",
    "supervisor",
    "technician",
    "driver",
    "credit controller",
    "support agent",
]
DEPARTMENTS = ["Operations", "Warehouse", "Quality", "Finance", "Sales", "Plant", "IT", "HR"]
OWNERS = ["alice", "bilal", "carmen", "dmitri", "erin", "farah", "gareth", "hana"]
TAGS = [
    "inventory",
    "safety",
    "finance",
    "customers",
    "plant",
    "security",
    "shipping",
    "quality",
    "training",
    "compliance",
    "cold-chain",
    "returns",
]
SHARE = [
    ("policy", 0.02),
    ("process", 0.08),
    ("procedure", 0.45),
    ("work_instruction", 0.30),
    ("standard", 0.07),
    ("form", 0.08),
]
SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
PREFIX = {
    "policy": "POL",
    "process": "PRC",
    "procedure": "SOP",
    "work_instruction": "WI",
    "standard": "STD",
    "form": "FRM",
}
FOLDER = {
    "policy": "policies",
    "process": "processes",
    "procedure": "procedures",
    "work_instruction": "work-instructions",
    "standard": "standards",
    "form": "forms",
}
PARENT_KIND = {
    "policy": None,
    "process": "policy",
    "procedure": "process",
    "work_instruction": "procedure",
    "standard": "procedure",
    "form": "procedure",
}


_VOCAB: tuple[list[str], list[float]] | None = None


def zipf_words(rng: random.Random, count: int) -> list[str]:
    assert _VOCAB is not None
    words, cumulative = _VOCAB
    return rng.choices(words, cum_weights=cumulative, k=count)


def phrase(rng: random.Random, words: int) -> str:
    """Mostly Zipf-distributed words, with a few stock nouns so common queries hit some."""
    chosen = zipf_words(rng, words)
    if rng.random() < 0.3:
        chosen[rng.randrange(words)] = rng.choice(NOUNS)
    return " ".join(chosen)


def sentence(rng: random.Random) -> str:
    noun = rng.choice(NOUNS) if rng.random() < 0.15 else zipf_words(rng, 1)[0]
    return f"{rng.choice(VERBS)} the {zipf_words(rng, 1)[0]} {noun}"


def vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """Real words from the sample vault, then made-up ones, weighted by Zipf's law so that
    a few words are everywhere and most are rare, as in real text."""
    words: list[str] = []
    seen: set[str] = set()
    for path in sorted(SAMPLE.rglob("*.md")):
        for word in re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower()):
            if word not in seen:
                seen.add(word)
                words.append(word)
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


def body(rng: random.Random, title: str, vocab: tuple[list[str], list[float]]) -> str:
    words, cumulative = vocab
    paragraphs = [f"# {title}", ""]
    for _ in range(rng.randint(2, 5)):
        chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(30, 80))
        if rng.random() < 0.02:
            chosen[len(chosen) // 2 : len(chosen) // 2] = ["freezer", "alarm", "at", "night"]
        paragraphs += [" ".join(chosen).capitalize() + ".", ""]
    return "\n".join(paragraphs)


def generate(out: Path, total: int, seed: int) -> int:
    global _VOCAB
    rng = random.Random(seed)
    vocab = _VOCAB = vocabulary(rng)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sopvault.toml").write_text(
        'name = "Synthetic benchmark vault"\n\n[checks]\nextra_verbs = []\n', encoding="utf-8"
    )
    (out / ".gitignore").write_text(".sopvault/\n", encoding="utf-8")
    counts = {kind: max(1, round(total * share)) for kind, share in SHARE}
    counts["procedure"] += total - sum(counts.values())
    ids: dict[str, list[str]] = {kind: [] for kind in counts}
    written = 0
    for kind, _ in SHARE:
        folder = out / FOLDER[kind]
        folder.mkdir(exist_ok=True)
        for number in range(1, counts[kind] + 1):
            doc_id = f"{PREFIX[kind]}-{number:05d}"
            title = f"{sentence(rng)} {number}".capitalize()
            front: dict[str, object] = {
                "id": doc_id,
                "title": title,
                "kind": kind,
                "version": f"{rng.randint(1, 4)}.{rng.randint(0, 9)}",
                "status": rng.choice(["effective"] * 6 + ["draft", "in_review", "retired"]),
                "owner": rng.choice(OWNERS),
                "department": rng.choice(DEPARTMENTS),
                "purpose": phrase(rng, 10).capitalize() + ".",
                "tags": rng.sample(TAGS, rng.randint(1, 3)),
                "review_every": "12 months",
            }
            parent_kind = PARENT_KIND[kind]
            if parent_kind and ids[parent_kind]:
                front["parents"] = [rng.choice(ids[parent_kind])]
            if kind == "process" and len(ids["process"]) > 2:
                front["related"] = rng.sample(ids["process"], 2)
            if kind in ("procedure", "work_instruction"):
                front["roles"] = rng.sample(ROLES, 2)
                front["steps"] = [
                    {
                        "action": sentence(rng),
                        "role": rng.choice(ROLES),
                        "duration": f"{rng.randint(5, 60)}m",
                        "details": phrase(rng, 15).capitalize() + ".",
                    }
                    | ({"critical": True, "record": "yesno"} if rng.random() < 0.2 else {})
                    for _ in range(rng.randint(3, 12))
                ]
            text = f"+++\n{tomli_w.dumps(front)}+++\n{body(rng, title, vocab)}"
            (folder / f"{doc_id}.md").write_text(text, encoding="utf-8")
            ids[kind].append(doc_id)
            written += 1
    return written


def commit_all(out: Path) -> None:
    """Make ``out`` a repository with everything committed, as a fixed bench identity."""
    env_id = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(["git", "-C", str(out), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(out), *env_id, "commit", "-qm", "Generated vault"], check=True)


def state_dir(root: Path) -> Path:
    """Where sopvault keeps this vault's caches and index: the user's cache folder, never
    the vault (removing it makes the next run cold)."""
    from sopvault.store.statedir import cache_root, vault_key

    return cache_root() / vault_key(root)


def bench_arguments(description: str) -> argparse.Namespace:
    """The command line both benchmarks take: an optional vault, its size, repetitions."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("vault", type=Path, nargs="?")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def bench_vault(given: Path | None, docs: int, git: bool) -> Path:
    """The vault a benchmark runs on: the one given, or a generated one under bench/out/."""
    if given is not None:
        return given.resolve()
    out = Path(__file__).resolve().parent / "out" / f"{'git-' if git else ''}vault-{docs}"
    if not (out / "sopvault.toml").exists():
        generate(out, docs, seed=7)
        if git:
            commit_all(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--git", action="store_true", help="git init and commit everything")
    args = parser.parse_args()
    count = generate(args.out, args.docs, args.seed)
    if args.git:
        commit_all(args.out)
    print(f"wrote {count} documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def timed_process(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children such as git) of
    one whole process, its output discarded: on a shared machine the CPU time says what
    the command costs when the wall time waits for other work. ``env``: the process's
    environment (default: this one's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu
