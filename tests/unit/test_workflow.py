"""The workflow table against the case lifecycle, over every (state, action, role), and each action's rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules.actors import CITIZEN_ACTOR, ROLES, SYSTEM_ACTOR, Actor, can_see, can_see_reporter
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.calendar import local_iso as iso
from chalicelib.rules.errors import Conflict, Forbidden, InvalidInput
from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.rounds import result_working_hours
from chalicelib.rules.sla import next_check_at
from chalicelib.rules.workflow import (
    ACTIONS,
    STATES,
    WORKFLOW,
    allowed_actions,
    allowed_corrections,
    may,
    target_of,
    transition,
)

PROFILE = load_profile("daklak")
CAL = PROFILE.working_calendar
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ)  # a Wednesday, working hours
AGENCY = "ubnd-24133"
OTHER = "ubnd-22015"

# -- the lifecycle, written out by hand from the process steps (not derived from the code) ----------------
IOC = {"ioc_operator"}
AGENCY_ROLES = {"agency_officer", "agency_lead"}
# (state, action) -> state after
EXPECTED: dict[tuple[str, str], str] = {
    ("received", "assign"): "assigned",           # 2. routed: the IOC confirms or changes the agency
    ("assigned", "assign"): "assigned",           #    re-routed before the agency takes it on
    ("reopened", "assign"): "assigned",           # 7. round 2 goes back through the IOC
    ("received", "reject"): "rejected",           #    spam / duplicate / out of scope, with a public reason
    ("returned", "reject"): "rejected",
    ("reopened", "reject"): "rejected",
    ("assigned", "accept"): "in_progress",        # 3. the agency handles it
    ("assigned", "return_to_ioc"): "returned",    # 3. ... or returns it naming the competent agency
    ("in_progress", "return_to_ioc"): "returned",
    ("returned", "forward"): "assigned",          # 3. the IOC forwards it
    ("in_progress", "request_extension"): "in_progress",
    ("in_progress", "approve_extension"): "in_progress",
    ("in_progress", "deny_extension"): "in_progress",
    ("in_progress", "submit_result"): "result_submitted",   # 4. result with evidence and enforcement
    ("result_submitted", "send_back_result"): "in_progress",  # 5. not acceptable: back to the agency
    ("result_submitted", "approve_result"): "published",      # 6. published without personal data
    ("published", "feedback"): "published",       # 7. the citizen rates it
    ("closed", "feedback"): "closed",
    ("published", "reopen"): "reopened",          # 7. or reopens it ("lần 2")
    ("published", "close"): "closed",             #    the reopen window has passed
    ("received", "merge"): "merged",              #    a duplicate merged into another open report
    ("assigned", "merge"): "merged",
    ("in_progress", "merge"): "merged",
    ("returned", "merge"): "merged",
    ("reopened", "merge"): "merged",
}
WHO: dict[str, set[str]] = {
    "assign": IOC, "reject": IOC, "forward": IOC, "approve_extension": IOC, "deny_extension": IOC,
    "send_back_result": IOC, "approve_result": IOC,
    "accept": AGENCY_ROLES, "return_to_ioc": AGENCY_ROLES, "request_extension": AGENCY_ROLES,
    "submit_result": AGENCY_ROLES,
    "feedback": {"citizen"}, "reopen": {"citizen"}, "close": {"system"}, "merge": IOC,
}

FIELDS: dict[str, dict] = {
    "assign": {"agency_id": AGENCY},
    "reject": {"reason_code": "spam", "public_reason": "Nội dung quảng cáo, không phải phản ánh"},
    "accept": {},
    "return_to_ioc": {"reason": "Thuộc thẩm quyền Sở Xây dựng", "suggested_agency_id": "so-xay-dung"},
    "forward": {},
    "request_extension": {"working_days": 3, "reason": "Chờ kết quả kiểm định"},
    "approve_extension": {},
    "deny_extension": {"reason": "Không đủ căn cứ"},
    "submit_result": {"text": "Đã vá ổ gà và thảm lại mặt đường", "media_ids": ["m1"],
                      "enforcement": [{"type": "fine", "amount_vnd": 1_500_000}]},
    "send_back_result": {"reason": "Thiếu ảnh sau khi khắc phục"},
    "approve_result": {},
    "feedback": {"rating": 4, "comment": "Cảm ơn"},
    "reopen": {"reason": "Ổ gà lại xuất hiện sau một tuần"},
    "close": {},
    "merge": {"into": "DLK-AAAA-BBBB"},
}


def a_report(status: str = "received", **over) -> Report:
    received = NOW - timedelta(days=2)
    due = CAL.due_after(received, 7)
    base = dict(
        id="DLK-TEST-0001", province_code=66, status=status, channel="app", category="ha-tang-do-thi",
        description="Ổ gà lớn trên đường Lê Duẩn", lat=12.68, lng=108.04, address="Lê Duẩn", ward_code="24133",
        agency_id=AGENCY, reporter=Reporter("Nguyễn Văn An", "+84905123456"), received_at=received, due_at=due,
        original_due_at=due, updated_at=received, last_action="submit", last_actor_role="citizen",
        sla_next_at=next_check_at(due, 0, CAL, PROFILE.sla), assigned_at=received, version=4,
    )
    facts: dict = {
        "returned": {"return_request": {"reason": "x", "suggested_agency_id": "so-xay-dung", "agency_id": AGENCY,
                                        "by": "officer", "at": iso(NOW - timedelta(hours=3))}},
        "result_submitted": {"result": {"text": "Đã xử lý", "media_ids": [], "enforcement": [],
                                        "submitted_at": iso(NOW - timedelta(hours=2))}},
        "published": {"result": {"text": "Đã xử lý", "submitted_at": iso(NOW - timedelta(days=1))},
                      "published_at": NOW - timedelta(days=1), "sla_next_at": None},
        "closed": {"result": {"text": "Đã xử lý"}, "published_at": NOW - timedelta(days=40),
                   "closed_at": NOW - timedelta(days=9), "sla_next_at": None},
        "rejected": {"rejection": {"reason_code": "spam"}, "sla_next_at": None},
        "reopened": {"round": 2},
    }.get(status, {})
    return Report(**{**base, **facts, **over})


def actor_for(role: str, agency: str | None = AGENCY) -> Actor:
    if role == "citizen":
        return CITIZEN_ACTOR
    if role == "system":
        return SYSTEM_ACTOR
    return Actor(f"user.{role}", frozenset({role}), "ioc" if role == "ioc_operator" else agency)


def setting_for(state: str, action: str) -> tuple[Report, datetime]:
    """A report in `state` whose facts let `action` pass its own guards, and the time to try it at."""
    over: dict = {}
    if action in {"approve_extension", "deny_extension"}:
        over["extension_request"] = {"working_days": 3, "reason": "Chờ", "requested_by": "officer",
                                     "requested_at": iso(NOW - timedelta(hours=1))}
    report = a_report(state, **over)
    now = report.published_at + timedelta(days=31) if action == "close" and report.published_at else NOW
    return report, now


def test_every_state_and_action_of_the_lifecycle_is_in_the_table():
    assert set(STATES) == {"received", "assigned", "in_progress", "returned", "result_submitted", "published",
                           "rejected", "reopened", "closed", "merged"}
    assert set(ACTIONS) == set(WHO)
    assert {(s, step.action) for step in WORKFLOW for s in step.sources} == set(EXPECTED)


TRIPLES = [(s, a, r) for s in STATES for a in ACTIONS for r in ROLES]


@pytest.mark.parametrize(("state", "action", "role"), TRIPLES, ids=["-".join(t) for t in TRIPLES])
def test_every_state_action_role_triple_follows_the_lifecycle(state, action, role):
    allowed = (state, action) in EXPECTED and role in WHO[action]
    assert may(state, action, role) is allowed
    report, now = setting_for(state, action)
    actor = actor_for(role)
    if allowed:
        after, audit = transition(report, action, FIELDS[action], actor, now, PROFILE)
        assert after.status == EXPECTED[(state, action)] == target_of(state, action)
        assert (audit.from_status, audit.to_status, audit.action, audit.role) == (state, after.status, action, role)
        assert (after.last_action, after.last_actor_role, after.updated_at) == (action, role, now)
        assert audit.report_id == report.id and audit.at == now and audit.round == after.round
        assert (after.sla_next_at is None) == (not after.is_open or after.escalation_level >= 3)
    elif role not in WHO[action]:
        with pytest.raises(Forbidden) as err:
            transition(report, action, FIELDS[action], actor, now, PROFILE)
        assert err.value.code == "action_forbidden" and err.value.status == 403
    else:
        with pytest.raises(Conflict) as err:
            transition(report, action, FIELDS[action], actor, now, PROFILE)
        assert err.value.code == "action_not_allowed"
        assert err.value.details["state"] == state
        assert err.value.details["allowed_actions"] == allowed_actions(report, actor)
        assert action not in err.value.details["allowed_actions"]


def test_the_conflict_names_the_state_and_what_is_allowed_in_both_languages():
    with pytest.raises(Conflict) as err:
        transition(a_report("received"), "approve_result", {}, actor_for("ioc_operator"), NOW, PROFILE)
    body = err.value.to_dict()
    assert body["code"] == "action_not_allowed" and body["field"] == "action"
    assert "received" in body["message"] and "assign, reject, merge" in body["message"]
    assert "received" in body["message_en"] and body["allowed_actions"] == ["assign", "reject", "merge"]


def test_an_unknown_action_is_a_400():
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "teleport", {}, actor_for("ioc_operator"), NOW, PROFILE)
    assert err.value.code == "invalid_choice"


@pytest.mark.parametrize(("action", "missing"), [(a, f) for a, s in ((s.action, s) for s in WORKFLOW)
                                                  for f in s.requires])
def test_each_required_field_is_required(action, missing):
    step = next(s for s in WORKFLOW if s.action == action)
    state = sorted(step.sources)[0]
    role = sorted(step.roles)[0]
    report, now = setting_for(state, action)
    fields = {k: v for k, v in FIELDS[action].items() if k != missing}
    with pytest.raises(InvalidInput) as err:
        transition(report, action, fields, actor_for(role), now, PROFILE)
    assert (err.value.code, err.value.field) == ("missing_field", missing)


# -- who may see and touch ----------------------------------------------------------------------------------


def test_an_agency_neither_sees_nor_acts_on_another_agencys_report():
    report = a_report("assigned")
    stranger = actor_for("agency_officer", OTHER)
    assert not can_see(stranger, report) and not can_see_reporter(stranger, report)
    with pytest.raises(Forbidden):
        transition(report, "accept", {}, stranger, NOW, PROFILE)
    assert allowed_actions(report, stranger) == []


def test_an_agency_sees_a_report_only_once_the_ioc_assigned_it():
    proposal = a_report("received", assigned_at=None)
    officer = actor_for("agency_officer")
    assert not can_see(officer, proposal)
    assigned, _ = transition(proposal, "assign", {"agency_id": AGENCY}, actor_for("ioc_operator"), NOW, PROFILE)
    assert assigned.assigned_at == NOW and can_see(officer, assigned) and can_see_reporter(officer, assigned)


def test_the_admin_sees_the_province_but_not_the_reporter_and_takes_no_action():
    admin = actor_for("province_admin", None)
    report = a_report("result_submitted")
    assert can_see(admin, report) and not can_see_reporter(admin, report)
    assert allowed_actions(report, admin) == []
    assert can_see_reporter(actor_for("ioc_operator"), report)


def test_a_person_in_two_groups_acts_under_the_role_the_action_needs():
    both = Actor("ioc.handler", frozenset({"ioc_operator", "agency_officer"}), "ioc")
    report = a_report("assigned", agency_id="ioc")
    after, audit = transition(report, "accept", {}, both, NOW, PROFILE)
    assert audit.role == "agency_officer" and after.last_actor_role == "agency_officer"
    assert both.role == "ioc_operator"


# -- what each action changes --------------------------------------------------------------------------------

IOC_ACTOR = actor_for("ioc_operator")
OFFICER = actor_for("agency_officer")


def test_assign_can_change_agency_and_category_but_only_to_known_ones():
    after, audit = transition(a_report(), "assign", {"agency_id": OTHER, "category": "moi-truong", "note": "ok"},
                              IOC_ACTOR, NOW, PROFILE)
    assert (after.agency_id, after.category) == (OTHER, "moi-truong")
    assert audit.note == f"agency={OTHER}; category=moi-truong; ok"
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "assign", {"agency_id": "ubnd-nowhere"}, IOC_ACTOR, NOW, PROFILE)
    assert (err.value.code, err.value.field) == ("unknown_agency", "agency_id")
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "assign", {"agency_id": AGENCY, "category": "nope"}, IOC_ACTOR, NOW, PROFILE)
    assert err.value.code == "unknown_category"


def test_reject_as_duplicate_needs_another_report():
    fields = {"reason_code": "duplicate", "public_reason": "Trùng phản ánh đã tiếp nhận"}
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "reject", fields, IOC_ACTOR, NOW, PROFILE)
    assert (err.value.code, err.value.field) == ("missing_field", "duplicate_of")
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "reject", {**fields, "duplicate_of": "dlk-test-0001"}, IOC_ACTOR, NOW, PROFILE)
    assert err.value.code == "duplicate_of_self"
    after, _ = transition(a_report(), "reject", {**fields, "duplicate_of": "dlk-aaaa-bbbo"}, IOC_ACTOR, NOW, PROFILE)
    assert after.rejection["duplicate_of"] == "DLK-AAAA-BBB0"
    assert after.sla_next_at is None and not after.is_open
    with pytest.raises(InvalidInput) as err:
        transition(a_report(), "reject", {**fields, "reason_code": "boring"}, IOC_ACTOR, NOW, PROFILE)
    assert err.value.code == "invalid_choice"


def test_a_return_names_a_different_known_agency_and_forward_defaults_to_it():
    report = a_report("in_progress")
    with pytest.raises(InvalidInput) as err:
        transition(report, "return_to_ioc", {"reason": "Không thuộc thẩm quyền", "suggested_agency_id": AGENCY},
                   OFFICER, NOW, PROFILE)
    assert err.value.code == "same_agency"
    returned, _ = transition(report, "return_to_ioc", FIELDS["return_to_ioc"], OFFICER, NOW, PROFILE)
    assert returned.return_request["suggested_agency_id"] == "so-xay-dung"
    assert returned.return_request["agency_id"] == AGENCY
    forwarded, audit = transition(returned, "forward", {}, IOC_ACTOR, NOW + timedelta(hours=1), PROFILE)
    assert forwarded.agency_id == "so-xay-dung" and forwarded.status == "assigned"
    assert forwarded.return_request is None and forwarded.assigned_at == NOW + timedelta(hours=1)
    assert forwarded.due_at == report.due_at  # Đắk Lắk does not stop the clock on a return
    assert audit.note == "agency=so-xay-dung"


def test_a_province_that_stops_the_clock_on_return_moves_the_due_date_by_the_pause():
    stopping = PROFILE.model_copy(update={"sla": PROFILE.sla.model_copy(update={"return_stops_clock": True})})
    returned, _ = transition(a_report("in_progress"), "return_to_ioc", FIELDS["return_to_ioc"], OFFICER, NOW, stopping)
    forwarded, _ = transition(returned, "forward", {}, IOC_ACTOR, NOW + timedelta(hours=2), stopping)
    assert CAL.working_seconds_between(returned.due_at, forwarded.due_at) == 2 * 3600


def test_an_extension_is_asked_once_and_moves_the_due_date_and_the_next_sla_check_when_granted():
    report = a_report("in_progress", escalation_level=2)
    asked, _ = transition(report, "request_extension", FIELDS["request_extension"], OFFICER, NOW, PROFILE)
    with pytest.raises(Conflict) as err:
        transition(asked, "request_extension", FIELDS["request_extension"], OFFICER, NOW, PROFILE)
    assert err.value.code == "extension_pending"
    granted, audit = transition(asked, "approve_extension", {}, IOC_ACTOR, NOW, PROFILE)
    assert audit.note.startswith("working_days=3; due=")
    assert granted.due_at == CAL.shift(report.due_at, 3) and granted.original_due_at == report.original_due_at
    assert granted.extension_request is None and granted.extensions[0]["working_days"] == 3
    assert granted.escalation_level == 0  # the new deadline is far: warned again before it, not never
    assert granted.sla_next_at == next_check_at(granted.due_at, 0, CAL, PROFILE.sla)
    with pytest.raises(Conflict) as err:
        transition(granted, "deny_extension", {}, IOC_ACTOR, NOW, PROFILE)
    assert err.value.code == "no_extension_request"


def test_allowed_actions_offer_an_extension_decision_only_while_a_request_waits():
    plain = a_report("in_progress")
    waiting = a_report("in_progress", extension_request={"working_days": 3, "reason": "Chờ", "requested_by": "o",
                                                         "requested_at": iso(NOW)})
    assert allowed_actions(plain, IOC_ACTOR) == ["merge"]
    assert allowed_actions(waiting, IOC_ACTOR) == ["approve_extension", "deny_extension", "merge"]
    assert allowed_actions(plain, OFFICER) == ["return_to_ioc", "request_extension", "submit_result"]
    assert allowed_actions(waiting, OFFICER) == ["return_to_ioc", "submit_result"]
    with pytest.raises(Conflict) as err:
        transition(plain, "assign", {"agency_id": AGENCY}, IOC_ACTOR, NOW, PROFILE)
    assert err.value.code == "action_not_allowed" and err.value.details["allowed_actions"] == ["merge"]


@pytest.mark.parametrize("days", [0, 16, -1, "3", True])
def test_extension_days_are_whole_working_days_within_bounds(days):
    with pytest.raises(InvalidInput) as err:
        transition(a_report("in_progress"), "request_extension", {"working_days": days, "reason": "Chờ"},
                   OFFICER, NOW, PROFILE)
    assert (err.value.code, err.value.field) == ("out_of_range", "working_days")


def test_a_result_records_evidence_and_enforcement_and_a_fine_needs_its_amount():
    bad = {**FIELDS["submit_result"], "enforcement": [{"type": "fine"}]}
    with pytest.raises(InvalidInput) as err:
        transition(a_report("in_progress"), "submit_result", bad, OFFICER, NOW, PROFILE)
    assert (err.value.code, err.value.field) == ("missing_field", "enforcement.0.amount_vnd")
    after, _ = transition(a_report("in_progress"), "submit_result", FIELDS["submit_result"], OFFICER, NOW, PROFILE)
    assert after.result["media_ids"] == ["m1"] and after.result["enforcement"][0]["amount_vnd"] == 1_500_000
    assert after.result["submitted_by"] == OFFICER.id and after.result["agency_id"] == AGENCY


def test_a_result_names_at_most_as_much_evidence_as_the_agency_may_upload():
    from chalicelib.rules import actions, media

    assert actions.MAX_EVIDENCE == media.MAX_EVIDENCE == media.MAX_PHOTOS + media.MAX_VIDEOS
    ids = [f"m{n}" for n in range(media.MAX_EVIDENCE + 1)]
    with pytest.raises(InvalidInput) as err:
        transition(a_report("in_progress"), "submit_result", {**FIELDS["submit_result"], "media_ids": ids},
                   OFFICER, NOW, PROFILE)
    assert (err.value.code, err.value.field, err.value.params["max"]) == ("out_of_range", "media_ids", 6)
    after, _ = transition(a_report("in_progress"), "submit_result",
                          {**FIELDS["submit_result"], "media_ids": ids[:-1]}, OFFICER, NOW, PROFILE)
    assert after.result["media_ids"] == ids[:-1]


def test_send_back_keeps_the_result_with_the_reason_and_approval_publishes_it():
    sent_back, _ = transition(a_report("result_submitted"), "send_back_result", FIELDS["send_back_result"],
                              IOC_ACTOR, NOW, PROFILE)
    assert sent_back.status == "in_progress" and sent_back.result["sent_back"]["reason"].startswith("Thiếu")
    published, _ = transition(a_report("result_submitted"), "approve_result", {}, IOC_ACTOR, NOW, PROFILE)
    assert published.published_at == NOW and published.sla_next_at is None and not published.is_open


def test_feedback_is_once_per_round_and_rated_one_to_five():
    rated, _ = transition(a_report("published"), "feedback", FIELDS["feedback"], CITIZEN_ACTOR, NOW, PROFILE)
    assert rated.feedback["rating"] == 4 and rated.feedback["round"] == 1 and rated.status == "published"
    with pytest.raises(Conflict) as err:
        transition(rated, "feedback", FIELDS["feedback"], CITIZEN_ACTOR, NOW, PROFILE)
    assert err.value.code == "feedback_already_given"
    for rating in (0, 6, "5"):
        with pytest.raises(InvalidInput):
            transition(a_report("published"), "feedback", {"rating": rating}, CITIZEN_ACTOR, NOW, PROFILE)


def test_reopen_starts_round_two_with_a_fresh_due_date_and_keeps_round_one():
    published = a_report("published", feedback={"rating": 1, "round": 1}, escalation_level=3,
                         extensions=[{"working_days": 2}])
    reopened, audit = transition(published, "reopen", FIELDS["reopen"], CITIZEN_ACTOR, NOW, PROFILE)
    assert reopened.status == "reopened" and reopened.round == 2 and audit.round == 2
    assert reopened.due_at == CAL.due_after(NOW, 7) == reopened.original_due_at
    assert reopened.escalation_level == 0 and reopened.sla_next_at == next_check_at(reopened.due_at, 0, CAL,
                                                                                    PROFILE.sla)
    assert reopened.result is None and reopened.feedback is None and reopened.published_at is None
    first = reopened.extra["rounds"][0]
    assert first["round"] == 1 and first["result"]["text"] == "Đã xử lý" and first["feedback"]["rating"] == 1
    assert reopened.extra["round_started_at"] == iso(NOW)


def test_reopen_is_possible_for_thirty_days_after_publication_then_the_case_closes():
    published = a_report("published", published_at=NOW)
    last_day = NOW + timedelta(days=30)
    assert transition(published, "reopen", FIELDS["reopen"], CITIZEN_ACTOR, last_day, PROFILE)[0].round == 2
    with pytest.raises(Conflict) as err:
        transition(published, "reopen", FIELDS["reopen"], CITIZEN_ACTOR, last_day + timedelta(seconds=1), PROFILE)
    assert err.value.code == "reopen_window_over"
    with pytest.raises(Conflict) as err:
        transition(published, "close", {}, SYSTEM_ACTOR, last_day, PROFILE)
    assert err.value.code == "close_too_early"
    closed, _ = transition(published, "close", {}, SYSTEM_ACTOR, last_day + timedelta(seconds=1), PROFILE)
    assert closed.status == "closed" and closed.closed_at == last_day + timedelta(seconds=1)
    rated, _ = transition(closed, "feedback", {"rating": 5}, CITIZEN_ACTOR, last_day + timedelta(days=1), PROFILE)
    assert rated.status == "closed" and rated.feedback["rating"] == 5


def test_reopen_past_the_provinces_max_reopens_is_a_409_naming_the_limit():
    assert PROFILE.max_reopens == 2
    third, _ = transition(a_report("published", round=2), "reopen", FIELDS["reopen"], CITIZEN_ACTOR, NOW, PROFILE)
    assert third.round == 3
    with pytest.raises(Conflict) as err:
        transition(a_report("published", round=3), "reopen", FIELDS["reopen"], CITIZEN_ACTOR, NOW, PROFILE)
    assert err.value.status == 409 and err.value.code == "reopen_limit_reached"
    assert "2" in err.value.message and "2" in err.value.message_en
    strict = PROFILE.model_copy(update={"max_reopens": 0})
    with pytest.raises(Conflict) as err:
        transition(a_report("published"), "reopen", FIELDS["reopen"], CITIZEN_ACTOR, NOW, strict)
    assert err.value.code == "reopen_limit_reached" and "0" in err.value.message_en


def test_time_to_result_counts_working_hours_of_the_round():
    start = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # Monday 08:00
    submitted = datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ)  # Tuesday 09:00
    report = a_report("published", received_at=start, result={"submitted_at": iso(submitted)})
    assert result_working_hours(report, PROFILE) == pytest.approx(9.0 + 1.5)  # 08:00-17:00, then 07:30-09:00
    reopened = report.evolve(extra={"round_started_at": iso(datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ))})
    assert result_working_hours(reopened, PROFILE) == pytest.approx(1.0)


def test_relocate_is_offered_to_the_ioc_as_a_correction_until_a_result_is_in():
    for status in ("received", "assigned", "in_progress", "returned", "reopened"):
        report = a_report(status)
        assert allowed_corrections(report, IOC_ACTOR) == ["relocate"], status
        assert "relocate" not in allowed_actions(report, IOC_ACTOR)  # a correction is not a workflow step
        assert allowed_corrections(report, OFFICER) == []
    for status in ("result_submitted", "published", "closed", "rejected", "merged"):
        assert allowed_corrections(a_report(status), IOC_ACTOR) == [], status

