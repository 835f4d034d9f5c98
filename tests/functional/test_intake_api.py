"""The citizen intake API through chalice.test.Client, on a province provisioned on moto."""

from __future__ import annotations

import base64
import json
import re

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from log_capture import logged_lines

JSON = {"Content-Type": "application/json"}
HUE_WARD = "19774"  # a ward of Huế: not Đắk Lắk's


def a_report(**over):
    body = {
        "category": "ha-tang-do-thi",
        "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
        "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
        "ward_code": "24133",
        "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
    }
    body.update(over)
    return body


def post(client, body, headers=None):
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.http.post("/reports", headers={**JSON, **(headers or {})}, body=raw)
    return response, json.loads(response.body or b"{}")


def count_reports(province):
    table = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"])
    return table.scan(Select="COUNT")["Count"]


def test_submit_returns_tracking_code_and_working_day_deadline(client):
    response, answer = post(client, a_report())
    assert response.status_code == 201
    assert re.fullmatch(r"DLK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", answer["id"])
    assert len(answer["tracking_token"]) >= 20
    assert answer["status"] == "received"
    assert answer["agency_id"] == "ubnd-24133"
    assert answer["due_at"].endswith("+07:00")
    assert answer["sla_working_days"] == 7
    assert answer["urgent"] is False and "advice" not in answer
    assert response.headers["Location"] == f"/reports/{answer['id']}"


def test_a_mobile_reporter_is_told_sms_will_come(client):
    _, answer = post(client, a_report())
    assert answer["sms"] is True and "sms_notice" not in answer


def test_a_landline_reporter_is_told_in_the_receipt_that_no_sms_will_come(client):
    """Fails before: the receipt said nothing, and SMS were sent to the landline in vain."""
    response, answer = post(client, a_report(reporter={"name": "Nguyễn Văn An", "phone": "0234 3822 123"}))
    assert response.status_code == 201
    assert answer["sms"] is False
    link = f"https://phananh.daklak.example.gov.vn/theo-doi/{answer['id']}"
    assert "không nhận được tin nhắn SMS" in answer["sms_notice"]["vi"] and link in answer["sms_notice"]["vi"]
    assert "no SMS will come" in answer["sms_notice"]["en"] and link in answer["sms_notice"]["en"]
    assert answer["id"] in answer["sms_notice"]["vi"] and answer["id"] in answer["sms_notice"]["en"]


@pytest.mark.parametrize("channel", ["hotline", "zalo", "email"])
def test_a_channel_with_its_own_intake_is_refused_on_the_public_endpoint(client, province, channel):
    """Fails before: anyone could send channel=hotline here and get a 3-day deadline."""
    response, answer = post(client, a_report(channel=channel))
    assert response.status_code == 400
    assert (answer["code"], answer["field"]) == ("channel_not_public", "channel")
    assert "tổng đài" in answer["message"] and "Zalo OA" in answer["message"]
    assert "hotline desk" in answer["message_en"] and "e-mail" in answer["message_en"]
    assert count_reports(province) == 0


def test_the_portal_sends_web_and_gets_the_profiles_seven_days(client):
    response, answer = post(client, a_report(channel="web"))
    assert response.status_code == 201 and answer["sla_working_days"] == 7


def test_urgent_wording_gets_emergency_advice(client):
    _, answer = post(client, a_report(description="Cháy lớn tại kho hàng gần chợ, khói rất nhiều"))
    assert answer["urgent"] is True
    assert "114" in answer["advice"]["vi"] and "114" in answer["advice"]["en"]


def test_categories_list_codes_names_and_sla(client):
    response = client.http.get("/categories")
    body = json.loads(response.body)
    assert response.status_code == 200
    assert len(body["categories"]) == 15
    first = body["categories"][0]
    assert first["code"] == "an-toan-giao-thong" and first["name"] == "An toàn giao thông"
    assert first["sla_working_days"]["hotline"] == 3


def test_retry_with_same_idempotency_key_creates_one_report(client, province):
    headers = {"Idempotency-Key": "retry-key-0001"}
    first, a = post(client, a_report(), headers)
    second, b = post(client, a_report(), headers)
    assert first.status_code == second.status_code == 201
    assert a == b
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert count_reports(province) == 1


