"""Issue 14 (speed): a committed text is taken from the work tree only when the file's
bytes are exactly the blob's (hashed as git names blobs), whatever else is there: an
edit, a line-ending conversion, a symbolic link, a FIFO, a folder, a missing file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sopvault.store.git.worktreeblobs import blob_id, worktree_blobs


def git_id(root: Path, data: bytes, *extra: str) -> str:
    """What ``git hash-object`` names ``data`` (no filters: ``--no-filters``)."""
    done = subprocess.run(
        ["git", "-C", str(root), "hash-object", "--no-filters", "--stdin", *extra],
        input=data,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().strip()


TEXT = b'+++\nid = "SOP-1"\ntitle = "Count"\nkind = "procedure"\n+++\nBody.\n'


def test_the_id_is_gits_id(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for data in (b"", TEXT, TEXT.replace(b"\n", b"\r\n"), bytes(range(256)) * 50):
        assert blob_id(data) == git_id(tmp_path, data)


def test_sha256_repositories_are_hashed_as_git_hashes_them(tmp_path: Path) -> None:
    done = subprocess.run(
        ["git", "init", "-q", "--object-format=sha256", str(tmp_path)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("this git cannot make a SHA-256 repository")
    wanted = git_id(tmp_path, TEXT)
    assert len(wanted) == 64 and blob_id(TEXT, 64) == wanted
    (tmp_path / "a.md").write_bytes(TEXT)
    assert worktree_blobs(tmp_path, {"a.md": wanted}) == {wanted: TEXT}


def test_only_exactly_the_blobs_bytes_are_taken(tmp_path: Path) -> None:
    """Same bytes: taken. Edited (same size, mtime put back), converted to CRLF, missing,
    a symbolic link to the very bytes, a folder, a FIFO (never opened for a blocking
    read), or an id of another length: left to git."""
    wanted = blob_id(TEXT)
    same = tmp_path / "same.md"
    same.write_bytes(TEXT)
    edited = tmp_path / "edited.md"
    edited.write_bytes(TEXT)
    stamp = edited.stat()
    edited.write_bytes(TEXT.replace(b"Count", b"Coont"))
    os.utime(edited, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    (tmp_path / "crlf.md").write_bytes(TEXT.replace(b"\n", b"\r\n"))
    (tmp_path / "link.md").symlink_to(same)
    (tmp_path / "folder.md").mkdir()
    os.mkfifo(tmp_path / "fifo.md")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.md").write_bytes(TEXT)
    asked = {
        name: wanted
        for name in ("edited.md", "crlf.md", "gone.md", "link.md", "folder.md", "fifo.md")
    }
    assert worktree_blobs(tmp_path, asked) == {}
    assert worktree_blobs(tmp_path, {"same.md": "abc123"}) == {}
    assert worktree_blobs(tmp_path, {"sub/deep.md": wanted}) == {wanted: TEXT}
    assert worktree_blobs(tmp_path, {**asked, "same.md": wanted}) == {wanted: TEXT}


def test_blobs_read_behind_are_read_blobs_and_failures_reach_the_caller(tmp_path: Path) -> None:
    """What git reads (into a private temporary file) while the caller parses is what one
    ``cat-file --batch`` gives, and its failure is raised where the answer is asked for."""
    from sopvault.store.git.errors import GitError
    from sopvault.store.git.repo import Repo

    root = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    ids = [git_id(root, data, "-w") for data in (TEXT, b"two\n")]
    repo = Repo(root)
    assert repo.read_blobs_behind([*ids, "0" * 40, "not an id"])() == repo.read_blobs(ids)
    assert repo.read_blobs_behind([])() == {}
    (tmp_path / "plain").mkdir()
    later = Repo(tmp_path / "plain").read_blobs_behind(ids)  # no repository there
    with pytest.raises(GitError, match="cat-file"):
        later()
