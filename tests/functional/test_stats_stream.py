"""Agency statistics from the reports' real stream records (read from moto), redelivery included."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from log_capture import logged_lines

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.sla import next_check_at

REPORTER = Reporter("Đỗ Văn Bí Mật", "+84977888999")


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


class Stream:
    """Reads the reports table's stream on moto and hands records over in Lambda's shape, once each."""

    def __init__(self, province) -> None:
        import boto3

        from devstack.events import dynamodb_record

        self.arn = province.stream_arns["ReportsTable"]
        self.client = boto3.client("dynamodbstreams", region_name="ap-southeast-1")
        self._convert = lambda r: dynamodb_record(r, self.arn, "ap-southeast-1")
        self._seen = 0

    def _all(self) -> list[dict]:
        records = []
        for shard in self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            it = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=shard["ShardId"],
                                                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while it:
                page = self.client.get_records(ShardIterator=it, Limit=1000)
                records += page["Records"]
                it = page.get("NextShardIterator") if page["Records"] else None
        return [self._convert(r) for r in records]

    def new(self) -> list[dict]:
        records = self._all()
        fresh, self._seen = records[self._seen:], len(records)
        return fresh


@pytest.fixture
def profile(province):
    from chalicelib import container

    container._bound_storage()
    return container.profile()


@pytest.fixture
def stream(province):
    return Stream(province)


@pytest.fixture
def client(province, monkeypatch):
    from chalice.test import Client

    from app import app
    from chalicelib import container

    monkeypatch.setattr(container, "clock", lambda: lambda: vn(2026, 11, 30, 12))
    container.reset()
    with Client(app, stage_name="dev") as c:
        yield c


@pytest.fixture
def seed(profile):
    from chalicelib.storage.reports import ReportStore

    store, cal = ReportStore(), profile.working_calendar

    def make(rid: str, received: datetime, agency: str) -> Report:
        due = cal.due_after(received, profile.sla_days("hotline"))
        report = Report(
            id=rid, province_code=profile.province_code, status="received", channel="hotline", category="moi-truong",
            description="Đèn đường hỏng cả tuần", lat=12.68, lng=108.04, address=None,
            ward_code=profile.wards[0].code, agency_id=agency, reporter=REPORTER, received_at=received, due_at=due,
            original_due_at=due, updated_at=received, last_action="submit", last_actor_role="citizen",
            sla_next_at=next_check_at(due, 0, cal, profile.sla))
        return store.create(report, "digest", AuditEntry(rid, received, "citizen", "citizen", "submit", None,
                                                         "received"))

    return make


def act(report_id: str, **changes) -> None:
    """A workflow step as the case engineer's code writes it: one versioned update of the report."""
    from chalicelib.storage.models import ReportModel

    model = ReportModel.get(report_id, consistent_read=True)
    model.update([getattr(ReportModel, k).set(v) if v is not None else getattr(ReportModel, k).remove()
                  for k, v in changes.items()])


def publish(report_id: str, submitted: datetime) -> None:
    act(report_id, status="published", result={"text": "Đã thay bóng đèn", "submitted_at": submitted.isoformat()},
        published_at=submitted + timedelta(hours=3), sla_shard=None, sla_next_at=None)


def deliver(client, records: list[dict]) -> dict:
    return client.lambda_.invoke("update_statistics", {"Records": records}).payload


def month_figures(month: str = "2026-11") -> dict:
    from chalicelib.storage.stats import StatsStore

    return {f.agency_id: f for f in StatsStore().month(month)}


