"""Province profiles: data validated at load; wards generated from vietnam-provinces."""

import json

import pytest

from chalicelib.provinces import ProfileError, available_profiles, load_profile
from chalicelib.provinces.loader import DEFAULTS_FILE, build_profile

CODES = ["an-toan-giao-thong", "an-ninh-trat-tu", "ha-tang-do-thi", "trat-tu-do-thi", "moi-truong",
         "quy-dinh-hanh-chinh", "cong-vu-cong-chuc", "doanh-nghiep", "an-toan-thuc-pham", "dat-dai-xay-dung",
         "hang-hoa-dich-vu", "phan-hoi-bao-chi", "hien-ke-do-thi-thong-minh", "bao-ve-tre-em", "khac"]


@pytest.mark.parametrize(("slug", "code", "wards"), [("daklak", 66, 102), ("hue", 46, 40), ("danang", 48, 94)])
def test_seed_profiles_load_with_generated_ward_committees(slug, code, wards):
    profile = load_profile(slug)
    assert profile.province_code == code
    assert len(profile.wards) == wards
    committees = [a for a in profile.agencies if a.kind == "ward_people_committee"]
    assert len(committees) == wards
    assert {a.ward_code for a in committees} == {w.code for w in profile.wards}
    assert [c.code for c in profile.categories] == CODES
    assert dict(profile.channels) == {"app": 7, "web": 7, "hotline": 3, "zalo": 3, "email": 7}


def test_the_three_seed_provinces_ship():
    assert {"daklak", "hue", "danang"} <= set(available_profiles())


def _defaults():
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def _minimal(**over):
    base = {"province_code": 66, "slug": "x", "name_vi": "X", "name_en": "X", "id_prefix": "XX", "hotline": "1022",
            "public_base_url": "https://x", "console_base_url": "https://x/c",
            "agencies": [{"id": "ioc", "name_vi": "IOC", "name_en": "IOC", "kind": "ioc"}]}
    return {**base, **over}


def test_malformed_profile_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "bad.json"
    with pytest.raises(ProfileError) as err:
        build_profile(_minimal(id_prefix="toolong1"), _defaults(), path)
    assert str(path) in str(err.value) and "id_prefix" in str(err.value)


def test_routing_to_an_unknown_agency_fails_at_load(tmp_path):
    with pytest.raises(ProfileError, match="so-khong-co"):
        bad = _minimal(routing={"by_category": {"moi-truong": "so-khong-co"}})
        build_profile(bad, _defaults(), tmp_path / "p.json")


def test_unknown_province_code_fails_at_load(tmp_path):
    with pytest.raises(ProfileError, match="34 provinces"):
        build_profile(_minimal(province_code=99), _defaults(), tmp_path / "p.json")


def test_profile_may_rename_and_retire_categories(tmp_path):
    changes = {"rename": {"khac": {"name_vi": "Khác"}}, "retire": ["phan-hoi-bao-chi"]}
    profile = build_profile(_minimal(category_changes=changes), _defaults(), tmp_path / "p.json")
    assert profile.category("khac").name_vi == "Khác"
    assert profile.category("phan-hoi-bao-chi") is None
    assert profile.any_category("phan-hoi-bao-chi") is not None


def test_missing_profile_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProfileError, match="no such profile"):
        load_profile("atlantis")


def test_reopen_rounds_are_capped_by_max_reopens_default_two(tmp_path):
    assert _defaults()["max_reopens"] == 2
    assert build_profile(_minimal(), _defaults(), tmp_path / "p.json").max_reopens == 2
    assert build_profile(_minimal(max_reopens=0), _defaults(), tmp_path / "p.json").max_reopens == 0
    with pytest.raises(ProfileError, match="max_reopens"):
        build_profile(_minimal(max_reopens=-1), _defaults(), tmp_path / "p.json")


def test_a_province_may_change_its_abuse_limits_and_keeps_the_defaults_it_does_not_name(tmp_path):
    profile = build_profile(_minimal(limits={"reports_per_phone_per_day": 3}), _defaults(), tmp_path / "p.json")
    assert profile.limits.reports_per_phone_per_day == 3
    assert profile.limits.reports_per_ip_per_hour == 20 and profile.limits.sms_per_phone_per_day == 10
    with pytest.raises(ProfileError, match="reports_per_ip_per_hour"):
        build_profile(_minimal(limits={"reports_per_ip_per_hour": 0}), _defaults(), tmp_path / "p.json")


def test_a_province_may_keep_contacts_for_less_than_the_default_never_for_more(tmp_path):
    assert _defaults()["retention"] == {"contacts_months": 24, "originals_days": 90}
    profile = build_profile(_minimal(retention={"contacts_months": 12}), _defaults(), tmp_path / "p.json")
    assert profile.retention.contacts_months == 12 and profile.retention.originals_days == 90
    for wrong in ({"contacts_months": 25}, {"contacts_months": 0}, {"originals_days": 91}):
        with pytest.raises(ProfileError, match=next(iter(wrong))):
            build_profile(_minimal(retention=wrong), _defaults(), tmp_path / "p.json")
