"""Notifier bench: AWS calls per 100 reports-stream records of a typical mix, counted with a botocore hook.

    .venv/bin/python bench/notify_calls.py [--records 100] [--seed 7]

The records are real: reports are submitted and moved through the workflow
and the SLA sweep's rises on moto (interleaved, as a day's stream would be),
and the reports stream is read back in Lambda's shape. The batch is handed
once to `notify_report_changes` (the event source mapping's batch size is
100), then redelivered whole. Every AWS call the handler makes is counted by a
`before-call` hook on botocore's event system, by service and operation.

Printed: the mix, the notices by channel, calls by operation, SNS topic calls
per 100 records (target <= 10: PublishBatch carries 10 entries) against the
one-Publish-per-notice baseline, and what a redelivery costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION = "ap-southeast-1"
# Paths a report takes through a day (weights): the steps after submission.
PATHS: list[tuple[int, list[str]]] = [
    (45, ["assign", "accept", "submit_result", "approve_result", "feedback"]),
    (15, ["assign", "accept", "submit_result", "approve_result"]),
    (10, ["assign", "return_to_ioc", "forward", "accept", "submit_result", "approve_result"]),
    (8, ["assign", "accept", "submit_result", "send_back_result", "submit_result", "approve_result"]),
    (7, ["assign", "accept", "request_extension", "approve_extension", "submit_result", "approve_result"]),
    (8, ["assign", "accept", "sla_1", "touch", "sla_2"]),
    (7, ["reject"]),
]
CATEGORIES = ["ha-tang-do-thi", "moi-truong", "an-toan-thuc-pham", "trat-tu-do-thi", "an-ninh-trat-tu"]
WARDS = ["24133", "24607"]


def _env() -> None:
    from bench.aws_calls import moto_environment

    moto_environment(REGION)


class Day:
    """Writes reports as the service does: intake, workflow transitions, SLA rises, a sweep's reschedule."""

    def __init__(self, rnd: random.Random) -> None:
        from chalicelib import container
        from chalicelib.storage.reports import ReportStore
        from chalicelib.storage.sla import SlaStore

        container._bound_storage()
        self.rnd, self.profile, self.intake = rnd, container.profile(), container.intake()
        self.reports, self.sla = ReportStore(), SlaStore()

    def submit(self, n: int) -> str:
        from chalicelib.schemas.intake import IntakeRequest

        urgent = self.rnd.random() < 0.05
        body = IntakeRequest.model_validate({
            "category": self.rnd.choice(CATEGORIES),
            "description": "Cháy nhỏ ở bãi rác, khói nhiều" if urgent else f"Phản ánh số {n}: đường hư hỏng nặng",
            "location": {"lat": 12.68, "lng": 108.04}, "ward_code": self.rnd.choice(WARDS),
            "reporter": {"name": f"Người dân {n}", "phone": f"09{n:08d}"},
        })
        return self.intake.submit(body)[0]["id"]

    def step(self, report_id: str, action: str) -> None:
        from chalicelib.rules import actors
        from chalicelib.rules import workflow as wf
        from chalicelib.rules.report import AuditEntry

        now = datetime.now(UTC)
        report = self.reports.get(report_id)[0]
        if action == "touch":
            self.sla.reschedule(report, now)
            return
        if action.startswith("sla_"):
            level = int(action[-1])
            name = {1: "sla_warning", 2: "sla_overdue", 3: "sla_escalation"}[level]
            audit = AuditEntry(report_id, now, "system", "system", name, report.status, report.status, report.round)
            self.sla.raise_level(report, level, now, name, now, audit)
            return
        ioc = actors.Actor("op", frozenset({actors.IOC_OPERATOR}), "ioc")
        officer = actors.Actor("officer", frozenset({actors.AGENCY_OFFICER}), report.agency_id)
        other = "so-xay-dung" if report.agency_id != "so-xay-dung" else "so-nn-mt"
        by, fields = {
            "assign": (ioc, {"agency_id": report.agency_id}),
            "accept": (officer, {}),
            "return_to_ioc": (officer, {"reason": "Không đúng thẩm quyền", "suggested_agency_id": other}),
            "forward": (ioc, {}),
            "request_extension": (officer, {"working_days": 2, "reason": "Chờ vật tư"}),
            "approve_extension": (ioc, {}),
            "submit_result": (officer, {"text": "Đã xử lý"}),
            "send_back_result": (ioc, {"reason": "Thiếu ảnh"}),
            "approve_result": (ioc, {}),
            "feedback": (actors.CITIZEN_ACTOR, {"rating": self.rnd.randint(1, 5)}),
            "reject": (ioc, {"reason_code": "spam", "public_reason": "Quảng cáo"}),
        }[action]
        after, audit = wf.transition(report, action, fields, by, now, self.profile)
        self.reports.apply(report, after, audit)


