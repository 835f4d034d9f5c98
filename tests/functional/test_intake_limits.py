"""Abuse limits on POST /reports and tokens never at rest, through chalice.test.Client on moto.

A phone may send `limits.reports_per_phone_per_day` reports a (Vietnamese)
day, an address `limits.reports_per_ip_per_hour` an hour; beyond that the
answer is 429 with Retry-After and a bilingual body, and nothing is written.
Counters hold keyed hashes only. A tracking token is derived from the report
id: neither the reports table nor the saved idempotent answer holds it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest

from chalicelib.rules.ids import token_digest

JSON = {"Content-Type": "application/json"}
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 12, 2, 10, 15, tzinfo=VN)  # 13 h 45 min before the day ends, 45 min before the hour does


def a_report(phone: str = "0905 123 456", **over):
    body = {
        "category": "ha-tang-do-thi",
        "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
        "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
        "ward_code": "24133",
        "reporter": {"name": "Nguyễn Văn An", "phone": phone},
    }
    body.update(over)
    return body


def post(client, body, headers=None):
    response = client.http.post("/reports", headers={**JSON, **(headers or {})}, body=json.dumps(body))
    return response, json.loads(response.body or b"{}")


def items(province, table_var):
    return boto3.resource("dynamodb").Table(province.environment[table_var]).scan()["Items"]


@pytest.fixture
def at(monkeypatch):
    """Set the services' clock (each call rebuilds the services on the new time)."""
    from chalicelib import container

    def move(moment: datetime) -> None:
        monkeypatch.setattr(container, "clock", lambda: lambda: moment)
        container.services.cache_clear()

    move(MORNING)
    return move


def test_a_sixth_report_from_one_phone_in_a_day_is_429_with_retry_after_and_writes_nothing(client, province, at):
    spellings = ["0905 123 456", "+84905123456", "0905123456", "+84 905 123 456", "(0905) 123-456"]
    for phone in spellings:  # one number however it is typed: counted on its E.164 form
        response, _ = post(client, a_report(phone))
        assert response.status_code == 201
    response, body = post(client, a_report("0905.123.456"))
    assert response.status_code == 429
    assert body["code"] == "too_many_reports_phone" and body["retry_after"] == 13 * 3600 + 45 * 60
    assert response.headers["Retry-After"] == str(13 * 3600 + 45 * 60)
    assert "5" in body["message"] and "5" in body["message_en"] and body["message"] != body["message_en"]
    assert len(items(province, "REPORTS_TABLE")) == 5
    assert post(client, a_report("0905 999 888"))[0].status_code == 201  # another phone still may
    at(MORNING + timedelta(days=1))  # a new Vietnamese day
    assert post(client, a_report("0905 123 456"))[0].status_code == 201


def test_a_21st_report_from_one_address_in_an_hour_is_429(client, province, at):
    for n in range(20):
        response, _ = post(client, a_report(f"0905 123 4{n:02d}"))
        assert response.status_code == 201, n
    response, body = post(client, a_report("0905 123 499"))
    assert response.status_code == 429 and body["code"] == "too_many_reports_ip"
    assert response.headers["Retry-After"] == str(45 * 60)
    at(MORNING + timedelta(hours=1))
    assert post(client, a_report("0905 123 499"))[0].status_code == 201