def test_same_key_with_a_different_report_is_refused(client, province):
    post(client, a_report(), {"Idempotency-Key": "retry-key-0002"})
    other = a_report(description="Một phản ánh hoàn toàn khác")
    response, body = post(client, other, {"Idempotency-Key": "retry-key-0002"})
    assert response.status_code == 422 and body["code"] == "idempotency_key_reused"
    assert count_reports(province) == 1


def test_without_a_key_two_posts_are_two_reports(client, province):
    post(client, a_report())
    post(client, a_report())
    assert count_reports(province) == 2


def test_reporter_follows_own_report_with_token(client):
    _, answer = post(client, a_report())
    response = client.http.get(f"/reports/{answer['id']}", headers={"X-Tracking-Token": answer["tracking_token"]})
    view = json.loads(response.body)
    assert response.status_code == 200
    assert view["status"] == "received" and view["due_at"] == answer["due_at"]
    assert view["history"][0]["action"] == "submit" and view["history"][0]["to"] == "received"
    assert "reporter" not in view


def test_wrong_or_missing_token_is_indistinguishable_from_unknown_id(client):
    _, answer = post(client, a_report())
    wrong = client.http.get(f"/reports/{answer['id']}", headers={"X-Tracking-Token": "not-the-token"})
    missing = client.http.get(f"/reports/{answer['id']}")
    unknown = client.http.get("/reports/DLK-0000-0000", headers={"X-Tracking-Token": answer["tracking_token"]})
    assert wrong.status_code == missing.status_code == unknown.status_code == 404
    assert wrong.body == missing.body == unknown.body


def request_upload(client, answer, **body):
    response = client.http.post(
        f"/reports/{answer['id']}/media",
        headers={**JSON, "X-Tracking-Token": answer["tracking_token"]},
        body=json.dumps(body),
    )
    return response, json.loads(response.body)


def test_photo_upload_is_a_presigned_post_limited_by_type_and_size(client):
    _, answer = post(client, a_report())
    response, upload = request_upload(client, answer, content_type="image/jpeg")
    assert response.status_code == 201
    assert upload["fields"]["key"] == f"raw/{answer['id']}/{upload['media_id']}"
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    assert ["content-length-range", 1, 15 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]


def test_at_most_five_photos_and_one_video(client):
    _, answer = post(client, a_report())
    for _ in range(5):
        assert request_upload(client, answer, content_type="image/png")[0].status_code == 201
    response, body = request_upload(client, answer, content_type="image/webp")
    assert response.status_code == 409 and body["code"] == "media_limit_reached"
    assert request_upload(client, answer, content_type="video/mp4")[0].status_code == 201
    assert request_upload(client, answer, content_type="video/quicktime")[0].status_code == 409


def test_unsupported_or_oversized_media_is_refused(client):
    _, answer = post(client, a_report())
    response, body = request_upload(client, answer, content_type="application/zip")
    assert response.status_code == 400 and body["code"] == "unsupported_media_type"
    response, body = request_upload(client, answer, content_type="video/mp4", size=101 * 1024 * 1024)
    assert response.status_code == 400 and body["code"] == "media_too_large"


def test_media_for_someone_elses_report_is_404(client):
    _, answer = post(client, a_report())
    response, _ = request_upload(client, {**answer, "tracking_token": "guess"}, content_type="image/jpeg")
    assert response.status_code == 404


