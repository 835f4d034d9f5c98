"""The retention rule on a controlled clock: when a contact is due, what anonymising leaves behind."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules import retention
from chalicelib.rules.actors import CITIZEN_ACTOR, SYSTEM_ACTOR
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.retention import ANONYMISED, RETENTION_NOTE, add_months, anonymise

PROFILE = load_profile("daklak")
CLOSED = datetime(2026, 3, 31, 10, 0, tzinfo=VN_TZ)


def closed(**over: object) -> Report:
    base: dict[str, object] = dict(
        id="DLK-7KQ3-M9XD", province_code=66, status="closed", channel="app", category="ha-tang-do-thi",
        description="Ổ gà lớn", lat=12.68, lng=108.04, address="12 Lê Duẩn", ward_code="24133",
        agency_id="ubnd-24133", reporter=Reporter("Nguyễn Văn An", "+84905123456"),
        received_at=CLOSED - timedelta(days=20), due_at=CLOSED, original_due_at=CLOSED,
        updated_at=CLOSED, last_action="close", last_actor_role="system",
        published_at=CLOSED - timedelta(days=7), closed_at=CLOSED, version=7)
    return Report(**{**base, **over})  # type: ignore[arg-type]


def test_months_are_calendar_months_clamped_to_the_month_end():
    assert add_months(datetime(2026, 1, 31), 1) == datetime(2026, 2, 28)
    assert add_months(datetime(2026, 3, 31), 24) == datetime(2028, 3, 31)
    assert add_months(datetime(2026, 11, 15), 14) == datetime(2028, 1, 15)


def test_a_case_closed_24_months_and_a_day_ago_is_due_and_one_a_day_short_is_not():
    report = closed()
    assert retention.contact_due_at(report, PROFILE) == datetime(2028, 3, 31, 10, 0, tzinfo=VN_TZ)
    assert retention.contact_due(report, CLOSED + timedelta(days=731 + 1), PROFILE)  # 2028 is a leap year: 731 days
    assert retention.contact_due(report, add_months(CLOSED, 24) + timedelta(days=1), PROFILE)
    assert not retention.contact_due(report, add_months(CLOSED, 24) - timedelta(days=1), PROFILE)


def test_a_province_keeping_contacts_12_months_anonymises_a_year_after_closing():
    shorter = PROFILE.model_copy(update={"retention": PROFILE.retention.model_copy(update={"contacts_months": 12})})
    assert retention.contact_due(closed(), add_months(CLOSED, 12) + timedelta(days=1), shorter)
    assert not retention.contact_due(closed(), add_months(CLOSED, 12) + timedelta(days=1), PROFILE)


def test_a_running_case_is_never_due_and_a_rejected_one_counts_from_its_rejection():
    running = closed(status="in_progress", closed_at=None)
    assert retention.ended_at(running) is None
    assert not retention.contact_due(running, CLOSED + timedelta(days=5000), PROFILE)
    rejected = closed(status="rejected", closed_at=None, published_at=None,
                      rejection={"reason_code": "spam", "public_reason": "x", "at": "2026-01-10T09:00:00+07:00"})
    assert retention.ended_at(rejected) == datetime(2026, 1, 10, 9, 0, tzinfo=VN_TZ)
    assert retention.contact_due_at(rejected, PROFILE) == datetime(2028, 1, 10, 9, 0, tzinfo=VN_TZ)


def test_anonymising_keeps_the_case_and_writes_why_and_twice_is_refused():
    now = add_months(CLOSED, 24) + timedelta(days=1)
    after, audit = anonymise(closed(), SYSTEM_ACTOR, now, RETENTION_NOTE)
    assert after.reporter == Reporter(ANONYMISED, "", None) and retention.is_anonymised(after.reporter)
    assert (after.status, after.description, after.result, after.version) == ("closed", "Ổ gà lớn", None, 7)
    assert (audit.action, audit.note, audit.from_status, audit.to_status) == (
        "anonymise", "anonymised under the retention rule", "closed", "closed")
    assert retention.contact_due_at(after, PROFILE) is None and not retention.contact_due(after, now, PROFILE)
    with pytest.raises(ValueError, match="already anonymised"):
        anonymise(after, SYSTEM_ACTOR, now, RETENTION_NOTE)


def test_what_is_held_before_and_after_an_erase():
    report = closed(reporter=Reporter("Chị Hoa", "", "hoa@example.vn"))
    assert retention.held(report) == {"name": "Chị Hoa", "phone": None, "email": "hoa@example.vn",
                                      "anonymised": False}
    after, _ = anonymise(report, CITIZEN_ACTOR, CLOSED, "x")
    assert retention.held(after) == {"name": None, "phone": None, "email": None, "anonymised": True}


def test_anonymising_masks_the_name_and_number_wherever_someone_wrote_them():
    report = closed(description="Tôi là Nguyễn Văn An, gọi 0905 123 456", result={
        "text": "Đã gọi anh Nguyen Van An", "media_ids": ["m1"], "enforcement": [{"note": "số 0905123456"}]},
        feedback={"rating": 2, "comment": "NGUYỄN VĂN AN không hài lòng", "round": 1})
    after, _ = anonymise(report, CITIZEN_ACTOR, CLOSED, "x")
    written = repr([after.description, after.result, after.feedback])
    assert "An" not in written.replace("An toàn", "") and "0905" not in written and "123 456" not in written
    assert after.result is not None and after.result["media_ids"] == ["m1"] and "[họ tên đã ẩn]" in after.description


def test_originals_are_due_90_days_after_publication():
    assert retention.originals_due_at(closed(), PROFILE) == CLOSED - timedelta(days=7) + timedelta(days=90)
    assert retention.originals_due_at(closed(published_at=None), PROFILE) is None
    published = CLOSED - timedelta(days=7)
    assert retention.originals_due(closed(), published + timedelta(days=90), PROFILE)
    assert not retention.originals_due(closed(), published + timedelta(days=90, seconds=-1), PROFILE)
    shorter = PROFILE.model_copy(update={"retention": PROFILE.retention.model_copy(update={"originals_days": 30})})
    assert retention.originals_due(closed(), published + timedelta(days=30), shorter)


def test_removing_originals_writes_why_once_and_a_later_publication_is_due_again():
    published = CLOSED - timedelta(days=7)
    now = published + timedelta(days=91)
    after, audit = retention.remove_originals(closed(), SYSTEM_ACTOR, now, 2)
    assert (after.originals_removed_at, after.status, after.published_at, after.version) == (
        now, "closed", published, 7)
    assert (audit.action, audit.note, audit.from_status, audit.to_status, audit.actor) == (
        "remove_originals", "originals removed under the retention rule; media=2", "closed", "closed", "system")
    assert not retention.originals_held(after) and retention.originals_due_at(after, PROFILE) is None
    with pytest.raises(ValueError, match="no originals held"):
        retention.remove_originals(after, SYSTEM_ACTOR, now, 0)
    with pytest.raises(ValueError, match="no originals held"):
        retention.remove_originals(closed(published_at=None), SYSTEM_ACTOR, now, 0)
    republished = after.evolve(status="published", published_at=now + timedelta(days=10), closed_at=None)
    assert retention.originals_held(republished)
    assert retention.originals_due_at(republished, PROFILE) == now + timedelta(days=100)


def test_anonymising_moves_no_statistic_and_sends_no_notice():
    from chalicelib.rules.notices import event_of
    from chalicelib.rules.stats import deltas

    report = closed(feedback={"rating": 4, "comment": "Tốt", "at": "2026-03-30T10:00:00+07:00", "round": 1})
    after, _ = anonymise(report, SYSTEM_ACTOR, add_months(CLOSED, 25), RETENTION_NOTE)
    assert deltas(report, after, PROFILE.working_calendar) == {}
    assert event_of(report, after) is None


def test_removing_originals_moves_no_statistic_and_sends_no_notice():
    from chalicelib.rules.notices import event_of
    from chalicelib.rules.stats import deltas

    report = closed(feedback={"rating": 4, "comment": "Tốt", "at": "2026-03-30T10:00:00+07:00", "round": 1})
    after, _ = retention.remove_originals(report, SYSTEM_ACTOR, CLOSED + timedelta(days=91), 1)
    assert deltas(report, after, PROFILE.working_calendar) == {}
    assert event_of(report, after) is None
    published = closed(status="published", closed_at=None)
    after, _ = retention.remove_originals(published, SYSTEM_ACTOR, CLOSED + timedelta(days=91), 1)
    assert deltas(published, after, PROFILE.working_calendar) == {} and event_of(published, after) is None


def test_a_run_goes_on_under_its_ceiling_while_the_margin_is_left():
    margin = retention.RUN_MARGIN_MS
    assert retention.run_goes_on(0, None) and retention.run_goes_on(retention.RUN_MOST - 1, None)  # not timed
    assert not retention.run_goes_on(retention.RUN_MOST, None)  # the backstop holds without a timer too
    assert retention.run_goes_on(10, margin) and retention.run_goes_on(10, 900_000)  # the margin itself still goes
    assert not retention.run_goes_on(10, margin - 1) and not retention.run_goes_on(0, 0)
    assert not retention.run_goes_on(5, 900_000, most=5) and retention.run_goes_on(4, 900_000, most=5)
    assert not retention.run_goes_on(0, 999, margin_ms=1_000) and retention.run_goes_on(0, 1_000, margin_ms=1_000)


def test_the_margin_fits_the_functions_timeout_with_room_for_many_cases():
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).resolve().parents[2] / ".chalice/config.json").read_text())
    timeout_ms = config["lambda_functions"]["apply_retention"]["lambda_timeout"] * 1000
    assert timeout_ms / 2 >= 10 * retention.RUN_MARGIN_MS  # the contacts' half alone is ten margins long


def test_keeping_leaves_the_reserved_time_to_what_runs_after():
    left = iter([900_000, 460_000])
    contacts = retention.keeping(lambda: next(left), 450_000)
    assert (contacts(), contacts()) == (450_000, 10_000)
    assert not retention.run_goes_on(0, 10_000)  # the contacts stop; the originals still have 460 s
