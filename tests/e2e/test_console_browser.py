"""The staff console (/dieu-hanh) in Debian's Chromium against `make run`'s stack: the IOC signs in with
the demo password, finds a new report in "Chờ phân loại" with its SLA badge, switches language, signs out;
a report goes from the IOC's queue through the ward officer's case file (accept, a result with a JPEG) to the
public page; a second operator acting first makes the case reload and say what changed (the 409); the map
of open reports draws each page as it arrives, says when it shows only the first ones (a small cap set on
#open-map), and keeps what it drew when a page fails."""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from browser import DESKTOP, Portal, contrast_failures, horizontal_overflow, screenshot
from test_local_stack import HTTP, REPORT, post_report
from test_portal_browser import staff_act, staff_token, submit_report

from devstack.staff import DEMO_PASSWORD
from devstack.zalo_oa import demo_photo

pytestmark = pytest.mark.e2e
VN = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving


def expect(locator):
    """Playwright's retrying assertions (imported here: the module is collected before the browser check)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


_PHONES = itertools.count()


def new_report() -> dict:
    """The example report from a phone of its own: one phone may send 5 a day (the abuse limit), and this
    module sends more than that."""
    return {**REPORT, "reporter": {**REPORT["reporter"], "phone": f"0936 700 {next(_PHONES):03d}"}}


def console_config(portal: Portal) -> dict[str, str]:
    """What /config.json must hold for the console: the stage's Cognito endpoint (moto's) and app client."""
    import boto3

    from devstack.token import find_pool_and_client

    endpoint = f"http://127.0.0.1:{portal.stack.moto_port}"
    idp = boto3.client("cognito-idp", region_name="ap-southeast-1", endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    _, client_id = find_pool_and_client(idp, "dev")
    return {"cognito_endpoint": endpoint + "/", "cognito_client_id": client_id}


def staff_file(portal: Portal, user: str, report_id: str) -> dict:
    """The case file as the API gives it to `user`."""
    answer = HTTP.get(f"{portal.api_url}/staff/reports/{report_id}",
                      headers={"Authorization": f"Bearer {staff_token(portal, user)}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def console_page(portal: Portal) -> tuple[object, dict[str, str]]:
    """A console tab on the /config.json `make run` serves, which names the stage's Cognito and console client
    (nothing is put in its place: a newcomer's `make run` must sign staff in as this does)."""
    served = HTTP.get(portal.url + "/config.json", timeout=30).json()
    expected = console_config(portal)
    assert {k: served.get(k) for k in expected} == expected, served
    return portal.page(DESKTOP), served


def test_the_ioc_signs_in_sees_a_new_report_with_its_badge_and_signs_out(portal: Portal):
    created = post_report(portal.stack, new_report())
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    supported = HTTP.post(f"{portal.api_url}/reports/{report_id}/support", json={"phone": "0905 111 222"}, timeout=30)
    assert supported.status_code == 201, supported.text
    page, extra = console_page(portal)
    response = page.goto(portal.url + "/dieu-hanh")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.locator("#site a.brand")).to_have_attribute("href", "/dieu-hanh")
    expect(page.locator("#site nav")).to_have_count(0)  # an officer's header is not the citizens' menu
    assert page.evaluate("document.getElementById('site').childNodes.length") == 2  # the name and the languages
    page.get_by_label("Tên đăng nhập", exact=True).fill("ioc.operator")
    page.get_by_label("Mật khẩu", exact=True).fill("not-" + DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#sign-in-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    row = page.locator(f'#queue tr[data-id="{report_id}"]')
    row.wait_for()
    expect(page.get_by_role("button", name="Chờ phân loại")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".badge[class*='sla-']")).to_have_text("Trong hạn")
    expect(row.locator(".supports")).to_have_text("1 người cùng phản ánh")  # more supporters, more attention
    expect(row).to_contain_text("Hạ tầng đô thị")  # names, not the codes
    expect(row).to_contain_text("Phường Buôn Ma Thuột")
    screenshot(page, "console-queue")
    row.click()
    expect(page.locator("#case-supports")).to_have_text("1 người cùng phản ánh")  # the case file says it too
    assert contrast_failures(page) == []  # WCAG AA, as the portal's pages

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="To sort")).to_have_count(1)
    expect(row.locator(".badge[class*='sla-']")).to_have_text("On track")
    expect(row).to_contain_text("Urban infrastructure")
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


