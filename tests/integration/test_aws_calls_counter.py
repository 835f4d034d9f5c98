"""bench/aws_calls.py sees every AWS call: PynamoDB's own botocore session, Powertools' and our boto3 clients."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.aws_calls import count_calls

REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}


def test_counts_pynamodb_powertools_and_boto3_calls_but_not_presigning(province):
    from chalicelib import container
    from chalicelib.schemas.intake import IntakeRequest, MediaRequest

    with count_calls() as calls:
        container.reset()
        service = container.intake()
        answer, _ = service.submit(IntakeRequest.model_validate(REPORT), idempotency_key="key-00000001")
        service.request_upload(answer["id"], answer["tracking_token"], MediaRequest(content_type="image/jpeg",
                                                                                     size=1000))
    ops = calls.by_operation()
    # PynamoDB: the report and its first audit row; then the pending media row and its upload slot
    assert ops[("dynamodb", "TransactWriteItems")] == 2
    assert ops[("dynamodb", "PutItem")] >= 1  # Powertools' idempotency record
    assert ("s3", "CreateBucket") not in ops and not any(svc == "s3" for svc, _ in ops), "presigning is no call"
    writes = [c for c in calls.calls if c.operation == "TransactWriteItems"]
    assert writes[0].params["TransactItems"] and writes[0].response is not None
    media_table = container.settings().media_table
    assert [(op, item[op]["TableName"]) for item in writes[1].params["TransactItems"] for op in item] == [
        ("Put", media_table), ("Update", media_table)]


def test_clients_made_outside_the_block_are_not_counted_unless_watched(province):
    import boto3

    early = boto3.client("sqs")
    with count_calls() as calls:
        early.list_queues()
        assert calls.total() == 0
        calls.watch(early).list_queues()
    assert calls.by_operation() == {("sqs", "ListQueues"): 1}