def make_records(stack, count: int, seed: int) -> tuple[list[dict], Counter]:
    """At least `count` real stream records from an interleaved day; answers the first `count` and the mix."""
    import boto3

    from devstack.events import dynamodb_record

    rnd = random.Random(seed)
    day, live, n = Day(rnd), [], 0
    writes = 0
    weights = [w for w, _ in PATHS]
    while writes < count:
        if len(live) < 6 or rnd.random() < 0.25:
            n += 1
            live.append([day.submit(n), list(rnd.choices([p for _, p in PATHS], weights)[0])])
            writes += 1
            continue
        entry = rnd.choice(live)
        day.step(entry[0], entry[1].pop(0))
        writes += 1
        if not entry[1]:
            live.remove(entry)
    arn = stack.stream_arns["ReportsTable"]
    streams = boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    it, records = iterator["ShardIterator"], []
    while True:
        answer = streams.get_records(ShardIterator=it)
        it = answer["NextShardIterator"]
        if not answer["Records"]:
            break
        records += [dynamodb_record(r, arn, REGION) for r in answer["Records"]]
    records = records[:count]
    return records, Counter(_label(r) for r in records)


def _label(record: dict) -> str:
    """The action a record stands for; a write that moved none of the state fields is no transition."""
    new, old = record["dynamodb"]["NewImage"], record["dynamodb"].get("OldImage")
    if old is None:
        return "submit"
    if all(old.get(f) == new.get(f) for f in ("status", "last_action", "escalation_level", "agency_id")):
        return "(no transition)"
    return new["last_action"]["S"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    _env()

    import boto3
    from chalice.test import Client
    from moto import mock_aws
    from moto.backends import get_backend

    with mock_aws():
        from chalicelib import container
        from devstack.provision import ACCOUNT_ID, provision

        stack = provision("dev")
        os.environ.update({**stack.environment, "PROVINCE": "daklak"})
        container.reset()
        records, mix = make_records(stack, args.records, args.seed)
        from app import app
        from chalicelib.notices import load_templates
        from chalicelib.rules.notices import notices_for
        from chalicelib.storage.stream import report_from_image

        notices: Counter = Counter()
        for r in records:
            d = r["dynamodb"]
            old = report_from_image(d["OldImage"]) if "OldImage" in d else None
            for notice in notices_for(old, report_from_image(d["NewImage"]), container.profile(), load_templates()):
                notices[notice.audience] += 1

        calls: Counter = Counter()
        session = boto3.DEFAULT_SESSION or boto3.setup_default_session() or boto3.DEFAULT_SESSION

        def count(model, **_):
            calls[f"{model.service_model.service_name}.{model.name}"] += 1

        session.events.register("before-call", count)
        container.reset()  # clients are built inside the handler, after the hook
        with Client(app, stage_name="dev") as client:
            first = client.lambda_.invoke("notify_report_changes", {"Records": records}).payload
            first_calls = Counter(calls)
            calls.clear()
            again = client.lambda_.invoke("notify_report_changes", {"Records": records}).payload
            again_calls = Counter(calls)
        session.events.unregister("before-call", count)
        sms_sent = len(get_backend("sns")[ACCOUNT_ID][REGION].sms_messages)
        mails = len(get_backend("ses")[ACCOUNT_ID][REGION].sent_messages)

    n = len(records)
    topic_notices = notices["agency_topic"] + notices["ioc_topic"]
    topic_calls = first_calls["sns.PublishBatch"]
    per100 = 100 / n
    print(f"records: {n} (seed {args.seed}); mix: {json.dumps(dict(mix.most_common()), ensure_ascii=False)}")
    print(f"notices: {sum(notices.values())} = {json.dumps(dict(notices.most_common()))}")
    print(f"failures reported: {len(first['batchItemFailures'])}; SMS sent {sms_sent}, e-mails sent {mails}")
    print("calls, first delivery: " + ", ".join(f"{k} {v}" for k, v in sorted(first_calls.items())))
    ratio = topic_calls / max(topic_notices, 1)
    print(f"SNS topic calls per 100 records: {topic_calls * per100:.1f} (PublishBatch; target <= 10) "
          f"vs {topic_notices * per100:.1f} with one Publish per notice: ratio {ratio:.2f}")
    print(f"SNS SMS calls per 100 records: {first_calls['sns.Publish'] * per100:.1f} (one Publish per SMS: "
          f"SNS cannot batch messages to phone numbers)")
    print(f"SES calls per 100 records: {first_calls['ses.SendEmail'] * per100:.1f}")
    print(f"ledger (DynamoDB) calls per 100 records: "
          f"{sum(v for k, v in first_calls.items() if k.startswith('dynamodb.')) * per100:.1f}")
    print("calls, redelivery of the same batch: " + (", ".join(f"{k} {v}" for k, v in sorted(again_calls.items()))
                                                     or "none") + f"; failures {len(again['batchItemFailures'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
