"""CaseService over in-memory fakes of its ports: one write per transition, conflicts, references, metrics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.ports import MissingReference as Missing
from chalicelib.ports import StaleVersion as Stale
from chalicelib.provinces import load_profile
from chalicelib.rules.actors import Actor
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import Conflict, InvalidInput, NotFound
from chalicelib.rules.ids import token_digest
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.services.cases import CaseService

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ)
AGENCY = "ubnd-24133"
IOC = Actor("ioc", frozenset({"ioc_operator"}), "ioc")
OFFICER = Actor("officer", frozenset({"agency_officer"}), AGENCY)


class FakeReports:
    """Reports and audit rows in dicts; `apply` checks the version like the real transaction."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Report, str]] = {}
        self.audit: dict[str, list[AuditEntry]] = {}
        self.writes = 0
        self.race_once = False
        self.known: set[tuple[str, str]] = set()
        self.attempts = 0  # transactions tried, refused or not
        self.reads: list[list[Any]] = []  # the references each pre-read was asked

    def add(self, report: Report, token: str = "tok") -> None:
        self.items[report.id] = (report, token_digest(token))
        self.audit[report.id] = []

    def get(self, report_id: str) -> tuple[Report, str] | None:
        return self.items.get(report_id)

    def history(self, report_id: str) -> list[AuditEntry]:
        return list(self.audit.get(report_id, []))

    def unresolved(self, references: Any) -> Any:
        self.reads.append(list(references))
        return next((ref for ref in references if (ref.kind, ref.value) not in self.known), None)

    def apply(self, before: Report, after: Report, audit: AuditEntry, references: Any = ()) -> Report:
        self.attempts += 1
        if self.race_once:
            self.race_once = False
            raise Stale()
        if self.items[before.id][0].version != before.version:
            raise Stale()
        for ref in references:
            if (ref.kind, ref.value) not in self.known:
                raise Missing(ref.field, ref.value)
        self.writes += 1
        saved = after.evolve(version=before.version + 1)
        self.items[before.id] = (saved, self.items[before.id][1])
        self.audit[before.id].append(audit)
        return saved

    def published_before(self, cutoff: datetime, limit: int) -> list[Report]:
        return [r for r, _ in self.items.values() if r.status == "published"][:limit]


class Nothing:
    """The media service of a report without media."""

    def staff_media(self, report_id: str) -> list:
        return []

    def public_media(self, report_id: str, purposes: tuple[str, ...] = ()) -> list:
        return []

    def offer_upload(self, *args: Any) -> dict:
        raise AssertionError("not expected")


def a_report(status: str = "received", **over: Any) -> Report:
    received = NOW - timedelta(days=1)
    due = PROFILE.working_calendar.due_after(received, 7)
    base: dict[str, Any] = dict(
        id="DLK-TEST-0001", province_code=66, status=status, channel="app", category="ha-tang-do-thi",
        description="Ổ gà", lat=12.68, lng=108.04, address=None, ward_code="24133", agency_id=AGENCY,
        reporter=Reporter("Nguyễn Văn An", "+84905123456"), received_at=received, due_at=due, original_due_at=due,
        updated_at=received, last_action="submit", last_actor_role="citizen", version=1,
    )
    return Report(**{**base, **over})


@pytest.fixture
def world():
    reports, metrics = FakeReports(), []
    clock = {"now": NOW}
    service = CaseService(PROFILE, reports, Nothing(), clock=lambda: clock["now"],
                          metric=lambda name, value=1, unit=None, **dims: metrics.append((name, value, dims)))
    return service, reports, metrics, clock


def test_a_transition_is_one_write_with_its_audit_row_and_a_metric(world):
    service, reports, metrics, _ = world
    reports.add(a_report())
    view = service.act(IOC, "dlk-test-0001", "assign", {"agency_id": AGENCY})
    assert view["status"] == "assigned" and view["version"] == 2 and reports.writes == 1
    assert [a.action for a in reports.audit["DLK-TEST-0001"]] == ["assign"]
    assert metrics == [("ReportTransitions", 1, {"province": "daklak", "agency": AGENCY, "action": "assign"})]
    assert view["allowed_actions"] == ["assign", "merge"] and view["reporter"]["name"] == "Nguyễn Văn An"


