"""services/notify.py over in-memory fakes of its own ports: batching, retries, settling, replays."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.notices import load_templates
from chalicelib.ports import RecordBusy
from chalicelib.provinces import load_profile
from chalicelib.rules.report import Report, Reporter
from chalicelib.services.notify import DeliveryFailed, NotifyService

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
AGENCY_ARN, IOC_ARN = "arn:aws:sns:ap-southeast-1:1:agency", "arn:aws:sns:ap-southeast-1:1:ioc"


class FakeTopics:
    """Records what was published; refuses entries a test names, a set number of times."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list]] = []
        self.sms: list[tuple[str, str]] = []
        self.refuse: dict[str, tuple[int, bool]] = {}  # text fragment -> (times left, sender fault)
        self.broken = False

    def publish_batch(self, topic_arn, entries):
        if self.broken:
            raise ConnectionError("endpoint unreachable")
        assert 1 <= len(entries) <= 10 and len({e.id for e in entries}) == len(entries)
        failed, accepted = [], []
        for e in entries:
            hit = next((k for k, (left, _) in self.refuse.items() if k in e.text and left > 0), None)
            if hit:
                left, sender = self.refuse[hit]
                self.refuse[hit] = (left - 1, sender)
                failed.append({"Id": e.id, "Code": "InvalidParameter" if sender else "Throttled",
                               "SenderFault": sender})
            else:
                accepted.append(e)
        self.batches.append((topic_arn, accepted))
        return failed

    def send_sms(self, phone, text):
        self.sms.append((phone, text))
        return "m-1"

    def published(self, arn=None) -> list:
        return [e for a, entries in self.batches for e in entries if arn in (None, a)]


class FakeMail:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, email):
        self.sent.append(email)
        return "e-1"


