"""Issue 14 (speed): git without GitPython's import. The quick discovery of an ordinary
``.git`` folder agrees with GitPython's and steps aside for anything unusual; the one
persistent ``cat-file --batch`` reads objects, answers None for what git lacks, and
restarts after its process died."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.store.git.discovery import discover, plain_work_tree
from sopvault.store.git.errors import GitError
from sopvault.store.git.repo import Repo
from sopvault.store.git.runner import only_reads


def test_an_ordinary_work_tree_is_found_without_gitpython(work_tree: Path) -> None:
    """Issue 14 (speed): the quick path gives what GitPython's discovery gives, for the
    top and a subfolder, and a fresh process finding it imports no GitPython."""
    assert plain_work_tree(work_tree) == work_tree.resolve()
    assert plain_work_tree(work_tree / "docs") == work_tree.resolve() == discover(work_tree)
    code = (
        "import sys; from pathlib import Path; from sopvault.store.git.repo import Repo;"
        f" r = Repo.at(Path({str(work_tree / 'docs')!r})); print(r.root, 'git' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == [str(work_tree.resolve()), "False"], done.stderr


@pytest.mark.parametrize(
    "config",
    ["[core]\n\tbare = true\n", "[core]\n\tworktree = /elsewhere\n", "[include]\n\tpath = x\n"],
)
def test_unusual_config_is_left_to_gitpython(work_tree: Path, config: str) -> None:
    """Issue 14 (speed): a bare flag, a moved work tree or an included file: GitPython
    decides (the quick path answers None)."""
    with open(work_tree / ".git" / "config", "a", encoding="utf-8") as handle:
        handle.write(config)
    assert plain_work_tree(work_tree) is None


def test_steering_variables_and_git_files_are_left_to_gitpython(
    work_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): GIT_DIR in the environment, a ``.git`` file (a linked work
    tree, a submodule) and a folder inside ``.git`` are GitPython's to judge."""
    monkeypatch.setenv("GIT_DIR", str(work_tree / ".git"))
    assert plain_work_tree(work_tree) is None
    monkeypatch.delenv("GIT_DIR")
    assert plain_work_tree(work_tree / ".git" / "refs") is None
    linked = tmp_path / "linked"
    subprocess.run(
        ["git", "-C", str(work_tree), "worktree", "add", "-q", "-b", "side", str(linked)],
        check=True,
    )
    assert plain_work_tree(linked) is None
    assert discover(linked) == linked.resolve()


def test_a_head_that_is_not_git_s_is_left_to_gitpython(work_tree: Path) -> None:
    """Issue 14 (speed): a ``.git`` whose HEAD git would not take is not taken here."""
    (work_tree / ".git" / "HEAD").write_text("garbage\n", encoding="utf-8")
    assert plain_work_tree(work_tree) is None


def test_objects_are_read_through_one_process(repo: Repo, work_tree: Path) -> None:
    """Issue 14 (speed): blobs by id and by ``rev:path`` through one ``cat-file``;
    a missing object, an ambiguous or line-broken name is None, never an error."""
    assert repo.blob("HEAD", "b.md") == b"beta\n"
    assert repo.blob("HEAD", "docs/a.md") == b"alpha\n"
    assert repo.blob("HEAD", "nowhere.md") is None
    runner = repo._runner
    assert runner.read_object("HEAD:b.md\nHEAD:docs/a.md") is None
    assert runner.read_object("0" * 40) is None
    kind, data = runner.read_object("HEAD") or ("", b"")
    assert kind == "commit" and b"First" in data
    batch = runner._batch
    assert batch is not None
    pid = batch._process.pid
    assert runner.read_object("HEAD:b.md") == ("blob", b"beta\n")
    assert runner._batch is batch and batch._process.pid == pid  # the same process


def test_a_reader_that_died_is_reported_then_restarted(repo: Repo) -> None:
    """Issue 14 (speed): the reader's process killed under it: one GitError, then the
    next read starts another and answers."""
    assert repo.blob("HEAD", "b.md") == b"beta\n"
    batch = repo._runner._batch
    assert batch is not None
    batch._process.kill()
    batch._process.wait()
    with pytest.raises(GitError, match="cat-file"):
        repo._runner.read_object("HEAD:b.md")
    assert repo.blob("HEAD", "b.md") == b"beta\n"
    repo.close()
    assert repo._runner._batch is None


def test_blobs_stream_in_order_and_an_early_stop_ends_git(repo: Repo, work_tree: Path) -> None:
    """Issue 14 (speed): many blobs through one ``cat-file`` fed from a thread, read as
    they come: ids git lacks are left out, and a caller that stops early leaves no
    process behind."""
    ids = repo.blob_ids("HEAD", ["b.md", "docs/a.md"])
    wanted = [ids["b.md"], "f" * 40, ids["docs/a.md"], "not an id"]
    assert list(repo.stream_blobs(wanted)) == [
        (ids["b.md"], b"beta\n"),
        (ids["docs/a.md"], b"alpha\n"),
    ]
    stream = repo.stream_blobs([ids["b.md"], ids["docs/a.md"]])
    assert next(stream) == (ids["b.md"], b"beta\n")
    stream.close()  # the generator's finally: git killed and waited for
    assert list(repo.stream_blobs([])) == []


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("args", [["due"], ["due", "--json"], ["show", "SOP-003"]])
def test_due_and_show_import_no_gitpython(demo_path: Path, args: list[str]) -> None:
    """Issue 14 (speed): ``due`` (0.5 s on 10,000 documents) and ``show`` run git
    without GitPython's import (0.08-0.12 s alone), and without Textual or Whoosh."""
    code = (
        f"import sys; from sopvault.cli import main; code = main({args!r});"
        " print('MODS', *[m for m in ('git', 'textual', 'whoosh') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=demo_path, capture_output=True, text=True
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("MODS"))
    assert line == "MODS", done.stderr


@pytest.mark.parametrize(
    ("args", "reads"),
    [
        (["rev-parse", "HEAD"], True),
        (["-c", "log.showSignature=false", "-c", "core.quotePath=false", "log", "-1"], True),
        (["hash-object", "--stdin-paths"], True),
        (["hash-object", "-w", "--stdin"], False),
        (["commit-tree", "abc"], False),
        (["update-ref", "refs/heads/main", "abc"], False),
        (["-c", "x=y", "merge", "topic"], False),
        (["push", "origin", "main"], False),
        (["config", "--null", "--get-regexp", "^gpg\\."], True),
        (["config", "--get", "user.signingkey"], True),
        (["config", "user.name", "Someone"], False),
        (["config", "--unset", "user.name"], False),
        ([], False),
    ],
)
def test_only_commands_that_read_skip_gitpython(args: list[str], reads: bool) -> None:
    """Issue 14 (speed): a command that only reads runs as a plain process; every command
    that changes a repository goes through GitPython, the project's way to git."""
    assert only_reads(args) is reads


def test_a_commit_goes_through_gitpython(demo_path: Path) -> None:
    """Issue 14 (speed): writing (a run's commit, a proposal) still uses GitPython."""
    code = (
        "import sys; from pathlib import Path;"
        " from sopvault.services.workspace import Workspace;"
        " from sopvault.services.runs import Runs;"
        " runs = Runs(Workspace.open(Path('.')));"
        " print('BEFORE', 'git' in sys.modules);"
        " started = runs.start('SOP-003');"
        " done = runs.abort(started.run.id, 'a test')[1];"
        " print('COMMIT', done is not None, 'git' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=demo_path, capture_output=True, text=True, check=False
    )
    assert "BEFORE False" in done.stdout and "COMMIT True True" in done.stdout, done.stderr
