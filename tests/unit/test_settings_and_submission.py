"""Settings are checked when read, and a submission's profile rules hold without HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.config import Settings, SettingsError
from chalicelib.provinces import load_profile
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.intake import check_submission

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ)


def test_a_deployed_function_without_its_topics_or_user_pool_fails_at_start_naming_them(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "api_handler")
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"STAGE": "daklak", "IOC_ALERTS_TOPIC_ARN": "arn:aws:sns:ap-southeast-1:1:ioc"}).check()
    assert "AGENCY_ALERTS_TOPIC_ARN" in str(err.value) and "STAFF_USER_POOL_ID" in str(err.value)
    assert "IOC_ALERTS_TOPIC_ARN" not in str(err.value)


def test_a_local_stack_or_a_test_run_may_leave_them_to_its_provisioner(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert Settings.from_env({"STAGE": "dev"}).check().stage == "dev"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "api_handler")
    assert Settings.from_env({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}).check().endpoint_url


def test_a_topic_that_is_not_an_arn_and_a_bad_ttl_are_refused_when_read():
    with pytest.raises(SettingsError, match="IOC_ALERTS_TOPIC_ARN"):
        Settings.from_env({"IOC_ALERTS_TOPIC_ARN": "ioc-alerts"}).check()
    with pytest.raises(SettingsError, match="PRESIGN_TTL_SECONDS"):
        Settings.from_env({"PRESIGN_TTL_SECONDS": "soon"})
    with pytest.raises(SettingsError, match="IDEMPOTENCY_TTL_SECONDS"):
        Settings.from_env({"IDEMPOTENCY_TTL_SECONDS": "0"})
    assert Settings.from_env({"PRESIGN_TTL_SECONDS": "600"}).presign_ttl_seconds == 600


def _check(**over):
    base = dict(category="ha-tang-do-thi", ward_code="24133", channel="app", address=None, occurred_at=None, now=NOW)
    return check_submission(PROFILE, **{**base, **over})


def test_a_submission_in_the_province_with_a_known_category_passes():
    assert _check().category.code == "ha-tang-do-thi"


@pytest.mark.parametrize(("over", "code", "field"), [
    ({"category": "khong-co"}, "unknown_category", "category"),
    ({"ward_code": "00004"}, "ward_not_in_province", "ward_code"),
    ({"ward_code": None}, "ward_required", "ward_code"),
    ({"ward_code": None, "channel": "app", "address": "12 Lê Duẩn"}, "ward_required", "ward_code"),
    ({"occurred_at": NOW + timedelta(hours=1)}, "occurred_in_future", "occurred_at"),
])
def test_each_broken_rule_is_a_400_naming_its_field(over, code, field):
    with pytest.raises(InvalidInput) as err:
        _check(**over)
    assert (err.value.code, err.value.field) == (code, field)


def test_a_hotline_report_may_come_with_an_address_only_and_a_clock_a_little_fast_is_forgiven():
    assert _check(ward_code=None, channel="hotline", address="Chợ Buôn Ma Thuột").category.code == "ha-tang-do-thi"
    assert _check(occurred_at=NOW + timedelta(minutes=5)).category.code == "ha-tang-do-thi"


def test_the_point_decides_the_ward_even_against_a_typed_code():
    assert _check(ward_code="22015", lat=12.68, lng=108.04).ward_code == "24133"  # Buôn Ma Thuột, not Tuy Hòa
    assert _check(ward_code=None, lat=13.09, lng=109.3).ward_code == "22015"  # a point alone is enough


@pytest.mark.parametrize(("point", "code"), [((21.0285, 105.8542), "point_in_other_province"),
                                             ((12.0, 110.5), "point_at_sea")])
def test_a_point_outside_the_province_is_refused_saying_where_it_is(point, code):
    with pytest.raises(InvalidInput) as err:
        _check(lat=point[0], lng=point[1])
    assert err.value.code == code and err.value.field == "location"
    if code == "point_in_other_province":
        assert "Thành phố Hà Nội" in err.value.message and err.value.details["province_code"] == 1
