"""Issue 16 (export html, export pdf): the breaker's defects, fixed, on the demo vault: a
document main cannot read is reported and its last page kept (exit 1), a plain commit
is never a controlled copy (site and PDF), a shallow clone is refused, a held folder is
one line, ``--as-of ""`` is refused and the as-of wording reads well."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services import publishplan

pytestmark = pytest.mark.usefixtures("utc")

SOP_010 = "procedures/SOP-010-leach-sop.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def git(root: Path, *args: str) -> None:
    who = ["-c", "user.name=Pat Plain", "-c", "user.email=pat@example.com"]
    subprocess.run(["git", "-C", str(root), *who, *args], check=True, capture_output=True)


def test_a_document_broken_on_main_is_reported_and_its_page_kept(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): a plain commit breaks SOP-010's front matter: the export
    names file:line and the reason on stderr, writes every other page, keeps the last
    exported SOP-010 page (and says so) and exits 1, never 0 with the page deleted."""
    out = tmp_path / "site"
    assert run(capsys, "export", "html", str(out), "--vault", str(demo_path))[0] == 0
    before = (out / "docs" / "SOP-010.html").read_bytes()
    path = demo_path / SOP_010
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ' oops"\n'
    path.write_text("".join(lines))
    git(demo_path, "commit", "-qm", "typo", "--", SOP_010)
    code, said, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 1
    assert f"{SOP_010}:3: " in err and "kept from the last export: docs/SOP-010.html" in err
    assert " 0 removed, 1 kept from the last export" in said
    assert (out / "docs" / "SOP-010.html").read_bytes() == before
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 1 and (out / "docs" / "SOP-010.html").read_bytes() == before


def test_two_files_with_one_id_are_both_reported(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): a second file with SOP-010's id is reported as
    file:line: reason, neither is published in place of the other (the last page stays),
    and the export exits 1."""
    out = tmp_path / "site"
    assert run(capsys, "export", "html", str(out), "--vault", str(demo_path))[0] == 0
    before = (out / "docs" / "SOP-010.html").read_bytes()
    copy = (demo_path / SOP_010).read_text().replace("Leach", "Other leach", 1)
    (demo_path / "procedures" / "SOP-010-aaa-copy.md").write_text(copy)
    git(demo_path, "add", "procedures/SOP-010-aaa-copy.md")
    git(demo_path, "commit", "-qm", "copy", "--", "procedures/SOP-010-aaa-copy.md")
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 1 and "id 'SOP-010' is already used by" in err and "[duplicate-id]" in err
    assert (out / "docs" / "SOP-010.html").read_bytes() == before
    pdf = tmp_path / "SOP-010.pdf"
    code, _, err = run(capsys, "export", "pdf", "SOP-010", str(pdf), "--vault", str(demo_path))
    assert code == 1 and "SOP-010 cannot be printed" in err and not pdf.exists()


def test_a_plain_version_bump_is_not_a_controlled_copy(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html, export pdf): a plain commit sets SOP-010's version to 9.9:
    the page and the PDF say NOT APPROVED, name revision 2.4 as `show --approved` does,
    and never call the text a controlled copy; the index tree marks it."""
    path = demo_path / SOP_010
    text = path.read_text()
    path.write_text(text.replace('version = "2.4"', 'version = "9.9"', 1))
    git(demo_path, "commit", "-qm", "bump", "--", SOP_010)
    out = tmp_path / "site"
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 0, err
    page = (out / "docs" / "SOP-010.html").read_text()
    assert "NOT APPROVED: this text differs from revision 2.4, approved by Hana Sato" in page
    assert "Controlled copy" not in page and "revision 9.9" not in page
    assert '"id":"SOP-010","marked":"not approved"' in (out / "tree.js").read_text()
    pdf = tmp_path / "SOP-010.pdf"
    code, said, err = run(capsys, "export", "pdf", "SOP-010", str(pdf), "--vault", str(demo_path))
    assert code == 0, err
    assert said.startswith("Printed SOP-010 (NOT APPROVED text) from main at ")
    from sopvault.render.site.pages import page_html
    from sopvault.services.publish import gather, source_of
    from tests.conftest import workspace_at

    site = gather(source_of(workspace_at(demo_path), None), only="SOP-010")
    printed = page_html(site, site.pages[0], standalone=True)  # what WeasyPrint prints
    assert "NOT APPROVED: this text differs from revision 2.4" in printed
    assert "Controlled copy" not in printed and "SOP-010 (not approved)" in printed


def test_a_shallow_clone_is_refused(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html, export pdf): in a shallow clone which text was approved
    cannot be told: one line saying how to fetch the whole history, exit 2, nothing
    written."""
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", f"file://{demo_path}", str(clone)],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "site"
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(clone))
    assert code == 2 and "git fetch --unshallow" in err and len(err.splitlines()) == 1
    assert not out.exists()
    pdf = tmp_path / "x.pdf"
    code, _, err = run(capsys, "export", "pdf", "SOP-003", str(pdf), "--vault", str(clone))
    assert code == 2 and "git fetch --unshallow" in err and not pdf.exists()


def test_a_folder_held_by_another_export_is_one_line(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16 (export html): a folder whose lock stays held is one error line, exit 1,
    no traceback."""
    monkeypatch.setattr(publishplan, "LOCK_WAIT", 0.2)
    out = tmp_path / "site"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    finally:
        os.close(fd)
    assert code == 1 and len(err.splitlines()) == 1
    assert "being written by another export" in err and "Traceback" not in err


def test_as_of_empty_is_refused_and_as_of_reads_well(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): `--as-of ""` is refused (never taken for today); a date's
    export says "from main as of DATE (commit of when)"."""
    out = tmp_path / "site"
    code, _, err = run(capsys, "export", "html", str(out), "--as-of", "", "--vault", str(demo_path))
    assert code == 1 and "--as-of ''" in err and not out.exists()
    code, said, err = run(
        capsys, "export", "html", str(out), "--as-of", "2026-10-01", "--vault", str(demo_path)
    )
    assert code == 0, err
    assert said.startswith("Exported 37 documents from main as of 2026-10-01 (")
    assert "from as of" not in said