def test_an_expected_version_that_is_not_current_is_a_409_and_writes_nothing(world):
    service, reports, metrics, _ = world
    reports.add(a_report(version=5))
    with pytest.raises(Conflict) as err:
        service.act(IOC, "DLK-TEST-0001", "assign", {"agency_id": AGENCY}, expected_version=4)
    assert err.value.code == "version_conflict" and err.value.details == {"state": "received"}
    assert reports.writes == 0 and metrics == []


def test_losing_a_race_is_a_409_and_writes_nothing(world):
    service, reports, metrics, _ = world
    reports.add(a_report())
    reports.race_once = True
    with pytest.raises(Conflict) as err:
        service.act(IOC, "DLK-TEST-0001", "assign", {"agency_id": AGENCY})
    assert err.value.code == "version_conflict" and reports.writes == 0 and metrics == []


def test_evidence_the_store_does_not_know_is_a_400_naming_it(world):
    service, reports, _, _ = world
    reports.add(a_report("in_progress", assigned_at=NOW))
    reports.known = {("evidence", "m1")}
    with pytest.raises(InvalidInput) as err:
        service.act(OFFICER, "DLK-TEST-0001", "submit_result", {"text": "Đã xử lý", "media_ids": ["m1", "m2"]})
    assert (err.value.code, err.value.field, err.value.params["value"]) == ("unknown_reference", "media_ids", "m2")
    assert service.act(OFFICER, "DLK-TEST-0001", "submit_result", {"text": "Đã xử lý", "media_ids": ["m1"]})


def test_an_unknown_reference_is_refused_before_any_transaction_is_tried(world):
    # moto rolls a cancelled transaction back by replacing the table, and its stream readers saw the refused write
    service, reports, metrics, _ = world
    reports.add(a_report("in_progress", assigned_at=NOW))
    with pytest.raises(InvalidInput) as err:
        service.act(OFFICER, "DLK-TEST-0001", "submit_result", {"text": "Đã xử lý", "media_ids": ["m9"]})
    assert (err.value.code, err.value.field, err.value.params["value"]) == ("unknown_reference", "media_ids", "m9")
    assert reports.attempts == 0 and reports.writes == 0 and metrics == []


def test_a_transition_without_references_reads_none_first(world):
    service, reports, _, _ = world
    reports.add(a_report())
    service.act(IOC, "DLK-TEST-0001", "assign", {"agency_id": AGENCY})
    assert reports.reads == [] and reports.attempts == 1


def test_a_reference_gone_between_the_read_and_the_transaction_is_still_a_400(world):
    service, reports, _, _ = world
    reports.add(a_report("in_progress", assigned_at=NOW))
    reports.unresolved = lambda references: None  # type: ignore[method-assign]  # read before it was rejected
    with pytest.raises(InvalidInput) as err:
        service.act(OFFICER, "DLK-TEST-0001", "submit_result", {"text": "Đã xử lý", "media_ids": ["m1"]})
    assert (err.value.code, err.value.field, err.value.params["value"]) == ("unknown_reference", "media_ids", "m1")
    assert reports.attempts == 1 and reports.writes == 0


def test_approval_emits_time_to_result_in_working_hours_by_province_and_agency(world):
    service, reports, metrics, _ = world
    start = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
    result = {"text": "Đã xử lý", "submitted_at": datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ).isoformat()}
    reports.add(a_report("result_submitted", received_at=start, result=result, assigned_at=start))
    service.act(IOC, "DLK-TEST-0001", "approve_result", {})
    assert ("TimeToResult", 10.5, {"province": "daklak", "agency": AGENCY}) in metrics


def test_the_citizen_acts_with_the_token_or_not_at_all(world):
    service, reports, _, _ = world
    reports.add(a_report("published", published_at=NOW, assigned_at=NOW), token="secret")
    with pytest.raises(NotFound):
        service.citizen_act("DLK-TEST-0001", "guess", "feedback", {"rating": 5})
    answer = service.citizen_act("DLK-TEST-0001", "secret", "feedback", {"rating": 5})
    assert answer["feedback"]["rating"] == 5 and answer["reopen_until"]
    assert reports.audit["DLK-TEST-0001"][-1].actor == "citizen"


def test_the_closer_closes_only_what_is_past_the_window(world):
    service, reports, _, clock = world
    reports.add(a_report("published", published_at=NOW, assigned_at=NOW))
    assert service.close_expired() == 0
    clock["now"] = NOW + timedelta(days=30, seconds=1)
    assert service.close_expired() == 1
    assert reports.get("DLK-TEST-0001")[0].status == "closed"
    assert reports.audit["DLK-TEST-0001"][-1].role == "system"