def sign_in(page, portal: Portal, username: str) -> None:
    page.goto(portal.url + "/dieu-hanh")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def fill(form, fields: dict[str, str]) -> None:
    """Fill a form's boxes by their labels; a select is chosen by its option's value."""
    for label, value in fields.items():
        box = form.get_by_label(label, exact=True)
        if box.evaluate("el => el.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)


def act(page, action: str, button: str, **fields: str) -> None:
    """Fill one of the case's action forms by its labels and send it; wait for the case to say it is done."""
    form = page.locator(f'form[data-action="{action}"]')
    fill(form, fields)
    form.get_by_role("button", name=button).click()
    expect(page.locator("#case-notice")).to_contain_text(f"Đã thực hiện: {button}")


def evidence_on_public_page(public, report_id: str) -> None:
    """The public page shows the evidence once the thumbnailer has made its clean rendition (seconds after
    the upload; the page does not poll, so it is read again until then, as a visitor would reload it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(30):
        try:
            public.locator("#detail img.evidence").first.wait_for(timeout=3_000)
            return
        except PlaywrightTimeout:
            public.reload()
            public.locator(f"#list li[data-report='{report_id}'] a").click()
    raise AssertionError("no evidence photo on the public page")


def test_a_report_goes_from_the_iocs_queue_to_the_public_page_with_an_evidence_photo(portal: Portal, tmp_path):
    created = post_report(portal.stack, {**REPORT, "reporter": {"name": "Trần Thị Bình", "phone": "0912 345 678"}})
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    photo = tmp_path / "da-va.jpg"
    photo.write_bytes(demo_photo())

    ioc, _ = console_page(portal)
    sign_in(ioc, portal, "ioc.operator")
    ioc.locator(f'#queue tr[data-id="{report_id}"]').click()
    expect(ioc.locator("#case-status")).to_have_text("Chờ phân loại")
    expect(ioc.locator("#case-contact")).to_contain_text("Trần Thị Bình · +84912345678")  # the IOC may see the reporter
    ioc.locator("#case-map path.leaflet-interactive").first.wait_for(state="attached")
    offered = staff_file(portal, "ioc.operator", report_id)
    expect(ioc.locator("form.action")).to_have_count(len(offered["allowed_actions"] + offered["allowed_corrections"]))
    screenshot(ioc, "console-case")
    assert contrast_failures(ioc) == []
    ioc.locator("#case-map").click()  # a tap on the map proposes that point to the relocate form
    lat, lng = (float(ioc.locator(f"#f-relocate-{name}").input_value()) for name in ("lat", "lng"))
    assert 12 < lat < 13.5 and 107.5 < lng < 109, (lat, lng)  # in Đắk Lắk, around the report's ward
    act(ioc, "relocate", "Sửa vị trí", **{"Ghi chú": "Chỉnh theo ảnh chụp"})
    assert staff_file(portal, "ioc.operator", report_id)["location"]["lat"] == pytest.approx(lat, abs=1e-6)
    department = ioc.locator('#agencies option[value="so-xay-dung"]')  # GET /staff/agencies, not only the wards
    expect(department).to_have_text(re.compile("^Sở Xây dựng"))
    assert ioc.locator('#agencies option[value^="ubnd-"]').count() > 50
    act(ioc, "assign", "Giao xử lý", **{"Đơn vị xử lý (mã)": "ubnd-22015"})
    expect(ioc.locator("#case-status")).to_have_text("Đã giao")

    officer, _ = console_page(portal)  # another tab: its own session
    sign_in(officer, portal, "ward1.officer")
    expect(officer.get_by_role("button", name="Được giao")).to_have_attribute("aria-pressed", "true")
    assert officer.get_by_role("button", name="Chờ phân loại").count() == 0  # the IOC's queues are not an agency's
    officer.locator(f'#queue tr[data-id="{report_id}"]').click()
    act(officer, "accept", "Tiếp nhận")
    expect(officer.locator("#case-status")).to_have_text("Đang xử lý")
    form = officer.locator('form[data-action="submit_result"]')
    form.get_by_label("Kết quả xử lý", exact=True).fill("Đã vá ổ gà và cắm biển cảnh báo")
    form.get_by_label("Ảnh kết quả", exact=True).set_input_files(str(photo))
    form.get_by_label("Biện pháp xử lý", exact=True).select_option("reminder")
    screenshot(officer, "console-result-form")
    form.get_by_role("button", name="Gửi kết quả").click()
    expect(officer.locator("#case-status")).to_have_text("Chờ duyệt kết quả")

    ioc.get_by_role("button", name="Chờ duyệt kết quả").click()
    ioc.locator(f'#queue tr[data-id="{report_id}"]').click()
    expect(ioc.locator("#case-result")).to_contain_text("Đã vá ổ gà")
    expect(ioc.locator("#case figure.photo")).to_have_count(1)  # the evidence (a rendition once it is made)
    act(ioc, "approve_result", "Duyệt kết quả")
    expect(ioc.locator("#case-status")).to_have_text("Đã có kết quả")

    public = portal.page(DESKTOP)
    public.goto(portal.url + "/ket-qua")
    public.locator(f"#list li[data-report='{report_id}'] a").click()
    expect(public.locator("#detail")).to_contain_text("Đã vá ổ gà")
    evidence_on_public_page(public, report_id)
    assert "Trần Thị Bình" not in public.content() and "912345678" not in public.content()
    assert ioc.errors == [] and officer.errors == []
    for page in (ioc, officer, public):
        page.close()


def ioc_with_a_new_report(portal: Portal) -> tuple[object, str]:
    """A new report, and a console tab where the IOC has signed in and sees it in the queue."""
    created = post_report(portal.stack, new_report())
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    page, _ = console_page(portal)
    sign_in(page, portal, "ioc.operator")
    page.locator(f'#queue tr[data-id="{report_id}"]').wait_for()
    return page, report_id


def test_the_ioc_opens_a_case_by_its_code_or_a_link_whatever_its_queue(portal: Portal):
    page, report_id = ioc_with_a_new_report(portal)
    ioc = staff_token(portal, "ioc.operator")
    staff_act(portal, ioc, report_id, "reject", reason_code="spam", public_reason="Nội dung quảng cáo")
    find = page.locator("#find")
    find.get_by_label("Mã phản ánh", exact=True).fill("  " + report_id.lower() + " ")  # read out on the phone
    find.get_by_role("button", name="Mở").click()
    expect(page.locator("#case h2")).to_contain_text(report_id)  # rejected: in no queue, still found
    expect(page.locator("#case-status")).to_have_text("Từ chối")
    find.get_by_label("Mã phản ánh", exact=True).fill("DLK-0000-0000")
    find.get_by_role("button", name="Mở").click()
    expect(page.locator("#queue-error")).to_have_text(  # the API's 404, in the page's language
        "Không tìm thấy phản ánh có mã này trong phạm vi tài khoản của bạn được xem.")
    find.get_by_label("Mã phản ánh", exact=True).fill("dlk-%zz")  # a stray % is a code like any other
    find.get_by_role("button", name="Mở").click()
    expect(page.locator("#queue-error")).not_to_be_empty()
    page.errors[:] = [e for e in page.errors if not re.search(r"/staff/reports/(DLK-0000-0000|DLK-%25ZZ)$", e)]
    linked, _ = console_page(portal)  # a link to the case: it opens once signed in
    linked.goto(portal.url + f"/dieu-hanh#{report_id}")
    linked.get_by_label("Tên đăng nhập", exact=True).fill("ioc.operator")
    linked.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    linked.get_by_role("button", name="Đăng nhập").click()
    expect(linked.locator("#case h2")).to_contain_text(report_id)
    assert page.errors == [] and linked.errors == []
    page.close()
    linked.close()


def retention_ahead(portal: Portal, days: float, monkeypatch) -> dict:
    """The daily retention run's originals part, in this process, against the stack's moto server, on a clock
    `days` ahead: what `make run RUN_ARGS="--days-ahead N"` does in its runner (the API keeps real time)."""
    from dataclasses import asdict

    from chalicelib import container
    from devstack.provision import Provisioned
    from devstack.stack import load_chalice_config, stage_environment, stage_variables

    provisioned = Provisioned(**json.loads((portal.stack.log_dir / "dev" / "stack.json").read_text("utf-8")))
    moto = f"http://127.0.0.1:{portal.stack.moto_port}"
    for key, value in stage_environment(provisioned, moto, stage_variables(load_chalice_config(), "dev")).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(container, "clock", lambda: lambda: datetime.now(UTC) + timedelta(days=days))
    container.reset()
    try:
        return asdict(container.originals().apply_retention())
    finally:
        container.reset()  # nothing built on this stack's settings outlives the test


def test_ninety_days_after_publication_the_case_file_says_the_original_was_deleted(portal: Portal, monkeypatch):
    receipt = post_report(portal.stack, new_report()).json()
    report_id, photo_bytes = receipt["id"], demo_photo()
    ioc, officer = staff_token(portal, "ioc.operator"), staff_token(portal, "ward1.officer")
    offer = HTTP.post(f"{portal.api_url}/reports/{report_id}/media", timeout=30,
                      headers={"X-Tracking-Token": receipt["tracking_token"]},
                      json={"content_type": "image/jpeg", "size": len(photo_bytes)})
    assert offer.status_code == 201, offer.text
    posted = HTTP.post(offer.json()["url"], data=offer.json()["fields"],
                       files={"file": ("o-ga.jpg", photo_bytes, "image/jpeg")}, timeout=30)
    assert posted.status_code in (200, 204), posted.text
    for _ in range(60):  # the thumbnailer makes the renditions within seconds
        if staff_file(portal, "ioc.operator", report_id)["media"][0]["status"] == "ready":
            break
        time.sleep(0.5)
    for token, action, fields in ((ioc, "assign", {"agency_id": "ubnd-22015"}), (officer, "accept", {}),
                                  (officer, "submit_result", {"text": "Đã vá ổ gà"}), (ioc, "approve_result", {})):
        staff_act(portal, token, report_id, action, **fields)
    assert retention_ahead(portal, 89, monkeypatch)["removed"] == 0  # not yet: 90 days after publication
    page, _ = console_page(portal)
    sign_in(page, portal, "ioc.operator")
    page.goto(portal.url + f"/dieu-hanh#{report_id}")
    expect(page.locator("#case .photo a")).to_have_text("Ảnh gốc")  # the link to the original, until the rule runs
    run = retention_ahead(portal, 91, monkeypatch)
    assert run["removed"] >= 1 and run["versions"] >= 1, run
    page.reload()
    photo = page.locator("#case .photo")
    expect(photo).to_contain_text("Ảnh gốc đã xoá theo quy định lưu trữ")
    assert photo.locator("a").count() == 0 and photo.locator("img").count() == 1  # the rendition stays
    expect(page.locator("#case .history")).to_contain_text("Xoá ảnh gốc (quy định lưu trữ)")
    screenshot(page, "console-original-removed")
    assert page.errors == []
    page.close()


def test_an_empty_queue_says_so_once_it_has_been_read(portal: Portal):
    page, _ = ioc_with_a_new_report(portal)  # "Chờ phân loại" has it: no empty line
    assert page.locator("#queue-empty").is_hidden()
    seen = {}
    for tab in ("Quá hạn", "Chờ gia hạn", "Chờ phân loại"):  # no test here asks for an extension: that one is empty
        button = page.get_by_role("button", name=tab, exact=True)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")  # pressed once its rows are drawn
        seen[tab] = page.locator("#queue tbody tr").count() == 0
        assert page.locator("#queue-empty").is_visible() == seen[tab], tab
        if seen[tab]:
            assert page.locator("#queue-empty").text_content() == "Không có phản ánh nào trong hàng đợi này."
    assert seen["Chờ gia hạn"] and not seen["Chờ phân loại"] and page.errors == []
    page.close()


def test_a_second_operator_acting_first_makes_the_case_reload_and_say_what_changed(portal: Portal):
    page, report_id = ioc_with_a_new_report(portal)
    page.locator(f'#queue tr[data-id="{report_id}"]').click()
    expect(page.locator("#case-status")).to_have_text("Chờ phân loại")
    form = page.locator('form[data-action="assign"]')
    form.get_by_label("Đơn vị xử lý (mã)", exact=True).fill("ubnd-22015")

    staff_act(portal, staff_token(portal, "ioc.operator"), report_id, "assign", agency_id="ubnd-22015")  # the other one
    form.get_by_role("button", name="Giao xử lý").click()

    expect(page.locator("#case-notice")).to_contain_text("trạng thái hiện nay: Đã giao")
    expect(page.locator("#case-status")).to_have_text("Đã giao")
    # the forms are drawn again from the fresh case (its new version), the stale input gone
    expect(page.locator('form[data-action="assign"]').get_by_label("Đơn vị xử lý (mã)", exact=True)).to_have_value("")
    page.evaluate("document.querySelector('#case').scrollIntoView()")  # the notice at the top
    screenshot(page, "console-case-conflict")
    assert [e for e in page.errors if not e.startswith("409 ")] == []
    page.close()


def test_the_map_of_open_reports_colours_them_by_sla_and_a_pin_opens_the_case(portal: Portal):
    page, _ = ioc_with_a_new_report(portal)
    assert page.get_by_role("button", name="Danh bạ cán bộ").is_hidden()  # the directory is the admin's
    page.get_by_role("button", name="Bản đồ").click()
    expect(page.locator('#open-map-legend li[data-state="on_track"]')).not_to_have_text("Trong hạn (0)")
    pins = page.locator("#open-map .pin")
    expect(pins.first).to_be_visible()
    assert pins.count() >= 1
    screenshot(page, "console-map")
    for _ in range(5):  # the topmost pin (the test reports share a point); a click while Leaflet still zooms is lost
        pins.last.click()
        if page.locator("#case-status").count():
            break
        page.wait_for_timeout(500)
    expect(page.locator("#case-status")).not_to_be_empty()
    assert page.errors == []
    page.close()


NEXT_PAGE = re.compile(r"/staff/reports\?.*cursor=")  # a list page after the first


def ioc_on_the_map(portal: Portal, reports: int, max_pins: int, page_size: int) -> tuple[object, list]:
    """`reports` new reports, and the IOC's console set to draw at most `max_pins`, read `page_size` at a time
    (the attributes #open-map may carry), whose Map tab is about to be pressed; the list answers it gets."""
    for n in range(reports):
        submit_report(portal, "ha-tang-do-thi", f"Đèn đường hỏng số {n}", (12.68, 108.04),
                      ("Phạm Văn Cường", f"0935 600 {n:03d}"))
    page, _ = console_page(portal)
    sign_in(page, portal, "ioc.operator")
    page.locator("#queue tbody tr").first.wait_for()
    page.evaluate("([max, size]) => Object.assign(document.querySelector('#open-map').dataset,"
                  " {maxPins: max, pageSize: size})", [str(max_pins), str(page_size)])
    answers: list = []
    page.on("response", lambda r: "/staff/reports?" in r.url and "due_before=" in r.url and answers.append(r))
    return page, answers


def legend_counts(page) -> dict[str, int]:
    """The legend's counts by SLA state."""
    items = page.locator("#open-map-legend li")
    return {items.nth(i).get_attribute("data-state"): int(re.search(r"\((\d+)\)", items.nth(i).inner_text())[1])
            for i in range(items.count())}


def sla_state(row: dict, now: datetime) -> str:
    """The badge web/console/sla.js gives an open row: overdue, due today (Vietnam's day) or on track."""
    due = datetime.fromisoformat(row["due_at"])
    if row.get("overdue", now > due):
        return "overdue"
    return "due_today" if due.astimezone(VN).date() == now.astimezone(VN).date() else "on_track"


def test_past_its_cap_the_map_says_it_shows_only_the_first_reports_and_counts_those(portal: Portal):
    token = staff_token(portal, "ioc.operator")
    page, answers = ioc_on_the_map(portal, reports=4, max_pins=3, page_size=2)
    held: list = []
    page.route(NEXT_PAGE, lambda route: held.append(route))  # the second page waits
    page.get_by_role("button", name="Bản đồ").click()
    status = page.locator("#open-map-status")
    expect(status).to_have_text("Đang tải bản đồ… đã đọc 2 báo cáo đang mở.")  # not finished yet
    expect(page.locator("#open-map .pin")).to_have_count(2)  # the first page is drawn already
    assert page.locator("#map-view").get_attribute("aria-busy") == "true"
    for _ in range(100):  # the held request reaches the handler on Playwright's next event
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()  # before the unroute: the last route gone, Playwright lets held requests go itself
    page.unroute(NEXT_PAGE)

    expect(status).to_have_text("Chỉ hiển thị 3 báo cáo đang mở đầu tiên, các số đếm dưới đây là của chúng; "
                                "xem đủ các báo cáo trong Hàng đợi.")
    expect(page.locator("#open-map .pin")).to_have_count(3)
    assert page.locator("#map-view").get_attribute("aria-busy") is None
    rows = [row for answer in answers for row in answer.json()["items"]]
    assert len(rows) == 4 and len(answers) == 2  # the cap and one more: there are more than the cap
    every = HTTP.get(f"{portal.api_url}/staff/reports?due_before=2099-01-01&limit=100",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["items"]
    assert [r["id"] for r in rows] == [r["id"] for r in every][:4]
    now = datetime.now(UTC)
    shown = [sla_state(r, now) for r in rows[:3]]
    assert legend_counts(page) == {s: shown.count(s) for s in ("on_track", "due_today", "overdue")}
    screenshot(page, "console-map-capped")
    assert contrast_failures(page) == []
    page.get_by_role("button", name="English").click()
    expect(status).to_have_text("Showing the first 3 open reports only, and the counts below are of those; "
                                "the Queues list them all.")
    on_track = page.locator('#open-map-legend li[data-state="on_track"]')
    expect(on_track).to_have_text(f"On track ({shown.count('on_track')})")
    page.get_by_role("button", name="Tiếng Việt").click()  # the choice is kept for the module's other tests
    assert page.errors == []
    page.close()


def test_a_failed_page_keeps_the_pins_drawn_and_the_console_says_what_went_wrong(portal: Portal):
    page, answers = ioc_on_the_map(portal, reports=2, max_pins=2000, page_size=1)
    page.route(NEXT_PAGE, lambda route: route.abort())
    page.get_by_role("button", name="Bản đồ").click()
    expect(page.locator("#queue-error")).to_have_text("Không kết nối được. Vui lòng thử lại.")
    expect(page.locator("#open-map-status")).to_have_text(
        "Chỉ hiển thị 1 báo cáo đọc được trước khi lỗi, các số đếm dưới đây là của chúng.")
    expect(page.locator("#open-map .pin")).to_have_count(1)
    assert sum(legend_counts(page).values()) == 1 and len(answers) == 1
    assert page.locator("#map-view").get_attribute("aria-busy") is None
    page.close()


def test_the_map_draws_on_a_second_try_after_the_ward_outlines_failed_to_load(portal: Portal):
    page, _ = ioc_with_a_new_report(portal)
    failed: list[str] = []

    def fail_once(route) -> None:  # a dropped connection on a night shift's flaky network, once
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route("**/wards.geojson", fail_once)  # routing turns Chromium's HTTP cache off: each read is seen
    page.get_by_role("button", name="Bản đồ").click()
    expect(page.locator("#queue-error")).to_have_text("Không kết nối được. Vui lòng thử lại.")
    page.get_by_role("button", name="Hàng đợi").click()
    page.get_by_role("button", name="Bản đồ").click()  # the retry: a map is made again on the same element
    expect(page.locator("#open-map .pin").first).to_be_visible()
    expect(page.locator("#open-map path.leaflet-interactive").first).to_be_attached()
    expect(page.locator("#queue-error")).to_be_hidden()
    assert len(failed) == 1 and page.errors == []
    page.close()


def test_the_province_admin_invites_moves_and_disables_an_officer_from_the_directory(portal: Portal):
    page, _ = console_page(portal)
    sign_in(page, portal, "province.admin")
    page.get_by_role("button", name="Danh bạ cán bộ").click()
    page.locator('#directory tr[data-user="ward1.officer"]').wait_for()
    invite = page.locator("#invite")
    fill(invite, {"Tên đăng nhập": "ward1.moi", "Họ và tên": "Lê Văn Mới", "Thư điện tử": "ward1.moi@example.vn",
                  "Vai trò": "agency_officer", "Đơn vị xử lý (mã)": "ubnd-22015"})
    invite.get_by_role("button", name="Mời cán bộ").click()
    expect(page.locator("#directory-notice")).to_have_text("Đã mời ward1.moi: thư mời đã được gửi.")
    row = page.locator('#directory tr[data-user="ward1.moi"]')
    expect(row).to_contain_text("ubnd-22015")

    move = page.locator("#move")
    fill(move, {"Tên đăng nhập": "ward1.moi", "Vai trò": "agency_lead"})
    move.get_by_role("button", name="Chuyển vai trò/đơn vị").click()
    expect(row).to_contain_text("Lãnh đạo đơn vị")
    row.get_by_role("button", name="Khóa").click()
    expect(row.locator(".state")).to_have_text("Đã khóa")
    screenshot(page, "console-directory")
    assert contrast_failures(page) == []
    assert page.errors == []
    page.close()


def test_a_ward_officer_on_a_phone_reads_the_queue_and_a_case_without_scrolling_sideways(portal: Portal):
    from browser import PHONE

    created = post_report(portal.stack, new_report())
    assert created.status_code == 201, created.text
    page, _ = console_page(portal)
    page.set_viewport_size(PHONE)
    sign_in(page, portal, "ioc.operator")
    row = page.locator(f'#queue tr[data-id="{created.json()["id"]}"]')
    row.wait_for()
    assert horizontal_overflow(page) == 0
    # one card per report: the whole description is on screen, and nothing in the queue needs a swipe
    box = row.locator("td.description").bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"], box
    swipe = "() => { const t = document.querySelector('#queue'); return t.scrollWidth - t.clientWidth; }"
    assert page.evaluate(swipe) <= 0
    assert page.get_by_role("columnheader").count() == 5  # the header, hidden on screen, still names the columns
    screenshot(page, "console-queue")
    row.click()
    page.wait_for_selector("#case:not([hidden]) form[data-action]")  # the case file with its action forms
    assert horizontal_overflow(page) == 0
    screenshot(page, "console-case")
