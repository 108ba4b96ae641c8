"""Issue 16 (export html): the exported site in a real browser, Debian's chromium driven
headless by Selenium through chromium-driver, from ``file://`` with no server: the tree,
the search box, a document's steps and sign-offs, printing to PDF, and no script
injection from any text of a document. Skipped, with the reason, where chromium,
chromedriver or Selenium is missing."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.chromium import NEEDED, By, NoAlertPresentException, WebDriverWait, chromium, webdriver
from tests.conftest import write
from tests.services.test_publish import approval, commit

pytestmark = [pytest.mark.usefixtures("utc"), *NEEDED]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A fresh headless chromium with its own profile folder."""
    with chromium(tmp_path / "profile", "--window-size=1280,900") as driver:
        yield driver


def export(vault: Path, out: Path) -> None:
    assert main(["export", "html", str(out), "--vault", str(vault)]) == 0


def wait_for(driver: webdriver.Chrome, css: str) -> list:  # type: ignore[type-arg]
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return driver.find_elements(By.CSS_SELECTOR, css)


def test_browse_search_and_print_the_demo_site(
    demo_path: Path, tmp_path: Path, browser: webdriver.Chrome
) -> None:
    """Issue 16 (export html): open the index from file://, follow the tree to a
    procedure, see its numbered steps and its sign-offs, search a word and open the hit,
    and print the page to PDF (Page.printToPDF)."""
    out = tmp_path / "site"
    export(demo_path, out)
    browser.get((out / "index.html").as_uri())
    assert "Harrow" in browser.title
    link = next(a for a in wait_for(browser, "nav.tree a") if a.text.startswith("SOP-003"))
    link.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/docs/SOP-003.html"))
    steps = wait_for(browser, "#steps li.step")
    assert len(steps) >= 3 and steps[0].get_attribute("value") == "1"
    signoffs = browser.find_element(By.ID, "signoffs").text
    assert "reviewed and approved" in signoffs and "2.2" in signoffs
    assert browser.find_element(By.ID, "banner").text.startswith("Controlled copy: revision 2.2")
    assert wait_for(browser, "nav.tree a.current")[0].text.startswith("SOP-003")  # tree drawn
    box = browser.find_element(By.ID, "search")
    box.send_keys("flotation")
    hits = wait_for(browser, "#hits li a")
    target = hits[0].find_element(By.CSS_SELECTOR, ".id").text
    hits[0].click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(f"/docs/{target}.html"))
    assert "flotation" in browser.page_source.lower()
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF-")


HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
)


DETAILS = "[go](javascript:window.__pwned=1) " + HOSTILE[3]


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """An approved procedure whose title, owner, tags, steps and body hold script."""
    root = tmp_path / "v"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    write(root, "sopvault.toml", f"name = {_toml(HOSTILE[0])}\n")
    tags = ", ".join(_toml(t) for t in HOSTILE)
    front = (
        f'id = "SOP-1"\ntitle = {_toml(HOSTILE[2] + " pallet " + HOSTILE[1])}\n'
        f'kind = "procedure"\nversion = "1.0"\nstatus = "effective"\neffective = 2026-01-10\n'
        f"owner = {_toml(HOSTILE[1])}\ndepartment = {_toml(HOSTILE[3])}\ntags = [{tags}]\n"
        f"purpose = {_toml(HOSTILE[0])}\n\n[[steps]]\naction = {_toml('Count ' + HOSTILE[0])}\n"
        f"role = {_toml(HOSTILE[1])}\ndetails = {_toml(DETAILS)}\n"
        f"substeps = [{_toml(HOSTILE[2])}]\ninstruction = {_toml('WI-9')}\n"
        f'record = {{ type = "choice", label = {_toml(HOSTILE[1])},'
        f" choices = [{_toml(HOSTILE[0])}] }}\n"
    )
    body = (
        "\n".join(HOSTILE)
        + "\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:window.__pwned=1) "
        + '<a href="javascript:alert(1)">raw</a> [z](vbscript:msgbox) ![i](javascript:alert(1))\n\n'
        + "```html\n</code></pre><script>window.__pwned=1</script>\n```\n"
    )
    write(root, "procedures/SOP-1-x.md", f"+++\n{front}+++\n{body}")
    commit(root, approval("SOP-1", "1.0", "2026-01-10T10:00:00Z"))
    return root


def _inert(browser: webdriver.Chrome) -> None:
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return window.__pwned === undefined")
    found = browser.execute_script(
        "return [document.querySelectorAll(arguments[0]).length,"
        " document.querySelectorAll('[onerror], [onload]').length,"
        " Array.from(document.scripts).map(s => s.getAttribute('src') || 'INLINE')]",
        '[href^="javascript:" i], [src^="javascript:" i]',
    )
    links, handlers, scripts = found
    assert links == 0 and handlers == 0
    assert all(src != "INLINE" and src.endswith(".js") for src in scripts), scripts


def test_hostile_document_exports_inert(
    hostile: Path, tmp_path: Path, browser: webdriver.Chrome
) -> None:
    """Issue 16 (export html): script in a title, owner, tags, steps, body and the vault's
    name runs nowhere: no alert, the sentinel window.__pwned never set, no javascript:
    link, no event handler attribute, no inline script, on the index, the page and the
    search results; the text is shown as text."""
    out = tmp_path / "site"
    export(hostile, out)
    browser.get((out / "index.html").as_uri())
    wait_for(browser, "nav.tree a")
    _inert(browser)
    browser.get((out / "docs" / "SOP-1.html").as_uri())
    wait_for(browser, "#steps li.step")
    _inert(browser)
    assert "<script>alert(1)</script>" in browser.find_element(By.ID, "body").text
    assert HOSTILE[2] in browser.find_element(By.TAG_NAME, "h1").text
    box = browser.find_element(By.ID, "search")
    box.send_keys("pallet")
    hits = wait_for(browser, "#hits li a")
    assert HOSTILE[2] in hits[0].text
    _inert(browser)
    hits[0].click()
    wait_for(browser, "#steps li.step")
    _inert(browser)
