"""relocate as a pure rule: the point decides the ward, routing follows while the IOC holds it, stats follow."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules.actors import Actor
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput
from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.stats import deltas
from chalicelib.rules.workflow import allowed_actions, transition

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ)
IOC = Actor("ioc", frozenset({"ioc_operator"}), "ioc")
OFFICER = Actor("officer", frozenset({"agency_officer"}), "ubnd-24133")


def a_report(status: str = "received", **over) -> Report:
    received = NOW - timedelta(days=1)
    due = PROFILE.working_calendar.due_after(received, 7)
    base = dict(id="DLK-TEST-0001", province_code=66, status=status, channel="app", category="ha-tang-do-thi",
                description="Ổ gà", lat=12.68, lng=108.04, address=None, ward_code="24133", agency_id="ubnd-24133",
                reporter=Reporter("Nguyễn Văn An", "+84905123456"), received_at=received, due_at=due,
                original_due_at=due, updated_at=received, last_action="submit", last_actor_role="citizen",
                version=1)
    return Report(**{**base, **over})


def relocate(report: Report, **fields):
    return transition(report, "relocate", fields, IOC, NOW, PROFILE)


def test_a_point_moves_the_ward_and_a_report_at_the_ioc_follows_to_the_new_committee():
    after, audit = relocate(a_report(), lat=13.09, lng=109.3)
    assert (after.ward_code, after.agency_id, after.lat, after.lng) == ("22015", "ubnd-22015", 13.09, 109.3)
    assert after.status == "received" and audit.action == "relocate" and audit.role == "ioc_operator"
    assert "ward=24133->22015" in audit.note and "agency=ubnd-24133->ubnd-22015" in audit.note


def test_statistics_move_the_report_to_the_agency_it_ends_with():
    before = a_report()
    after, _ = relocate(before, ward_code="22015")
    changes = deltas(before, after, PROFILE.working_calendar)
    month = before.received_at.astimezone(VN_TZ).strftime("%Y-%m")
    assert changes[(month, "ubnd-24133")]["received"] == -1
    assert changes[(month, "ubnd-22015")]["received"] == 1


def test_an_agency_that_has_it_keeps_it_and_the_correction_is_not_a_workflow_step():
    after, _ = relocate(a_report("in_progress"), lat=13.09, lng=109.3)
    assert after.agency_id == "ubnd-24133" and after.ward_code == "22015"
    assert "relocate" not in allowed_actions(a_report(), IOC)


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({}, "missing_field", "location"),
    ({"lat": 13.09}, "missing_field", "lng"),
    ({"ward_code": "00004"}, "ward_not_in_province", "ward_code"),
    ({"lat": 21.0285, "lng": 105.8542}, "point_in_other_province", "location"),
])
def test_a_relocation_that_cannot_hold_is_a_400_naming_the_field(fields, code, field):
    with pytest.raises(InvalidInput) as err:
        relocate(a_report(), **fields)
    assert (err.value.code, err.value.field) == (code, field)


def test_only_the_ioc_and_only_before_a_result():
    with pytest.raises(Forbidden):
        transition(a_report("assigned"), "relocate", {"ward_code": "22015"}, OFFICER, NOW, PROFILE)
    with pytest.raises(Conflict):
        relocate(a_report("result_submitted"), ward_code="22015")
