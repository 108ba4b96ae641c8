"""The one runner and the plumbing on it: a real repository, no mocks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import git
import pytest

from sopvault.model.control import Identity
from sopvault.store.git import diffs
from sopvault.store.git.discovery import changed_between, worktree_status
from sopvault.store.git.errors import GitError, GitUnavailable
from sopvault.store.git.repo import ZERO, Repo
from sopvault.store.git.runner import POLICY, Runner, environment, query


def test_arguments_reach_git_verbatim_never_through_a_shell(
    repo: Repo, work_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tricky = "a b; touch pwned $(touch pwned2) `touch pwned3` | cat > x"
    message = f"Subject {tricky}\n"
    with pytest.warns(DeprecationWarning), monkeypatch.context() as patch:
        patch.setattr(git.Git, "USE_SHELL", True)  # even when GitPython is told to use one
        runner = Runner(work_tree, {})
        assert runner.text(["rev-parse", "--sq-quote", tricky]) == f"'{tricky}'"
        sha = repo.commit_tree(repo.tree_of("HEAD"), [repo.rev("HEAD") or ""], message)
    assert repo.message_of(sha) == message
    assert sorted(p.name for p in work_tree.iterdir()) == [".git", "b.md", "docs"]


def test_the_environment_policy(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_INDEX_FILE", "/nowhere/index")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    env = environment({"GIT_AUTHOR_NAME": "Bo"})
    assert "GIT_INDEX_FILE" not in env
    assert {k: env[k] for k in POLICY} == dict(POLICY)
    assert env["LC_ALL"] == "C" and env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_AUTHOR_NAME"] == "Bo"
    # git itself sees the policy, and the repository's own index rather than the inherited one
    runner = Runner(repo.root, {})
    assert runner.text(["var", "GIT_PAGER"]) == "cat"
    assert runner.run(["ls-files", "-z"]) == b"b.md\0docs/a.md\0"
    assert query(repo.root, "ls-files") == b"b.md\ndocs/a.md\n"


def test_a_missing_git_is_said_plainly(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GitUnavailable, match="cannot run git"):
        repo.rev("HEAD")
    assert query(repo.root, "status") is None


def test_update_ref_is_compare_and_swap(repo: Repo) -> None:
    first = repo.rev("HEAD") or ""
    second = repo.commit_tree(repo.tree_of("HEAD"), [first], "Second\n")
    repo.update_ref("refs/heads/x", first, ZERO)
    with pytest.raises(GitError):
        repo.update_ref("refs/heads/x", second, ZERO)  # must not exist yet: it does
    with pytest.raises(GitError):
        repo.update_ref("refs/heads/x", second, second)  # a stale old value
    assert repo.rev("refs/heads/x") == first
    repo.update_ref("refs/heads/x", second, first)
    assert repo.refs("refs/heads/x") == [("refs/heads/x", second)]
    with pytest.raises(GitError):
        repo.delete_ref("refs/heads/x", first)
    repo.delete_ref("refs/heads/x", second)
    assert repo.rev("refs/heads/x") is None


def test_a_stale_ref_lock_comes_with_advice(repo: Repo, work_tree: Path) -> None:
    lock = work_tree / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("", encoding="utf-8")
    with pytest.raises(GitError, match=r"a git reference is locked by .*main\.lock.*\(rm '"):
        repo.update_ref("refs/heads/main", repo.rev("HEAD") or "", None)
    (work_tree / ".git" / "index.lock").write_text("", encoding="utf-8")
    with pytest.raises(GitError, match="git's index is locked by"):
        repo.check_index_unlocked()


def test_the_private_index_never_touches_the_users(repo: Repo, work_tree: Path) -> None:
    (work_tree / "b.md").write_text("beta, staged by the user\n", encoding="utf-8")
    git.Repo(work_tree).git.add("b.md")
    (work_tree / "docs" / "a.md").write_text("alpha, not staged\n", encoding="utf-8")
    index = work_tree / ".git" / "index"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    head = repo.rev("HEAD") or ""
    tree = repo.tree_with(head, {"docs/new.md": b"new\n", "b.md": None})
    sha = repo.commit_tree(tree, [head], "Proposal\n", author=Identity("Bo", "bo@example.com"))
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert (work_tree / "b.md").read_text(encoding="utf-8") == "beta, staged by the user\n"
    assert (work_tree / "docs" / "a.md").read_text(encoding="utf-8") == "alpha, not staged\n"
    assert not (work_tree / "docs" / "new.md").exists()
    assert repo.rev("HEAD") == head
    listed = git.Repo(work_tree).git.ls_tree("-r", "--name-only", sha).split()
    assert listed == ["docs/a.md", "docs/new.md"]
    assert [c.author for c in repo.log(f"{head}..{sha}")] == [Identity("Bo", "bo@example.com")]
    assert not [n for n in os.listdir(work_tree / ".git") if n.startswith("sopvault-index-")]
    patch = diffs.patch(repo, head, sha)
    assert repo.apply_to(head, patch) == tree
    assert repo.apply_to(sha, patch) is None


def test_blobs_are_read_in_one_batch(
    repo: Repo, work_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = repo.rev("HEAD") or ""
    files = {f"many/{i:03}.md": f"file {i}\n".encode() for i in range(150)}
    tip = repo.commit_tree(repo.tree_with(head, files), [head], "Many\n")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    names = [f"{tip}:{path}" for path in files]
    assert repo.blobs(names) == list(files.values())
    odd = [f"{tip}:missing.md", f"{tip}:many", f"{head}:b.md"]  # missing, a tree, a file
    assert repo.blobs(odd) == [None, None, b"beta\n"]
    assert repo.blob(tip, "many/007.md") == b"file 7\n"
    assert repo.blob(head, "many/007.md") is None
    started = [line for line in trace.read_text().splitlines() if "built-in: git cat-file" in line]
    assert len(started) == 1  # one process served all 155 reads
    repo.close()


def test_object_ids_are_named_by_git_without_reading_content(repo: Repo) -> None:
    """Issue 16 (export html: is main's text the landed one?): the blob id at each
    ``rev:path`` from one ``cat-file --batch-check``, as ``ls-tree`` names it; None for a
    missing path, a tree, and a name holding a line break, in their places."""
    head = repo.rev("HEAD") or ""
    files = {"a b.md": b"spaced\n", "c.md": b"gamma\n"}
    tip = repo.commit_tree(repo.tree_with(head, files), [head], "Two\n")
    names = [f"{tip}:a b.md", f"{tip}:nope.md", f"{tip}:c.md", f"{tip}:x\ny.md", tip, "HEAD:b.md"]
    ids = repo.object_ids(names)
    listed = repo.blob_ids(tip, ["a b.md", "c.md", "b.md"])
    assert ids == [listed["a b.md"], None, listed["c.md"], None, None, listed["b.md"]]


def test_log_reads_trailers_paths_and_blob_ids(repo: Repo) -> None:
    head = repo.rev("HEAD") or ""
    tree = repo.tree_with(head, {"docs/a.md": b"alpha 2\n"})
    sha = repo.commit_tree(tree, [head], "Change a\n\nBody line.\n\nSOP-Id: A\nReviewed-by: Bo\n")
    repo.update_ref("refs/heads/main", sha, head)
    [latest] = repo.log(f"{head}..main", raw=True)
    assert (latest.sha, latest.parents, latest.subject) == (sha, (head,), "Change a")
    assert latest.trailers == [("SOP-Id", "A"), ("Reviewed-by", "Bo")]
    old = repo.blob_ids(head, ["docs/a.md"])["docs/a.md"]
    new = repo.blob_ids(sha, ["docs/a.md", "nope.md"])
    assert latest.changes == (("docs/a.md", old, new["docs/a.md"]),) and list(new) == ["docs/a.md"]
    both = [c.paths for c in repo.log("main", names=True)]
    assert both == [("docs/a.md",), ("b.md", "docs/a.md")]


def test_the_search_path_queries(repo: Repo, work_tree: Path) -> None:
    head = repo.rev("HEAD") or ""
    (work_tree / "docs" / "a.md").write_text("changed\n", encoding="utf-8")
    (work_tree / "docs" / "c.md").write_text("new\n", encoding="utf-8")
    status = worktree_status(work_tree, "docs")
    assert status is not None and status.head == head
    assert status.changed == {"docs/a.md", "docs/c.md"}
    tip = repo.commit_tree(repo.tree_with(head, {"b.md": b"b2\n"}), [head], "B\n")
    assert changed_between(work_tree, head, tip, ".") == {"b.md"}
    assert changed_between(work_tree, head, "0" * 40, ".") is None


def test_changed_between_each_asks_once_and_answers_as_changed_between(repo: Repo) -> None:
    head = repo.rev("HEAD") or ""
    one = repo.commit_tree(repo.tree_with(head, {"docs/a.md": b"alpha 2\n"}), [head], "One\n")
    # a path that looks like a commit id, to show that paths are never taken for headers
    two = repo.commit_tree(
        repo.tree_with(one, {head: b"x\n", "b.md": b"b2\n", "docs/c.md": b"c\n"}), [one], "Two\n"
    )
    pairs = [(head, one), (one, one), (head, two), (one, two), (two, head)]
    expected = [sorted(diffs.changed_between(repo, old, new)) for old, new in pairs]
    assert expected[1] == [] and head in expected[3]
    calls: list[tuple[str, ...]] = []
    run = repo._run

    def counted(*args: str, **kw: Any) -> bytes:
        calls.append(args)
        return run(*args, **kw)

    repo._run = counted  # type: ignore[method-assign]
    found = diffs.changed_between_each(repo, pairs)
    assert [sorted(paths) for paths in found] == expected
    assert [c[0] for c in calls] == ["diff-tree"]  # one process for all five
    assert diffs.changed_between_each(repo, []) == []
    with pytest.raises(GitError):
        diffs.changed_between_each(repo, [(head, one), (ZERO, two)])  # as `git diff` refuses
