"""The public portal: published results and rejections, filters, GeoJSON, and no personal data anywhere."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from staff_helpers import AGENCY, JSON, RESULT, body_of, must, submit, to_state

from chalicelib.rules.text import fold

pytest_plugins = ["staff_fixtures"]

# Reports whose text carries personal data: the reporter's own, typed into the description, and third parties'.
CORPUS = [
    {"reporter": {"name": "Trần Thị Bích Ngọc", "phone": "0912 345 678"},
     "description": "Rác thải đổ trộm cả tuần nay. Tôi là Trần Thị Bích Ngọc, gọi 0912.345.678 "
                    "hoặc email ngoc.tran@gmail.com để biết thêm.",
     "location": {"lat": 12.68, "lng": 108.04, "address": "Số 5 Lý Thường Kiệt, nhà bà Hai 0262 3812 345"},
     "category": "moi-truong", "fate": "published"},
    {"reporter": {"name": "Lê Văn Tám", "phone": "+84 987 654 321"},
     "description": "Đèn đường hỏng ba hôm, gọi cho tôi +84987654321 hoặc tam.le@example.vn",
     "fate": "published",
     "result": {"text": "Đã thay bóng đèn. Đã liên hệ anh Lê Văn Tám qua số 0987654321 để xác nhận.",
                "enforcement": [{"type": "reminder", "note": "Nhắc ông Phạm Văn Đồng, SĐT 0909 888 777"},
                                {"type": "fine", "amount_vnd": 2_000_000, "note": "Biên bản gửi pvd@mail.vn"}]}},
    {"reporter": {"name": "Phạm Thị Hoa", "phone": "0977 111 222"},
     "description": "Quảng cáo dịch vụ, liên hệ zalo 0977111222 hoặc hoa.pham@yahoo.com",
     "fate": "rejected",
     "rejection": {"reason_code": "out_of_scope",
                   "public_reason": "Không thuộc phạm vi; người gửi Phạm Thị Hoa xin liên hệ 0977-111-222"}},
    {"reporter": {"name": "Hoàng Văn Nam", "phone": "0868 123 456"},
     "description": "Cây đổ chắn đường. toi la hoang van nam, sdt 0868-123-456, nha o ngo 3",
     "ward_code": "22015", "location": {"lat": 13.09, "lng": 109.3}, "fate": "published"},
    {"reporter": {"name": "Đỗ Minh Châu", "phone": "0935 000 111"},
     "description": "Lấn chiếm vỉa hè trước số 12, chủ quán là chị Lan 0935 222 333",
     "fate": "in_progress"},
]
REPORTER_NAMES = [c["reporter"]["name"] for c in CORPUS]
TYPED = ["0912.345.678", "0262 3812 345", "ngoc.tran@gmail.com", "+84987654321", "tam.le@example.vn",
         "0987654321", "0909 888 777", "pvd@mail.vn", "0977111222", "hoa.pham@yahoo.com", "0977-111-222",
         "0868-123-456", "0935 222 333", "Phạm Văn Đồng"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def digits_pattern(phone: str) -> re.Pattern[str]:
    """A phone number however it is written: E.164 or national, any separators."""
    digits = re.sub(r"\D", "", phone)
    national = "0" + digits[2:] if digits.startswith("84") else digits
    alternatives = {national, "84" + national[1:]}
    return re.compile("|".join(r"[\s.\-]?".join(d) for d in alternatives))


PHONES = [digits_pattern(c["reporter"]["phone"]) for c in CORPUS] + [
    digits_pattern(t) for t in TYPED if re.search(r"\d{3}", t)]


def personal_data_in(text: str) -> list[str]:
    """Every piece of personal data found in a response body or log output."""
    found = [n for n in REPORTER_NAMES if n in text or fold(n) in fold(text)]
    found += [t for t in TYPED if not re.search(r"\d", t) and t in text]
    found += [p.pattern for p in PHONES if p.search(text)]
    found += EMAIL.findall(text)
    return found


@pytest.fixture
def corpus(client, staff):
    made = {}
    for n, case in enumerate(CORPUS):
        body = {k: v for k, v in case.items() if k not in {"fate", "result", "rejection"}}
        if "location" in body:
            body["location"] = {"address": "Buôn Ma Thuột", **body["location"]}
        report_id, _ = submit(client, **body)
        fate = case["fate"]
        if fate == "rejected":
            must(client, staff, "ioc", report_id, "reject", **case["rejection"])
        elif fate == "published":
            agency = "ubnd-22015" if case.get("ward_code") == "22015" else AGENCY
            officer = "other.officer" if agency != AGENCY else "officer"
            must(client, staff, "ioc", report_id, "assign", agency_id=agency)
            must(client, staff, officer, report_id, "accept")
            must(client, staff, officer, report_id, "submit_result",
                 **case.get("result", {"text": "Đã xử lý xong theo quy định."}))
            must(client, staff, "ioc", report_id, "approve_result")
        else:
            to_state(client, staff, report_id, fate)
        made[n] = report_id
    return made


def get(client, path, **params):
    response = client.http.get(f"{path}?{urlencode(params)}" if params else path)
    return response.status_code, response.body.decode(), body_of(response)


def test_no_public_response_and_no_log_line_carries_personal_data(client, staff, corpus, capsys, caplog):
    capsys.readouterr()
    bodies = []
    for params in ({}, {"format": "geojson"}, {"status": "published"}, {"status": "rejected"},
                   {"category": "moi-truong"}, {"ward": "22015"}, {"limit": "1"}):
        status, text, _ = get(client, "/public/reports", **params)
        assert status == 200
        bodies.append(text)
    for report_id in corpus.values():
        status, text, _ = get(client, f"/public/reports/{report_id}")
        bodies.append(text)
    for text in bodies:
        assert personal_data_in(text) == [], text
        assert "tracking_token" not in text and '"reporter"' not in text
    _, listed, _ = get(client, "/public/reports")
    assert "[số điện thoại đã ẩn]" in listed and "[email đã ẩn]" in listed and "[họ tên đã ẩn]" in listed
    out = capsys.readouterr()
    logs = out.out + out.err + "\n".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert personal_data_in(logs) == []


def test_the_public_list_holds_published_and_rejected_reports_only(client, staff, corpus):
    _, _, body = get(client, "/public/reports")
    listed = {item["id"]: item for item in body["items"]}
    assert set(listed) == {corpus[0], corpus[1], corpus[2], corpus[3]}
    assert listed[corpus[2]]["status"] == "rejected" and listed[corpus[2]]["rejection"]["reason_code"] == "out_of_scope"
    assert listed[corpus[1]]["result"]["enforcement"][1]["amount_vnd"] == 2_000_000
    assert listed[corpus[0]]["agency"]["id"] == AGENCY and listed[corpus[0]]["published_at"]
    status, _, answer = get(client, f"/public/reports/{corpus[4]}")
    assert status == 404 and answer["code"] == "report_not_found"


def test_public_filters_and_pages(client, staff, corpus):
    ids = lambda body: {i["id"] for i in body["items"]}  # noqa: E731
    assert ids(get(client, "/public/reports", status="rejected")[2]) == {corpus[2]}
    assert ids(get(client, "/public/reports", category="moi-truong")[2]) == {corpus[0]}
    assert ids(get(client, "/public/reports", ward="22015")[2]) == {corpus[3]}
    assert ids(get(client, "/public/reports", **{"from": "2000-01-01", "to": "2000-12-31"})[2]) == set()
    assert len(ids(get(client, "/public/reports", **{"from": "2000-01-01", "to": "2999-12-31"})[2])) == 4
    seen, cursor = [], None
    while True:
        _, _, body = get(client, "/public/reports", limit="1", **({"cursor": cursor} if cursor else {}))
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(corpus[n] for n in range(4)) and len(seen) == 4
    for params, code in (({"status": "in_progress"}, "invalid_choice"), ({"format": "kml"}, "invalid_choice"),
                         ({"cursor": "x.y"}, "invalid_cursor"), ({"from": "yesterday"}, "invalid_datetime")):
        status, _, body = get(client, "/public/reports", **params)
        assert status == 400 and body["code"] == code, params


def test_geojson_is_a_feature_collection_of_points_in_lng_lat(client, staff, corpus):
    response = client.http.get("/public/reports?format=geojson")
    assert response.headers["Content-Type"].startswith("application/geo+json")
    collection = body_of(response)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 4
    by_id = {f["id"]: f for f in collection["features"]}
    feature = by_id[corpus[3]]
    assert feature["geometry"] == {"type": "Point", "coordinates": [109.3, 13.09]}
    assert feature["properties"]["status"] == "published" and feature["properties"]["ward_code"] == "22015"
    assert "next_cursor" in collection


def test_the_public_case_shows_its_evidence_only_once_ready_and_only_as_clean_renditions(client, staff, province):
    import boto3

    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    upload = body_of(client.http.post(f"/staff/reports/{report_id}/media", headers=staff.headers("officer"),
                                      body=json.dumps({"content_type": "image/jpeg"})))
    must(client, staff, "officer", report_id, "submit_result", text="Đã xử lý, ảnh kèm theo",
         media_ids=[upload["media_id"]])
    must(client, staff, "ioc", report_id, "approve_result")
    _, _, view = get(client, f"/public/reports/{report_id}")
    assert view["evidence"] == []  # still pending: nothing shown
    table = boto3.resource("dynamodb").Table(province.environment["MEDIA_TABLE"])
    table.update_item(Key={"report_id": report_id, "media_id": upload["media_id"]},
                      UpdateExpression="SET #s = :ready, renditions = :r",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":ready": "ready", ":r": [
                          {"name": "320", "width": 320, "height": 240, "content_type": "image/webp",
                           "key": f"thumbs/{report_id}/{upload['media_id']}/320.webp"}]})
    _, text, view = get(client, f"/public/reports/{report_id}")
    assert view["evidence"][0]["media_id"] == upload["media_id"]
    rendition = view["evidence"][0]["renditions"][0]
    assert rendition["name"] == "320" and f"thumbs/{report_id}/" in rendition["url"]
    staff_view = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("officer")))
    assert staff_view["media"][0]["purpose"] == "evidence" and staff_view["media"][0]["status"] == "ready"
    assert f"raw/{report_id}" not in text  # never the original upload


def reopen(client, report_id, token, reason="Ổ gà lại xuất hiện, gọi tôi 0905 123 456"):
    response = client.http.post(f"/reports/{report_id}/reopen", headers={**JSON, "X-Tracking-Token": token},
                                body=json.dumps({"reason": reason}))
    return response.status_code, body_of(response)


def publish_round(client, staff, report_id, text):
    must(client, staff, "ioc", report_id, "assign", agency_id=AGENCY)
    must(client, staff, "officer", report_id, "accept")
    must(client, staff, "officer", report_id, "submit_result", text=text)
    must(client, staff, "ioc", report_id, "approve_result")


def test_a_reopened_report_keeps_its_published_result_on_the_page_the_list_and_the_map(client, staff):
    report_id, token = submit(client)
    to_state(client, staff, report_id, "published")
    assert reopen(client, report_id, token)[0] == 200
    for step in (None, ("ioc", "assign", {"agency_id": AGENCY}), ("officer", "accept", {})):
        if step:
            must(client, staff, step[0], report_id, step[1], **step[2])
        status, text, page = get(client, f"/public/reports/{report_id}")
        assert status == 200, page
        assert page["reopened"] is True and page["round"] == 2 and page["result_round"] == 1
        assert page["result"]["text"] == RESULT["text"] and page["published_at"]
        assert personal_data_in(text) == [] and "Ổ gà lại xuất hiện" not in text
        listed = {i["id"]: i for i in get(client, "/public/reports")[2]["items"]}
        assert listed[report_id]["reopened"] is True and listed[report_id]["result"]["text"] == RESULT["text"]
        features = {f["id"]: f for f in get(client, "/public/reports", format="geojson")[2]["features"]}
        assert features[report_id]["properties"]["reopened"] is True
    must(client, staff, "officer", report_id, "submit_result", text="Đã thảm lại toàn bộ đoạn đường")
    must(client, staff, "ioc", report_id, "approve_result")
    _, _, page = get(client, f"/public/reports/{report_id}")
    assert page["reopened"] is False and page["round"] == page["result_round"] == 2
    assert page["result"]["text"] == "Đã thảm lại toàn bộ đoạn đường"


def test_reopening_past_the_provinces_limit_is_a_bilingual_409_naming_it(client, staff):
    report_id, token = submit(client)
    to_state(client, staff, report_id, "published")
    for n in (2, 3):
        status, body = reopen(client, report_id, token)
        assert status == 200 and body["round"] == n
        publish_round(client, staff, report_id, f"Đã xử lý lần {n}")
    status, body = reopen(client, report_id, token)
    assert status == 409 and body["code"] == "reopen_limit_reached"
    assert "2 lần" in body["message"] and "2 times" in body["message_en"]


def test_the_time_it_happened_is_shown_to_the_reporter_staff_and_the_public(client, staff):
    when = "2025-06-01T21:15:00+07:00"
    report_id, token = submit(client, occurred_at=when)
    tracked = body_of(client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token}))
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    to_state(client, staff, report_id, "published")
    public = get(client, f"/public/reports/{report_id}")[2]
    assert tracked["occurred_at"] == case["occurred_at"] == public["occurred_at"] == when
