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
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--lang=vi-VN"]  # a Vietnamese phone: dates as dd/mm/yyyy
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
    # not in the middle of a map's zoom (Leaflet scales the drawn wards until the zoom ends)
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
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


# WCAG 2.1 contrast of every visible text against the first opaque background behind it (AA: 4.5:1, large
# text 3:1); the page's own CSS is checked as rendered, not as its comments claim.
_CONTRAST_JS = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3); } return [255, 255, 255]; };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (!own || style.visibility === "hidden" || box.width === 0 || el.closest(".leaflet-container")) continue;
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05), size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < need) failures.push(`${el.tagName}.${el.className} "${text}" ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def contrast_failures(page: Any) -> list[str]:
    """The visible texts whose contrast is below WCAG AA (empty when the page passes)."""
    return page.evaluate(_CONTRAST_JS)


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing to scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
