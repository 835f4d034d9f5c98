"""A refused reference writes nothing: no stream record (so no notice), no audit row; and what it costs in calls.

moto rolls a cancelled transaction back by putting a copy of the table in
place, after the refused write already went to the stream readers' shard: a
stream reader that was listening saw a record of a write that never happened
(the "awaits review" alert of a refused submit_result). The case service
reads a transition's references first and refuses an unknown one before any
transaction, so the stream a reader already holds stays silent.
"""

from __future__ import annotations

import json

import boto3
import pytest
from staff_helpers import JSON, act, body_of, must, submit, to_state

pytest_plugins = ["staff_fixtures"]
TEXT = "Đã xử lý xong tại hiện trường"


class StreamWatch:
    """An iterator on the reports table's stream opened now, as the event runner holds one."""

    def __init__(self, province) -> None:
        self._streams = boto3.client("dynamodbstreams")
        arn = province.stream_arns["ReportsTable"]
        [shard] = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self._iterator = self._streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                          ShardIteratorType="LATEST")["ShardIterator"]

    def new_records(self) -> list[dict]:
        page = self._streams.get_records(ShardIterator=self._iterator)
        self._iterator = page["NextShardIterator"]
        return page["Records"]


def history(client, staff, report_id):
    return body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))["history"]


def evidence(client, staff, report_id) -> str:
    offer = client.http.post(f"/staff/reports/{report_id}/media", headers=staff.headers("officer"),
                             body=json.dumps({"content_type": "image/jpeg"}))
    assert offer.status_code == 201, offer.body
    return body_of(offer)["media_id"]


def test_a_refused_submit_result_leaves_the_stream_and_the_audit_trail_untouched(client, staff, province):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    trail = history(client, staff, report_id)
    watch = StreamWatch(province)

    status, body = act(client, staff, "officer", report_id, "submit_result", text=TEXT, media_ids=["no-such-media"])

    assert status == 400 and body["code"] == "unknown_reference" and body["field"] == "media_ids"
    assert "no-such-media" in body["message"] and "no-such-media" in body["message_en"]
    assert watch.new_records() == []  # nothing for the notifier to turn into an "awaits review" alert
    assert history(client, staff, report_id) == trail
    good = must(client, staff, "officer", report_id, "submit_result", text=TEXT,
                media_ids=[evidence(client, staff, report_id)])
    assert good["status"] == "result_submitted"
    [record] = watch.new_records()  # the reader that was listening still hears the good one
    assert record["dynamodb"]["NewImage"]["status"]["S"] == "result_submitted"


def test_a_refused_duplicate_rejection_leaves_the_stream_and_the_audit_trail_untouched(client, staff, province):
    report_id, _ = submit(client)
    trail = history(client, staff, report_id)
    watch = StreamWatch(province)
    status, body = act(client, staff, "ioc", report_id, "reject", reason_code="duplicate",
                       public_reason="Trùng với phản ánh đã tiếp nhận", duplicate_of="DLK-ZZZZ-ZZZZ")
    assert status == 400 and body["code"] == "unknown_reference" and body["field"] == "duplicate_of"
    assert "DLK-ZZZZ-ZZZZ" in body["message_en"]
    assert watch.new_records() == []
    assert history(client, staff, report_id) == trail


def test_a_citizen_photo_or_a_rejected_evidence_is_refused_by_the_read_before_the_transaction(client, staff, province):
    report_id, token = submit(client)
    photo = body_of(client.http.post(f"/reports/{report_id}/media", headers={**JSON, "X-Tracking-Token": token},
                                     body=json.dumps({"content_type": "image/jpeg"})))["media_id"]
    to_state(client, staff, report_id, "in_progress")
    rejected = evidence(client, staff, report_id)
    boto3.resource("dynamodb").Table(province.environment["MEDIA_TABLE"]).update_item(
        Key={"report_id": report_id, "media_id": rejected}, UpdateExpression="SET #s = :r",
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":r": "rejected"})
    watch = StreamWatch(province)
    for media_id in (photo, rejected):
        status, body = act(client, staff, "officer", report_id, "submit_result", text=TEXT, media_ids=[media_id])
        assert status == 400 and body["code"] == "unknown_reference" and media_id in body["message_en"], media_id
    assert watch.new_records() == []


@pytest.mark.parametrize("refs", [0, 1])
def test_a_transition_reads_its_references_in_one_batch_and_one_without_reads_none(client, staff, aws_calls, refs):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    media = [evidence(client, staff, report_id) for _ in range(2)] if refs else []
    aws_calls.reset()
    must(client, staff, "officer", report_id, "submit_result", text=TEXT, media_ids=media)
    assert aws_calls.calls["BatchGetItem"] == refs and aws_calls.calls["TransactWriteItems"] == 1


def test_a_refused_reference_costs_one_batch_read_and_no_transaction(client, staff, aws_calls):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    aws_calls.reset()
    status, _ = act(client, staff, "officer", report_id, "submit_result", text=TEXT, media_ids=["m1", "m2", "m3"])
    assert status == 400
    assert aws_calls.calls["BatchGetItem"] == 1 and aws_calls.calls["TransactWriteItems"] == 0