class FakeLedger:
    """Claims and settlements as a dict: event id -> None (in progress) or the keys still owed."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, ...] | None] = {}
        self.claims: list[str] = []
        self.fail_settle = False

    def claim(self, event_id, remaining_ms):
        self.claims.append(event_id)
        if event_id not in self.rows:
            self.rows[event_id] = None
            return None
        if self.rows[event_id] is None:
            raise RecordBusy(event_id)
        return frozenset(self.rows[event_id])

    def settle(self, event_id, pending):
        if self.fail_settle:
            raise RuntimeError("table unavailable")
        self.rows[event_id] = tuple(sorted(pending))


def report(n: int, **over) -> Report:
    base = Report(
        id=f"DLK-0000-{n:04d}", province_code=66, status="received", channel="app", category="moi-truong",
        description="Rác", lat=12.6, lng=108.0, address=None, ward_code="24133", agency_id="so-y-te",
        reporter=Reporter("Nguyễn Văn An", f"+8490{n:07d}"), received_at=NOW, due_at=NOW, original_due_at=NOW,
        updated_at=NOW, last_action="submit", last_actor_role="citizen",
    )
    return replace(base, **over)


def submitted(n: int) -> tuple[None, dict]:
    return None, report(n)


def assigned(n: int) -> tuple[dict, dict]:
    before = report(n)
    return before, replace(before, status="assigned", last_action="assign")


@pytest.fixture
def world():
    topics, mail, ledger, sleeps = FakeTopics(), FakeMail(), FakeLedger(), []
    service = NotifyService(
        load_profile("daklak"), load_templates(), topics=topics, mail=mail,
        ledger=ledger, agency_topic_arn=AGENCY_ARN, ioc_topic_arn=IOC_ARN, attempts=3, backoff_seconds=0.5,
        sleep=sleeps.append,
    )
    return service, topics, mail, ledger, sleeps


def run(service, records) -> list[tuple[str, Exception]]:
    fanout = service.batch()
    for event_id, (old, new) in records:
        fanout.stage(event_id, old, new, ticket=event_id)
    return fanout.flush()


def test_topic_notices_of_many_records_share_batches_of_ten(world):
    service, topics, mail, ledger, _ = world
    records = [(f"s{n}", submitted(n)) for n in range(25)] + [(f"a{n}", assigned(n)) for n in range(15)]
    assert run(service, records) == []
    calls = [(arn, len(entries)) for arn, entries in topics.batches]
    assert calls == [(AGENCY_ARN, 10), (AGENCY_ARN, 5), (IOC_ARN, 10), (IOC_ARN, 10), (IOC_ARN, 5)]
    assert len(topics.sms) == 25 and len(mail.sent) == 15
    assert all(pending == () for pending in ledger.rows.values())


def test_a_passing_refusal_is_retried_with_backoff_and_delivered_once(world):
    service, topics, _, _, sleeps = world
    topics.refuse["DLK-0000-0003"] = (2, False)
    assert run(service, [(f"s{n}", submitted(n)) for n in range(5)]) == []
    assert sleeps == [0.5, 1.0]
    assert [e.text.count("DLK-0000-0003") > 0 for e in topics.published(IOC_ARN)].count(True) == 1
    assert len(topics.batches) == 3  # one batch of five, then the one entry twice


def test_a_lasting_refusal_fails_only_its_record_and_keeps_what_is_owed(world):
    service, topics, _, ledger, _ = world
    topics.refuse["DLK-0000-0003"] = (99, False)
    failures = run(service, [(f"s{n}", submitted(n)) for n in range(5)])
    assert [ticket for ticket, _ in failures] == ["s3"]
    assert isinstance(failures[0][1], DeliveryFailed) and failures[0][1].pending == ("ioc_topic:new_report",)
    assert ledger.rows["s3"] == ("ioc_topic:new_report",)  # the SMS went out; only the topic entry is owed
    assert len(topics.sms) == 5 and len(topics.batches) == 3  # bounded: three attempts


def test_a_sender_fault_is_not_retried(world):
    service, topics, _, _, sleeps = world
    topics.refuse["DLK-0000-0001"] = (99, True)
    failures = run(service, [(f"s{n}", submitted(n)) for n in range(3)])
    assert [ticket for ticket, _ in failures] == ["s1"] and sleeps == [] and len(topics.batches) == 1
    assert "InvalidParameter" in str(failures[0][1])


def test_redelivery_sends_only_what_was_owed(world):
    service, topics, _, ledger, _ = world
    topics.refuse["DLK-0000-0003"] = (3, False)
    records = [(f"s{n}", submitted(n)) for n in range(5)]
    run(service, records)
    topics.batches.clear()
    topics.sms.clear()
    assert run(service, records) == []  # Lambda redelivers all of them
    assert len(topics.published()) == 1 and "DLK-0000-0003" in topics.published()[0].text
    assert topics.sms == [] and ledger.rows["s3"] == ()
    assert run(service, records) == [] and len(topics.published()) == 1  # and a third time, nothing


def test_a_record_another_invocation_holds_fails_before_sending(world):
    service, topics, _, ledger, _ = world
    ledger.rows["s1"] = None  # claimed, not settled
    fanout = service.batch()
    with pytest.raises(RecordBusy):
        fanout.stage("s1", *submitted(1), ticket="s1")
    assert fanout.flush() == [] and topics.batches == []


def test_writes_that_are_no_transition_claim_nothing(world):
    service, topics, _, ledger, _ = world
    before = report(1)
    fanout = service.batch()
    assert fanout.stage("x", before, replace(before, description="sửa")) == 0
    assert fanout.stage("y", before, None) == 0  # a deletion
    assert ledger.claims == [] and fanout.flush() == [] and topics.batches == []


def test_an_unreachable_topic_fails_every_record_with_a_notice_on_it(world):
    service, topics, mail, _, _ = world
    topics.broken = True
    failures = run(service, [("s1", submitted(1)), ("a1", assigned(1))])
    assert sorted(ticket for ticket, _ in failures) == ["a1", "s1"]
    assert len(topics.sms) == 1 and len(mail.sent) == 1  # the other channels still went out


def test_sent_but_unsettled_records_are_not_retried_but_owed_ones_are(world):
    service, topics, _, ledger, _ = world
    ledger.fail_settle = True
    topics.refuse["DLK-0000-0002"] = (99, False)
    failures = run(service, [("s1", submitted(1)), ("s2", submitted(2))])
    assert [ticket for ticket, _ in failures] == ["s2"]


def test_notices_sent_are_counted_by_event_and_channel(world, capsys):
    service, *_ = world
    run(service, [("s1", submitted(1)), ("a1", assigned(1))])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    sent = {(m["event"], m["channel"]): m["NoticesSent"] for m in lines if "NoticesSent" in m}
    assert sent == {("new_report", "sns"): [1.0], ("new_report", "sms"): [1.0], ("assigned", "sns"): [1.0],
                    ("assigned", "email"): [1.0]}
    assert all(m["province"] == "daklak" for m in lines if "NoticesSent" in m)


def test_the_claim_lasts_as_long_as_the_invocation(world):
    service, *_ = world

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 42_000

    assert service.batch(Context()).claim_ms == 42_000
    assert service.batch(None).claim_ms == 300_000


class FakeLimits:
    """The LimitsPort in memory: a counter per quota id, taken while below its limit."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.broken = False

    def take(self, quota):
        if self.broken:
            raise ConnectionError("limits table unavailable")
        if self.counts.get(quota.counter_id, 0) >= quota.limit:
            return False
        self.counts[quota.counter_id] = self.counts.get(quota.counter_id, 0) + 1
        return True


