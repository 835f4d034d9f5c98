"""The SLA sweep on moto: each level is raised once across repeated and concurrent sweeps, by index only."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from aws_counting import counting_aws_calls
from log_capture import logged_lines

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.sla import next_check_at

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=VN_TZ)


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


class Seeder:
    """Writes reports as intake and assignment leave them (version 1, carrying their first SLA check)."""

    def __init__(self, profile) -> None:
        from chalicelib.storage.reports import ReportStore

        self.profile = profile
        self.store = ReportStore()

    def __call__(self, rid: str, received: datetime, channel: str = "hotline", agency: str = "so-y-te",
                 status: str = "assigned") -> Report:
        profile, cal = self.profile, self.profile.working_calendar
        due = cal.due_after(received, profile.sla_days(channel))
        report = Report(
            id=rid, province_code=profile.province_code, status=status, channel=channel,
            category="an-toan-thuc-pham", description="Cơ sở bán thực phẩm không rõ nguồn gốc", lat=12.68,
            lng=108.04, address=None, ward_code=profile.wards[0].code, agency_id=agency,
            reporter=Reporter("Phạm Văn D", "+84905123456"), received_at=received, due_at=due, original_due_at=due,
            updated_at=received, last_action="assign", last_actor_role="ioc",
            sla_next_at=next_check_at(due, 0, cal, profile.sla))
        audit = AuditEntry(rid, received, "citizen", "citizen", "submit", None, status)
        return self.store.create(report, "digest", audit)


def sla_audits(report_id: str) -> list[AuditEntry]:
    from chalicelib.storage.reports import ReportStore

    return [e for e in ReportStore().history(report_id) if e.action.startswith("sla_")]


def stored(report_id: str) -> Report:
    from chalicelib.storage.reports import ReportStore

    return ReportStore().get(report_id)[0]


def in_sweep_index(report_id: str) -> bool:
    from chalicelib.storage.models import ReportModel

    return any(m.id == report_id for m in ReportModel.sla_due_index.query("open"))




@pytest.fixture
def profile(province):
    from chalicelib import container

    container._bound_storage()
    return container.profile()


@pytest.fixture
def seed(profile):
    return Seeder(profile)


def sweeper(profile, store=None):
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.storage.sla import SlaStore

    return SlaSweeper(profile, store or SlaStore())


def test_repeated_sweeps_raise_warning_overdue_and_escalation_exactly_once(profile, seed):
    hotline = seed("DLK-HOT0001", MONDAY)  # due Thu 19/11 09:00
    app = seed("DLK-APP0001", MONDAY, channel="app")  # due Thu 26/11 09:00 (24/11 is a holiday)
    ticks = [MONDAY + timedelta(minutes=15 * i) for i in range(0, 4 * 24 * 18, 7)]  # 18 days, uneven steps
    first, rerun = sweeper(profile), sweeper(profile)
    for now in ticks:
        first.sweep(now)
        rerun.sweep(now)  # a re-run at the same instant changes nothing
    for report in (hotline, app):
        audits = sla_audits(report.id)
        assert [a.action for a in audits] == ["sla_warning", "sla_overdue", "sla_escalation"]
        assert {(a.actor, a.role, a.from_status, a.to_status) for a in audits} == {
            ("system", "system", "assigned", "assigned")}
        final = stored(report.id)
        assert (final.escalation_level, final.sla_next_at, final.last_action, final.last_actor_role) == (
            3, None, "sla_escalation", "system")
        assert final.version == report.version + 3
        assert not in_sweep_index(report.id)  # the top level leaves the sparse index


def test_each_rise_happens_at_the_sweep_after_its_threshold(profile, seed):
    seed("DLK-HOT0002", MONDAY)  # thresholds: Wed 18/11 09:00, Thu 19/11 09:00, Mon 23/11 09:00
    expectations = [
        (vn(2026, 11, 18, 8, 45), 0), (vn(2026, 11, 18, 9, 0), 1), (vn(2026, 11, 19, 8, 45), 1),
        (vn(2026, 11, 19, 9, 0), 2), (vn(2026, 11, 22, 12, 0), 2), (vn(2026, 11, 23, 9, 0), 3),
    ]
    sweep = sweeper(profile)
    for now, level in expectations:
        sweep.sweep(now)
        assert stored("DLK-HOT0002").escalation_level == level, now


def test_a_late_first_sweep_raises_straight_to_the_level_reached(profile, seed, capfd):
    seed("DLK-HOT0003", MONDAY)
    capfd.readouterr()
    with logged_lines() as logs:
        result = sweeper(profile).sweep(vn(2026, 11, 19, 10))
    assert dict(result.raised) == {2: 1} and dict(result.overdue_by_agency) == {"so-y-te": 1}
    assert [a.action for a in sla_audits("DLK-HOT0003")] == ["sla_overdue"]
    assert stored("DLK-HOT0003").sla_next_at == vn(2026, 11, 23, 9)
    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith("{")]
    metrics = {name: line for line in lines for name in ("ReportsDueSoon", "ReportsOverdue", "SweepDuration")
               if name in line}
    assert metrics["ReportsOverdue"]["agency"] == "so-y-te" and metrics["ReportsOverdue"]["ReportsOverdue"] == [1.0]
    assert metrics["ReportsDueSoon"]["ReportsDueSoon"] == [0.0] and metrics["SweepDuration"]["province"] == "daklak"
    logged = "\n".join(logs)
    assert "DLK-HOT0003" in logged and "sla level raised" in logged
    assert "Phạm Văn D" not in logged and "905123456" not in logged


def test_a_change_between_read_and_write_makes_the_sweep_skip_not_fail(profile, seed):
    from chalicelib.storage.models import ReportModel
    from chalicelib.storage.sla import SlaStore

    seed("DLK-HOT0004", MONDAY)
    now = vn(2026, 11, 18, 10)
    store = SlaStore()
    already_read = list(store.due(now))
    ReportModel.get("DLK-HOT0004").update([ReportModel.last_action.set("add_note")])  # an officer acts
    store.due = lambda _now: already_read
    result = sweeper(profile, store).sweep(now)
    assert (result.lost, dict(result.raised)) == (1, {})
    assert stored("DLK-HOT0004").escalation_level == 0
    assert sweeper(profile).sweep(now).raised == {1: 1}  # the next sweep reads it afresh and raises it


def test_two_sweeps_that_read_the_same_reports_raise_each_once(profile, seed):
    from chalicelib.storage.sla import SlaStore

    for i in range(5):
        seed(f"DLK-RACE{i:03d}", MONDAY)
    now = vn(2026, 11, 18, 10)
    slow = SlaStore()
    read_by_slow = list(slow.due(now))
    slow.due = lambda _now: read_by_slow
    fast = sweeper(profile).sweep(now)
    late = sweeper(profile, slow).sweep(now)
    assert (fast.raised[1], late.raised[1], late.lost) == (5, 0, 5)
    assert all(len(sla_audits(f"DLK-RACE{i:03d}")) == 1 for i in range(5))


@pytest.fixture
def atomic_moto(monkeypatch):
    """moto handles in-process requests on the caller's thread without isolation (a transaction even
    restores a whole-table copy on failure); DynamoDB executes each request atomically. One lock around
    moto's dispatch restores that, while the threads still interleave freely between requests."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    dispatch = BotocoreStubber.__call__

    def atomic(self, *args, **kwargs):
        with lock:
            return dispatch(self, *args, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", atomic)


def test_concurrent_sweeps_in_threads_raise_each_level_exactly_once(profile, seed, atomic_moto):
    from chalicelib.storage.sla import SlaStore

    ids = [f"DLK-THRD{i:03d}" for i in range(12)]
    for rid in ids:
        seed(rid, MONDAY)
    workers = 4

    class ReadThenRace(SlaStore):
        """Every sweep reads the due reports, then all of them write at once."""

        barrier = threading.Barrier(workers)

        def due(self, now):
            read = list(super().due(now))
            self.barrier.wait(timeout=60)
            return read

    results, errors = [], []

    def run(now):
        try:
            results.append(sweeper(profile, ReadThenRace()).sweep(now))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    for now in (vn(2026, 11, 18, 10), vn(2026, 11, 19, 10), vn(2026, 11, 23, 10)):
        threads = [threading.Thread(target=run, args=(now,)) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert errors == []
    raised = Counter()
    for r in results:
        raised.update(r.raised)
    assert raised == {1: 12, 2: 12, 3: 12}  # 4 sweeps read each report 3 times; each level raised once
    assert sum(r.lost for r in results) == 3 * 12 * (workers - 1)
    for rid in ids:
        assert [a.action for a in sla_audits(rid)] == ["sla_warning", "sla_overdue", "sla_escalation"]
        assert stored(rid).escalation_level == 3


def test_the_sweep_reads_only_what_is_due_and_never_scans(profile, seed):
    from chalicelib.rules.sla import level_at

    seeded = [seed(f"DLK-LOAD{i:03d}", MONDAY + timedelta(hours=12 * i)) for i in range(30)]  # a fortnight
    seed("DLK-CLOSED1", MONDAY, status="published")  # closed: carries no key
    now = vn(2026, 11, 20, 10)
    expected = sum(level_at(r.due_at, now, profile.working_calendar, profile.sla) > 0 for r in seeded)
    assert 0 < expected < 10
    with counting_aws_calls() as calls:
        result = sweeper(profile).sweep(now)
    due_now = result.raised[1] + result.raised[2]
    assert result.read == due_now == expected
    assert ("dynamodb", "Scan") not in calls
    assert calls[("dynamodb", "Query")] == 1
    assert calls[("dynamodb", "TransactWriteItems")] == due_now
    assert sum(calls.values()) == 1 + due_now


def test_a_closed_report_that_still_carries_the_key_is_dropped_from_the_index(profile, seed):
    from chalicelib.storage.models import SLA_OPEN_SHARD, ReportModel

    seed("DLK-STALE01", MONDAY)
    closed_but_keyed = [ReportModel.status.set("rejected"), ReportModel.sla_shard.set(SLA_OPEN_SHARD)]
    ReportModel.get("DLK-STALE01").update(closed_but_keyed)
    result = sweeper(profile).sweep(vn(2026, 11, 19, 10))
    assert (result.dropped, dict(result.raised)) == (1, {})
    assert not in_sweep_index("DLK-STALE01") and sla_audits("DLK-STALE01") == []


def test_the_scheduled_handler_sweeps_at_the_clocks_now(province, monkeypatch):
    from chalice.test import Client

    from app import app
    from chalicelib import container

    container._bound_storage()
    Seeder(container.profile())("DLK-SCHED01", MONDAY)
    monkeypatch.setattr(container, "clock", lambda: lambda: vn(2026, 11, 19, 10))
    container.reset()
    with Client(app, stage_name="dev") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=["arn:aws:events:ap-southeast-1:123456789012:rule/x"])
        answer = client.lambda_.invoke("sla_sweep", event).payload
    # the live gauges come from the statistics the reports' stream keeps (not fed in this test)
    assert answer == {"open": 0, "overdue": 0, "read": 1, "raised": {"2": 1}, "lost": 0}
    assert stored("DLK-SCHED01").last_action == "sla_overdue"