def test_a_sequence_of_stream_events_builds_the_month_and_redelivery_changes_nothing(profile, stream, client, seed):
    monday = vn(2026, 11, 2, 9)  # hotline: due Thu 05/11 09:00
    ids = [f"DLK-ST{i:05d}" for i in range(14)]
    for rid in ids[:12]:
        seed(rid, monday, "so-y-te")
    seed(ids[12], monday, "so-xay-dung")
    seed(ids[13], vn(2026, 10, 30, 9), "so-y-te")  # received in October
    first = deliver(client, stream.new())
    assert first == {"batchItemFailures": []}

    for rid in ids[:9]:
        publish(rid, vn(2026, 11, 3, 9))  # one working day: on time
    publish(ids[9], vn(2026, 11, 4, 16, 30))  # two working days: on time
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.storage.sla import SlaStore

    SlaSweeper(profile, SlaStore()).sweep(vn(2026, 11, 5, 10))  # 10, 11 (so-y-te) and 12 (so-xay-dung) overdue
    publish(ids[10], vn(2026, 11, 6, 9))  # late
    act(ids[12], agency_id="so-nn-mt")  # forwarded, overdue, to another agency
    for rid, stars in zip(ids[:4], (5, 4, 4, 3), strict=True):
        act(rid, feedback={"rating": stars, "comment": "", "round": 1})
    act(ids[0], feedback={"rating": 1, "comment": "", "round": 1})  # a changed rating replaces the old one
    batch = stream.new()
    assert deliver(client, batch[:7]) == {"batchItemFailures": []}
    assert deliver(client, batch[7:]) == {"batchItemFailures": []}
    before = month_figures()
    with logged_lines() as logs:
        assert deliver(client, batch) == {"batchItemFailures": []}  # the whole batch delivered again
        assert deliver(client, batch[3:9]) == {"batchItemFailures": []}  # and a part of it, again
    assert month_figures() == before
    logged = "\n".join(logs)
    assert "already counted" in logged and REPORTER.name not in logged and "977888999" not in logged

    health = before["so-y-te"]
    assert (health.received, health.resolved_on_time, health.resolved_late, health.open_overdue) == (12, 10, 1, 1)
    assert (health.rating_count, health.rating_sum, health.mean_rating) == (4, 12, 3.0)
    assert health.median_days_to_result == pytest.approx(0.95, abs=0.5)  # most took one working day
    assert "so-xay-dung" not in before or before["so-xay-dung"].received == 0
    moved = before["so-nn-mt"]
    assert (moved.received, moved.open_overdue) == (1, 1)
    assert month_figures("2026-10")["so-y-te"].received == 1

    from chalicelib import container

    overdue_in_cells = sum(f.open_overdue for m in ("2026-10", "2026-11") for f in month_figures(m).values())
    assert container.statistics().publish_gauges() == (3, overdue_in_cells)  # 14 received, 11 published
    assert overdue_in_cells >= 2

    answer = client.http.get("/public/stats?month=2026-11")
    assert answer.status_code == 200
    body = json.loads(answer.body)
    assert body["month"] == "2026-11"
    assert body["province"]["received"] == 13 and body["province"]["resolved_on_time"] == 10
    assert [row["agency_id"] for row in body["ranking"]] == ["so-y-te"]  # so-nn-mt resolved none
    assert body["ranking"][0]["on_time_rate"] == pytest.approx(10 / 11, abs=1e-4)
    assert {row["agency_id"] for row in body["agencies"]} == {"so-y-te", "so-nn-mt"}
    text = answer.body.decode() if isinstance(answer.body, bytes) else answer.body
    assert REPORTER.name not in text and REPORTER.phone not in text and "977888999" not in text


def test_a_bad_record_fails_alone_and_the_rest_of_the_batch_counts(profile, stream, client, seed):
    seed("DLK-GOOD001", vn(2026, 11, 2, 9), "so-y-te")
    seed("DLK-GOOD002", vn(2026, 11, 2, 9), "so-y-te")
    good = stream.new()
    broken = json.loads(json.dumps(good[0]))
    broken["eventID"] = "broken-1"
    broken["dynamodb"]["SequenceNumber"] = "999"
    del broken["dynamodb"]["NewImage"]["received_at"]
    answer = deliver(client, [good[0], broken, good[1]])
    assert answer == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert month_figures()["so-y-te"].received == 2


def test_the_current_month_is_the_default_and_a_bad_month_is_a_bilingual_400(client):
    ok = client.http.get("/public/stats")
    assert ok.status_code == 200 and json.loads(ok.body)["month"] == "2026-11"
    assert json.loads(ok.body)["province"]["received"] == 0
    for bad in ("2026-13", "11-2026", "tháng-11"):
        answer = client.http.get(f"/public/stats?month={bad}")
        body = json.loads(answer.body)
        assert answer.status_code == 400
        assert body["code"] == "invalid_month" and body["field"] == "month"
        assert "YYYY-MM" in body["message"] and "YYYY-MM" in body["message_en"]