def limited(limits: FakeLimits, **over):
    topics, ledger = FakeTopics(), FakeLedger()
    service = NotifyService(
        load_profile("daklak"), load_templates(), topics=topics, mail=FakeMail(), ledger=ledger,
        agency_topic_arn=AGENCY_ARN, ioc_topic_arn=IOC_ARN, sleep=lambda _: None,
        limits=limits, limits_key=b"k" * 32, clock=lambda: NOW, **over)
    return service, topics, ledger


def one_phone(n: int) -> tuple[None, Report]:
    return None, report(n, reporter=Reporter("Nguyễn Văn An", "+84905123456"))


def test_sms_beyond_the_daily_ceiling_per_phone_are_skipped_counted_and_not_owed(capsys):
    limits = FakeLimits()
    service, topics, ledger = limited(limits)
    ceiling = service.profile.limits.sms_per_phone_per_day
    records = [(f"s{n}", one_phone(n)) for n in range(ceiling + 3)]
    assert run(service, records) == []  # skipping is no failure: nothing is redelivered
    assert len(topics.sms) == ceiling
    assert all(pending == () for pending in ledger.rows.values())
    assert len(topics.published(IOC_ARN)) == ceiling + 3  # only the SMS are held back
    assert not any("905123456" in key for key in limits.counts)  # counted on a keyed hash, not the number
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert sum(sum(m["SmsSkipped"]) for m in lines if "SmsSkipped" in m) == 3
    assert sum(sum(m["NoticesSent"]) for m in lines if "NoticesSent" in m and m["channel"] == "sms") == ceiling
    others = [(f"o{n}", submitted(n)) for n in range(2)]  # another reporter's phone is not held back
    topics.sms.clear()
    assert run(service, others) == [] and len(topics.sms) == 2


def test_the_sms_ceiling_resets_the_next_day_and_a_broken_counter_never_silences_the_reporter():
    limits = FakeLimits()
    now = [NOW]
    service, topics, _ = limited(limits)
    service.clock = lambda: now[0]
    ceiling = service.profile.limits.sms_per_phone_per_day
    run(service, [(f"s{n}", one_phone(n)) for n in range(ceiling + 1)])
    assert len(topics.sms) == ceiling
    now[0] = NOW.replace(day=NOW.day + 1)
    run(service, [("next-day", one_phone(99))])
    assert len(topics.sms) == ceiling + 1
    limits.broken = True
    assert run(service, [("broken", one_phone(98))]) == []
    assert len(topics.sms) == ceiling + 2
