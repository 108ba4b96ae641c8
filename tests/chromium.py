"""Debian's chromium, driven headless by Selenium through chromium-driver, for the tests
that open what sopvault writes in a real browser (issue 16: the exported site, the flow
picture). A test module importing this is skipped, with the reason, where Selenium,
chromium or chromedriver is missing (``.ci/run`` installs them in CI)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

__all__ = ["NEEDED", "By", "NoAlertPresentException", "WebDriverWait", "chromium", "webdriver"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Skip marks for a module's ``pytestmark``.
NEEDED = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
    pytest.mark.skipif(not Path(DRIVER).exists(), reason="chromedriver is not installed"),
]
# Headless, and quiet on a closed network: no background connections, updates or sync.
FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
    " --disable-background-networking --disable-component-update --disable-sync"
).split()


@contextmanager
def chromium(profile: Path, *extra: str) -> Iterator[webdriver.Chrome]:
    """A fresh headless chromium with its own profile folder ``profile`` (and ``extra``
    flags), quit when the block ends."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", *extra):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