BAD_INPUTS = [
    ("broken json", '{"category": ', "invalid_json", None),
    ("not an object", "[1, 2]", "body_not_object", None),
    ("unknown category", a_report(category="ufo"), "unknown_category", "category"),
    ("ward of another province", a_report(ward_code=HUE_WARD), "ward_not_in_province", "ward_code"),
    ("unparseable phone", a_report(reporter={"name": "An", "phone": "12345"}), "invalid_phone", "reporter.phone"),
    ("foreign phone", a_report(reporter={"name": "An", "phone": "+1 202 555 0100"}), "invalid_phone",
     "reporter.phone"),
    ("outside Vietnam", a_report(location={"lat": 48.85, "lng": 2.35}), "outside_vietnam", "location.lng"),
    ("description too long", a_report(description="x" * 4001), "too_long", "description"),
    ("description too short", a_report(description="<b>ổ gà</b>"), "too_short", "description"),
    ("wrong type", a_report(location={"lat": "12.6", "lng": 108.0}), "wrong_type", "location.lat"),
    ("extra field", a_report(priority="high"), "unknown_field", "priority"),
    ("missing reporter", {k: v for k, v in a_report().items() if k != "reporter"}, "missing_field", "reporter"),
    ("unknown channel", a_report(channel="fax"), "invalid_choice", "channel"),
    ("web without ward", {**{k: v for k, v in a_report(channel="web").items() if k != "ward_code"},
                          "location": {"address": "Lê Duẩn, Buôn Ma Thuột"}}, "ward_required", "ward_code"),
    ("half a point", a_report(location={"lat": 12.68}), "point_incomplete", "location"),
    ("a point in Hà Nội", a_report(location={"lat": 21.0285, "lng": 105.8542}), "point_in_other_province",
     "location"),
    ("a point at sea", a_report(location={"lat": 12.0, "lng": 110.5}), "point_at_sea", "location"),
    ("future occurrence", a_report(occurred_at="2099-01-01T08:00:00+07:00"), "occurred_in_future", "occurred_at"),
    ("bad time", a_report(occurred_at="hôm qua"), "invalid_datetime", "occurred_at"),
]


@pytest.mark.parametrize(("case", "body", "code", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gets_a_bilingual_400_naming_the_field(client, province, case, body, code, field):
    response, answer = post(client, body)
    assert response.status_code == 400, answer
    assert answer["code"] == code
    assert answer["message"] and answer["message_en"] and answer["message"] != answer["message_en"]
    assert answer.get("field") == field
    assert count_reports(province) == 0


def test_non_json_content_type_gets_our_bilingual_body(client):
    response = client.http.post("/reports", headers={"Content-Type": "text/plain"}, body="hello")
    body = json.loads(response.body)
    assert response.status_code == 415
    assert body["code"] == "unsupported_content_type" and body["message"] and body["message_en"]


def test_malformed_idempotency_key_is_a_400(client):
    response, body = post(client, a_report(), {"Idempotency-Key": "short"})
    assert response.status_code == 400 and body["code"] == "invalid_idempotency_key"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from([*a_report(), "extra"]), json_values, max_size=8))
def test_no_body_whatsoever_gets_a_500(client, body):
    response, answer = post(client, {**a_report(), **body})
    assert response.status_code in (201, 400), answer
    if response.status_code == 400:
        assert {"code", "message", "message_en"} <= set(answer)


def test_reporter_name_and_phone_never_reach_the_logs(client):
    name, phone = "Trần Thị Bích Ngọc", "0912 345 678"
    with logged_lines() as lines:
        _, answer = post(client, a_report(reporter={"name": name, "phone": phone}))
        client.http.get(f"/reports/{answer['id']}", headers={"X-Tracking-Token": answer["tracking_token"]})
        post(client, a_report(reporter={"name": name, "phone": "09123"}))  # refused: logged without the value
    text = "\n".join(lines)
    assert "report received" in text and "request refused" in text  # the logger did write
    for secret in (name, phone, "0912345678", "+84912345678", "09123", answer["tracking_token"]):
        assert secret not in text


def test_a_point_alone_routes_to_its_wards_committee_and_the_receipt_names_the_ward(client):
    body = a_report()
    del body["ward_code"]
    response, answer = post(client, body)
    assert response.status_code == 201, answer
    assert answer["ward_code"] == "24133" and answer["ward_name"] == "Phường Buôn Ma Thuột"
    assert answer["agency_id"] == "ubnd-24133"


def test_when_the_point_and_the_typed_ward_disagree_the_point_wins(client):
    response, answer = post(client, a_report(ward_code="22015"))  # Tuy Hòa typed, the point is in Buôn Ma Thuột
    assert response.status_code == 201 and answer["ward_code"] == "24133" and answer["agency_id"] == "ubnd-24133"


def test_a_point_in_another_province_names_it_so_the_citizen_knows_where_to_report(client):
    response, answer = post(client, a_report(location={"lat": 21.0285, "lng": 105.8542}))
    assert response.status_code == 400 and answer["province_code"] == 1
    assert "Thành phố Hà Nội" in answer["message"] and "Ha Noi City" in answer["message_en"]
