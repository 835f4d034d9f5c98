"""The working-day clock every SLA is counted on: worked examples, then properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules.calendar import VN_TZ, WorkingCalendar, _national_year

CAL = WorkingCalendar()
DAY = CAL.seconds_per_day  # 9.5 working hours


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


# -- worked examples ------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2026, 11, 23), True, "an ordinary Monday"),
        (date(2026, 11, 21), False, "a Saturday"),
        (date(2026, 11, 22), False, "a Sunday"),
        (date(2026, 11, 24), False, "Ngày Văn hóa Việt Nam"),
        (date(2026, 9, 2), False, "Quốc khánh"),
        (date(2026, 8, 31), False, "day off in exchange for Saturday 22/08/2026"),
        (date(2026, 8, 22), True, "make-up Saturday for 31/08/2026"),
        (date(2025, 4, 26), True, "make-up Saturday for 02/05/2025"),
        (date(2025, 5, 2), False, "day off in exchange for 26/04/2025"),
        (date(2026, 2, 16), False, "Giao thừa"),
        (date(2026, 2, 20), False, "Mùng bốn Tết"),
        (date(2026, 2, 23), True, "first working day after Tết 2026"),
        (date(2026, 4, 27), False, "Giỗ Tổ Hùng Vương observed on Monday"),
    ],
)
def test_knows_vietnamese_working_days(day, working, why):
    assert CAL.is_working_day(day) is working, why


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (vn(2026, 11, 20, 10), 3, vn(2026, 11, 26, 10)),  # Fri + 3 skips the weekend and 24/11
        (vn(2026, 11, 21, 10), 3, vn(2026, 11, 26, 17)),  # Saturday: clock starts Mon 07:30, due Thu at closing
        (vn(2026, 11, 23, 7, 30), 1, vn(2026, 11, 23, 17)),  # at opening: closing time of the same day
        (vn(2026, 11, 23, 6, 0), 1, vn(2026, 11, 23, 17)),  # before opening: as if at opening
        (vn(2026, 11, 23, 17, 0), 1, vn(2026, 11, 25, 17)),  # at closing: next morning, skips 24/11
        (vn(2026, 2, 13, 10), 3, vn(2026, 2, 25, 10)),  # Friday before Tết 2026: a week and a half
        (vn(2025, 4, 25, 10), 1, vn(2025, 4, 26, 10)),  # make-up Saturday 26/04/2025 is a working day
        (vn(2025, 4, 28, 10), 3, vn(2025, 5, 6, 10)),  # 30/4, 1/5, 2/5 (swapped) and a weekend skipped
        (vn(2026, 11, 16, 9), 7, vn(2026, 11, 26, 9)),  # app report: 7 working days
    ],
)
def test_due_after_counts_working_days(received, days, due):
    assert CAL.due_after(received, days) == due


def test_due_after_refuses_less_than_one_day():
    with pytest.raises(ValueError):
        CAL.due_after(vn(2026, 11, 23, 9), 0)


def test_province_days_off_and_makeup_days_are_honoured():
    cal = WorkingCalendar(extra_days_off=frozenset({date(2026, 11, 25)}),
                          makeup_working_days=frozenset({date(2026, 11, 28)}))
    assert not cal.is_working_day(date(2026, 11, 25))
    assert cal.is_working_day(date(2026, 11, 28))
    # Mon 23 -> (24 holiday, 25 province day off) 26, 27, Sat 28
    assert cal.due_after(vn(2026, 11, 23, 10), 3) == vn(2026, 11, 28, 10)


def test_working_seconds_skip_nights_weekends_and_holidays():
    # Fri 16-17h, all of Mon 23, (Tue 24 is a holiday), Wed 07:30-08:30
    assert CAL.working_seconds_between(vn(2026, 11, 20, 16), vn(2026, 11, 25, 8, 30)) == 3600 + DAY + 3600
    assert CAL.working_days_between(vn(2026, 11, 20, 17), vn(2026, 11, 26, 17)) == 3
    assert CAL.working_seconds_between(vn(2026, 11, 25, 8), vn(2026, 11, 20, 8)) < 0


def test_add_working_seconds_backwards_lands_at_opening_of_the_due_day():
    assert CAL.add_working_seconds(vn(2026, 11, 26, 17), -DAY) == vn(2026, 11, 26, 7, 30)
    assert CAL.add_working_seconds(vn(2026, 11, 25, 10), -DAY) == vn(2026, 11, 23, 10)  # 24/11 skipped


# -- properties -------------------------------------------------------------------
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 11, 30),
                       timezones=st.just(VN_TZ))
sla_days = st.integers(min_value=1, max_value=15)
working_spans = st.floats(min_value=-25 * DAY, max_value=25 * DAY, allow_nan=False)


def _in_working_hours_or_closing(moment: datetime, cal: WorkingCalendar = CAL) -> bool:
    local = moment.astimezone(VN_TZ)
    return cal.is_working_day(local.date()) and cal.opens <= local.time() <= cal.closes


@settings(max_examples=300, deadline=None)
@given(a=moments, b=moments, days=sla_days)
def test_due_after_is_monotonic_in_received_time(a, b, days):
    early, late = sorted((a, b))
    assert CAL.due_after(early, days) <= CAL.due_after(late, days)


@settings(max_examples=300, deadline=None)
@given(received=moments, days=sla_days)
def test_due_after_never_lands_outside_working_hours(received, days):
    due = CAL.due_after(received, days)
    assert _in_working_hours_or_closing(due)
    assert due.astimezone(VN_TZ).time() > CAL.opens


@settings(max_examples=300, deadline=None)
@given(received=moments, days=sla_days)
def test_one_more_day_is_always_later(received, days):
    assert CAL.due_after(received, days + 1) > CAL.due_after(received, days)


@settings(max_examples=300, deadline=None)
@given(received=moments, days=sla_days)
def test_due_after_gives_exactly_n_working_days_of_working_time(received, days):
    start = CAL.clock_start(received)
    assert CAL.working_seconds_between(start, CAL.due_after(received, days)) == pytest.approx(days * DAY)


@settings(max_examples=300, deadline=None)
@given(moment=moments, seconds=working_spans)
def test_add_working_seconds_is_the_inverse_of_working_seconds_between(moment, seconds):
    later = CAL.add_working_seconds(moment, seconds)
    assert CAL.working_seconds_between(moment, later) == pytest.approx(seconds, abs=1e-5)
    assert _in_working_hours_or_closing(later)


@settings(max_examples=200, deadline=None)
@given(moment=moments, a=working_spans, b=working_spans)
def test_add_working_seconds_is_monotonic(moment, a, b):
    low, high = sorted((a, b))
    assert CAL.add_working_seconds(moment, low) <= CAL.add_working_seconds(moment, high)


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_working_time_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted((a, b, c))
    if (c - a) > timedelta(days=120):
        c = a + timedelta(days=120)
        b = min(b, c)
    total = CAL.working_seconds_between(a, b) + CAL.working_seconds_between(b, c)
    assert total == pytest.approx(CAL.working_seconds_between(a, c), abs=1e-5)


@settings(max_examples=200, deadline=None)
@given(moment=moments, days=sla_days)
def test_shift_keeps_the_time_of_day_and_lands_on_a_working_day(moment, days):
    shifted = CAL.shift(moment, days)
    assert CAL.is_working_day(shifted.astimezone(VN_TZ).date())
    assert shifted.astimezone(VN_TZ).time() == moment.astimezone(VN_TZ).time()
    assert shifted > moment


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)))
def test_a_working_day_is_a_weekday_or_a_declared_makeup_day(day):
    if CAL.is_working_day(day) and day.weekday() >= 5:
        # only the make-up days named by a substituted holiday ("thay cho ngày DD/MM/YYYY") are worked weekends
        assert day in _national_year(day.year)[1]
    assert CAL.next_working_day(day) > day and CAL.is_working_day(CAL.next_working_day(day))
    assert CAL.clock_start(datetime.combine(day, time(12), VN_TZ)) >= datetime.combine(day, time(12), VN_TZ)


def test_adding_zero_working_time_keeps_a_closing_time_deadline_whatever_the_sign_of_zero():
    closing = datetime(2026, 12, 3, 17, 0, tzinfo=VN_TZ)
    assert CAL.add_working_seconds(closing, 0.0) == closing
    assert CAL.add_working_seconds(closing, -0.0) == closing
    saturday_night = datetime(2026, 12, 5, 22, 0, tzinfo=VN_TZ)
    assert CAL.add_working_seconds(saturday_night, 0.0) == datetime(2026, 12, 7, 7, 30, tzinfo=VN_TZ)
