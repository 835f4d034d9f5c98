"""The staff console (/dieu-hanh) in Debian's Chromium against `make run`'s stack: the IOC signs in with
the demo password, finds a new report in "Chờ phân loại" with its SLA badge, switches language, signs out."""

from __future__ import annotations

import json

import pytest
from browser import DESKTOP, Portal, screenshot
from test_local_stack import HTTP, REPORT, post_report
from test_portal_browser import staff_act, staff_token

from devstack.staff import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def expect(locator):
    """Playwright's retrying assertions (imported here: the module is collected before the browser check)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def console_config(portal: Portal) -> dict[str, str]:
    """What /config.json must add for the console: the stage's Cognito endpoint (moto's) and app client."""
    import boto3

    from devstack.token import find_pool_and_client

    endpoint = f"http://127.0.0.1:{portal.stack.moto_port}"
    idp = boto3.client("cognito-idp", region_name="ap-southeast-1", endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    _, client_id = find_pool_and_client(idp, "dev")
    return {"cognito_endpoint": endpoint + "/", "cognito_client_id": client_id}


def console_page(portal: Portal) -> tuple[object, dict[str, str]]:
    """A page whose /config.json carries the console's Cognito settings too."""
    served = HTTP.get(portal.url + "/config.json", timeout=30).json()
    extra = console_config(portal)
    page = portal.page(DESKTOP)
    page.route("**/config.json", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({**served, **extra})))
    return page, extra


def test_the_ioc_signs_in_sees_a_new_report_with_its_badge_and_signs_out(portal: Portal):
    created = post_report(portal.stack, REPORT)
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    page, extra = console_page(portal)
    response = page.goto(portal.url + "/dieu-hanh")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.get_by_label("Tên đăng nhập", exact=True).fill("ioc.operator")
    page.get_by_label("Mật khẩu", exact=True).fill("not-" + DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#sign-in-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    row = page.locator(f'#queue tr[data-id="{report_id}"]')
    row.wait_for()
    expect(page.get_by_role("button", name="Chờ phân loại")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".badge")).to_have_text("Trong hạn")
    screenshot(page, "console-queue")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="To sort")).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("On track")
    page.get_by_role("button", name="Tiếng Việt").click()

    page.reload()  # the session is the tab's: still signed in
    page.locator(f'#queue tr[data-id="{report_id}"]').wait_for()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()
    assert page.evaluate("sessionStorage.getItem('phananh.console.session')") is None
    # Cognito's 400s are the wrong password and moto filing the unsigned GlobalSignOut under its default
    # region (tests/functional/test_console_modules.py): nothing else may fail, no CSP refusal.
    assert [e for e in page.errors if e != "400 " + extra["cognito_endpoint"]] == []
    page.close()


def test_the_ward_officer_finds_what_the_ioc_assigned_and_follows_it_to_in_progress(portal: Portal):
    created = post_report(portal.stack, REPORT)
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    ioc, officer = staff_token(portal, "ioc.operator"), staff_token(portal, "ward1.officer")
    staff_act(portal, ioc, report_id, "assign", agency_id="ubnd-22015")

    page, _ = console_page(portal)
    page.goto(portal.url + "/dieu-hanh")
    page.get_by_label("Tên đăng nhập", exact=True).fill("ward1.officer")
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Được giao")).to_have_attribute("aria-pressed", "true")
    assert page.get_by_role("button", name="Chờ phân loại").count() == 0  # the IOC's queues are not an agency's
    row = page.locator(f'#queue tr[data-id="{report_id}"]')
    expect(row.locator(".badge")).to_have_text("Trong hạn")

    staff_act(portal, officer, report_id, "accept")
    page.get_by_role("button", name="Đang xử lý").click()
    expect(row).to_have_count(1)
    page.get_by_role("button", name="Được giao").click()
    expect(row).to_have_count(0)
    assert page.errors == []
    page.close()
