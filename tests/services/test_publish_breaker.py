"""Issue 16 (export html): the breaker's defects, fixed, on hand-made repositories: a
text no sign-off covers is never a controlled copy, a deep body is never cut, local
images and paths never load or link, and the export folder's lock (a clear line when it
stays held; a concurrent first export never refused)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest

from sopvault.render.site.markdown import body_html
from sopvault.render.site.pages import outputs
from sopvault.services import publishplan
from sopvault.services.publish import gather, source_of
from sopvault.services.publishplan import MANIFEST, ExportBusy, write_export
from tests.conftest import workspace_at, write
from tests.services.test_publish import approval, commit, doc, export, vault

pytestmark = pytest.mark.usefixtures("utc")
__all__ = ["vault"]  # the fixture, shared with test_publish


def test_a_plain_commit_after_an_approval_without_sop_blob_is_not_approved(
    vault: Path, tmp_path: Path
) -> None:
    """Issue 16 (export html): the approval carries no SOP-Blob trailer; a plain commit then
    sets version 9.9 and adds text. The page compares main's text with the text the
    approval landed: NOT APPROVED, naming revision 1.0 and its approver, never "Controlled
    copy" nor "revision 9.9"; the index tree marks it."""
    write(vault, "procedures/SOP-1-count.md", doc("SOP-1", "Count the pallets", "9.9"))
    commit(vault, "Tweak", "2026-01-12T10:00:00Z")
    out = tmp_path / "site"
    site, _ = export(workspace_at(vault), out)
    page = (out / "docs" / "SOP-1.html").read_text()
    assert "Controlled copy" not in page and "revision 9.9" not in page
    assert (
        "NOT APPROVED: this text differs from revision 1.0, approved by Bilal Okafor on"
        " 2026-01-10 10:00" in page
    )
    assert '"id":"SOP-1","marked":"not approved"' in (out / "tree.js").read_text()
    assert "not approved" in (out / "index.html").read_text()
    assert not next(p for p in site.pages if p.id == "SOP-1").approved


def test_no_sign_off_is_never_a_controlled_copy(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): an effective document committed with no sign-off says so in
    its banner (never "approved by nobody on record on never")."""
    out = tmp_path / "site"
    export(workspace_at(vault), out)
    page = (out / "docs" / "POL-1.html").read_text()
    assert "NOT APPROVED: no sign-off on record for this text. Not a controlled copy." in page
    assert "Controlled copy" not in page and "nobody on record" not in page


def test_the_revision_shown_comes_from_the_sign_off(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): an approval whose file says version 2.0 while its sign-off
    says 1.1: the banner names the signed revision, 1.1."""
    write(vault, "procedures/SOP-1-count.md", doc("SOP-1", "Count the pallets", "2.0"))
    commit(vault, approval("SOP-1", "1.1", "2026-02-01T10:00:00Z"), "2026-02-01T10:00:00Z")
    out = tmp_path / "site"
    export(workspace_at(vault), out)
    page = (out / "docs" / "SOP-1.html").read_text()
    assert "Controlled copy: revision 1.1," in page and "revision 2.0" not in page


