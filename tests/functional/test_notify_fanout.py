"""The notifier under moto: real stream records in; SNS (via filtered SQS subscriptions), SES and SMS out.

Reports are written the way the service writes them (intake over HTTP, the
workflow's transitions, the SLA sweep's rises), the reports stream is read
from moto and handed to `notify_report_changes` in Lambda's shape, and what
was sent is read where a person would read it: SQS queues subscribed to the
topics (devstack.inboxes), moto's SES and SMS records.

Run this file as a script to recapture tests/events/stream_*.json:
    .venv/bin/python tests/functional/test_notify_fanout.py
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest

EVENTS = Path(__file__).resolve().parent.parent / "events"
ACCOUNT, REGION = "123456789012", "ap-southeast-1"
VN = timezone(timedelta(hours=7))
IOC = "ioc"
FOOD = "so-y-te"  # routed by category; has a focal e-mail
BUILDING = "so-xay-dung"  # has a focal e-mail
WARD = "24133"
WARD_AGENCY = f"ubnd-{WARD}"  # ward committees have no focal e-mail
REPORTERS = {
    "food": ("Nguyễn Thị Hồng Nhung", "0912 345 678", "+84912345678"),
    "fire": ("Trần Văn Bảo Long", "0987 654 321", "+84987654321"),
    "spam": ("Lê Hoàng Phúc Thịnh", "0903 111 222", "+84903111222"),
}


# -- writing reports as the service does ------------------------------------------------------
def submit(client, who: str, category: str, description: str) -> str:
    name, phone, _ = REPORTERS[who]
    body = {
        "category": category,
        # Free text carries the reporter's own name and number, as citizens write them.
        "description": f"{description}. Tôi là {name}, gọi {phone.replace(' ', '')} nếu cần.",
        "location": {"lat": 12.68, "lng": 108.04, "address": f"Nhà {name}, {phone}"},
        "ward_code": WARD,
        "reporter": {"name": name, "phone": phone},
    }
    response = client.http.post("/reports", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    assert response.status_code == 201, response.body
    return json.loads(response.body)["id"]


class Desk:
    """Takes workflow actions and SLA rises on reports through the real rules and stores."""

    def __init__(self) -> None:
        from chalicelib import container
        from chalicelib.storage.reports import ReportStore
        from chalicelib.storage.sla import SlaStore

        container._bound_storage()
        self.profile = container.profile()
        self.reports, self.sla = ReportStore(), SlaStore()

    def _get(self, report_id: str):
        return self.reports.get(report_id)[0]

    def act(self, report_id: str, action: str, by: str, **fields) -> None:
        """`by`: "ioc", "citizen", or the id of the agency whose officer acts."""
        from chalicelib.rules import actors
        from chalicelib.rules import workflow as wf

        if by == "ioc":
            actor = actors.Actor("op-1", frozenset({actors.IOC_OPERATOR}), IOC)
        elif by == "citizen":
            actor = actors.CITIZEN_ACTOR
        else:
            actor = actors.Actor("officer-1", frozenset({actors.AGENCY_OFFICER}), by)
        before = self._get(report_id)
        after, audit = wf.transition(before, action, fields, actor, datetime.now(UTC), self.profile)
        self.reports.apply(before, after, audit)

    def rise(self, report_id: str, level: int) -> None:
        from chalicelib.rules.report import AuditEntry

        before = self._get(report_id)
        action = {1: "sla_warning", 2: "sla_overdue", 3: "sla_escalation"}[level]
        now = datetime.now(UTC)
        audit = AuditEntry(report_id, now, "system", "system", action, before.status, before.status, before.round)
        assert self.sla.raise_level(before, level, None if level == 3 else now, action, now, audit)

    def touch(self, report_id: str) -> None:
        """A write that is no transition: the sweep only moves the report's next check."""
        assert self.sla.reschedule(self._get(report_id), datetime.now(UTC))


class StreamTap:
    """The reports stream as Lambda delivers it: records since the last take, in Lambda's shape."""

    def __init__(self, stack) -> None:
        self.arn = stack.stream_arns["ReportsTable"]
        self.client = boto3.client("dynamodbstreams")
        shard = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=shard,
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def take(self) -> list[dict]:
        from devstack.events import dynamodb_record

        records = []
        while True:
            answer = self.client.get_records(ShardIterator=self.iterator)
            self.iterator = answer["NextShardIterator"]
            if not answer["Records"]:
                return records
            records += [dynamodb_record(r, self.arn, REGION) for r in answer["Records"]]


