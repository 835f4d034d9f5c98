"""The hotline desk: POST /staff/intake through chalice.test.Client, the caller's SMS through the reports stream."""

from __future__ import annotations

import json

import boto3
import pytest
from staff_helpers import JSON, body_of

pytest_plugins = ["staff_fixtures"]
REGION = "ap-southeast-1"


def a_call(**over):
    body = {
        "category": "moi-truong",
        "description": "Rác thải đổ trộm ven đường nhiều ngày, bốc mùi",
        "location": {"lat": 12.68, "lng": 108.04},
        "reporter": {"name": "Trần Thị Bình", "phone": "0912 345 678"},
    }
    body.update(over)
    return body


@pytest.fixture
def desk(staff):
    staff.add("desk.operator", "hotline_operator", None)
    return staff


def record(client, staff, body, who="desk.operator", headers=None):
    response = client.http.post("/staff/intake", headers={**staff.headers(who), **(headers or {})},
                                body=json.dumps(body))
    return response, json.loads(response.body or b"{}")


def count_reports(province):
    return boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"]).scan(Select="COUNT")["Count"]


class StreamTap:
    def __init__(self, province) -> None:
        self.arn = province.stream_arns["ReportsTable"]
        self.client = boto3.client("dynamodbstreams")
        [shard] = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.iterator = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=shard["ShardId"],
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def take(self) -> list[dict]:
        from devstack.events import dynamodb_record

        page = self.client.get_records(ShardIterator=self.iterator)
        self.iterator = page["NextShardIterator"]
        return [dynamodb_record(r, self.arn, REGION) for r in page["Records"]]


def sms_sent() -> list[tuple]:
    from moto.backends import get_backend

    return list(get_backend("sns")["123456789012"][REGION].sms_messages.values())


def test_an_operator_records_a_call_under_their_own_name_with_three_working_days(client, desk, province):
    response, receipt = record(client, desk, a_call())
    assert response.status_code == 201, receipt
    assert receipt["sla_working_days"] == 3 and receipt["tracking_token"]
    assert response.headers["Location"] == f"/staff/reports/{receipt['id']}"
    case = body_of(client.http.get(f"/staff/reports/{receipt['id']}", headers=desk.headers("ioc")))
    assert case["channel"] == "hotline"
    [first] = case["history"]
    assert (first["actor"], first["role"]) == ("desk.operator", "hotline_operator")
    assert first["note"] == "channel=hotline"


def test_the_caller_gets_the_sms_with_the_tracking_code(client, desk, province):
    tap = StreamTap(province)
    _, receipt = record(client, desk, a_call())
    records = tap.take()
    assert client.lambda_.invoke("notify_report_changes", {"Records": records}).payload == {"batchItemFailures": []}
    [(phone, text, *_)] = [m for m in sms_sent() if receipt["id"] in m[1]]
    assert phone == "+84912345678" and receipt["id"] in text


def test_an_address_only_call_waits_in_the_iocs_queue_and_the_ioc_places_it(client, desk, province):
    _, receipt = record(client, desk, a_call(location={"address": "Cuối đường Y Wang, Buôn Ma Thuột"}))
    assert (receipt["agency_id"], receipt["ward_code"]) == ("ioc", None)
    queue = body_of(client.http.get("/staff/reports?agency=ioc&status=received", headers=desk.headers("ioc")))
    assert [(i["id"], i["ward_code"]) for i in queue["items"]] == [(receipt["id"], None)]
    placed = client.http.post(f"/staff/reports/{receipt['id']}/location", headers=desk.headers("ioc"),
                              body=json.dumps({"lat": 12.68, "lng": 108.04}))
    assert placed.status_code == 200, placed.body
    assert body_of(placed)["agency"]["id"] == "ubnd-24133"


def test_a_ward_code_alone_places_a_call(client, desk):
    response, receipt = record(client, desk, a_call(location={}, ward_code="24133"))
    assert response.status_code == 201 and receipt["agency_id"] == "ubnd-24133"


def test_the_ioc_may_take_a_call_too(client, desk):
    response, receipt = record(client, desk, a_call(), who="ioc")
    assert response.status_code == 201
    case = body_of(client.http.get(f"/staff/reports/{receipt['id']}", headers=desk.headers("ioc")))
    assert case["history"][0]["role"] == "ioc_operator"


@pytest.mark.parametrize("who", ["officer", "lead", "admin"])
def test_other_staff_may_not_record_calls(client, desk, province, who):
    response, answer = record(client, desk, a_call(), who=who)
    assert response.status_code == 403 and answer["code"] == "not_intake_desk"
    assert count_reports(province) == 0


def test_no_token_is_401_and_the_public_channel_field_is_refused(client, desk, province):
    anonymous = client.http.post("/staff/intake", headers=JSON, body=json.dumps(a_call()))
    assert anonymous.status_code == 401
    response, answer = record(client, desk, {**a_call(), "channel": "app"})
    assert response.status_code == 400 and (answer["code"], answer["field"]) == ("unknown_field", "channel")
    assert count_reports(province) == 0


def test_a_call_needs_the_callers_phone(client, desk):
    response, answer = record(client, desk, a_call(reporter={"name": "Trần Thị Bình"}))
    assert response.status_code == 400 and answer["field"] == "reporter.phone"


def test_a_retried_call_with_the_same_key_makes_one_report(client, desk, province):
    headers = {"Idempotency-Key": "desk-call-000001"}
    first, a = record(client, desk, a_call(), headers=headers)
    second, b = record(client, desk, a_call(), headers=headers)
    assert first.status_code == second.status_code == 201 and a == b
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert count_reports(province) == 1
    other, c = record(client, desk, a_call(description="Một cuộc gọi khác hẳn, cùng khóa"), headers=headers)
    assert other.status_code == 422 and c["code"] == "idempotency_key_reused"


def test_the_same_key_from_the_public_endpoint_does_not_replay_the_desks_answer(client, desk, province):
    headers = {"Idempotency-Key": "shared-key-000001"}
    _, desk_answer = record(client, desk, a_call(), headers=headers)
    public = client.http.post("/reports", headers={**JSON, **headers}, body=json.dumps(
        {**a_call(), "ward_code": "24133", "channel": "app"}))
    assert public.status_code == 201 and body_of(public)["id"] != desk_answer["id"]
    assert count_reports(province) == 2


def test_the_operator_records_calls_but_reads_no_case(client, desk):
    _, receipt = record(client, desk, a_call())
    me = body_of(client.http.get("/staff/me", headers=desk.headers("desk.operator")))
    assert me["role"] == "hotline_operator"
    case = client.http.get(f"/staff/reports/{receipt['id']}", headers=desk.headers("desk.operator"))
    assert case.status_code == 404
    listing = client.http.get("/staff/reports", headers=desk.headers("desk.operator"))
    assert listing.status_code == 200 and body_of(listing)["items"] == []
    act = client.http.post(f"/staff/reports/{receipt['id']}/actions", headers=desk.headers("desk.operator"),
                           body=json.dumps({"action": "assign", "agency_id": "ubnd-24133"}))
    assert act.status_code == 404  # the same answer as a report it cannot see
