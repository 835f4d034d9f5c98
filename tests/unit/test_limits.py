"""rules/limits.py (windows, keyed hashes, Retry-After), the profile's limits, and derived tracking tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from chalicelib.provinces import load_profile
from chalicelib.rules import ids
from chalicelib.rules.limits import IP_HOUR, PHONE_DAY, SMS_DAY, day_window, hour_window, keyed_hash, quota
from chalicelib.rules.profile import Limits

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = b"k" * 32


def test_the_day_is_the_vietnamese_calendar_day():
    late_utc = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)  # 01:30 on 3 December in Vietnam
    window, ends = day_window(late_utc)
    assert window == "2026-12-03" and ends == datetime(2026, 12, 4, tzinfo=VN)


def test_the_hour_window_and_retry_after_count_to_its_end():
    now = datetime(2026, 12, 2, 10, 15, 0, 500_000, tzinfo=VN)
    assert hour_window(now) == ("2026-12-02T10", datetime(2026, 12, 2, 11, tzinfo=VN))
    q = quota(IP_HOUR, KEY, "203.0.113.9", 20, now)
    assert q.retry_after(now) == 45 * 60  # rounded up: never "retry in 0 seconds"
    assert q.retry_after(q.ends_at + timedelta(seconds=5)) == 1


def test_counters_are_keyed_hashes_per_kind_never_the_value():
    q = quota(PHONE_DAY, KEY, "+84905123456", 5, datetime(2026, 12, 2, 9, tzinfo=VN))
    assert "905123456" not in q.counter_id and q.counter_id.startswith("phone-day#2026-12-02#")
    assert q.key == keyed_hash(KEY, PHONE_DAY, "+84905123456") != keyed_hash(KEY, SMS_DAY, "+84905123456")
    assert keyed_hash(b"other key", PHONE_DAY, "+84905123456") != q.key


def test_limits_have_defaults_a_province_may_change_them_and_zero_is_refused():
    assert load_profile("daklak").limits == Limits(reports_per_phone_per_day=5, reports_per_ip_per_hour=20,
                                                   sms_per_phone_per_day=10)
    assert Limits.model_validate({"reports_per_phone_per_day": 2}).reports_per_ip_per_hour == 20
    with pytest.raises(ValidationError):
        Limits(reports_per_phone_per_day=0)
    with pytest.raises(ValidationError):
        Limits.model_validate({"reports_per_day": 3})


def test_a_tracking_token_is_derived_from_the_report_id_and_the_stage_key():
    token = ids.tracking_token(KEY, "DLK-7KQ3-M9XD")
    assert token == ids.tracking_token(KEY, "DLK-7KQ3-M9XD") and len(token) == 27
    assert token != ids.tracking_token(KEY, "DLK-7KQ3-M9XE") != ids.tracking_token(b"another", "DLK-7KQ3-M9XD")
    assert ids.token_matches(token, ids.token_digest(token))