def reopen(report_id: str, now: datetime, profile) -> None:
    """The citizen's reopen as the case engine takes it: rules/workflow.transition, then one store.apply."""
    from chalicelib.rules.actors import CITIZEN, Actor
    from chalicelib.rules.workflow import transition
    from chalicelib.storage.reports import ReportStore

    store = ReportStore()
    before, _ = store.get(report_id)
    after, audit = transition(before, "reopen", {"reason": "Đèn lại hỏng"}, Actor("citizen", frozenset({CITIZEN})),
                              now, profile)
    store.apply(before, after, audit)


def test_a_reopen_keeps_the_first_rounds_rating_and_each_round_counts_once(profile, stream, client, seed):
    """Rated 2, reopened, resolved again and rated 5: the month reads two ratings, mean 3.5 (it read none/5 before)."""
    rid = "DLK-RO00001"
    seed(rid, vn(2026, 11, 2, 9), "so-y-te")
    publish(rid, vn(2026, 11, 2, 9, 20))  # twenty working minutes
    act(rid, feedback={"rating": 2, "comment": "", "round": 1})
    assert deliver(client, stream.new()) == {"batchItemFailures": []}
    assert (month_figures()["so-y-te"].rating_count, month_figures()["so-y-te"].rating_sum) == (1, 2)
    assert month_figures()["so-y-te"].median_hours_to_result == 0.5

    reopen(rid, vn(2026, 11, 3, 10), profile)
    assert deliver(client, stream.new()) == {"batchItemFailures": []}
    after_reopen = month_figures()["so-y-te"]
    assert (after_reopen.rating_count, after_reopen.rating_sum, after_reopen.mean_rating) == (1, 2, 2.0)
    assert after_reopen.resolved == 0  # the reopened report leaves the resolved counts until resolved again

    publish(rid, vn(2026, 11, 4, 9))
    act(rid, feedback={"rating": 5, "comment": "", "round": 2})
    batch = stream.new()
    assert deliver(client, batch) == {"batchItemFailures": []}
    assert deliver(client, batch) == {"batchItemFailures": []}  # redelivered: nothing changes
    health = month_figures()["so-y-te"]
    assert (health.rating_count, health.rating_sum, health.mean_rating) == (2, 7, 3.5)
    body = json.loads(client.http.get("/public/stats?month=2026-11").body)
    row = next(a for a in body["agencies"] if a["agency_id"] == "so-y-te")
    assert (row["mean_rating"], row["ratings"]) == (3.5, 2)
    assert row["median_hours_to_result"] is None  # two working days now: the days figure tells it


def test_the_ranking_route_serves_the_score_and_its_parts(profile, stream, client, seed):
    monday = vn(2026, 11, 2, 9)
    for i in range(10):
        for agency in ("so-y-te", "so-xay-dung"):
            rid = f"DLK-RK{agency[3]}{i:04d}"
            seed(rid, monday, agency)
            publish(rid, vn(2026, 11, 3, 9))
            act(rid, feedback={"rating": 2 if agency == "so-y-te" else 4, "comment": "", "round": 1})
    assert deliver(client, stream.new()) == {"batchItemFailures": []}
    answer = client.http.get("/public/ranking?month=2026-11")
    assert answer.status_code == 200 and "max-age" in answer.headers["Cache-Control"]
    body = json.loads(answer.body)
    assert body["month"] == "2026-11" and body["ranking_min_sample"] == profile.sla.ranking_min_sample
    assert [r["agency_id"] for r in body["ranking"]] == ["so-xay-dung", "so-y-te"]  # same on time, better rated
    top = body["ranking"][0]
    assert set(top["score_parts"]) == {"on_time", "satisfaction", "resolution"}
    assert top["score"] == pytest.approx(sum(body["rule"]["weights"][k] * v for k, v in top["score_parts"].items()),
                                         abs=1e-4)
    assert body["notes"]["vi"] and body["notes"]["en"]
    stats = json.loads(client.http.get("/public/stats?month=2026-11").body)
    assert [r["agency_id"] for r in stats["ranking"]] == ["so-xay-dung", "so-y-te"]
    assert stats["ranking"][0]["score"] == top["score"]
    bad = client.http.get("/public/ranking?month=2026-13")
    assert bad.status_code == 400 and json.loads(bad.body)["code"] == "invalid_month"