def play_lifecycle(client, stack) -> dict[str, str]:
    """Three reports: one through every agency step, one urgent through return and escalation, one rejected."""
    desk = Desk()
    name, phone, _ = REPORTERS["food"]  # free text typed by people carries it too
    food = submit(client, "food", "an-toan-thuc-pham", "Quán ăn gần chợ bán thịt ôi thiu")
    desk.act(food, "assign", "ioc", agency_id=FOOD)
    desk.act(food, "accept", FOOD)
    desk.act(food, "request_extension", FOOD, working_days=2, reason="Chờ kết quả xét nghiệm")
    desk.act(food, "approve_extension", "ioc")
    desk.act(food, "submit_result", FOOD, text="Đã kiểm tra, lập biên bản")
    desk.act(food, "send_back_result", "ioc", reason=f"Thiếu ảnh; gọi lại cho {name} ({phone})")
    desk.act(food, "submit_result", FOOD, text="Đã bổ sung ảnh")
    desk.act(food, "approve_result", "ioc")
    desk.act(food, "feedback", "citizen", rating=4, comment=f"Cảm ơn. {name}, {phone}")
    desk.act(food, "reopen", "citizen", reason=f"Quán vẫn bán, liên hệ {phone}")
    fire = submit(client, "fire", "trat-tu-do-thi", "Cháy lớn tại kho hàng gần chợ, khói rất nhiều")
    desk.act(fire, "assign", "ioc", agency_id=WARD_AGENCY)
    desk.act(fire, "return_to_ioc", WARD_AGENCY, reason="Không thuộc thẩm quyền",
             suggested_agency_id=BUILDING)
    desk.act(fire, "forward", "ioc")
    desk.touch(fire)
    for level in (1, 2, 3):
        desk.rise(fire, level)
    spam = submit(client, "spam", "khac", "Quảng cáo bán hàng trực tuyến giá rẻ")
    desk.act(spam, "reject", "ioc", reason_code="spam", public_reason="Nội dung quảng cáo")
    return {"food": food, "fire": fire, "spam": spam}


# -- reading what was sent ---------------------------------------------------------------------
def backend(service: str):
    from moto.backends import get_backend

    return get_backend(service)[ACCOUNT][REGION]


@dataclass
class Outbox:
    queues: dict[str, str]
    read: dict[str, list[dict]] = field(default_factory=dict)

    def drain(self) -> dict[str, list[dict]]:
        from devstack.inboxes import drain

        sqs = boto3.client("sqs")
        for name, url in self.queues.items():
            self.read.setdefault(name, []).extend(drain(sqs, url))
        return self.read

    def events(self, name: str) -> Counter:
        return Counter((_report_id(m["text"]), m["attributes"]["event"]) for m in self.read.get(name, []))


