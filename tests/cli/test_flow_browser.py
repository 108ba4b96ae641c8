"""Issue 16 (flow pictures, hostile): the SVG of a procedure whose title, roles, steps,
condition and work instruction carry script, event handlers and ``javascript:`` links,
written by ``sopvault flow --svg`` and shown inline in a page as the HTML export shows it,
in a real browser (Debian's chromium, headless, through chromium-driver): nothing runs,
the words are shown as words. Skipped, with the reason, where chromium, chromedriver or
Selenium is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from sopvault.cli import main
from tests.chromium import NEEDED, NoAlertPresentException, chromium, webdriver
from tests.conftest import commit_all, copy_sample

pytestmark = NEEDED
PAYLOAD = (
    '<script>window.ran=1;alert(1)</script>"><img src=x onerror="window.ran=2;alert(2)">'
    "]]><svg onload=alert(3)></svg>"
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A fresh headless chromium with its own profile folder."""
    with chromium(tmp_path / "profile") as driver:
        yield driver


def hostile_procedure(root: Path) -> None:
    steps = [
        {"action": f"Check {PAYLOAD}", "role": PAYLOAD, "critical": True, "record": "yesno"},
        {"action": "Open it", "when": "step 1 == 'no'", "instruction": "javascript:alert(4)"},
        {"action": "Close it", "instruction": "WI-002"},
    ]
    front = {"id": "SOP-666", "title": PAYLOAD, "kind": "procedure", "status": "draft"}
    text = f"+++\n{tomli_w.dumps({**front, 'steps': steps})}+++\n{PAYLOAD}\n"
    (root / "procedures" / "SOP-666.md").write_text(text, encoding="utf-8")


def test_a_hostile_flow_runs_nothing_in_a_browser(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    """Issue 16 (flow, hostile): the picture inline in a page: no alert, no script ran,
    no element but drawing ones, the payload shown as text, one link (to WI-002.html)."""
    vault = copy_sample(tmp_path / "vault")
    hostile_procedure(vault)
    commit_all(vault)
    picture = tmp_path / "flow.svg"
    assert main(["--vault", str(vault), "flow", "SOP-666", "--svg", str(picture)]) == 0
    page = tmp_path / "page.html"
    svg = picture.read_text(encoding="utf-8")
    page.write_text(f"<!doctype html><meta charset=utf-8><body>{svg}</body>", encoding="utf-8")
    browser.get(page.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return window.ran === undefined")
    tags = browser.execute_script(
        "return [...new Set([...document.querySelectorAll('svg *')].map(e => e.localName))]"
    )
    assert set(tags) <= {"title", "defs", "marker", "path", "rect", "text", "a"}
    handlers = browser.execute_script(
        "return [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).length"
    )
    assert handlers == 0
    shown = browser.execute_script("return document.querySelector('svg').textContent")
    assert "<script>window.ran=1;alert(1)</script>" in shown
    links = browser.execute_script(
        "return [...document.querySelectorAll('svg a')].map(a => a.getAttribute('href'))"
    )
    assert links == ["WI-002.html"]
    assert "javascript:alert(4)" in shown  # as words, not a link
