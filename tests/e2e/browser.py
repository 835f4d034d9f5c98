"""What every browser test shares (the portal's, the staff console's): Debian's Chromium under Playwright,
one local stack per test module, screenshots under build/screenshots/.

Playwright's own browser download is not used: it launches /usr/bin/chromium (`make browser-deps` installs
it). Without it the tests skip with a message naming that command; with CI set they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_local_stack import ROOT, Stack

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 30_000


def need_browser() -> None:
    """Skip loudly (fail on CI) when a piece the browser tests need is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (make browser-deps, i.e. sudo apt-get install chromium)")
    if shutil.which("npm") is None and not (ROOT / "web" / "dist" / "index.html").exists():
        missing.append("the built portal web/dist (make web, which needs node and npm)")
    if not (ROOT / "web" / "dist" / "index.html").exists():
        missing.append("the built portal web/dist (make web)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (make test installs requirements-dev.txt)")
    if missing:
        message = "BROWSER TESTS NOT RUN: missing " + "; ".join(dict.fromkeys(missing))
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Portal:
    """The running stack seen from a browser: the portal's and the API's URLs, and a Chromium context."""

    stack: Stack
    url: str
    api_url: str
    context: Any

    def page(self, viewport: dict[str, int] = DESKTOP) -> Any:
        page = self.context.new_page()
        page.set_viewport_size(viewport)
        page.set_default_timeout(TIMEOUT_MS)
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text
                and page.errors.append(m.text))  # a CSP refusal shows here
        return page


def endpoints(stack: Stack) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    path = stack.log_dir / "endpoints.json"
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return json.loads(path.read_text(encoding="utf-8"))


def screenshot(page: Any, name: str) -> Path:
    """The page at its current size under build/screenshots/<name>-<width>x<height>.png (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:
    """The local stack started once for the module, and a fresh Chromium (its own user-data-dir)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    tmp = tmp_path_factory.mktemp("browser")
    stack = Stack(tmp)
    try:
        stack.wait_until_up()
        stage = endpoints(stack)["stages"]["dev"]
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(tmp / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
                locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=DESKTOP)
            try:
                yield Portal(stack, stage["portal_url"], stage["api_url"], context)
            finally:
                context.close()
    finally:
        stack.interrupt()