def _report_id(text: str) -> str:
    return re.search(r"\b[A-Z]{2,4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text).group(0)


def subscribe(stack) -> Outbox:
    """The local inboxes, plus two filters an agency or the IOC might set: urgent only, escalations only."""
    from devstack.inboxes import _queue_for, subscribe_inboxes

    queues = {k: v for k, v in subscribe_inboxes(stack, None, agencies=[FOOD, BUILDING, WARD_AGENCY]).items()}
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = stack.arns["AgencyAlertsTopic"]
    queues["urgent"] = _queue_for(sns, sqs, "t-urgent", topic, {"urgent": ["true"]})
    queues["escalations"] = _queue_for(sns, sqs, "t-escalations", topic, {"event": ["sla_overdue", "sla_escalation"]})
    return Outbox(queues)


def emails() -> list:
    return list(backend("ses").sent_messages)


def sms() -> list[tuple[str, str]]:
    return list(backend("sns").sms_messages.values())


def invoke(client, event: dict) -> dict:
    return client.lambda_.invoke("notify_report_changes", event).payload


class BotocoreHook:
    """A handler on the default session's events (clients built after it see it); removed after the test."""

    def __init__(self) -> None:
        boto3.client("sts")  # make sure the default session exists
        self.events = boto3.DEFAULT_SESSION.events
        self.registered: list[tuple[str, Callable]] = []

    def on(self, name: str, handler: Callable) -> None:
        self.events.register(name, handler)
        self.registered.append((name, handler))

    def close(self) -> None:
        for name, handler in self.registered:
            self.events.unregister(name, handler)


@pytest.fixture
def hooks() -> Iterator[BotocoreHook]:
    hook = BotocoreHook()
    yield hook
    hook.close()


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def ids_of(records: list[dict]) -> dict[str, str]:
    """Which report is whose, from the submissions' images."""
    names = {name: who for who, (name, _, _) in REPORTERS.items()}
    return {names[r["dynamodb"]["NewImage"]["reporter_name"]["S"]]: r["dynamodb"]["Keys"]["id"]["S"]
            for r in records if r["eventName"] == "INSERT"}


@pytest.fixture
def played(client, province):
    """The stored lifecycle (real records, see capture()) delivered in one batch; answers what went out."""
    outbox = subscribe(province)
    records = load("stream_lifecycle.json")["Records"]
    payload = invoke(client, {"Records": records})
    outbox.drain()
    return {"ids": ids_of(records), "records": records, "payload": payload, "outbox": outbox}


# -- the lifecycle -------------------------------------------------------------------------------
def test_a_batch_of_every_kind_of_change_succeeds_whole(played):
    assert played["payload"] == {"batchItemFailures": []}
    assert len(played["records"]) == 21


def ioc_events(ids: dict[str, str]) -> Counter:
    food, fire, spam = (ids[k] for k in ("food", "fire", "spam"))
    return Counter({
        (food, "new_report"): 1, (food, "extension_requested"): 1, (food, "result_submitted"): 2,
        (food, "feedback_received"): 1, (food, "reopened"): 1,
        (fire, "urgent_report"): 1, (fire, "returned"): 1, (fire, "sla_overdue"): 1, (fire, "sla_escalation"): 1,
        (spam, "new_report"): 1,
    })


def test_the_ioc_topic_carries_exactly_the_ioc_events(played):
    assert played["outbox"].events("ioc") == ioc_events(played["ids"])


def test_the_stored_lifecycle_is_what_the_service_writes_today(client, province):
    """Guards the stored records against drift: the same steps, written live, fan out the same way."""
    outbox = subscribe(province)
    tap = StreamTap(province)
    ids = play_lifecycle(client, province)
    live = tap.take()
    steps = [(r["eventName"], *(_image_field(r, f) for f in STEP_FIELDS)) for r in live]
    stored = [(r["eventName"], *(_image_field(r, f) for f in STEP_FIELDS))
              for r in load("stream_lifecycle.json")["Records"]]
    assert steps == stored
    assert invoke(client, {"Records": live}) == {"batchItemFailures": []}
    outbox.drain()
    assert outbox.events("ioc") == ioc_events(ids)


def test_each_agency_subscription_receives_only_its_own_reports(played):
    food, fire = played["ids"]["food"], played["ids"]["fire"]
    out = played["outbox"]
    assert out.events(f"agency:{FOOD}") == Counter({
        (food, "assigned"): 1, (food, "extension_decided"): 1, (food, "result_sent_back"): 1,
        (food, "published"): 1, (food, "feedback_received"): 1, (food, "reopened"): 1,
    })
    assert out.events(f"agency:{WARD_AGENCY}") == Counter({(fire, "urgent_report"): 1, (fire, "assigned"): 1})
    assert out.events(f"agency:{BUILDING}") == Counter({
        (fire, "assigned"): 1, (fire, "sla_warning"): 1, (fire, "sla_overdue"): 1, (fire, "sla_escalation"): 1,
    })
    everything = out.events("agencies")
    assert everything == out.events(f"agency:{FOOD}") + out.events(f"agency:{WARD_AGENCY}") + out.events(
        f"agency:{BUILDING}")
    for message in out.read[f"agency:{BUILDING}"]:
        assert message["attributes"]["agency_id"] == BUILDING


def test_attribute_filters_select_urgent_reports_and_escalations(played):
    fire = played["ids"]["fire"]
    out = played["outbox"]
    assert out.events("urgent") == Counter({
        (fire, "urgent_report"): 1, (fire, "assigned"): 2, (fire, "sla_warning"): 1, (fire, "sla_overdue"): 1,
        (fire, "sla_escalation"): 1,
    })
    assert out.events("escalations") == Counter({(fire, "sla_overdue"): 1, (fire, "sla_escalation"): 1})
    first = out.read["urgent"][0]
    assert first["attributes"] == {"agency_id": WARD_AGENCY, "event": "urgent_report",
                                   "category": "trat-tu-do-thi", "urgent": "true"}
    assert first["subject"].isascii() and len(first["subject"]) < 100


def test_focal_officers_and_leadership_get_email_from_the_verified_sender(played, province):
    food, fire = played["ids"]["food"], played["ids"]["fire"]
    sent = [(tuple(m.destinations["ToAddresses"]), _report_id(m.subject), m.source) for m in emails()]
    sender = province.environment["SES_SENDER"]
    assert sorted(sent) == sorted([
        (("soyte@daklak.example.gov.vn",), food, sender),  # assigned
        (("soxd@daklak.example.gov.vn",), fire, sender),  # forwarded to the department
        (("soxd@daklak.example.gov.vn",), fire, sender),  # overdue
        (("soxd@daklak.example.gov.vn",), fire, sender),  # escalated
        (("lanhdao.soxd@daklak.example.gov.vn",), fire, sender),  # escalated: the agency's leads
        (("lanhdao@daklak.example.gov.vn",), fire, sender),  # escalated: the province's leadership
    ])
    assigned = next(m for m in emails() if food in m.subject)
    assert assigned.subject.startswith(f"Phản ánh {food} được giao cho Sở Y tế")
    assert f"https://phananh.daklak.example.gov.vn/dieu-hanh#{food}" in assigned.body  # the console opens it
    assert assigned.body.index("Hạn xử lý") < assigned.body.index("Due:")  # Vietnamese first


def test_sms_go_to_each_reporter_on_receipt_extension_publication_reopen_and_rejection(played):
    """Fails before: no SMS on the approved extension or the reopen, and the link went to /reports/{id}."""
    ids = played["ids"]
    expected = Counter({
        (REPORTERS["food"][2], ids["food"]): 4,  # received, extension approved, published, reopened
        (REPORTERS["fire"][2], ids["fire"]): 1,  # received (urgent: with the emergency numbers)
        (REPORTERS["spam"][2], ids["spam"]): 2,  # received, rejected
    })
    assert Counter((phone, _report_id(text)) for phone, text in sms()) == expected
    for _phone, text in sms():
        assert len(text) <= 160 and text.isascii()
        assert f"https://phananh.daklak.example.gov.vn/theo-doi/{_report_id(text)}" in text
    assert any("113" in text for phone, text in sms() if phone == REPORTERS["fire"][2])
    food = [text for phone, text in sms() if phone == REPORTERS["food"][2]]
    assert sum("duoc gia han den" in t for t in food) == 1 and sum("da mo lai, han moi" in t for t in food) == 1


def test_no_sms_is_published_to_a_landline_but_reopen_and_extension_reach_a_mobile(client, province):
    """Live writes: a landline reporter's report goes through the same steps; only the mobile one gets SMS.

    Fails before: SMS went to +842343822123 (0234 3822 123, a landline), and none on reopen or extension.
    """
    landline = ("Phạm Thị Thu Hà", "0234 3822 123", "+842343822123")
    tap = StreamTap(province)
    desk = Desk()
    body = {
        "category": "an-toan-thuc-pham", "description": "Quán ăn bán thịt ôi thiu",
        "location": {"lat": 12.68, "lng": 108.04}, "ward_code": WARD,
        "reporter": {"name": landline[0], "phone": landline[1]},
    }
    response = client.http.post("/reports", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    assert response.status_code == 201
    fixed = json.loads(response.body)["id"]
    mobile = submit(client, "food", "an-toan-thuc-pham", "Quán ăn bán thịt ôi thiu")
    for report_id in (fixed, mobile):
        desk.act(report_id, "assign", "ioc", agency_id=FOOD)
        desk.act(report_id, "accept", FOOD)
        desk.act(report_id, "request_extension", FOOD, working_days=2, reason="Chờ xét nghiệm")
        desk.act(report_id, "approve_extension", "ioc")
        desk.act(report_id, "submit_result", FOOD, text="Đã xử lý")
        desk.act(report_id, "approve_result", "ioc")
        desk.act(report_id, "reopen", "citizen", reason="Quán vẫn bán")
    assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    sent = sms()
    assert all(phone != landline[2] for phone, _ in sent) and all(fixed not in text for _, text in sent)
    due = desk._get(mobile).due_at.astimezone(VN).strftime("%d/%m/%Y")
    mine = [text for phone, text in sent if phone == REPORTERS["food"][2]]
    assert len(mine) == 4  # received, extension approved, published, reopened (with its new due date)
    assert mine[-1].startswith(f"Phan anh {mobile} da mo lai, han moi {due}")
    assert any(t.startswith(f"Phan anh {mobile} duoc gia han den ") for t in mine)
    for text in mine:
        assert mobile in text and f"https://phananh.daklak.example.gov.vn/theo-doi/{mobile}" in text


def test_no_message_but_the_reporters_own_sms_names_a_reporter(played):
    texts = [json.dumps(m, ensure_ascii=False) for q in played["outbox"].read.values() for m in q]
    texts += [f"{m.destinations} {m.subject} {m.body}" for m in emails()]
    for who, (name, phone, e164) in REPORTERS.items():
        digits = phone.replace(" ", "")
        for text in texts:
            assert name not in text and digits not in text and e164 not in text and digits[1:] not in text, who
        for to, text in sms():
            assert name not in text
            if to != e164:
                assert digits[1:] not in text


def test_redelivering_the_whole_batch_sends_nothing_again(played, client):
    before = (len(emails()), len(sms()))
    assert invoke(client, {"Records": played["records"]}) == {"batchItemFailures": []}
    again = Outbox(played["outbox"].queues).drain()
    assert all(messages == [] for messages in again.values())
    assert (len(emails()), len(sms())) == before


# -- stored records ------------------------------------------------------------------------------
def test_a_poison_record_fails_alone_and_redelivery_sends_no_duplicate(client, province):
    outbox = subscribe(province)
    event = load("stream_poison.json")
    _insert, poison, _extension = event["Records"]
    first = invoke(client, event)
    assert first == {"batchItemFailures": [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]}
    read = outbox.drain()
    assert sorted(m["attributes"]["event"] for m in read["ioc"]) == ["extension_requested", "new_report"]
    assert read[f"agency:{FOOD}"] == [] and emails() == []  # the poisoned assignment sent nothing
    assert len(sms()) == 1

    second = invoke(client, event)  # Lambda redelivers from the failed record on; here, the whole batch
    assert second == first
    assert all(messages == [] for messages in Outbox(outbox.queues).drain().values())
    assert len(sms()) == 1 and emails() == []


def test_a_write_that_is_no_transition_sends_nothing_and_calls_nothing(client, province, hooks):
    calls: list[str] = []
    hooks.on("before-call", lambda model, **_: calls.append(model.service_model.service_name + "." + model.name))
    event = load("stream_non_state.json")
    assert invoke(client, event) == {"batchItemFailures": []}
    assert calls == [] and sms() == [] and emails() == []


def test_topic_notices_of_a_batch_go_out_ten_to_a_call(client, province, hooks):
    calls: Counter = Counter()
    hooks.on("before-call", lambda model, **_: calls.update([model.name]))
    event = load("stream_lifecycle.json")
    assert invoke(client, event) == {"batchItemFailures": []}
    assert calls["PublishBatch"] == 4  # 11 IOC and 12 agency entries for these 21 records: 2 calls each
    assert calls["Publish"] == len(sms()) == 7


# -- refusals by SNS -----------------------------------------------------------------------------
class RefuseEntries:
    """Makes SNS refuse matching PublishBatch entries (a passing fault) for the first `times` calls that carry one.

    The entry is taken out of the request before it reaches moto and reported
    back as failed, which is what SNS answers for an entry it did not accept.
    """

    def __init__(self, hooks: BotocoreHook, match: Callable[[dict], bool], times: int) -> None:
        self.match, self.left, self.refused = match, times, []
        self._pending: list[dict] = []
        hooks.on("provide-client-params.sns.PublishBatch", self._before)
        hooks.on("after-call.sns.PublishBatch", self._after)

    def _before(self, params, **_):
        entries = params["PublishBatchRequestEntries"]
        hit = [e for e in entries if self.match(e)] if self.left > 0 else []
        if hit:
            self.left -= 1
            self.refused += hit
        self._pending = hit
        return {**params, "PublishBatchRequestEntries": [e for e in entries if e not in hit]}

    def _after(self, parsed, **_):
        parsed.setdefault("Failed", []).extend(
            {"Id": e["Id"], "Code": "InternalFailure", "SenderFault": False, "Message": "try again"}
            for e in self._pending)
        self._pending = []


def is_assignment_of(agency_id: str) -> Callable[[dict], bool]:
    def match(entry: dict) -> bool:
        attrs = entry["MessageAttributes"]
        return attrs["event"]["StringValue"] == "assigned" and attrs["agency_id"]["StringValue"] == agency_id
    return match


def test_an_entry_refused_once_is_retried_and_delivered_once(client, province, hooks):
    outbox = subscribe(province)
    refuse = RefuseEntries(hooks, is_assignment_of(FOOD), times=1)
    records = load("stream_lifecycle.json")["Records"][:2]  # submit, assign
    assert invoke(client, {"Records": records}) == {"batchItemFailures": []}
    assert len(refuse.refused) == 1
    assert [m["attributes"]["event"] for m in outbox.drain()[f"agency:{FOOD}"]] == ["assigned"]


def test_an_entry_refused_every_time_fails_its_record_alone_and_goes_out_on_redelivery(client, province, hooks):
    outbox = subscribe(province)
    records = load("stream_lifecycle.json")["Records"][:3]  # submit, assign, accept
    refuse = RefuseEntries(hooks, is_assignment_of(FOOD), times=3)
    first = invoke(client, {"Records": records})
    assert first == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert len(refuse.refused) == 3  # the first try and two retries
    read = outbox.drain()
    assert read[f"agency:{FOOD}"] == []
    assert [m["attributes"]["event"] for m in read["ioc"]] == ["new_report"]
    assert len(emails()) == 1  # the assignment's e-mail went out; only its topic entry is owed

    # Lambda redelivers from the failed record on; SNS accepts this time.
    assert invoke(client, {"Records": records[1:]}) == {"batchItemFailures": []}
    again = Outbox(outbox.queues).drain()
    assert [m["attributes"]["event"] for m in again[f"agency:{FOOD}"]] == ["assigned"]
    assert again["ioc"] == [] and len(emails()) == 1 and len(sms()) == 1  # nothing else twice


# -- wiring --------------------------------------------------------------------------------------
def test_the_handler_listens_on_the_reports_stream_in_batches_of_100():
    from app import app
    from chalicelib.handlers.sources import NOTIFY_FUNCTION, REPORTS_STREAM_ARN

    [source] = [s for s in app.event_sources if s.name == NOTIFY_FUNCTION]
    assert (source.stream_arn, source.batch_size, source.starting_position) == (REPORTS_STREAM_ARN, 100, "LATEST")


# -- recapturing the stored records -------------------------------------------------------------
STEP_FIELDS = ("status", "last_action", "escalation_level", "agency_id", "round", "urgent")


def _image_field(record: dict, name: str, image: str = "NewImage") -> object:
    value = record["dynamodb"].get(image, {}).get(name)
    return next(iter(value.values())) if value else None


def _moved(record: dict) -> bool:
    if "OldImage" not in record["dynamodb"]:
        return True
    return any(_image_field(record, f) != _image_field(record, f, "OldImage") for f in STEP_FIELDS)


def capture() -> None:
    """Play the lifecycle on moto and store its records (and a poisoned batch) under tests/events/."""
    from chalice.test import Client
    from moto import mock_aws

    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
                      AWS_REGION=REGION, AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")
    with mock_aws():
        from chalicelib import container
        from devstack.provision import provision

        stack = provision("dev")
        os.environ.update({**stack.environment, "PROVINCE": "daklak"})
        container.reset()
        from app import app

        with Client(app, stage_name="dev") as client:
            tap = StreamTap(stack)
            play_lifecycle(client, stack)
            records = tap.take()
    non_state = [r for r in records if not _moved(r)]
    poison = copy.deepcopy(records[1])  # the food report's assignment, as a newer writer might have stored it
    poison["dynamodb"]["NewImage"]["province_code"] = {"S": "sáu mươi sáu"}
    files = {
        "stream_lifecycle.json": {"Records": records},
        "stream_poison.json": {"Records": [records[0], poison, records[3]]},
        "stream_non_state.json": {"Records": non_state},
    }
    for name, event in files.items():
        (EVENTS / name).write_text(json.dumps(event, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {EVENTS / name} ({len(event['Records'])} records)")


if __name__ == "__main__":
    capture()
