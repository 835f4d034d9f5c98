"""The citizen portal in Debian's Chromium against `make run`'s stack."""

from __future__ import annotations

import subprocess
import sys

import pytest
from browser import DESKTOP, PHONE, Portal, contrast_failures, horizontal_overflow, screenshot
from test_local_stack import HTTP, ROOT

from devstack.zalo_oa import demo_photo
from infra.portal import page_weight

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
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        screenshot(page, "report")
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Category", exact=True).count() == 1
    page.reload()
    assert page.get_by_label("Category", exact=True).count() == 1  # the choice is remembered
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("path", ["/", "/tra-cuu", "/ket-qua", "/thong-ke"])
def test_every_page_fits_a_phone_and_passes_contrast_in_both_languages(portal: Portal, path: str):
    page = portal.page(PHONE)
    page.goto(portal.url + path)
    page.wait_for_load_state("networkidle")
    for language in ("English", "Tiếng Việt"):
        page.get_by_role("button", name=language).click()
        assert horizontal_overflow(page) == 0, (path, language)
        assert contrast_failures(page) == [], (path, language)
    assert page.errors == []
    page.close()


def test_cors_allows_the_portal_origin_only(portal: Portal):
    answer = HTTP.options(portal.api_url + "/reports", headers={
        "Origin": portal.url, "Access-Control-Request-Method": "POST"}, timeout=30)
    assert answer.headers.get("Access-Control-Allow-Origin") == portal.url
    banner = portal.stack.output.read_text()
    assert f"portal         {portal.url}/" in banner and f"console        {portal.url}/dieu-hanh" in banner


