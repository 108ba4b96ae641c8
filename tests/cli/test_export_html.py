"""Issue 16 (export html, export pdf): the commands on the demo vault: the site, its
incremental second run, the refusal of someone's folder, a PDF with its sign-off page,
and the one line saying what to install when WeasyPrint is missing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main

pytestmark = pytest.mark.usefixtures("utc")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_html_then_again(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): the demo vault as a site, then nothing written again."""
    out = tmp_path / "site"
    code, said, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 0, err
    assert said.startswith("Exported ") and " written, 0 unchanged, 0 removed" in said
    page = (out / "docs" / "SOP-003.html").read_text()
    assert "revision 2.2" in page and 'id="signoffs"' in page
    code, said, _ = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 0 and "0 written, " in said and " 0 removed" in said


def test_a_procedure_page_holds_its_flow_picture(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (flow pictures in the HTML export): a procedure's page holds its flow as
    inline SVG (well-formed XML, its work instruction linked to the page beside it); a
    policy's page holds none."""
    import xml.etree.ElementTree as ET

    out = tmp_path / "site"
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 0, err
    page = (out / "docs" / "SOP-010.html").read_text()
    found = re.search(r'<section class="flow">(<svg.*?</svg>)', page, re.S)
    assert found is not None
    svg = ET.fromstring(found.group(1))
    links = [a.get("href") for a in svg.iter("{http://www.w3.org/2000/svg}a")]
    assert links == ["WI-002.html"] and (out / "docs" / "WI-002.html").is_file()
    assert '<section class="flow">' not in (out / "docs" / "POL-001.html").read_text()


def test_export_html_as_of(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): --as-of 2026-03-20 shows SOP-003 2.1, approved 12 March."""
    out = tmp_path / "site"
    code, said, err = run(
        capsys, "export", "html", str(out), "--as-of", "2026-03-20", "--vault", str(demo_path)
    )
    assert code == 0, err
    assert "as of 2026-03-20" in said
    assert "Controlled copy: revision 2.1" in (out / "docs" / "SOP-003.html").read_text()


def test_export_html_refuses_someones_folder(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export html): a non-empty folder without a manifest: one line, exit 1."""
    out = tmp_path / "notes"
    out.mkdir()
    (out / "todo.txt").write_text("mine")
    code, _, err = run(capsys, "export", "html", str(out), "--vault", str(demo_path))
    assert code == 1
    assert err.startswith("sopvault: error: ") and "--force" in err and len(err.splitlines()) == 1


def test_export_pdf_of_one_document(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export pdf): a real PDF from WeasyPrint with the banner and sign-offs;
    an existing file is not replaced without --force."""
    pdf = tmp_path / "SOP-003.pdf"
    code, said, err = run(capsys, "export", "pdf", "SOP-003", str(pdf), "--vault", str(demo_path))
    assert code == 0, err
    assert said.startswith("Printed SOP-003 revision 2.2")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]
    code, _, err = run(capsys, "export", "pdf", "SOP-003", str(pdf), "--vault", str(demo_path))
    assert code == 1 and "--force" in err
    code, _, _ = run(
        capsys, "export", "pdf", "SOP-003", str(pdf), "--force", "--vault", str(demo_path)
    )
    assert code == 0


def test_pdf_has_banner_and_a_signoff_page(demo_path: Path) -> None:
    """Issue 16 (export pdf): the printed page carries the banner and its sign-off block
    starts a page of its own (2 pages at least); nothing is fetched while printing."""
    from sopvault.render.site.pages import page_html
    from sopvault.render.site.pdf import page_pdf
    from sopvault.services.publish import gather, source_of
    from tests.conftest import workspace_at

    site = gather(source_of(workspace_at(demo_path), None), only="SOP-003")
    html = page_html(site, site.pages[0], standalone=True)
    assert "Controlled copy: revision 2.2" in html and "<script" not in html and "<link" not in html
    data = page_pdf(site, compress=False)
    pages = [int(n) for n in re.findall(rb"/Count (\d+)", data)]
    assert pages and max(pages) >= 2


def test_export_pdf_without_weasyprint_says_what_to_install(
    demo_path: Path, tmp_path: Path
) -> None:
    """Issue 16 (export pdf): where WeasyPrint cannot be imported (a real interpreter with
    a ``weasyprint`` that fails to import first on its path) one line names the extra and
    the Debian packages, exit status 2, no traceback, no file."""
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError('cannot load library libpango-1.0-0')\n")
    pdf = tmp_path / "x.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sopvault",
            "export",
            "pdf",
            "SOP-003",
            str(pdf),
            "--vault",
            str(demo_path),
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(fake.parent)},
    )
    assert done.returncode == 2, done.stderr
    assert (
        "pip install 'sopvault[pdf]'" in done.stderr
        and "libpango-1.0-0 libpangoft2-1.0-0" in done.stderr
    )
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert not pdf.exists()


def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    """Issue 16 (export pdf): WeasyPrint's URL fetcher refuses a file on this machine and
    an address on the network; a page naming both still prints, showing neither."""
    weasyprint = pytest.importorskip("weasyprint")
    from sopvault.render.site.pdf import FetchRefused, url_fetcher

    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    fetcher = url_fetcher(weasyprint)
    for url in (secret.as_uri(), "http://127.0.0.1:9/x.png", "data:text/css,p{}"):
        with pytest.raises(FetchRefused):
            fetcher(url)
    page = f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
    data = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    assert data.startswith(b"%PDF-")
