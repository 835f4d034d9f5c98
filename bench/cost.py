"""Cost sheet: what AWS bills per 1,000 reports of a typical lifecycle, from counted calls and list prices.

    .venv/bin/python bench/cost.py [--reports-per-day 100]

Each operation is a driver that runs the real code (the Chalice app and its
Lambda handlers) against one province provisioned on moto from infra/, and
returns what it used: API requests, Lambda invocations, every AWS call by
operation (bench/aws_calls.py), the bytes its logs and EMF metrics write to
CloudWatch Logs, and the calls AWS makes on our behalf (S3 -> SQS event,
Lambda's queue polling). A driver whose handler has not landed prints "not
measured yet" instead of a number.

A typical lifecycle (per report): intake with one photo and two status checks
by the citizen; one thumbnail; five workflow steps (assign, accept, submit
result, approve, citizen feedback) and two case-file views by staff; every
stream record fanned out to notices and statistics; the report's share of the
SLA sweeps (96 a day) and of the morning digest, at --reports-per-day.

Assumptions, stated because they move the figure:
- DynamoDB units are estimated from the request and answer sizes (items
  rounded up to 1 KB per write and 4 KB per read, transactions doubled, every
  global secondary index holding the item written again, twice if its key
  changed), not read from AWS;
- a Lambda invocation is billed 20 ms + 10 ms per AWS call (in-region
  latency), plus the handler's own time measured here for the thumbnail; memory
  as configured in .chalice/config.json;
- SNS: PublishBatch is billed per message; each message reaches one HTTPS
  subscription (the staff console, filtered by agency) and
  --sns-email-subscribers e-mail subscriptions (default 0: people are
  e-mailed through SES by the notifier itself, assignments and escalations to
  the agency's focal officers, so an SNS e-mail subscription would send them a
  second copy; pass 1 to price mailboxes subscribed to the topic instead);
  SMS to reporters is counted but not priced (carrier fees aside);
- stream reads by Lambda triggers are free; EventBridge schedules are free.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aws_calls import Call, count_calls  # noqa: E402

REGION = "ap-southeast-1"
STAGE = "dev"

# On-demand list prices, US East (N. Virginia), USD, as published on the AWS pricing pages in 2025
# (DynamoDB on-demand after the 2024-11-01 price cut). Asia Pacific (Singapore), where a Vietnamese
# province would deploy, lists most of these 10-25% higher: re-check both before budgeting.
PRICES_AS_OF = "2025 list prices, us-east-1 (DynamoDB on-demand as cut on 2024-11-01)"
PRICES: dict[str, float] = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,  # x86_64
    "api_gateway_rest_request": 3.50 / 1e6,  # first 333 million a month
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_read_unit": 0.125 / 1e6,
    "s3_put": 0.005 / 1000,  # PUT, COPY, POST, LIST
    "s3_get": 0.0004 / 1000,  # GET and all other requests
    "sqs_request": 0.40 / 1e6,  # standard queue, per 64 KB chunk
    "sns_publish": 0.50 / 1e6,
    "sns_email_delivery": 2.00 / 100_000,
    "sns_https_delivery": 0.60 / 1e6,
    "ses_email": 0.10 / 1000,  # per recipient
    "logs_ingest_gb": 0.50,
}
LAMBDA_BASE_MS, LAMBDA_PER_CALL_MS = 20, 10
PLATFORM_LOG_BYTES = 300  # START, END and REPORT lines per invocation
TARGET_PER_1000 = 0.20


@dataclass
class Usage:
    """What one operation used, in the units AWS bills."""

    api_requests: int = 0
    invocations: list[tuple[str, int, int]] = field(default_factory=list)  # (function, memory MB, billed ms)
    calls: list[Call] = field(default_factory=list)
    log_bytes: int = 0
    extra: Counter[str] = field(default_factory=Counter)  # requests AWS makes for us: "s3_put", "sqs_request"

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.api_requests + other.api_requests, self.invocations + other.invocations,
                     self.calls + other.calls, self.log_bytes + other.log_bytes, self.extra + other.extra)

    def scaled(self, factor: float) -> ScaledUsage:
        return ScaledUsage(self, factor)


@dataclass
class ScaledUsage:
    usage: Usage
    factor: float


# -- the local province and its instrumentation ----------------------------------------------------

def _env() -> None:
    from bench.aws_calls import moto_environment

    # metrics and INFO logs on: their EMF and log lines are part of what CloudWatch Logs bills
    moto_environment(REGION, POWERTOOLS_LOG_LEVEL="INFO", POWERTOOLS_METRICS_DISABLED="false",
                     POWERTOOLS_METRICS_NAMESPACE="Phananh", STAGE=STAGE)


def _memory_mb(function: str) -> int:
    from devstack.runner import function_settings

    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return function_settings(config, STAGE, function)[0]


@contextlib.contextmanager
def _captured_output() -> Iterator[io.StringIO]:
    """Everything the code writes to stdout (Powertools log lines and EMF metrics go to CloudWatch Logs)."""
    buffer = io.StringIO()
    handlers = [h for name in ("phananh", "") for h in logging.getLogger(name).handlers
                if isinstance(h, logging.StreamHandler)]
    previous = [h.setStream(buffer) for h in handlers]
    try:
        with contextlib.redirect_stdout(buffer):
            yield buffer
    finally:
        for h, stream in zip(handlers, previous, strict=True):
            h.setStream(stream)


@contextlib.contextmanager
def invocation(usage: Usage, function: str, api: bool = False, measured: bool = False) -> Iterator[None]:
    """One Lambda invocation: counts its AWS calls and log bytes, and bills it by the model above."""
    from chalicelib import container

    container.reset()  # clients are built inside the count, as on a cold start
    started = time.perf_counter()
    with count_calls() as log, _captured_output() as out:
        yield
    elapsed_ms = (time.perf_counter() - started) * 1000
    billed = LAMBDA_BASE_MS + LAMBDA_PER_CALL_MS * log.total() + (elapsed_ms if measured else 0)
    usage.invocations.append((function, _memory_mb(function), math.ceil(billed)))
    usage.calls += log.calls
    usage.log_bytes += len(out.getvalue().encode()) + PLATFORM_LOG_BYTES
    usage.api_requests += int(api)


class Province:
    """Stage 'dev' (Đắk Lắk's profile) provisioned on moto from infra/province.json, plus the app."""

    def __init__(self) -> None:
        from chalice.test import Client

        from app import app
        from chalicelib import container
        from devstack.provision import provision

        self.stack = provision(STAGE)
        os.environ.update({**self.stack.environment, "PROVINCE": "daklak"})
        container.reset()
        self.app = app
        self.client = Client(app, stage_name=STAGE)
        self.client.__enter__()

    def http(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        call = getattr(self.client.http, method)
        kwargs: dict[str, Any] = {"headers": {"Content-Type": "application/json", **(headers or {})}}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        response = call(path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path}: {response.status_code} {response.body!r}")
        return json.loads(response.body or b"{}")

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        return self.client.lambda_.invoke(function, event).payload


# -- drivers: each runs real code and returns what it used -----------------------------------------

REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã, đề nghị sửa chữa",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}


@dataclass
class Case:
    """What the drivers pass along: the report, its token, and its photo's key."""

    id: str = ""
    token: str = ""
    agency: str = ""
    photo_key: str = ""


def _photo() -> bytes:
    from PIL import Image

    image = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def drive_intake(p: Province, case: Case) -> Usage:
    """Citizen: submit, ask for an upload, upload a photo to S3, check the status twice."""
    usage = Usage()
    with invocation(usage, "api_handler", api=True):
        answer = p.http("post", "/reports", REPORT)
    case.id, case.token, case.agency = answer["id"], answer["tracking_token"], answer["agency_id"]
    photo = _photo()
    with invocation(usage, "api_handler", api=True):
        upload = p.http("post", f"/reports/{case.id}/media", {"content_type": "image/jpeg", "size": len(photo)},
                        {"X-Tracking-Token": case.token})
    case.photo_key = upload["fields"]["key"]
    import boto3

    boto3.client("s3").put_object(Bucket=p.stack.environment["MEDIA_BUCKET"], Key=case.photo_key, Body=photo,
                                  ContentType="image/jpeg")
    usage.extra["s3_put"] += 1  # the browser's presigned POST
    for _ in range(2):
        with invocation(usage, "api_handler", api=True):
            p.http("get", f"/reports/{case.id}", headers={"X-Tracking-Token": case.token})
    return usage


def drive_thumbnail(p: Province, case: Case) -> Usage:
    """S3 -> SQS -> make_thumbnails for the uploaded photo."""
    import boto3

    from devstack.events import sqs_event, sqs_record

    sqs = boto3.client("sqs")
    url = p.stack.environment["THUMBNAIL_QUEUE_URL"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                   MessageAttributeNames=["All"]).get("Messages", [])
    if not messages:
        raise RuntimeError("the upload produced no queue message")
    event = sqs_event(sqs_record(m, p.stack.arns["ThumbnailQueue"], REGION) for m in messages)
    usage = Usage()
    with invocation(usage, "make_thumbnails", measured=True):
        answer = p.invoke("make_thumbnails", event)
    if answer and answer.get("batchItemFailures"):
        raise RuntimeError(f"thumbnail failed: {answer}")
    for m in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    usage.extra["sqs_request"] += 1 + 2  # S3's SendMessage; the event source's ReceiveMessage + DeleteMessageBatch
    return usage


def drive_lifecycle(p: Province, case: Case) -> Usage:
    """Staff: assign, accept, submit the result, approve it; two case-file views; the citizen's feedback."""
    from chalicelib import container
    from chalicelib.rules import actors

    usage = Usage()
    agency = case.agency
    ioc = actors.Actor("ioc.operator", frozenset({actors.IOC_OPERATOR}), "ioc")
    officer = actors.Actor("ward.officer", frozenset({actors.AGENCY_OFFICER}), agency)
    steps = [(ioc, "assign", {"agency_id": agency}), (officer, "accept", {}),
             (officer, "submit_result", {"text": "Đã vá ổ gà, thông xe"}), (ioc, "approve_result", {})]
    for actor, action, fields in steps:
        with invocation(usage, "api_handler", api=True):
            container.cases().act(actor, case.id, action, fields)
    for actor in (ioc, officer):
        with invocation(usage, "api_handler", api=True):
            container.cases().staff_report(actor, case.id)
    with invocation(usage, "api_handler", api=True):
        container.cases().citizen_act(case.id, case.token, "feedback", {"rating": 5})
    return usage


def _stream_records(p: Province) -> list[dict[str, Any]]:
    import boto3

    from devstack.events import dynamodb_record

    arn = p.stack.stream_arns["ReportsTable"]
    streams = boto3.client("dynamodbstreams")
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while it:
            answer = streams.get_records(ShardIterator=it)
            if not answer["Records"]:
                break
            records += [dynamodb_record(r, arn, REGION) for r in answer["Records"]]
            it = answer.get("NextShardIterator")
    return records


def drive_fanout(p: Province, case: Case) -> Usage:
    """Every stream record of the report, one invocation each of notify_report_changes and update_statistics."""
    from devstack.events import dynamodb_event

    records = [r for r in _stream_records(p) if r["dynamodb"]["Keys"]["id"]["S"] == case.id]
    if not records:
        raise RuntimeError("no stream records")
    usage = Usage()
    for record in records:  # a quiet province: batches of one (a busy one shares invocations)
        for function in ("notify_report_changes", "update_statistics"):
            with invocation(usage, function):
                answer = p.invoke(function, dynamodb_event([record]))
            if answer and answer.get("batchItemFailures"):
                raise RuntimeError(f"{function} failed: {answer}")
    usage.extra["stream_records"] += len(records)
    return usage


def _scheduled(function: str) -> dict[str, Any]:
    from devstack.events import scheduled_event

    return scheduled_event(f"arn:aws:events:{REGION}:123456789012:rule/phananh-{STAGE}-{function}", REGION,
                           datetime.now(UTC))


def drive_sweep(p: Province, case: Case) -> Usage:
    """One SLA sweep tick (nothing due: the fixed cost every 15 minutes)."""
    usage = Usage()
    with invocation(usage, "sla_sweep"):
        p.invoke("sla_sweep", _scheduled("sla_sweep"))
    return usage


def drive_digest(p: Province, case: Case) -> Usage:
    """The morning digest (one a day)."""
    usage = Usage()
    with invocation(usage, "daily_digest"):
        p.invoke("daily_digest", _scheduled("daily_digest"))
    return usage


# -- pricing ---------------------------------------------------------------------------------------

def _size(value: Any) -> int:
    """DynamoDB's item-size rules, roughly: names and values in bytes, numbers ~ half their digits."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, v), = value.items()
        if kind == "S":
            return len(v.encode())
        if kind == "N":
            return len(v) // 2 + 2
        if kind == "B":
            return len(v)
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + 1 + _size(x) for k, x in v.items())
        if kind == "L":
            return 3 + sum(1 + _size(x) for x in v)
        if kind in ("SS", "NS", "BS"):
            return sum(len(str(x)) for x in v)
    if isinstance(value, dict):
        return sum(len(k.encode()) + _size(v) for k, v in value.items())
    return len(str(value))


class DynamoUnits:
    """Estimated read and write request units of the counted DynamoDB calls (see the assumptions above).

    It follows the items it sees written, so an update knows the item's size and which index keys it moves:
    an index entry costs one write when it appears, disappears or changes, two when its key changes.
    """

    KEY_NAMES = ("id", "report_id", "media_id", "seq", "pk", "sk")

    def __init__(self, indexes: dict[str, list[tuple[str, ...]]]) -> None:
        self.indexes = indexes  # table name -> key attributes of each global secondary index (projection ALL)
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.read = 0.0
        self.write = 0.0

    def _key(self, table: str, item: dict[str, Any]) -> tuple[str, str]:
        return table, json.dumps({k: v for k, v in item.items() if k in self.KEY_NAMES}, sort_keys=True)

    def _write(self, table: str, old: dict[str, Any] | None, new: dict[str, Any] | None, transactional: bool) -> None:
        kb = max(1, math.ceil(_size(new or old or {}) / 1024))
        self.write += kb * (2 if transactional else 1)
        for keys in self.indexes.get(table, []):
            was = old is not None and all(k in old for k in keys)
            now = new is not None and all(k in new for k in keys)
            if was and now:
                moved = any(old[k] != new[k] for k in keys)
                self.write += kb * (2 if moved else 1 if old != new else 0)
            elif was or now:
                self.write += kb
        if new is None:
            self.items.pop(self._key(table, old or {}), None)
        else:
            self.items[self._key(table, new)] = new

    @staticmethod
    def _apply(item: dict[str, Any], expression: str, names: dict[str, str], values: dict[str, Any]) -> dict:
        new = dict(item)
        for clause, body in re.findall(r"(SET|REMOVE|ADD|DELETE)\s+(.*?)(?=\s+(?:SET|REMOVE|ADD|DELETE)\s|$)",
                                       expression, flags=re.S):
            for part in [x.strip() for x in re.split(r",(?![^()]*\))", body) if x.strip()]:
                lhs, _, rhs = part.partition("=") if clause == "SET" else (part.split()[0], "", "")
                name = names.get(lhs.strip(), lhs.strip())
                if clause == "REMOVE":
                    new.pop(name, None)
                else:
                    new[name] = values.get(rhs.strip(), {"S": f"computed:{part}"})
        return new

    def add(self, call: Call) -> None:
        op, p, r = call.operation, call.params, call.response or {}
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            self._one_write(op, p, transactional=False)
        elif op == "TransactWriteItems":
            for entry in p["TransactItems"]:
                (kind, body), = entry.items()
                if kind == "ConditionCheck":
                    self.write += 2
                else:
                    self._one_write({"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}[kind], body,
                                    transactional=True)
        elif op in ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"):
            items = [r["Item"]] if "Item" in r else r.get("Items", [])
            if op == "BatchGetItem":
                items = [i for table_items in r.get("Responses", {}).values() for i in table_items]
            for item in items:
                if "TableName" in p:
                    self.items.setdefault(self._key(p["TableName"], item), item)
            factor = 2 if op == "TransactGetItems" else 1 if p.get("ConsistentRead") else 0.5
            self.read += max(1, math.ceil(sum(_size(i) for i in items) / 4096)) * factor

    def _one_write(self, op: str, p: dict[str, Any], transactional: bool) -> None:
        table = p["TableName"]
        if op == "PutItem":
            old = self.items.get(self._key(table, p["Item"]))
            self._write(table, old, p["Item"], transactional)
        elif op == "UpdateItem":
            old = self.items.get(self._key(table, p["Key"]))
            new = self._apply(old or p["Key"], p.get("UpdateExpression", ""), p.get("ExpressionAttributeNames", {}),
                              p.get("ExpressionAttributeValues", {}))
            self._write(table, old, new, transactional)
        else:
            self._write(table, self.items.get(self._key(table, p["Key"])), None, transactional)


def _indexes(p: Province) -> dict[str, list[tuple[str, ...]]]:
    from devstack.provision import Provisioner

    resolver = Provisioner(STAGE)
    out = {}
    for res in resolver.template["Resources"].values():
        if res["Type"] == "AWS::DynamoDB::Table":
            props = res["Properties"]
            name = resolver.resolve(props["TableName"])
            out[name] = [tuple(k["AttributeName"] for k in g["KeySchema"])
                         for g in props.get("GlobalSecondaryIndexes", [])]
    return out


def price(usage: Usage, units: DynamoUnits, email_subscribers: float = 0.0) -> dict[str, float]:
    """Dollars by line item for one use (units: the DynamoDB tracker, shared so updates know their items)."""
    units.read = units.write = 0.0
    ops: Counter[tuple[str, str]] = Counter()
    emails = publishes = sms = 0
    for call in usage.calls:
        ops[(call.service, call.operation)] += 1
        if call.service == "dynamodb":
            units.add(call)
        elif call.service == "sns" and call.operation == "PublishBatch":
            publishes += len(call.params.get("PublishBatchRequestEntries", []))
        elif call.service == "sns" and call.operation == "Publish":
            if "PhoneNumber" in call.params:
                sms += 1
            else:
                publishes += 1
        elif call.service == "ses":
            d = call.params.get("Destination", {})
            emails += sum(len(d.get(k, [])) for k in ("ToAddresses", "CcAddresses", "BccAddresses")) or 1
    s3_put = sum(n for (svc, op), n in ops.items()
                 if svc == "s3" and op in ("PutObject", "CopyObject", "ListObjectsV2"))
    s3_get = sum(n for (svc, op), n in ops.items() if svc == "s3") - s3_put
    sqs = sum(n for (svc, _), n in ops.items() if svc == "sqs")
    gb_seconds = sum(mb / 1024 * ms / 1000 for _, mb, ms in usage.invocations)
    return {
        "API Gateway": usage.api_requests * PRICES["api_gateway_rest_request"],
        "Lambda": len(usage.invocations) * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        "DynamoDB": units.write * PRICES["dynamodb_write_unit"] + units.read * PRICES["dynamodb_read_unit"],
        "S3": (s3_put + usage.extra["s3_put"]) * PRICES["s3_put"] + s3_get * PRICES["s3_get"],
        "SQS": (sqs + usage.extra["sqs_request"]) * PRICES["sqs_request"],
        "SNS publish": publishes * PRICES["sns_publish"],
        "SNS HTTPS delivery": publishes * PRICES["sns_https_delivery"],
        "SNS e-mail delivery": publishes * email_subscribers * PRICES["sns_email_delivery"],
        "SES": emails * PRICES["ses_email"],
        "CloudWatch Logs": usage.log_bytes / 1e9 * PRICES["logs_ingest_gb"],
    } | {"_sms": sms, "_wru": units.write, "_rru": units.read, "_publishes": publishes, "_emails": emails}


# -- the sheet -------------------------------------------------------------------------------------

OPERATIONS: list[tuple[str, Callable[[Province, Case], Usage], str]] = [
    ("intake", drive_intake, "per report"),
    ("thumbnail", drive_thumbnail, "per report (one photo)"),
    ("lifecycle", drive_lifecycle, "per report"),
    ("fan-out", drive_fanout, "per report (all its stream records)"),
    ("sweep", drive_sweep, "per tick; 96 a day shared by the day's reports"),
    ("digest", drive_digest, "per day; shared by the day's reports"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports-per-day", type=int, default=100, help="a province's daily reports (default 100)")
    parser.add_argument("--sns-email-subscribers", type=float, default=0.0,
                        help="e-mail subscriptions each SNS alert reaches besides the console (default 0: people "
                             "are e-mailed through SES; 1 prices a mailbox subscribed to the topic)")
    args = parser.parse_args(argv)
    _env()
    from moto import mock_aws

    per_report = {"intake": 1.0, "thumbnail": 1.0, "lifecycle": 1.0, "fan-out": 1.0,
                  "sweep": 96 / args.reports_per_day, "digest": 1 / args.reports_per_day}
    rows, missing, total = [], [], Counter()
    with mock_aws():
        province, case = Province(), Case()
        units = DynamoUnits(_indexes(province))
        for name, drive, unit in OPERATIONS:
            try:
                usage = drive(province, case)
            except Exception as exc:  # a handler not landed, or a driver out of date: say so, invent nothing
                missing.append((name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:140]}"))
                if os.environ.get("COST_DEBUG"):
                    traceback.print_exc()
                continue
            cost = price(usage, units, args.sns_email_subscribers)
            share = per_report[name]
            for k, v in cost.items():
                if not k.startswith("_"):
                    total[k] += v * share
            rows.append((name, unit, usage, cost, share))

    print(f"Cost sheet: AWS per 1,000 reports ({PRICES_AS_OF}); {args.reports_per_day} reports a day, "
          f"{args.sns_email_subscribers:g} e-mail subscriber(s) per SNS alert\n")
    print(f"{'operation':<10} {'API':>4} {'Lambda':>6} {'AWS calls':>9} {'WRU':>6} {'RRU':>6} {'log KB':>7} "
          f"{'$ per use':>10} {'x':>5} {'$ /1000 reports':>16}")
    for name, unit, usage, cost, share in rows:
        dollars = sum(v for k, v in cost.items() if not k.startswith("_"))
        print(f"{name:<10} {usage.api_requests:>4} {len(usage.invocations):>6} {len(usage.calls):>9} "
              f"{cost['_wru']:>6.0f} {cost['_rru']:>6.1f} {usage.log_bytes / 1024:>7.1f} {dollars:>10.7f} "
              f"{share:>5.2f} {dollars * share * 1000:>16.4f}   {unit}")
        ops = Counter((c.service, c.operation) for c in usage.calls)
        sends = f"; SNS messages {cost['_publishes']}, SES e-mails {cost['_emails']}, SMS {cost['_sms']}"
        print("           " + ", ".join(f"{s}.{o} {n}" for (s, o), n in sorted(ops.items())) +
              (sends if cost["_publishes"] or cost["_emails"] or cost["_sms"] else ""))
    for name, reason in missing:
        print(f"{name:<10} not measured yet ({reason})")
    print("\nby service, $ per 1,000 reports:")
    for k, v in sorted(total.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<16} {v * 1000:>8.4f}")
    figure = sum(total.values()) * 1000
    complete = "" if not missing else f" (partial: {', '.join(n for n, _ in missing)} not measured)"
    verdict = "NOT MET" if figure > TARGET_PER_1000 else "MET" if not missing else "MET SO FAR"
    print(f"\nTOTAL: ${figure:.4f} per 1,000 reports{complete}; target <= ${TARGET_PER_1000:.2f}, "
          f"carrier SMS fees aside -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
