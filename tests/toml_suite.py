"""Trust §1 (TOML compliance): every valid TOML 1.0 file of toml-lang/toml-test, embedded as
extra front matter of a document, proposed and approved through the real CLI.

Shared by ``tests/cli/test_toml_compliance.py`` and ``bench/toml_compliance.py``. The files
are in ``tests/data/toml-test`` (MIT, see its README). Each document gets sopvault's own
keys first and the file after them, so the file's tables stay tables; a top-level key of
the file that sopvault reads itself (``title``, ``owner``) is renamed ``toml_<key>``.
Half the documents carry ``version`` and ``status`` already (the edits replace values),
half do not (the edits add keys in front of the file's tables).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import git
from click.testing import CliRunner

from sopvault.cli.app import cli
from sopvault.core import frontmatter
from sopvault.core.parse import KNOWN_FIELDS
from sopvault.core.readback import differences

DATA = Path(__file__).resolve().parent / "data" / "toml-test"
AUTHOR = ("Alice Moreno", "alice.moreno@harrowfinch.example")
REVIEWER = ("Bilal Okafor", "bilal.okafor@harrowfinch.example")
EDITED = ("version", "status", "effective", "next_review")
BODY = "The body of {name}.\n"
CHANGE = "Changed for review.\n"


def valid_files() -> list[str]:
    """The suite's valid TOML 1.0 files, as paths relative to ``DATA`` (``valid/...``)."""
    listing = (DATA / "files-toml-1.0.0").read_text(encoding="utf-8")
    return [line for line in listing.splitlines() if line.startswith("valid/")]


def embedded(name: str) -> str:
    """The file's text ready to follow sopvault's keys: clashing top-level keys renamed,
    ending in a newline; checked to read as the file did."""
    raw = (DATA / name).read_bytes().decode("utf-8")
    data = tomllib.loads(raw)
    for key in sorted(set(data) & KNOWN_FIELDS):
        raw = re.sub(rf"(?m)^([ \t]*\[{{0,2}}[ \t]*){key}(?=[ \t]*[.=\]])", rf"\1toml_{key}", raw)
    renamed = {(f"toml_{k}" if k in KNOWN_FIELDS else k): v for k, v in data.items()}
    assert differences(tomllib.loads(raw), renamed) == [], f"{name}: renaming failed"
    return raw if raw.endswith("\n") or not raw else raw + "\n"


def document(number: int, name: str) -> str:
    """Document ``POL-<number>``: sopvault's keys, then the embedded file, then a body."""
    own = [f'id = "POL-{number:03d}"', f'title = "toml-test {name}"', 'kind = "policy"']
    if number % 2:
        own += ['version = "1.0"', 'status = "effective"']
    front = "\n".join(own) + f"\n# ---- {name} ----\n" + embedded(name)
    return f"+++\n{front}+++\n" + BODY.format(name=name)


@dataclass(frozen=True)
class Outcome:
    """One file's result: passed, else why. Passing includes every line of the file kept
    as written and in order; ``verbatim`` when no line had to be added among them either."""

    name: str
    passed: bool
    why: str = ""
    verbatim: bool = False


def _env(who: tuple[str, str]) -> dict[str, str]:
    name, email = who
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _sopvault(root: Path, who: tuple[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--vault", str(root), *args], env=_env(who))
    return result.exit_code, (result.output or str(result.exception or "")).strip()


def make_vault(root: Path, names: list[str]) -> None:
    """A vault at ``root`` (``sopvault init``) holding one document per file, on main."""
    code, output = _sopvault(root, AUTHOR, "init", str(root), "--name", "toml-test")
    assert code == 0, output
    folder = root / "policies"
    folder.mkdir()
    for number, name in enumerate(names, start=1):
        (folder / f"POL-{number:03d}.md").write_bytes(document(number, name).encode("utf-8"))
    repo = git.Repo(root)
    repo.git.add("-A")
    with repo.git.custom_environment(**_env(AUTHOR)):
        repo.git.commit("-q", "-m", "The toml-test documents")


def propose_and_approve(root: Path, number: int, name: str) -> Outcome:
    """Edit the body, ``sopvault propose`` as the author, ``sopvault approve`` as the
    reviewer, then judge main's text: the file's data exactly as it was, sopvault's keys
    as the edits set them, the edited body byte for byte."""
    doc_id, rel = f"POL-{number:03d}", f"policies/POL-{number:03d}.md"
    path = root / rel
    before = path.read_bytes().decode("utf-8")
    path.write_bytes((before + CHANGE).encode("utf-8"))
    code, output = _sopvault(root, AUTHOR, "propose", doc_id, "-m", f"Change {name}")
    found = re.match(r"proposal (\d+):", output)
    if code != 0 or found is None:
        return Outcome(name, False, f"propose: {output.splitlines()[-1:]}")
    code, output = _sopvault(root, REVIEWER, "approve", found.group(1), "-m", "ok")
    if code != 0:
        return Outcome(name, False, f"approve: {output.splitlines()[-1:]}")
    blob = git.Repo(root).commit("main").tree / rel
    text = blob.data_stream.read().decode("utf-8")
    return judge(name, before, text)


def judge(name: str, before: str, after: str) -> Outcome:
    """Whether ``after`` (main's text) is ``before`` plus exactly the edits of a proposal
    and its approval, and the body change."""
    old = frontmatter.split(before)
    new = frontmatter.split(after)
    old_front: dict[str, Any] = tomllib.loads(old.front)
    new_front: dict[str, Any] = tomllib.loads(new.front)
    kept = differences(_without(new_front), _without(old_front))
    if kept:
        return Outcome(name, False, f"changed: {', '.join(kept[:5])}")
    if new_front.get("status") != "effective" or type(new_front.get("effective")) is not date:
        return Outcome(name, False, "not effective on main")
    if new.body != old.body + CHANGE:
        return Outcome(name, False, "the body changed")
    if not _lines_kept(embedded(name), after):
        return Outcome(name, False, "a line of the file was changed or moved")
    return Outcome(name, True, verbatim=embedded(name) in after)


def _lines_kept(part: str, text: str) -> bool:
    """Every line of ``part`` is in ``text``, unchanged and in order (lines may have been
    added between them: a key that must go before the file's first table)."""
    lines = iter(text.splitlines(keepends=True))
    return all(any(line == other for other in lines) for line in part.splitlines(keepends=True))


def _without(front: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in front.items() if key not in EDITED}


def run(root: Path, names: list[str]) -> list[Outcome]:
    """The whole compliance run over ``names`` in a new vault at ``root``."""
    make_vault(root, names)
    return [propose_and_approve(root, n, name) for n, name in enumerate(names, start=1)]


def summary(outcomes: list[Outcome]) -> str:
    """``N of M passed`` (and how many kept their text byte for byte), then each failure."""
    passed = sum(o.passed for o in outcomes)
    verbatim = sum(o.verbatim for o in outcomes)
    lines = [
        f"{passed} of {len(outcomes)} passed"
        f" ({verbatim} with the file's text in one piece on main; the others have the new"
        " keys before the file's first table, where TOML needs them)"
    ]
    lines += [f"  FAILED {o.name}: {o.why}" for o in outcomes if not o.passed]
    return "\n".join(lines)
