"""The IAM actions and resource ARNs one AWS API call needs (what the policy must allow for it).

Only the services this app calls are known; anything else maps to
`<service>:<Operation>` on `*`, so the policy check reports it rather than
hiding it. Partition `aws`, moto's account.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ACCOUNT = "123456789012"
DDB_ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                    "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


def _table(region: str, table: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


def _dynamodb(op: str, params: dict[str, Any], region: str) -> Iterator[tuple[str, str]]:
    if op in ("TransactWriteItems", "TransactGetItems"):
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                yield f"dynamodb:{DDB_ITEM_ACTIONS[kind]}", _table(region, body["TableName"])
    elif op in ("BatchGetItem", "BatchWriteItem"):
        for table in params.get("RequestItems", {}):
            yield f"dynamodb:{op}", _table(region, table)
    elif "StreamArn" in params:
        yield f"dynamodb:{op}", params["StreamArn"]
    elif "TableName" in params:
        yield f"dynamodb:{op}", _table(region, params["TableName"], params.get("IndexName"))
    else:
        yield f"dynamodb:{op}", "*"


S3_OBJECT_ACTIONS = {"HeadObject": "GetObject", "GetObject": "GetObject", "PutObject": "PutObject",
                     "DeleteObject": "DeleteObject", "CopyObject": "PutObject"}
S3_BUCKET_ACTIONS = {"ListObjectsV2": "ListBucket", "ListObjects": "ListBucket", "HeadBucket": "ListBucket",
                     "ListObjectVersions": "ListBucketVersions"}


def _s3(op: str, params: dict[str, Any]) -> Iterator[tuple[str, str]]:
    bucket = params.get("Bucket", "*")
    if op == "DeleteObjects":
        for obj in params.get("Delete", {}).get("Objects", []):
            action = "DeleteObjectVersion" if obj.get("VersionId") else "DeleteObject"
            yield f"s3:{action}", f"arn:aws:s3:::{bucket}/{obj['Key']}"
    elif op in S3_OBJECT_ACTIONS:
        action = S3_OBJECT_ACTIONS[op]
        if params.get("VersionId") and action in ("GetObject", "DeleteObject"):
            action += "Version"
        yield f"s3:{action}", f"arn:aws:s3:::{bucket}/{params['Key']}"
        if op == "CopyObject":
            source = params["CopySource"]
            src = source if isinstance(source, str) else f"{source['Bucket']}/{source['Key']}"
            yield "s3:GetObject", f"arn:aws:s3:::{src.lstrip('/')}"
    elif op in S3_BUCKET_ACTIONS:
        yield f"s3:{S3_BUCKET_ACTIONS[op]}", f"arn:aws:s3:::{bucket}"
    else:
        yield f"s3:{op}", f"arn:aws:s3:::{bucket}"


def _sqs(op: str, params: dict[str, Any], region: str) -> Iterator[tuple[str, str]]:
    url = params.get("QueueUrl", "")
    name = url.rstrip("/").rsplit("/", 1)[-1] or "*"
    action = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
              "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}.get(op, op)
    yield f"sqs:{action}", f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


def _sns(op: str, params: dict[str, Any]) -> Iterator[tuple[str, str]]:
    # An SMS has no ARN: IAM evaluates it against "*" (the policy allows it with NotResource on SNS ARNs).
    # PublishBatch has no IAM action of its own: it is authorised as sns:Publish on the topic.
    action = "Publish" if op == "PublishBatch" else op
    yield f"sns:{action}", params.get("TopicArn") or params.get("TargetArn") or "*"


def _ses(op: str, params: dict[str, Any], region: str) -> Iterator[tuple[str, str]]:
    sender = params.get("Source") or params.get("FromEmailAddress") or "*"
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    action = "SendRawEmail" if op == "SendRawEmail" else "SendEmail"
    yield f"ses:{action}", f"arn:aws:ses:{region}:{ACCOUNT}:identity/{address}"


def required_permissions(service: str, op: str, params: dict[str, Any], region: str) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs an API call is authorised against."""
    if service == "dynamodb" or service == "dynamodbstreams":
        return [(a.replace("dynamodbstreams:", "dynamodb:"), r) for a, r in _dynamodb(op, params, region)]
    if service == "s3":
        return list(_s3(op, params))
    if service == "sqs":
        return list(_sqs(op, params, region))
    if service == "sns":
        return list(_sns(op, params))
    if service in ("ses", "sesv2"):
        return list(_ses(op, params, region))
    if service == "cognito-idp" and "UserPoolId" in params:
        return [(f"cognito-idp:{op}", f"arn:aws:cognito-idp:{region}:{ACCOUNT}:userpool/{params['UserPoolId']}")]
    if service == "secretsmanager":
        return [(f"secretsmanager:{op}", params.get("SecretId", "*"))]
    return [(f"{service}:{op}", "*")]
