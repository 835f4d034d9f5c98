"""The anonymiser on a controlled clock, on moto: due after the profile's months and not a day before, twice
changes nothing, a crash half-way and a re-run anonymise every due case exactly once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from staff_helpers import JSON, body_of, must, submit

from chalicelib.rules.retention import add_months

pytest_plugins = ["staff_fixtures"]

REJECT = {"reason_code": "spam", "public_reason": "Nội dung quảng cáo"}


@pytest.fixture
def clock(province, monkeypatch):
    """The services' now, moved by the test."""
    from chalicelib import container

    start = datetime.now(UTC).replace(microsecond=0)  # when the test runs: staff tokens are checked on it too
    now = {"t": start, "start": start}
    monkeypatch.setattr(container, "clock", lambda: lambda: now["t"])
    container.reset()
    return now


def anonymiser():
    from chalicelib import container

    return container.retention()


def run_at(clock, at: datetime, service=None):
    """One anonymiser run at `at`, then the clock back where staff tokens are valid."""
    clock["t"] = at
    try:
        return (service or anonymiser()).apply_retention()
    finally:
        clock["t"] = clock["start"]


def actions(client, staff, report_id: str) -> list[str]:
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    return [h["action"] for h in case["history"]]


def ended(client, staff, count: int) -> list[tuple[str, str]]:
    reports = [submit(client, phone=f"0905 222 {n:03d}") for n in range(count)]
    for report_id, _ in reports:
        must(client, staff, "ioc", report_id, "reject", **REJECT)
    return reports


def test_due_24_months_and_a_day_after_it_ended_not_a_day_short_and_twice_changes_nothing(client, staff, clock):
    (report_id, token), = ended(client, staff, 1)
    running, _ = submit(client, phone="0905 222 999")
    due = add_months(clock["start"], 24)
    assert (run_at(clock, due - timedelta(days=1)).anonymised, actions(client, staff, report_id)[-1]) == (
        0, "reject")
    run = run_at(clock, due + timedelta(days=1))
    assert (run.read, run.anonymised, run.lost) == (1, 1, 0)  # the running case is not even read
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    assert case["reporter"] == {"name": "anonymised", "phone": "", "anonymised": True}
    assert case["history"][-1]["note"] == "anonymised under the retention rule"
    assert client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token}).status_code == 404
    assert client.http.get(f"/public/reports/{report_id}").status_code == 200  # still on the public record
    assert actions(client, staff, running)[-1] == "submit"
    again = run_at(clock, due + timedelta(days=2))
    assert (again.read, again.anonymised) == (0, 0) and actions(client, staff, report_id).count("anonymise") == 1


def test_a_province_keeping_contacts_12_months_and_the_supporters_go_with_the_case(client, staff, clock, province):
    from chalicelib import container
    from chalicelib.storage.models import SupporterModel

    report_id, _ = submit(client, phone="0905 333 001")
    supported = client.http.post(f"/reports/{report_id}/support", headers=JSON,
                                 body=json.dumps({"phone": "0905 333 002", "name": "Trần Thị Bình"}))
    assert supported.status_code == 201
    must(client, staff, "ioc", report_id, "reject", **REJECT)
    profile = container.profile()
    shorter = profile.model_copy(update={"retention": profile.retention.model_copy(update={"contacts_months": 12})})
    service = anonymiser()
    service.profile = shorter
    assert run_at(clock, add_months(clock["start"], 12) + timedelta(days=1), service).supporters == 1
    (record,) = list(SupporterModel.query(report_id))
    assert record.phone == "" and record.name is None
    assert actions(client, staff, report_id)[-1] == "anonymise"


def test_a_crash_half_way_and_a_re_run_anonymise_every_due_case_exactly_once(client, staff, clock, monkeypatch):
    from chalicelib.storage.erasure import ErasureStore

    reports = ended(client, staff, 4)
    later = add_months(clock["start"], 25)
    real, calls = ErasureStore.anonymise, []

    def crashing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the function timed out")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ErasureStore, "anonymise", crashing)
    with pytest.raises(RuntimeError):
        run_at(clock, later)
    monkeypatch.setattr(ErasureStore, "anonymise", real)
    run = run_at(clock, later)
    assert run.anonymised == 2 and run.lost == 0
    assert [actions(client, staff, r).count("anonymise") for r, _ in reports] == [1, 1, 1, 1]
    assert run_at(clock, later).anonymised == 0


def test_the_scheduled_handler_anonymises_at_the_clocks_now(client, staff, clock):
    report_id, _ = submit(client, phone="0905 333 011")
    supported = client.http.post(f"/reports/{report_id}/support", headers=JSON,
                                 body=json.dumps({"phone": "0905 333 012"}))
    assert supported.status_code == 201
    must(client, staff, "ioc", report_id, "reject", **REJECT)
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=["arn:aws:events:ap-southeast-1:123456789012:rule/x"])
    clock["t"] = add_months(clock["start"], 24) + timedelta(days=1)
    try:
        answer = client.lambda_.invoke("apply_retention", event).payload
    finally:
        clock["t"] = clock["start"]
    assert answer == {"read": 1, "anonymised": 1, "lost": 0, "supporters": 1}
    assert actions(client, staff, report_id)[-1] == "anonymise"