def staff_token(portal: Portal, user: str) -> str:
    done = subprocess.run([sys.executable, "-m", "devstack.token", user, "--endpoint-url",
                           f"http://127.0.0.1:{portal.stack.moto_port}"], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()


def submit_report(portal: Portal, category: str, description: str, point: tuple[float, float],
                  reporter: tuple[str, str]) -> str:
    """A report sent to the API directly (not through the page); its id."""
    answer = HTTP.post(f"{portal.api_url}/reports", json={
        "category": category, "description": description, "location": {"lat": point[0], "lng": point[1]},
        "reporter": {"name": reporter[0], "phone": reporter[1]}}, timeout=30)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def staff_act(portal: Portal, token: str, report_id: str, action: str, **fields) -> dict:
    answer = HTTP.post(f"{portal.api_url}/staff/reports/{report_id}/actions", json={"action": action, **fields},
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, (action, answer.text)
    return answer.json()


def test_report_with_a_photo_track_publish_rate_and_find_it_on_the_map(portal: Portal, tmp_path):
    photo = tmp_path / "o-ga.jpg"
    photo.write_bytes(demo_photo())
    page = portal.page(PHONE)
    page.goto(portal.url + "/gui-phan-anh")
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ward = page.locator("#ward")
    for nth in (40, 10, 60, 80, 20):  # a tap on a ward of the map (a polygon's box centre may fall outside it)
        page.locator("path.leaflet-interactive").nth(nth).click(force=True)
        try:
            page.wait_for_function("() => !['', 'Chưa chọn vị trí', 'Đang tìm phường/xã…'].includes("
                                   "document.querySelector('#ward').textContent)", timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    shown_ward = ward.text_content() or ""
    assert shown_ward not in ("Chưa chọn vị trí", ""), page.locator("[data-error-for=location]").text_content()
    # a tap outside every ward is the API's 400, shown next to the map; only the taps' lookups are let through
    page.errors[:] = [e for e in page.errors if not e.startswith(f"400 {portal.api_url}/wards/lookup?")]
    page.get_by_label("Lĩnh vực", exact=True).select_option("ha-tang-do-thi")
    assert "ngày làm việc" in page.locator("#category-sla").text_content()
    page.get_by_label("Nội dung phản ánh", exact=True).fill("Ổ gà lớn giữa đường, xe máy dễ ngã")
    page.get_by_label("Họ và tên", exact=True).fill("Nguyễn Văn An")
    page.get_by_label("Số điện thoại", exact=True).fill("0905 123 456")
    page.get_by_label("Ảnh/Video", exact=True).set_input_files(str(photo))
    screenshot(page, "report-filled")
    page.get_by_role("button", name="Gửi phản ánh").dblclick()  # a double tap makes one report
    report_id = page.locator("#done-id").text_content()
    token = page.locator("#done-token").text_content()
    assert report_id and token and page.locator("#done-due").text_content()
    page.wait_for_selector("#file-list li[data-status='ready']", timeout=90_000)
    screenshot(page, "report-done")
    link = page.locator("#done-link").get_attribute("href")
    assert "?" not in link and link.startswith("/tra-cuu#") and token in link  # the token rides in the fragment

    ioc, officer = staff_token(portal, "ioc.operator"), staff_token(portal, "ward1.officer")
    queue = HTTP.get(f"{portal.api_url}/staff/reports?status=received&limit=100",
                     headers={"Authorization": f"Bearer {ioc}"}, timeout=30).json()
    assert [i["id"] for i in queue["items"]].count(report_id) == 1  # the double tap made one report
    case = HTTP.get(f"{portal.api_url}/staff/reports/{report_id}", headers={"Authorization": f"Bearer {ioc}"},
                    timeout=30).json()
    # the ready photo's original, for staff, is the vetted version of the upload (not whatever replaced it)
    assert any("versionId=" in (m.get("original_url") or "") for m in case["media"]), case["media"]
    # the ward the page named under the tap is the report's, and routing sent it to that ward's committee
    wards = {str(w["code"]): w["name"] for w in HTTP.get(f"{portal.api_url}/wards", timeout=30).json()["wards"]}
    queued = next(i for i in queue["items"] if i["id"] == report_id)
    assert wards[queued["ward_code"]] in shown_ward, (queued["ward_code"], shown_ward)
    assert queued["agency_id"] == f"ubnd-{queued['ward_code']}", queued["agency_id"]

    page.goto(portal.url + link)
    assert page.locator("#status").text_content() == "Đã tiếp nhận"
    assert "null" not in page.locator("#report").inner_text()  # no result yet: nothing in its place
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        screenshot(page, "track")
    staff_act(portal, ioc, report_id, "assign", agency_id="ubnd-22015")  # the demo officer's ward, wherever the tap was
    staff_act(portal, officer, report_id, "accept")
    staff_act(portal, officer, report_id, "submit_result", text="Đã vá ổ gà")
    staff_act(portal, ioc, report_id, "approve_result")

    page.reload()
    assert page.locator("#status").text_content() == "Đã có kết quả"
    assert page.locator("#result").text_content().count("Đã vá ổ gà") == 1
    page.get_by_label("Mức độ hài lòng (1-5)").select_option("4")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("#rated:has-text('4/5')")
    screenshot(page, "track-published")

    results = portal.page(DESKTOP)
    results.goto(portal.url + "/ket-qua")
    results.wait_for_selector(f"#list li[data-report='{report_id}']")
    assert results.locator("path.leaflet-interactive").count() > 50
    results.locator(f"#list li[data-report='{report_id}'] a").click()
    results.wait_for_selector("#detail:not([hidden])")
    assert "Đã vá ổ gà" in results.locator("#detail").text_content()
    assert "null" not in results.locator("#detail").inner_text()
    assert "Nguyễn Văn An" not in results.content() and "0905 123 456" not in results.content()
    for size in (DESKTOP, PHONE):
        results.set_viewport_size(size)
        screenshot(results, "results")
    stats = portal.page(DESKTOP)
    stats.goto(portal.url + "/thong-ke")
    stats.wait_for_selector("#ranking")
    assert "Xếp hạng cơ quan" in stats.content()
    for size in (DESKTOP, PHONE):
        stats.set_viewport_size(size)
        screenshot(stats, "stats")
    # the tracking page asks for the public page too: a 404 until the report is published is expected
    expected = f"404 {portal.api_url}/public/reports/{report_id}"
    assert [e for e in page.errors if e != expected] == [] and results.errors == [] and stats.errors == []


def test_the_report_page_ships_at_most_150_kb_compressed():
    weight = page_weight("index.html")
    assert sum(weight.values()) <= 150 * 1024, weight


def test_my_location_shows_a_nearby_report_and_i_support_it_instead(portal: Portal):
    report_id = submit_report(portal, "moi-truong", "Rác thải đổ trộm ven đường nhiều ngày", (12.6797, 108.0447),
                              ("Trần Thị Bình", "0912345678"))
    portal.context.grant_permissions(["geolocation"], origin=portal.url)
    portal.context.set_geolocation({"latitude": 12.67985, "longitude": 108.0447})  # ~17 m north
    page = portal.page(PHONE)
    page.goto(portal.url + "/")
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    page.get_by_role("button", name="Vị trí của tôi").click()
    page.get_by_label("Lĩnh vực", exact=True).select_option("moi-truong")
    card = page.locator(f"#nearby [data-report='{report_id}']")
    card.wait_for()
    assert "Trần Thị Bình" not in page.content() and "0912345678" not in page.content()
    page.get_by_label("Số điện thoại", exact=True).fill("0905 222 333")
    card.get_by_role("button", name="Tôi cũng gặp vấn đề này").click()
    card.get_by_text(f"Bạn đã ủng hộ phản ánh {report_id}").wait_for()
    assert "1 người cùng phản ánh" in card.text_content()  # the count the API answered, one supporter
    screenshot(page, "report-nearby")
    assert page.errors == []


def test_the_place_can_be_picked_with_the_keyboard(portal: Portal):
    page = portal.page(DESKTOP)
    page.goto(portal.url + "/")
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    page.locator("#map").focus()
    page.keyboard.press("Enter")  # the province's centre lies in one of its wards
    page.wait_for_function("() => !['Chưa chọn vị trí', 'Đang tìm phường/xã…'].includes("
                           "document.querySelector('#ward').textContent)")
    assert page.locator(".pin").count() == 1
    page.get_by_label("Lĩnh vực", exact=True).select_option("ha-tang-do-thi")
    with page.expect_response(lambda r: r.url.endswith("/reports") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="Gửi phản ánh").click()  # no description: the API's 400 names the field
    refusal = sent.value.json()
    assert sent.value.status == 400 and refusal["field"] == "description", refusal
    error = page.locator("[data-error-for='description']")
    error.wait_for()
    assert error.text_content().strip() == refusal["message"]  # the API's Vietnamese words, not its English
    assert page.locator("#done").is_hidden()


def test_the_results_page_shows_a_result_published_while_it_is_open(portal: Portal):
    context = portal.context.browser.new_context()  # its own clock: the shared context's pages keep real time
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        page.clock.install()
        page.goto(portal.url + "/ket-qua")
        page.wait_for_load_state("networkidle")  # the first page of results is read and drawn
        report_id = submit_report(portal, "ha-tang-do-thi", "Nắp cống vỡ trước chợ, rất nguy hiểm", (12.6712, 108.0391),
                                  ("Lê Văn Cường", "0912000111"))
        ioc, officer = staff_token(portal, "ioc.operator"), staff_token(portal, "ward1.officer")
        staff_act(portal, ioc, report_id, "assign", agency_id="ubnd-22015")
        staff_act(portal, officer, report_id, "accept")
        staff_act(portal, officer, report_id, "submit_result", text="Đã thay nắp cống mới")
        staff_act(portal, ioc, report_id, "approve_result")
        row = page.locator(f"#list li[data-report='{report_id}']")
        page.clock.fast_forward("01:00")  # a minute on: the list is still the one first read
        page.wait_for_timeout(300)
        assert row.count() == 0
        page.clock.fast_forward("01:30")  # past two minutes: the first page is read again
        row.wait_for()
        assert "Lê Văn Cường" not in page.content() and "0912000111" not in page.content()
    finally:
        context.close()


def test_without_the_map_my_location_still_finds_the_ward_and_the_map_loads_again_on_request(portal: Portal):
    # a cheap phone on patchy data: the ward outlines fail once; the phone knows where it is
    context = portal.context.browser.new_context(locale="vi-VN", permissions=["geolocation"],
                                                 geolocation={"latitude": 12.6712, "longitude": 108.0391})
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        failed: list[str] = []

        def fail_once(route) -> None:
            if failed:
                route.continue_()
            else:
                failed.append(route.request.url)
                route.abort()

        page.route("**/wards.geojson", fail_once)
        page.goto(portal.url + "/gui-phan-anh")
        notice = page.locator("#map-failed")
        notice.wait_for()
        assert "Vị trí của tôi" in (notice.text_content() or "")
        screenshot(page, "report-map-failed")
        page.get_by_role("button", name="Vị trí của tôi").click()  # no map, and the ward is still found
        page.wait_for_function("() => !['', 'Chưa chọn vị trí', 'Đang tìm phường/xã…'].includes("
                               "document.querySelector('#ward').textContent)")
        ward = page.locator("#ward").text_content()
        page.get_by_role("button", name="Tải lại bản đồ").dblclick()  # a double tap makes one map
        page.wait_for_selector("path.leaflet-interactive", state="attached")
        assert notice.is_hidden() and page.locator(".pin").count() == 1  # the point found has its pin now
        assert page.locator("#ward").text_content() == ward and len(failed) == 1
    finally:
        context.close()


def test_the_results_page_lists_without_its_map_and_each_part_loads_again_on_request(portal: Portal):
    page = portal.page(PHONE)
    dropped: list[str] = []

    def drop_first(route) -> None:  # the first read of each dropped, as patchy data drops them
        kind = "outlines" if "wards.geojson" in route.request.url else "list"
        if kind in dropped:
            route.continue_()
        else:
            dropped.append(kind)
            route.abort()

    page.route("**/wards.geojson", drop_first)
    page.route("**/public/reports?*", drop_first)
    page.goto(portal.url + "/ket-qua")
    page.locator("#map-failed").wait_for()
    page.locator("#list-failed").wait_for()
    assert page.locator("#empty").is_hidden()  # not "no results yet": nothing was read
    screenshot(page, "results-offline")
    page.get_by_role("button", name="Tải lại danh sách").click()
    page.wait_for_function("() => document.querySelector('#list li') || !document.querySelector('#empty').hidden")
    assert page.locator("#list-failed").is_hidden() and page.locator("#map-failed").is_visible()
    page.get_by_role("button", name="Tải lại bản đồ").click()
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    assert page.locator("#map-failed").is_hidden() and sorted(dropped) == ["list", "outlines"]
    # the aborted reads are not page errors; anything else would be
    assert [e for e in page.errors if "net::ERR_FAILED" not in e] == []
    page.close()


def test_the_statistics_page_says_when_it_cannot_read_the_figures_and_reads_them_again(portal: Portal):
    page = portal.page(PHONE)
    dropped: list[str] = []
    page.route("**/public/stats*", lambda route: route.continue_() if dropped else (dropped.append(route.request.url),
                                                                                    route.abort()))
    page.goto(portal.url + "/thong-ke")
    failed = page.locator("#stats-failed")
    failed.wait_for()
    assert "Không kết nối được" in (failed.text_content() or "") and page.locator("#ranking").count() == 0
    page.get_by_role("button", name="Tải lại").click()
    page.wait_for_selector("#ranking")
    assert failed.is_hidden() and len(dropped) == 1
    page.close()


def test_a_reporter_whose_report_was_refused_reads_why_on_the_tracking_page(portal: Portal):
    from urllib.parse import urlencode

    original = submit_report(portal, "moi-truong", "Rác thải đổ trộm ven đường nhiều ngày", (12.6712, 108.0391),
                             ("Lê Thị Cúc", "0905 333 010"))
    answer = HTTP.post(f"{portal.api_url}/reports", timeout=30, json={
        "category": "moi-truong", "description": "Rác đổ trộm ven đường, bốc mùi", "location":
        {"lat": 12.6712, "lng": 108.0391}, "reporter": {"name": "Phan Văn Dũng", "phone": "0905 333 011"}}).json()
    ioc = staff_token(portal, "ioc.operator")
    staff_act(portal, ioc, answer["id"], "reject", reason_code="duplicate", duplicate_of=original,
              public_reason="Trùng với phản ánh đã tiếp nhận trước đó")
    page = portal.page(PHONE)
    page.goto(portal.url + "/tra-cuu#" + urlencode({"id": answer["id"], "token": answer["tracking_token"]}))
    card = page.locator("#rejection")
    card.wait_for()
    assert page.locator("#status").text_content() == "Không xử lý"
    assert "Trùng với phản ánh đã tiếp nhận trước đó" in card.text_content()
    assert original in card.text_content()  # the report it repeats, by its code
    assert "null" not in page.locator("#report").inner_text()
    screenshot(page, "track-rejected")
    assert [e for e in page.errors if "/public/reports/" not in e] == []  # its public page: asked for, then found
    page.close()
