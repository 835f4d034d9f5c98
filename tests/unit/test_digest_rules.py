"""The morning digest as pure rules: which day, which reports, who receives it, what it says."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.digest import (
    DueItem,
    horizon_end,
    is_digest_day,
    lead_recipients,
    plan_digests,
    section_of,
    working_days_late,
)

PROFILE = load_profile("daklak")
CAL = PROFILE.working_calendar
WARD = PROFILE.wards[0]
WARD_AGENCY = PROFILE.ward_agency_id(WARD.code)


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


MONDAY = vn(2026, 11, 23, 7, 30)


@pytest.mark.parametrize(
    ("now", "sends"),
    [
        (vn(2026, 11, 23, 7, 30), True),  # Monday
        (vn(2026, 11, 24, 7, 30), False),  # Ngày Văn hóa Việt Nam
        (vn(2026, 9, 2, 7, 30), False),  # Quốc khánh
        (vn(2026, 11, 21, 7, 30), False),  # Saturday
        (vn(2026, 8, 22, 7, 30), True),  # make-up Saturday
        (vn(2025, 4, 26, 7, 30), True),  # make-up Saturday
    ],
)
def test_digest_days_are_working_days(now, sends):
    assert is_digest_day(now, CAL) is sends


@pytest.mark.parametrize(
    ("due", "now", "late"),
    [
        (vn(2026, 11, 23, 17), vn(2026, 11, 23, 16), 0),
        (vn(2026, 11, 23, 10), vn(2026, 11, 23, 16), 0),  # late today, but not a day late yet
        (vn(2026, 11, 20, 17), vn(2026, 11, 23, 7, 30), 1),  # due Friday, Monday morning: 1 (weekend free)
        (vn(2026, 11, 23, 17), vn(2026, 11, 25, 7, 30), 1),  # Tuesday 24/11 is a holiday
        (vn(2026, 11, 16, 17), vn(2026, 11, 25, 7, 30), 6),
    ],
)
def test_days_late_count_working_days(due, now, late):
    assert working_days_late(due, now, CAL) == late


def test_sections_split_overdue_today_and_soon():
    assert horizon_end(MONDAY, CAL) == vn(2026, 11, 26, 17)  # Mon + 2 working days (24/11 off) = Thu
    assert section_of(vn(2026, 11, 20, 17), MONDAY, CAL) == "overdue"
    assert section_of(vn(2026, 11, 23, 17), MONDAY, CAL) == "due_today"
    assert section_of(vn(2026, 11, 26, 17), MONDAY, CAL) == "due_soon"
    assert section_of(vn(2026, 11, 27, 9), MONDAY, CAL) is None


def test_recipients_are_lead_emails_or_the_ward_pattern():
    assert lead_recipients(PROFILE, "so-y-te") == ("lanhdao.soyte@daklak.example.gov.vn",)
    assert lead_recipients(PROFILE, WARD_AGENCY) == (f"lanhdao.ubnd{WARD.code}@daklak.example.gov.vn",)
    assert lead_recipients(PROFILE, "no-such-agency") == ()
    no_pattern = PROFILE.model_copy(update={"sla": PROFILE.sla.model_copy(update={"ward_lead_email_pattern": None})})
    assert lead_recipients(no_pattern, WARD_AGENCY) == ()


def _items():
    return [
        DueItem("DLK-OVERDUE", "so-y-te", "an-toan-thuc-pham", WARD.code, vn(2026, 11, 18, 10)),
        DueItem("DLK-TODAY", "so-y-te", "an-toan-thuc-pham", None, vn(2026, 11, 23, 15)),
        DueItem("DLK-SOON", "so-y-te", "an-toan-thuc-pham", WARD.code, vn(2026, 11, 25, 9)),
        DueItem("DLK-LATER", "so-y-te", "an-toan-thuc-pham", WARD.code, vn(2026, 12, 4, 9)),
        DueItem("DLK-WARD", WARD_AGENCY, "moi-truong", WARD.code, vn(2026, 11, 20, 17)),
    ]


def test_one_message_per_agency_in_vietnamese_with_links():
    messages, unaddressed = plan_digests(PROFILE, _items(), MONDAY)
    assert unaddressed == []
    assert [m.agency_id for m in messages] == sorted(["so-y-te", WARD_AGENCY])
    health = next(m for m in messages if m.agency_id == "so-y-te")
    assert health.to == ("lanhdao.soyte@daklak.example.gov.vn",)
    assert "1 quá hạn, 1 đến hạn hôm nay, 1 sắp đến hạn" in health.subject
    assert [line.report_id for line in health.lines] == ["DLK-OVERDUE", "DLK-TODAY", "DLK-SOON"]
    text = health.text
    assert text.index("QUÁ HẠN") < text.index("ĐẾN HẠN HÔM NAY") < text.index("SẮP ĐẾN HẠN")
    assert "DLK-OVERDUE – An toàn thực phẩm – " + WARD.name in text
    assert "trễ 3 ngày làm việc" in text  # due Wed 18/11: Thu, Fri, Mon
    assert "https://phananh.daklak.example.gov.vn/dieu-hanh#DLK-TODAY" in text
    assert "DLK-LATER" not in text


def test_nothing_is_planned_on_a_holiday_and_agencies_without_leads_are_named():
    assert plan_digests(PROFILE, _items(), vn(2026, 11, 24, 7, 30)) == ([], [])
    no_pattern = PROFILE.model_copy(update={"sla": PROFILE.sla.model_copy(update={"ward_lead_email_pattern": None})})
    messages, unaddressed = plan_digests(no_pattern, _items(), MONDAY)
    assert [m.agency_id for m in messages] == ["so-y-te"] and unaddressed == [WARD_AGENCY]
