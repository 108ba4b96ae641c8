"""The questions services ask of git in their own words (counts, upstream, trailers, the
user's index, a new repository): real repositories, no mocks."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from sopvault.model.control import Identity
from sopvault.store.git import index
from sopvault.store.git.discovery import init_repository
from sopvault.store.git.errors import GitError
from sopvault.store.git.repo import Repo


def commit(repo: Repo, parents: list[str], text: str, files: dict[str, bytes] | None = None) -> str:
    """A commit on ``parents`` (the first one's tree with ``files`` set); no ref moves."""
    base = parents[0] if parents else None
    return repo.commit_tree(repo.tree_with(base, files or {}), parents, text)


def test_upstream_remote_is_the_branch_config_or_none(repo: Repo, work_tree: Path) -> None:
    assert repo.upstream_remote("main") is None
    with git.Repo(work_tree).config_writer() as config:
        config.set_value('branch "main"', "remote", "team")
    assert repo.upstream_remote("main") == "team"
    assert repo.upstream_remote("other") is None


def test_ahead_behind_and_counts(repo: Repo) -> None:
    base = repo.rev("HEAD") or ""
    mine = commit(repo, [commit(repo, [base], "Mine 1\n")], "Mine 2\n")
    theirs = commit(repo, [base], "Theirs\n")
    assert repo.ahead_behind(mine, theirs) == (2, 1)
    assert repo.ahead_behind(theirs, mine) == (1, 2)
    assert repo.ahead_behind(mine, mine) == (0, 0)
    assert repo.count_commits(mine) == 3
    assert repo.count_commits(mine, excluding=theirs) == 2
    assert repo.count_commits(mine, excluding=None) == 3
    with pytest.raises(GitError):
        repo.count_commits("no-such-branch")
    with pytest.raises(GitError):
        repo.ahead_behind(mine, "no-such-branch")


def test_set_identity_writes_the_repository_config(repo: Repo, work_tree: Path) -> None:
    repo.set_identity(Identity("Hana Sato", "hana@example.com"))
    config = git.Repo(work_tree).config_reader("repository")
    assert config.get_value("user", "name") == "Hana Sato"
    assert config.get_value("user", "email") == "hana@example.com"


def test_log_follows_first_parents_only_when_asked(repo: Repo) -> None:
    base = repo.rev("HEAD") or ""
    side = commit(repo, [base], "Side\n")
    main = commit(repo, [base], "Main\n")
    merge = commit(repo, [main, side], "Merge\n")
    assert [c.subject for c in repo.log(f"{base}..{merge}")] == ["Merge", "Main", "Side"]
    assert [c.subject for c in repo.log(f"{base}..{merge}", first_parent=True)] == [
        "Merge",
        "Main",
    ]


def test_log_finds_a_trailer_value_literally(repo: Repo) -> None:
    tip = repo.rev("HEAD") or ""
    for value in ("SOP-1", "SOP-10", "AB1", "A.1", "X(1)+", "^$"):
        tip = commit(repo, [tip], f"Change {value}\n\nSOP-Id: {value}\n")
    tip = commit(repo, [tip], "Other key\n\nOld-SOP-Id: SOP-1\n")
    tip = commit(repo, [tip], "In the body\n\nNot a trailer: SOP-Id: SOP-1\n")

    def subjects(value: str) -> list[str]:
        return [c.subject for c in repo.log(tip, trailer=("SOP-Id", value))]

    assert subjects("SOP-1") == ["Change SOP-1"]  # not SOP-10, not Old-SOP-Id, not mid-line
    assert subjects("A.1") == ["Change A.1"]  # "." is no wildcard: AB1 is left out
    assert subjects("X(1)+") == ["Change X(1)+"]
    assert subjects("^$") == ["Change ^$"]
    assert subjects("SOP-2") == []
    assert [c.subject for c in repo.log(tip, first_parent=True, trailer=("SOP-Id", "AB1"))] == [
        "Change AB1"
    ]


def test_log_takes_revisions_never_options(repo: Repo, work_tree: Path) -> None:
    with pytest.raises(GitError):
        repo.log("--all")
    with pytest.raises(GitError):
        repo.log("--output=stolen.txt")
    assert not (work_tree / "stolen.txt").exists()


def test_stage_blob_sets_one_entry_of_the_users_index(repo: Repo, work_tree: Path) -> None:
    users = git.Repo(work_tree)
    (work_tree / "b.md").write_text("beta, staged by the user\n", encoding="utf-8")
    users.git.add("b.md")
    (work_tree / "runs").mkdir()
    (work_tree / "runs" / "r1.jsonl").write_bytes(b"run\n")
    head = repo.rev("HEAD") or ""
    sha = commit(repo, [head], "Run\n", {"runs/r1.jsonl": b"run\n"})
    repo.update_ref("HEAD", sha, head)
    assert "D  runs/r1.jsonl" in users.git.status("--porcelain")  # before: staged as deleted
    index.stage_blob(repo, "runs/r1.jsonl", repo.hash_blob("runs/r1.jsonl", b"run\n"))
    assert users.git.status("--porcelain").splitlines() == ["M  b.md"]  # the user's own staging


def test_stage_blob_says_why_git_refused(repo: Repo, work_tree: Path) -> None:
    blob = repo.hash_blob("b.md", b"new\n")
    (work_tree / ".git" / "index.lock").write_text("", encoding="utf-8")
    with pytest.raises(GitError, match=r"(?s)index\.lock': File exists\..+Another git process"):
        index.stage_blob(repo, "b.md", blob)


def test_stage_all_stages_the_work_tree_and_gives_its_tree(tmp_path: Path) -> None:
    root = tmp_path / "new"
    root.mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "a.md").write_text("alpha\n", encoding="utf-8")
    (root / "ignored.tmp").write_text("x\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    init_repository(root)
    repo = Repo(root)
    tree = index.stage_all(repo)
    listed = git.Repo(root).git.ls_tree("-r", "--name-only", tree).split()
    assert listed == [".gitignore", "docs/a.md"]
    assert git.Repo(root).git.ls_files().split() == listed  # staged in the repository's index


def test_init_repository_takes_the_folder_as_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELSEWHERE", "elsewhere")
    monkeypatch.chdir(tmp_path)
    top = init_repository(Path("a$ELSEWHERE"), branch="trunk")
    assert top == tmp_path / "a$ELSEWHERE"
    assert (tmp_path / "a$ELSEWHERE" / ".git").is_dir()
    assert not (tmp_path / "aelsewhere").exists()
    assert Repo(top).head_branch() == "refs/heads/trunk"
