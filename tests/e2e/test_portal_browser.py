"""The citizen portal in Debian's Chromium against `make run`'s stack."""

from __future__ import annotations

import pytest
from browser import PHONE, Portal, screenshot
from test_local_stack import HTTP

pytestmark = pytest.mark.e2e


def test_report_page_draws_the_wards_with_no_tile_server_and_speaks_both_languages(portal: Portal):
    page = portal.page(PHONE)
    response = page.goto(portal.url + "/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    assert page.locator("path.leaflet-interactive").count() > 50  # the province's ward polygons
    assert page.locator("img.leaflet-tile").count() == 0
    for label in ("Lĩnh vực", "Nội dung phản ánh", "Họ và tên", "Số điện thoại", "Ảnh/Video"):
        assert page.get_by_label(label, exact=True).count() == 1, label
    assert page.get_by_role("button", name="Gửi phản ánh").count() == 1
    page.wait_for_selector("#category option:nth-child(2)", state="attached")
    screenshot(page, "report")
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Category", exact=True).count() == 1
    page.reload()
    assert page.get_by_label("Category", exact=True).count() == 1  # the choice is remembered
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.errors == []
    page.close()


def test_cors_allows_the_portal_origin_only(portal: Portal):
    answer = HTTP.options(portal.api_url + "/reports", headers={
        "Origin": portal.url, "Access-Control-Request-Method": "POST"}, timeout=30)
    assert answer.headers.get("Access-Control-Allow-Origin") == portal.url
