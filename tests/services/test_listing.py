"""Issue 17 (speed: warm list): the listing cache gives exactly what a cold load lists, in
the service and in `sopvault list`'s output, after every kind of change to the files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.model.document import Kind, Status
from sopvault.model.listing import Listed
from sopvault.services.vault import DocumentFilter, Vault
from sopvault.store.fs import scan_documents
from sopvault.store.listing import LISTING_NAME
from tests.conftest import write

SOP = "procedures/SOP-004-raise-purchase-order.md"


def _open(root: Path) -> Vault:
    return Vault.open(root)  # the system clock, as `sopvault list` (the date is in the key)


def _cold(root: Path) -> list[Listed]:
    """The rows a load with no cache at all gives (the slow path's answer)."""
    vault = _open(root)
    shutil.rmtree(vault.state_dir / "cache", ignore_errors=True)
    return [Listed.of(d) for d in vault.select(DocumentFilter())]


def _warm(root: Path) -> list[Listed]:
    """The rows of a listing served by the cache alone (no load at all)."""
    vault = _open(root)
    rows = vault.listing().rows
    assert "state" not in vault.__dict__, "the warm listing loaded the vault"
    return rows


@pytest.fixture
def listed(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[str, str]]:
    """`sopvault list ARGS` on a vault, in process: (stdout, stderr)."""

    def run(root: Path, *args: str) -> tuple[str, str]:
        capsys.readouterr()
        assert main(["--vault", str(root), "list", *args]) == 0
        captured = capsys.readouterr()
        return captured.out, captured.err

    return run


def _edit(root: Path) -> None:
    path = root / SOP
    path.write_text(path.read_text().replace("Raise a purchase order", "Raise a PO"))


def _add(root: Path) -> None:
    text = '+++\nid = "POL-900"\ntitle = "New"\nkind = "policy"\n+++\n'
    write(root, "policies/POL-900-new.md", text)


def _delete(root: Path) -> None:
    (root / SOP).unlink()


def _rename(root: Path) -> None:
    (root / SOP).rename(root / "procedures" / "SOP-004-renamed.md")


def _touch(root: Path) -> None:
    os.utime(root / SOP, ns=(10**18, 10**18))


def _same_size_same_mtime(root: Path) -> None:
    """A change within one mtime tick: same size, the mtime put back exactly."""
    path = root / SOP
    before = path.stat()
    text = path.read_text()
    changed = text.replace("Raise a purchase order", "Raise a purchase ORDER")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def _broken(root: Path) -> None:
    (root / SOP).write_text("+++\nid = \n+++\n")  # a file skipped for its errors


@pytest.mark.parametrize(
    "change",
    [_edit, _add, _delete, _rename, _touch, _same_size_same_mtime, _broken],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_warm_listing_is_the_cold_listing_after_each_change(
    sample_path: Path, change: Callable[[Path], None], listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): after an edit, an addition, a deletion, a rename, a
    touch without change, a same-size change with its mtime put back and a broken file,
    the listing (rows, skipped files) and `list`'s output are those of a cold load."""
    listed(sample_path)  # leaves the caches warm
    change(sample_path)
    warm_out, warm_json = listed(sample_path), listed(sample_path, "--json")
    assert _warm(sample_path) == _cold(sample_path)  # rebuilt by the first list, then served
    assert listed(sample_path) == warm_out  # after _cold removed the caches
    _cold(sample_path)
    assert listed(sample_path, "--json") == warm_json


def test_the_warm_listing_filters_as_the_load_does(
    sample_path: Path, listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): kind, status, owner and tag filters on the cached rows
    give what ``select`` gives on loaded documents."""
    listed(sample_path)
    loaded = _open(sample_path)
    owner = next(d.owner for d in loaded.documents.values() if d.owner)
    tag = next(t for d in loaded.documents.values() for t in d.tags)
    for criteria in (
        DocumentFilter(kind=Kind.PROCEDURE),
        DocumentFilter(status=Status.EFFECTIVE),
        DocumentFilter(owner=owner),
        DocumentFilter(tag=tag),
        DocumentFilter(kind=Kind.WORK_INSTRUCTION, status=Status.DRAFT),
    ):
        vault = _open(sample_path)
        rows = vault.listing(criteria).rows
        assert "state" not in vault.__dict__
        assert rows == [Listed.of(d) for d in loaded.select(criteria)]
        assert rows or criteria.kind is Kind.WORK_INSTRUCTION


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-3] + b"xyz",  # a changed payload: its digest no longer matches
        lambda data: b"not a listing at all",
        lambda data: data.replace(b"sopvault-listing 2 ", b"sopvault-listing 2 0", 1),  # version
    ],
    ids=["truncated", "altered", "garbage", "other-version"],
)
def test_a_damaged_listing_cache_is_ignored_and_rebuilt(
    sample_path: Path, damage: Callable[[bytes], bytes], listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): a truncated, altered, foreign-format or other-version
    listing file is never used: the listing is loaded again and the file rewritten."""
    expected = listed(sample_path)
    path = _open(sample_path).state_dir / "cache" / LISTING_NAME
    path.write_bytes(damage(path.read_bytes()))
    vault = _open(sample_path)
    assert vault.listing().rows == _cold(sample_path)
    assert listed(sample_path) == expected
    assert _warm(sample_path) == _cold(sample_path)


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give the file to another user")
def test_a_listing_cache_another_user_owns_is_not_read(
    sample_path: Path, listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): a listing file owned by another user is never read."""
    listed(sample_path)
    path = _open(sample_path).state_dir / "cache" / LISTING_NAME
    os.chown(path, 4321, 4321)
    vault = _open(sample_path)
    assert vault.listing().rows == _cold(sample_path)
    assert "state" in vault.__dict__  # loaded, not read from the other user's file


def test_a_file_changed_within_seconds_of_a_scan_is_stamped_with_its_bytes(
    tmp_path: Path,
) -> None:
    """Issue 17 (speed: warm list): a file whose last change is within the racy margin of
    the scan carries a digest of its bytes (git's racy-clean rule), so a same-size change
    in the same clock tick still changes its stamp; older files are stamped by stat
    alone."""
    write(tmp_path, "sopvault.toml", 'name = "T"\n')
    path = write(tmp_path, "a.md", '+++\nid = "POL-1"\ntitle = "One"\nkind = "policy"\n+++\n')
    future = 2**62  # every change is before it: nothing racy
    (old,), _ = scan_documents(tmp_path, since=future)
    (racy,), _ = scan_documents(tmp_path, since=0)
    assert old.digest == "" and len(racy.digest) == 40
    path.write_text(path.read_text().replace("One", "Two"))
    os.utime(path, ns=(racy.mtime_ns, racy.mtime_ns))
    (again,), _ = scan_documents(tmp_path, since=0)
    assert again.digest != racy.digest


def test_unprintable_titles_are_listed_inert_as_before(
    tmp_path: Path, listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): a title holding a control or bidi character takes the
    per-field ``inert_line`` path; the output is that of each field made inert."""
    write(tmp_path, "sopvault.toml", 'name = "T"\n')
    title = "Bad\\u001b[31m red \\u202e evil"
    write(tmp_path, "a.md", f'+++\nid = "POL-1"\ntitle = "{title}"\nkind = "policy"\n+++\n')
    write(tmp_path, "b.md", '+++\nid = "POL-2"\ntitle = "Fine\u00a0title"\nkind = "policy"\n+++\n')
    out, _ = listed(tmp_path)
    assert out.splitlines()[0].endswith("Bad^[[31m red <U+202E> evil")
    assert out.splitlines()[1].endswith("Fine\u00a0title")
    assert "\x1b" not in out and "\u202e" not in out
    assert listed(tmp_path) == (out, "")


def _commit(root: Path) -> None:
    """An edit, committed: git moves no file, the edit is what the listing sees."""
    _edit(root)
    git.Repo(root).git.commit("-qam", "edit")


def _switch_branch(root: Path) -> None:
    """The listing warm on main, then `git checkout` of a branch where a document was
    edited and one added: git rewrites the files."""
    repo = git.Repo(root)
    repo.git.checkout("-qb", "other")
    _edit(root)
    _add(root)
    repo.git.add(A=True)
    repo.git.commit("-qm", "other")
    repo.git.checkout("-q", "main")
    _open(root).listing()  # the listing of main, cached
    repo.git.checkout("-q", "other")


def _checkout_revision(root: Path) -> None:
    """The listing warm on a new commit, then the revision before it checked out."""
    _commit(root)
    _open(root).listing()  # the listing of the new commit, cached
    git.Repo(root).git.checkout("-q", "HEAD~1")


@pytest.mark.parametrize(
    "change", [_commit, _switch_branch, _checkout_revision], ids=lambda f: f.__name__.strip("_")
)
def test_a_warm_listing_follows_git_moving_the_files(
    sample_path: Path, change: Callable[[Path], None], listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): a commit, a branch switch and a checkout of another
    revision (files written by git, within the same second as the last listing) give
    the listing of a cold load, then are served warm."""
    listed(sample_path)
    change(sample_path)
    out, _ = listed(sample_path)
    assert _warm(sample_path) == _cold(sample_path)
    assert listed(sample_path)[0] == out
    moved = {
        _commit: "Raise a PO ",
        _switch_branch: "POL-900 ",
        _checkout_revision: "purchase order for",
    }
    assert moved[change] in out  # what git wrote is listed


def test_the_rest_of_a_row_is_decoded_only_when_asked_for_and_reloaded_when_damaged(
    sample_path: Path, listed: Callable[..., tuple[str, str]]
) -> None:
    """Issue 17 (speed: warm list): text output and kind filters read only the printed
    fields; a damaged rest (owner, tags, path...) is never used: `--json` and an owner
    filter load the vault instead and write the file again, then are served warm."""
    text, _ = listed(sample_path)
    as_json, _ = listed(sample_path, "--json")
    path = _open(sample_path).state_dir / "cache" / LISTING_NAME
    data = path.read_bytes()
    path.write_bytes(data[:-3] + bytes(b ^ 1 for b in data[-3:]))  # the rest's last bytes
    vault = _open(sample_path)
    assert [r.id for r in vault.listing().rows] == [r.id for r in _cold(sample_path)]
    path.write_bytes(data[:-3] + bytes(b ^ 1 for b in data[-3:]))
    assert listed(sample_path) == (text, "")  # the printed part is whole: used
    assert listed(sample_path, "--json") == (as_json, "")  # loaded, the file written again
    assert path.read_bytes() == data
    owner = next(r.owner for r in _warm(sample_path) if r.owner)
    path.write_bytes(data[:-3] + bytes(b ^ 1 for b in data[-3:]))
    vault = _open(sample_path)
    rows = vault.listing(DocumentFilter(owner=owner)).rows
    assert "state" in vault.__dict__ and rows and all(r.owner == owner for r in rows)
    assert path.read_bytes() == data
