"""A reopened report stays public with its last published round's result, marked as reopened, masked as ever."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from chalicelib.provinces import load_profile
from chalicelib.rules.actors import CITIZEN_ACTOR, Actor
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.report import Report, Reporter, is_public
from chalicelib.rules.rounds import public_round
from chalicelib.rules.workflow import transition
from chalicelib.storage.models import PUBLIC_SHARD
from chalicelib.storage.reports import sparse_keys
from chalicelib.views.public import as_geojson, public_item, public_view

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ)
AGENCY, OTHER = "ubnd-24133", "ubnd-22015"
IOC = Actor("ioc.operator", frozenset({"ioc_operator"}), "ioc")
OFFICER = Actor("other.officer", frozenset({"agency_officer"}), OTHER)
AN = Reporter("Nguyễn Văn An", "+84905123456")


def published() -> Report:
    due = PROFILE.working_calendar.due_after(NOW - timedelta(days=5), 7)
    return Report(
        id="DLK-7KQ3-M9XD", province_code=66, status="published", channel="app", category="ha-tang-do-thi",
        description="Ổ gà lớn, gọi tôi 0905 123 456", lat=12.68, lng=108.04, address="12 Lê Duẩn",
        ward_code="24133", agency_id=AGENCY, reporter=AN, received_at=NOW - timedelta(days=5), due_at=due,
        original_due_at=due, updated_at=NOW - timedelta(days=1), last_action="approve_result",
        last_actor_role="ioc_operator", occurred_at=NOW - timedelta(days=6), assigned_at=NOW - timedelta(days=5),
        result={"text": "Đã vá ổ gà; đã gọi anh Nguyễn Văn An số 0905123456", "media_ids": ["m1"],
                "enforcement": [{"type": "fine", "amount_vnd": 500_000, "note": "Biên bản ông Tư 0909 888 777"}],
                "submitted_at": "2026-03-02T10:00:00+07:00", "submitted_by": "officer"},
        feedback={"rating": 2, "comment": "Chưa triệt để, gọi 0905 123 456", "at": "2026-03-03T10:00:00+07:00",
                  "round": 1},
        published_at=NOW - timedelta(days=1), version=9,
    )


def reopened() -> Report:
    after, _ = transition(published(), "reopen", {"reason": "Ổ gà lại xuất hiện, gọi 0905 123 456"},
                          CITIZEN_ACTOR, NOW, PROFILE)
    return after


def test_a_reopened_report_stays_public_and_on_the_public_index_through_its_new_round():
    report = reopened()
    assert report.status == "reopened" and report.published_at is None  # what hid it before
    assert is_public(report) and sparse_keys(report)["public_shard"] == PUBLIC_SHARD
    assigned, _ = transition(report, "assign", {"agency_id": OTHER}, IOC, NOW, PROFILE)
    in_progress, _ = transition(assigned, "accept", {}, OFFICER, NOW, PROFILE)
    for later in (assigned, in_progress):
        assert is_public(later) and sparse_keys(later)["public_shard"] == PUBLIC_SHARD
    never = published().evolve(status="in_progress", result=None, published_at=None, feedback=None)
    assert not is_public(never) and sparse_keys(never)["public_shard"] is None


def test_the_public_view_of_a_reopened_report_is_round_ones_result_marked_reopened_and_masked():
    report = reopened()
    assigned, _ = transition(report, "assign", {"agency_id": OTHER}, IOC, NOW, PROFILE)
    first = published()
    view = public_item(PROFILE, assigned)
    assert view["status"] == "assigned" and view["round"] == 2 and view["round_label"] == "lần 2"
    assert view["reopened"] is True and view["result_round"] == 1
    assert view["result"]["text"] == "Đã vá ổ gà; đã gọi anh [họ tên đã ẩn] số [số điện thoại đã ẩn]"
    assert view["result"]["enforcement"] == [{"type": "fine", "amount_vnd": 500_000}]
    assert view["agency"]["id"] == AGENCY  # the round-1 agency that gave the result, not round 2's
    assert view["due_at"] == public_view(PROFILE, first)["due_at"] and view["rating"] == 2
    assert view["published_at"] == public_item(PROFILE, first)["published_at"]
    assert view["occurred_at"] == "2026-02-26T09:00:00+07:00"
    text = json.dumps(as_geojson({"items": [view], "next_cursor": None}), ensure_ascii=False)
    for private in ("Nguyễn Văn An", "0905", "0909", "Biên bản", "Chưa triệt để", "Ổ gà lại xuất hiện", "officer"):
        assert private not in text, private


def test_the_current_round_is_shown_once_published_again_and_a_plain_report_is_itself():
    first = published()
    assert public_round(first) is first
    assert public_view(PROFILE, first)["reopened"] is False and public_view(PROFILE, first)["result_round"] == 1
    report = reopened()
    second = report.evolve(status="published", result={"text": "Đã thảm lại", "submitted_at": None},
                           published_at=NOW + timedelta(days=3))
    view = public_view(PROFILE, second)
    assert view["reopened"] is False and view["round"] == view["result_round"] == 2
    assert view["result"]["text"] == "Đã thảm lại"
    rejected, _ = transition(report, "reject", {"reason_code": "spam", "public_reason": "Trùng nội dung"}, IOC,
                             NOW, PROFILE)
    view = public_view(PROFILE, rejected)
    assert view["status"] == "rejected" and view["rejection"]["reason_code"] == "spam"
    assert view["reopened"] is True and view["result_round"] == 1 and view["result"]["text"].startswith("Đã vá")
