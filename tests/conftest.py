"""Fixtures: real git repositories and vaults in temp folders, with a fixed identity and date."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import git
import pytest

from sopvault.services.clock import running_from
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace

pytest_plugins = ["tests.trailer_oracle"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_vault"
TODAY = date(2026, 11, 25)
FIXED_DATE = "2026-11-20T09:00:00+00:00"


def workspace_at(root: Path) -> Workspace:
    """The workspace of the vault at ``root``, its clock on TODAY (running from noon)."""
    return Workspace.open(root, clock=running_from(TODAY))


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the machine's git config or the user's cache folder, and always
    commit as the same person."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    # Every test keeps sopvault's caches and index in a folder of its own (Trust §3).
    monkeypatch.setenv("SOPVAULT_CACHE_DIR", str(tmp_path_factory.mktemp("state") / "sopvault"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for key, value in {
        "GIT_AUTHOR_NAME": "Alice Moreno",
        "GIT_AUTHOR_EMAIL": "alice.moreno@harrowfinch.example",
        "GIT_COMMITTER_NAME": "Alice Moreno",
        "GIT_COMMITTER_EMAIL": "alice.moreno@harrowfinch.example",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
    }.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def utc() -> Iterator[None]:
    """Local time is UTC while the test runs: a bare date is a UTC day and times show in
    UTC, whatever the machine's zone (snapshots, ``--as-of``, deadlines)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def act_as(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Become one of the sample company's people for the next git commands."""
    email = f"{name.split()[0].lower()}.{name.split()[1].lower()}@harrowfinch.example"
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", name)
        monkeypatch.setenv(f"GIT_{role}_EMAIL", email)


# SOP-010's first six steps with good evidence; step 7 then does not apply.
SOP10_ANSWERS = ((1, "yes"), (2, "60"), (3, None), (4, None), (5, None), (6, "pass"))


def walk_to_the_end(runs: Runs, run_id: str) -> None:
    """Record SOP-010's steps 1 to 6 in a run, as a careful operator would."""
    for number, value in SOP10_ANSWERS:
        runs.mark(run_id, number, "done", value=value)


def commit_all(folder: Path, message: str = "Add sample vault") -> git.Repo:
    """``git init`` (if needed) and commit everything in ``folder``."""
    if (folder / ".git").exists():
        repo = git.Repo(folder)
    else:
        repo = git.Repo.init(folder, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit(m=message)
    return repo


def copy_sample(target: Path) -> Path:
    # runs/: records a user made by trying the sample here are not part of it
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".sopvault", "runs"))
    return target


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """A copy of sample_vault/ committed as its own repository."""
    path = copy_sample(tmp_path / "vault")
    commit_all(path)
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sopvault demo`` made once per session, away from the machine's git config."""
    from sopvault.services.demo import make_demo

    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        return make_demo(tmp_path_factory.mktemp("demo-template") / "demo").root


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo: the sample vault with a year of approved, rejected and
    open proposals (WI-004's, by Alice Moreno, waits for review)."""
    return Path(shutil.copytree(demo_template, tmp_path / "demo", symlinks=True))


@pytest.fixture
def sample_vault(sample_path: Path) -> Vault:
    return Vault.open(sample_path, clock=running_from(TODAY))


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL_CONFIG = 'name = "Test vault"\n'


@pytest.fixture
def empty_vault(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "v"
    write(root, "sopvault.toml", MINIMAL_CONFIG)
    old = os.getcwd()
    yield root
    os.chdir(old)


BROKEN_FILES = {
    "policies/good-policy.md": (
        '+++\nid = "POL-1"\ntitle = "Good policy"\nkind = "policy"\nstatus = "effective"\n+++\n'
        "We do things well.\n"
    ),
    "processes/good-process.md": (
        '+++\nid = "PRC-1"\ntitle = "Good process"\nkind = "process"\nparents = ["POL-1"]\n+++\n'
    ),
    "procedures/good-procedure.md": (
        '+++\nid = "SOP-1"\ntitle = "Good procedure"\nkind = "procedure"\nparents = ["PRC-1"]\n\n'
        '[[steps]]\naction = "Check the stock"\nrole = "clerk"\n\n'
        '[[steps]]\naction = "Count the pallets"\ncritical = true\n+++\nBody.\n'
    ),
    "broken/toml-syntax.md": '+++\nid = "B-1"\ntitle = "Broken\nkind = "policy"\n+++\n',
    "broken/missing-title.md": '+++\nid = "B-2"\nkind = "policy"\n+++\n',
    "broken/wrong-type.md": '+++\nid = "B-3"\ntitle = "T"\nkind = "policy"\ntags = 5\n+++\n',
    "stray/duplicate-id.md": '+++\nid = "POL-1"\ntitle = "Again"\nkind = "policy"\n+++\n',
    "broken/unknown-links.md": (
        '+++\nid = "B-5"\ntitle = "Links"\nkind = "procedure"\nparents = ["NOPE"]\n'
        'related = ["GONE"]\n\n[[steps]]\naction = "Check it"\ninstruction = "WI-404"\n+++\n'
    ),
    "broken/cycle-a.md": (
        '+++\nid = "CYC-A"\ntitle = "Cycle A"\nkind = "process"\nparents = ["CYC-B"]\n+++\n'
    ),
    "broken/cycle-b.md": (
        '+++\nid = "CYC-B"\ntitle = "Cycle B"\nkind = "process"\nparents = ["CYC-A"]\n+++\n'
    ),
    "broken/bad-parent-kind.md": (
        '+++\nid = "B-7"\ntitle = "Policy under a procedure"\nkind = "policy"\n'
        'parents = ["SOP-1"]\n+++\n'
    ),
    "broken/no-verb.md": (
        '+++\nid = "B-8"\ntitle = "No verbs"\nkind = "procedure"\n\n'
        '[[steps]]\naction = "The operator checks the valve"\n+++\n'
    ),
    "broken/empty-procedure.md": '+++\nid = "B-9"\ntitle = "Empty"\nkind = "procedure"\n+++\n',
    "broken/no-closing.md": '+++\nid = "B-10"\ntitle = "Open"\nkind = "policy"\n',
    "broken/yaml.md": "---\ntitle: yaml\n---\n",
    "notes/README.md": "# Not a document\n",
}

# (file, line, code): every error class `sopvault check` must find in BROKEN_FILES.
BROKEN_EXPECTED = {
    ("broken/toml-syntax.md", 3, "front-matter"),
    ("broken/missing-title.md", 1, "missing-field"),
    ("broken/wrong-type.md", 5, "wrong-type"),
    ("stray/duplicate-id.md", 2, "duplicate-id"),
    ("broken/unknown-links.md", 5, "unknown-parent"),
    ("broken/unknown-links.md", 6, "unknown-related"),
    ("broken/unknown-links.md", 8, "unknown-instruction"),
    ("broken/cycle-a.md", 5, "parent-cycle"),
    ("broken/bad-parent-kind.md", 5, "bad-parent-kind"),
    ("broken/no-verb.md", 6, "step-verb"),
    ("broken/empty-procedure.md", 4, "empty-procedure"),
    ("broken/no-closing.md", 5, "front-matter"),
    ("broken/yaml.md", 1, "front-matter"),
}


@pytest.fixture
def broken_path(tmp_path: Path) -> Path:
    """A vault mixing three good documents with one broken file per error class."""
    root = tmp_path / "broken-vault"
    write(root, "sopvault.toml", MINIMAL_CONFIG)
    for rel, text in BROKEN_FILES.items():
        write(root, rel, text)
    commit_all(root, "Add broken vault")
    return root
