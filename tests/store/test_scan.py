"""Issue 17 (speed: warm list): the scan that stamps every document on each start takes a
fast path for plain files; every other kind of entry is still found, refused or passed
over exactly as the rules say."""

from __future__ import annotations

import os
from pathlib import Path

from sopvault.store.fs import FileStamp, scan_documents, scan_stamps


def _tree(root: Path) -> None:
    """Plain files, nested folders, a folder named like a document, hidden and excluded
    folders, links in and out of the vault, a folder link, a name that is not UTF-8, a
    non-ASCII name, a `.markdown` page, a fifo and an image."""
    for rel in (
        "a/one.md",
        "a/b/two.md",
        "x.md/in.md",
        ".hid/h.md",
        "runs/r.md",
        "sub/runs/r.md",
        "templates/t.md",
        "a/.h.md",
        "a/p.markdown",
        "a/café.md",
        "a/img.png",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("text\n")
    (root / "a" / "link.md").symlink_to("../a/one.md")
    (root / "a" / "out.md").symlink_to("/etc/hostname")
    (root / "linkdir").symlink_to("a")
    os.mkfifo(root / "a" / "fifo.md")
    os.close(os.open(os.fsencode(root / "a") + b"/bad\xff.md", os.O_CREAT | os.O_WRONLY))


def test_the_scan_finds_refuses_and_passes_over_each_kind_of_entry(tmp_path: Path) -> None:
    """Issue 17 (speed: warm list): documents by path, each stamped with its own (a
    link's target's) stat; links out of the vault, names that are not UTF-8 and
    `.markdown` pages refused; hidden and excluded folders, folder links, fifos and other
    files passed over; old files without a digest, racy ones with one."""
    _tree(tmp_path)
    stamps, refused = scan_stamps(tmp_path, since=2**62)
    rels = [s[0] for s in stamps]
    assert rels == [
        "a/b/two.md",
        "a/café.md",
        "a/link.md",
        "a/one.md",
        "sub/runs/r.md",
        "x.md/in.md",
    ]
    one = (tmp_path / "a" / "one.md").stat()
    expected = ("a/one.md", one.st_size, one.st_mtime_ns, one.st_ctime_ns, one.st_ino, "")
    assert stamps[3] == expected and stamps[2][1:] == expected[1:]  # the link: its target
    assert sorted((f.path, f.code) for f in refused) == [
        ("a/bad\\xff.md", "file-name"),
        ("a/out.md", "symlink"),
        ("a/p.markdown", "markdown-suffix"),
    ]
    racy, _ = scan_stamps(tmp_path, since=0)
    assert all(len(s[5]) == 40 for s in racy) and [s[:5] for s in racy] == [s[:5] for s in stamps]
    named, again = scan_documents(tmp_path, since=2**62)
    assert named == list(map(FileStamp._make, stamps)) and again == refused
