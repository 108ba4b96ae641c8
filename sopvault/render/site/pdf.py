"""One document's page printed to PDF with WeasyPrint (issue 16, ``sopvault export pdf``):
the same page as the site, with the print stylesheet, the controlled-copy banner and the
sign-off block on its own page (21 CFR Part 11 §11.10(b): a complete copy in
human-readable form).

WeasyPrint is an optional extra (``sopvault[pdf]``) and needs Pango from the system; when
either is missing ``PdfUnavailable`` says what to install. It fetches nothing: the page
is given as a string, its stylesheets as strings, and the URL fetcher refuses every URL
(an image or stylesheet a document names is never read from disk or the network).
"""

from __future__ import annotations

from typing import Any, NoReturn

from sopvault.errors import Refused
from sopvault.model.publish import Site
from sopvault.render.site.pages import page_html, print_css, site_css

INSTALL = (
    "the PDF export needs WeasyPrint: pip install 'sopvault[pdf]' (and on Debian or Ubuntu:"
    " apt install libpango-1.0-0 libpangoft2-1.0-0)"
)


class PdfUnavailable(Refused):
    """WeasyPrint or the system's Pango is missing (exit status 2: nothing was printed)."""

    exit_code = 2


class FetchRefused(Refused):
    """A URL the page named while printing; never fetched."""


def refuse_fetch(url: str, *_args: Any, **_kwargs: Any) -> NoReturn:
    """Every URL refused (the PDF holds only the page). Raises FetchRefused."""
    raise FetchRefused(f"not fetched while printing: {url[:80]}")


def url_fetcher(weasyprint: Any) -> Any:
    """WeasyPrint's URL fetcher here, refusing every URL: a ``URLFetcher`` whose ``fetch``
    raises (WeasyPrint 66 and later take only such an object), else the function."""
    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:
        return refuse_fetch

    class Refusing(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            refuse_fetch(url)

    return Refusing()


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as err:  # OSError too: Pango missing shows as a failed dlopen
        raise PdfUnavailable(INSTALL) from err
    except OSError as err:
        raise PdfUnavailable(f"{INSTALL} ({err})") from err
    return weasyprint


def page_pdf(site: Site, *, compress: bool = True) -> bytes:
    """The PDF of ``site``'s one page (gathered with ``only=``); ``compress`` False keeps
    its objects readable (tests count its pages). Raises PdfUnavailable."""
    weasyprint = _weasyprint()
    page = site.pages[0]
    text = page_html(site, page, standalone=True)
    sheets = [
        weasyprint.CSS(string=css, url_fetcher=url_fetcher(weasyprint))
        for css in (site_css(), print_css())
    ]
    fetcher = url_fetcher(weasyprint)
    document = weasyprint.HTML(string=text, url_fetcher=fetcher, media_type="print")
    data = document.write_pdf(stylesheets=sheets, uncompressed_pdf=not compress)
    assert isinstance(data, bytes)
    return data