def test_a_deeply_nested_body_is_shown_whole(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): ten nested list levels (past markdown-it's commonmark limit
    of 20) are formatted whole; nesting near the raised limit shows the whole body as
    written, escaped, with a note; the text after it is on the page and in the search."""
    deep = "Before.\n\n" + "- " * 10 + "x\n\nAFTER\n"
    assert "<p>AFTER</p>" in body_html(deep)
    deeper = "Before.\n\n" + "- " * 60 + "x <b>\n\nAFTER\n"
    shown = body_html(deeper)
    assert "nests too deep" in shown and "AFTER" in shown and "x &lt;b&gt;" in shown
    text = doc("SOP-1", "Count the pallets", "1.0").replace("Count them twice.", deeper)
    write(vault, "procedures/SOP-1-count.md", text)
    commit(vault, approval("SOP-1", "1.0", "2026-01-12T10:00:00Z"), "2026-01-12T10:00:00Z")
    out = tmp_path / "site"
    export(workspace_at(vault), out)
    assert "AFTER" in (out / "docs" / "SOP-1.html").read_text()
    assert "after" in (out / "search-index.js").read_text()


def test_local_images_and_paths_are_text_never_loaded_or_linked() -> None:
    """Issue 16 (export html): a relative or absolute local image shows as its alt text and
    path (never an <img>); an http(s) image is a link; a local path link is text with its
    target beside it; http(s), mailto and #anchor links stay live."""
    html = body_html(
        "![l](../../etc/passwd) ![a](/etc/x.png) ![w](https://e.example/a.png)"
        " [x](../../../etc/passwd) [f](file:///etc/passwd) [y](https://a.example)"
        " [z](#top) [m](mailto:a@b.example)"
    )
    assert "<img" not in html
    assert "[image: l (../../etc/passwd)]" in html and "[image: a (/etc/x.png)]" in html
    assert '<a href="https://e.example/a.png" rel="noopener noreferrer">[image: w]</a>' in html
    assert 'etc/passwd"' not in html and 'href="/etc' not in html
    assert 'x <span class="target">(../../../etc/passwd)</span>' in html
    assert '<a href="#top">z</a>' in html and '<a href="mailto:a@b.example">m</a>' in html
    assert html.count("<a href=") == 4


def test_a_relative_link_to_an_exported_document_becomes_its_page(
    vault: Path, tmp_path: Path
) -> None:
    """Issue 16 (export html): a relative path to an exported document's file is a link to
    its page; a path to a file that is not exported stays text."""
    text = doc("SOP-1", "Count the pallets", "1.0").replace(
        "See [the policy](POL-1).",
        "See [the policy](../policies/POL-1-stock.md) and [notes](../notes/x.md).",
    )
    write(vault, "procedures/SOP-1-count.md", text)
    commit(vault, approval("SOP-1", "1.0", "2026-01-12T10:00:00Z"), "2026-01-12T10:00:00Z")
    out = tmp_path / "site"
    export(workspace_at(vault), out)
    page = (out / "docs" / "SOP-1.html").read_text()
    assert '<a href="POL-1.html">the policy</a>' in page
    assert 'notes <span class="target">(../notes/x.md)</span>' in page


def test_a_folder_locked_too_long_is_one_clear_error(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (export html): another export holding the folder past the wait is an
    ExportBusy (a SopvaultError: one line from the CLI), never a TimeoutError."""
    monkeypatch.setattr(publishplan, "LOCK_WAIT", 0.2)
    out = tmp_path / "site"
    out.mkdir()
    site = gather(source_of(workspace_at(vault), None))
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(ExportBusy, match="being written by another export"):
            write_export(out, outputs(site))
    finally:
        os.close(fd)


def test_a_concurrent_first_export_is_not_refused(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): while a first export holds the new folder (its temp file
    there, no manifest yet), a second one waits for the lock and then finds the folder
    ours, instead of refusing it as someone's non-empty folder."""
    out = tmp_path / "site"
    out.mkdir()
    site = gather(source_of(workspace_at(vault), None))
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    (out / f".{MANIFEST}.tmp123").write_text("half")
    failed: list[BaseException] = []

    def second() -> None:
        try:
            write_export(out, outputs(site))
        except BaseException as err:  # noqa: BLE001 - handed to the test's thread
            failed.append(err)

    worker = threading.Thread(target=second)
    worker.start()
    time.sleep(0.3)
    (out / f".{MANIFEST}.tmp123").replace(out / MANIFEST)
    (out / MANIFEST).write_text('{"format": 1, "files": {}}\n')
    os.close(fd)
    worker.join(30)
    assert failed == [] and (out / "docs" / "SOP-1.html").is_file()