def test_a_replayed_idempotency_key_is_not_counted_twice(client, province, at):
    for n in range(4):
        assert post(client, a_report(), {"Idempotency-Key": f"limit-key-{n:04d}"})[0].status_code == 201
    for _ in range(3):
        response, _ = post(client, a_report(), {"Idempotency-Key": "limit-key-0003"})
        assert response.status_code == 201 and response.headers.get("Idempotent-Replayed") == "true"
    assert post(client, a_report(), {"Idempotency-Key": "limit-key-0004"})[0].status_code == 201
    response, body = post(client, a_report(), {"Idempotency-Key": "limit-key-0005"})
    assert response.status_code == 429 and body["code"] == "too_many_reports_phone"
    # the refused key was not kept: once the day is over the same key goes through
    at(MORNING + timedelta(days=1))
    response, _ = post(client, a_report(), {"Idempotency-Key": "limit-key-0005"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers


def test_an_invalid_report_counts_against_no_limit(client, province, at):
    for _ in range(8):
        assert post(client, a_report(category="no-such-category"))[0].status_code == 400
    assert post(client, a_report())[0].status_code == 201
    assert [item["taken"] for item in items(province, "LIMITS_TABLE")] == [1, 1]


def test_the_limits_table_holds_keyed_hashes_with_a_ttl_never_a_phone_or_an_address(client, province, at):
    post(client, a_report("0905 123 456"))
    rows = items(province, "LIMITS_TABLE")
    assert len(rows) == 2 and {r["id"].split("#")[0] for r in rows} == {"phone-day", "ip-hour"}
    text = json.dumps(rows, default=str)
    for secret in ("905123456", "0905 123 456", "127.0.0.1"):
        assert secret not in text
    day_end = datetime(2026, 12, 3, tzinfo=VN)
    expiries = sorted(int(r["expires_at"]) for r in rows)
    assert expiries == [int((MORNING.replace(minute=0) + timedelta(hours=1, days=1)).timestamp()),
                        int((day_end + timedelta(days=1)).timestamp())]


def test_the_tracking_token_is_nowhere_at_rest_and_a_replay_returns_the_same_one(client, province):
    key = {"Idempotency-Key": "token-at-rest-0001"}
    first, answer = post(client, a_report(), key)
    token = answer["tracking_token"]
    assert first.status_code == 201 and len(token) >= 20
    for table in ("IDEMPOTENCY_TABLE", "REPORTS_TABLE", "AUDIT_TABLE", "LIMITS_TABLE"):
        assert token not in json.dumps(items(province, table), default=str), table
    assert len(items(province, "IDEMPOTENCY_TABLE")) == 1
    [stored] = items(province, "REPORTS_TABLE")
    assert stored["tracking_token_digest"] == token_digest(token)

    again, replay = post(client, a_report(), key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert replay == answer and again.body == first.body  # the same bytes, the token in the same place
    tracked = client.http.get(f"/reports/{answer['id']}", headers={"X-Tracking-Token": replay["tracking_token"]})
    assert tracked.status_code == 200
    assert token not in json.dumps(items(province, "IDEMPOTENCY_TABLE"), default=str)


def test_a_token_is_the_report_ids_own_and_opens_no_other_report(client, province):
    _, one = post(client, a_report("0905 111 222"))
    _, two = post(client, a_report("0905 333 444"))
    assert one["tracking_token"] != two["tracking_token"]
    wrong = client.http.get(f"/reports/{one['id']}", headers={"X-Tracking-Token": two["tracking_token"]})
    assert wrong.status_code == 404


def test_an_urgent_replay_is_the_first_answer_byte_for_byte(client, province):
    key = {"Idempotency-Key": "token-at-rest-0002"}
    urgent = a_report(description="Cháy lớn tại kho hàng gần chợ, khói rất nhiều")
    first, answer = post(client, urgent, key)
    again, _ = post(client, urgent, key)
    assert answer["urgent"] is True and again.headers.get("Idempotent-Replayed") == "true"
    assert again.body == first.body
    assert answer["tracking_token"] not in json.dumps(items(province, "IDEMPOTENCY_TABLE"), default=str)


def test_the_limit_store_counts_atomically_up_to_the_limit_on_moto(province, at):
    from chalicelib import container
    from chalicelib.rules.limits import SMS_DAY, quota
    from chalicelib.storage.limits import LimitStore

    container.services().bind_storage()
    q = quota(SMS_DAY, b"k" * 32, "+84905123456", 2, MORNING)
    store = LimitStore()
    assert [store.take(q) for _ in range(4)] == [True, True, False, False]
    [row] = items(province, "LIMITS_TABLE")
    assert row["taken"] == 2 and "905123456" not in json.dumps(row, default=str)
