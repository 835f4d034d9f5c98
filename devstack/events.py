"""Lambda's own event shapes, built from what the AWS APIs return.

The local event runner hands these to the very handler objects Lambda would
call, so a handler that works here works on Lambda: the field names, the
types (epoch numbers, base64 binaries, strings for numbers) and the extras
Lambda adds (eventSourceARN, awsRegion) are Lambda's, not the API's.
Everything here is pure: no client, no clock (times are parameters).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

LAMBDA_ACCOUNT_ID = "123456789012"  # moto's default account, as devstack.provision uses


# -- DynamoDB streams ---------------------------------------------------------
def _attribute_value(value: Any) -> Any:
    """botocore decodes B/BS to bytes; Lambda delivers them base64-encoded, like the wire format."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _attribute_value(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_attribute_value(v) for v in value]
    return value


def _epoch(value: Any) -> float:
    """Lambda gives ApproximateCreationDateTime as Unix epoch seconds (a whole number, as a float)."""
    if isinstance(value, datetime):
        return float(int(value.timestamp()))
    return float(int(float(value)))


def dynamodb_record(api_record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One GetRecords record as Lambda delivers it in `event["Records"]`."""
    src = api_record["dynamodb"]
    ddb: dict[str, Any] = {}
    if "ApproximateCreationDateTime" in src:
        ddb["ApproximateCreationDateTime"] = _epoch(src["ApproximateCreationDateTime"])
    for key in ("Keys", "NewImage", "OldImage"):
        if key in src:
            ddb[key] = _attribute_value(src[key])
    ddb["SequenceNumber"] = str(src["SequenceNumber"])
    ddb["SizeBytes"] = int(src.get("SizeBytes", 0))
    ddb["StreamViewType"] = src.get("StreamViewType", "NEW_AND_OLD_IMAGES")
    record: dict[str, Any] = {
        "eventID": api_record["eventID"],
        "eventName": api_record["eventName"],
        "eventVersion": api_record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,  # the API's record may name another region (moto says us-east-1)
        "dynamodb": ddb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in api_record:  # TTL deletions carry the service principal
        record["userIdentity"] = dict(api_record["userIdentity"])
    return record


def dynamodb_event(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


def stream_failure_record(
    *,
    batch: list[dict[str, Any]],
    shard_id: str,
    stream_arn: str,
    function_arn: str,
    invoke_count: int,
    handler_raised: bool,
    now: datetime,
) -> dict[str, Any]:
    """What the event source mapping's on-failure destination receives: a description, not the records."""

    def arrival(rec: dict[str, Any]) -> str:
        ts = rec["dynamodb"].get("ApproximateCreationDateTime", 0)
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if handler_raised:
        response["functionError"] = "Unhandled"
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(batch[0]),
            "approximateArrivalOfLastRecord": arrival(batch[-1]),
            "batchSize": len(batch),
            "streamArn": stream_arn,
        },
    }


# -- SQS ----------------------------------------------------------------------
def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """ReceiveMessage's MessageAttributeValue -> Lambda's camelCase form (binaries base64)."""
    out: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [_attribute_value(v) for v in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        out["binaryValue"] = _attribute_value(value["BinaryValue"])
    return out


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One ReceiveMessage message as Lambda delivers it in `event["Records"]`."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {k: str(v) for k, v in message.get("Attributes", {}).items()},
        "messageAttributes": {k: _message_attribute(v) for k, v in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def sqs_event(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


# -- EventBridge schedules ----------------------------------------------------
def scheduled_event(rule_arn: str, region: str, now: datetime, account: str = LAMBDA_ACCOUNT_ID) -> dict[str, Any]:
    """The event an EventBridge schedule rule sends its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


# -- SNS (and the SES receipt notification it carries) -------------------------
def _iso(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def ses_received(*, message_id: str, bucket: str, key: str, topic_arn: str, source: str, recipients: list[str],
                 subject: str, sender: str, now: datetime, spam: str = "PASS", virus: str = "PASS",
                 region: str = "ap-southeast-1", account: str = LAMBDA_ACCOUNT_ID) -> dict[str, Any]:
    """What SES publishes when a receipt rule's S3 action stored a message (moto delivers no inbound mail)."""
    at = _iso(now)
    verdict = {"status": "PASS"}
    return {
        "notificationType": "Received",
        "mail": {
            "timestamp": at, "source": source, "messageId": message_id, "destination": list(recipients),
            "headersTruncated": False,
            "headers": [{"name": "From", "value": sender}, {"name": "Subject", "value": subject}],
            "commonHeaders": {"returnPath": source, "from": [sender], "to": list(recipients), "subject": subject},
        },
        "receipt": {
            "timestamp": at, "processingTimeMillis": 420, "recipients": list(recipients),
            "spamVerdict": {"status": spam}, "virusVerdict": {"status": virus},
            "spfVerdict": dict(verdict), "dkimVerdict": dict(verdict), "dmarcVerdict": dict(verdict),
            "action": {"type": "S3", "topicArn": topic_arn, "bucketName": bucket, "objectKeyPrefix": "inbound/",
                       "objectKey": key},
        },
    }


def sns_record(message: str, topic_arn: str, now: datetime, *, subject: str | None = None,
               message_id: str | None = None, region: str = "ap-southeast-1",
               account: str = LAMBDA_ACCOUNT_ID) -> dict[str, Any]:
    """One SNS notification as Lambda delivers it in `event["Records"]`."""
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": _iso(now),
            "SignatureVersion": "1",
            "Signature": "",
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService.pem",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe",
            "MessageAttributes": {},
        },
    }


def sns_event(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


# -- batch answers ------------------------------------------------------------
class InvalidBatchResponse(ValueError):
    """A `batchItemFailures` answer Lambda would reject: the whole batch counts as failed."""


def failed_item_ids(response: Any, known_ids: Iterable[str]) -> set[str]:
    """The identifiers a handler reported in `batchItemFailures` (empty: all succeeded).

    Lambda treats a malformed answer (an empty, missing or unknown
    itemIdentifier) as a failure of the whole batch; so does this.
    """
    if not isinstance(response, dict) or "batchItemFailures" not in response:
        return set()
    failures = response["batchItemFailures"]
    if failures is None:
        return set()
    if not isinstance(failures, list):
        raise InvalidBatchResponse("batchItemFailures is not a list")
    known = set(known_ids)
    ids: set[str] = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(ident, str) or ident not in known:
            raise InvalidBatchResponse(f"unknown itemIdentifier {ident!r}")
        ids.add(ident)
    return ids
