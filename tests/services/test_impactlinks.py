"""Issue 14 (speed: impact): the links cache gives exactly what a load gives, in the service
and in `sopvault impact`'s output, after every kind of change to the files and to git."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.impact import Impacts
from sopvault.services.impactlinks import linked, links_of
from sopvault.services.vault import Vault
from sopvault.store.links import LINKS_NAME
from tests.conftest import write

TARGET = "PRC-001"  # related to most processes, with procedures, forms and WIs below
SOP = "procedures/SOP-004-raise-purchase-order.md"  # under PRC-006, below PRC-003


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """`sopvault impact ARGS` on a vault, in process: stdout (stderr must be empty)."""

    def run(root: Path, *args: str) -> str:
        capsys.readouterr()
        assert main(["--vault", str(root), "impact", *args]) == 0
        captured = capsys.readouterr()
        assert captured.err == ""
        return captured.out

    return run


def _cold(root: Path, report: Callable[..., str], *args: str) -> str:
    """The report with no cache at all (a fresh load: the slow path's answer)."""
    shutil.rmtree(Vault.open(root).state_dir / "cache", ignore_errors=True)
    return report(root, *args)


def _served(root: Path) -> Vault:
    """A vault whose links came from the cache alone (asserted: nothing loaded)."""
    vault = Vault.open(root)
    Impacts.open(vault).of_document(TARGET)
    assert "state" not in vault.__dict__, "the links were not served by the cache"
    return vault


def _edit_links(root: Path) -> None:
    path = root / SOP
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nid = ", '\nrelated = ["PRC-001"]\nid = ', 1), "utf-8")


def _edit_title(root: Path) -> None:
    path = root / SOP
    path.write_text(path.read_text().replace("Raise a purchase order", "Raise a PO"))


def _add(root: Path) -> None:
    text = '+++\nid = "POL-900"\ntitle = "New"\nkind = "policy"\nrelated = ["PRC-001"]\n+++\n'
    write(root, "policies/POL-900-new.md", text)


def _delete(root: Path) -> None:
    (root / SOP).unlink()


def _rename(root: Path) -> None:
    (root / SOP).rename(root / "procedures" / "SOP-004-renamed.md")


def _same_size_same_mtime(root: Path) -> None:
    """A change within one mtime tick: same size, the mtime put back exactly."""
    path = root / SOP
    before = path.stat()
    text = path.read_text()
    changed = text.replace('status = "effective"', 'status = "in_review"', 1)
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def _broken(root: Path) -> None:
    (root / SOP).write_text("+++\nid = \n+++\n")  # a file skipped for its errors


def _commit(root: Path) -> None:
    _edit_links(root)
    _git(root, "commit", "-qam", "SOP-004 relates to PRC-001")


def _branch_switch(root: Path) -> None:
    _git(root, "checkout", "-qb", "elsewhere")
    _add(root)
    _delete(root)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "Elsewhere")
    _git(root, "checkout", "-q", "main")
    _git(root, "checkout", "-q", "elsewhere")


def _older_revision(root: Path) -> None:
    _git(root, "checkout", "-q", "-f", "--detach", "main~3")


@pytest.mark.parametrize(
    "change",
    [
        _edit_links,
        _edit_title,
        _add,
        _delete,
        _rename,
        _same_size_same_mtime,
        _broken,
        _commit,
        _branch_switch,
        _older_revision,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_cached_links_give_what_a_load_gives_after_each_change(
    demo_path: Path, change: Callable[[Path], None], report: Callable[..., str]
) -> None:
    """Issue 14 (speed: impact): after an edit of links or of a title, an addition, a
    deletion, a rename, a same-size change with its mtime put back, a broken file, a
    commit, a branch switch and a checkout of an older revision, `impact` (text and JSON)
    is what a load with no cache gives, and the next report is served by the cache."""
    before = report(demo_path, TARGET)  # leaves the caches warm
    _served(demo_path)
    change(demo_path)
    warm, warm_json = report(demo_path, TARGET), report(demo_path, TARGET, "--json")
    assert (warm == before) is (change is _rename)  # a rename moves no link nor title
    _served(demo_path)  # written again by the report above, then served
    served, fresh = linked(Vault.open(demo_path)), links_of(Vault.open(demo_path).state)
    tree = served.tree
    assert (served.documents.rows, tree.children, tree.related, tree.used_by) == fresh[:2] + fresh[
        3:5
    ]
    assert warm == _cold(demo_path, report, TARGET)
    assert warm_json == _cold(demo_path, report, TARGET, "--json")


def test_the_service_gives_the_loaded_vault_s_walk(demo_path: Path) -> None:
    """Issue 14 (speed: impact): the reports of every document, from the cache, are those
    of a vault loaded whole (as the TUI has it), and an id is spelled as the vault does."""
    Impacts.open(Vault.open(demo_path)).of_document(TARGET)  # writes the cache
    cached = Impacts.open(_served(demo_path))
    loaded_vault = Vault.open(demo_path)
    loaded = Impacts.open(loaded_vault)
    ids = sorted(loaded_vault.state.documents)
    for doc_id in ids:
        assert cached.of_document(doc_id) == loaded.of_document(doc_id), doc_id
    assert cached.spelled(TARGET.lower()) == TARGET and cached.spelled("PRC-999") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-3] + b"xyz",  # a changed payload: its digest no longer matches
        lambda data: b"not a links file at all",
        lambda data: data.replace(b"sopvault-links 1 ", b"sopvault-links 1 0", 1),  # version
    ],
    ids=["truncated", "altered", "garbage", "other-version"],
)
def test_a_damaged_links_cache_is_ignored_and_rebuilt(
    demo_path: Path, damage: Callable[[bytes], bytes], report: Callable[..., str]
) -> None:
    """Issue 14 (speed: impact): a truncated, altered, foreign or other-version links file
    is never used: the vault is loaded again and the file rewritten."""
    expected = report(demo_path, TARGET)
    path = Vault.open(demo_path).state_dir / "cache" / LINKS_NAME
    path.write_bytes(damage(path.read_bytes()))
    vault = Vault.open(demo_path)
    Impacts.open(vault).of_document(TARGET)
    assert "state" in vault.__dict__  # loaded, the damaged file not used
    assert report(demo_path, TARGET) == expected
    _served(demo_path)


def test_an_unknown_id_is_refused_with_a_suggestion(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (speed: impact): an id no document has is refused as before, with "did you
    mean"; a typed id in another case is the vault's."""
    assert main(["--vault", str(demo_path), "impact", "prc-001"]) == 0
    assert capsys.readouterr().out.startswith("PRC-001 ")
    assert main(["--vault", str(demo_path), "impact", "PRC-01"]) == 1
    assert "did you mean PRC-001?" in capsys.readouterr().err


def test_the_links_version_follows_their_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (speed: impact): the links file's version digests the code that writes and
    reads it beside the load's (a changed walk is never served an older file)."""
    from sopvault.store import links

    before = links.links_version()
    links.links_version.cache_clear()
    monkeypatch.setattr(links, "_SOURCES", ("store/links.py",))
    try:
        assert links.links_version() != before
    finally:
        links.links_version.cache_clear()
