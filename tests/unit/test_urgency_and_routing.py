"""Urgent wording, routing to the competent agency, and ids a person can read."""

import random

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules import ids
from chalicelib.rules.profile import IOC_AGENCY_ID
from chalicelib.rules.routing import route_report
from chalicelib.rules.urgency import is_urgent, mentions_emergency, urgent_advice


@pytest.fixture(scope="module")
def daklak():
    return load_profile("daklak")


@pytest.mark.parametrize("text", [
    "Cháy lớn ở chợ", "Vừa xảy ra tai nạn giao thông", "Có kẻ cướp giật túi xách",
    "tai nan xe may tren duong", "hoa hoan o kho hang",
])
def test_emergency_wording_is_recognised_with_or_without_accents(text):
    assert mentions_emergency(text)


@pytest.mark.parametrize("text", [
    "Trẻ em chạy nhảy ngoài đường", "Đèn đường hỏng", "chay bo buoi sang", "Nổi bật là rác thải",
])
def test_ordinary_wording_is_not_urgent(text):
    assert not mentions_emergency(text)


def test_urgent_prone_category_is_urgent_whatever_the_wording(daklak):
    assert is_urgent(daklak, daklak.category("an-ninh-trat-tu"), "Tụ tập gây ồn ào")
    assert not is_urgent(daklak, daklak.category("ha-tang-do-thi"), "Đèn đường hỏng")


def test_advice_names_emergency_numbers_and_hotline(daklak):
    advice = urgent_advice(daklak)
    for number in ("113", "114", "115", daklak.hotline):
        assert number in advice["vi"] and number in advice["en"]


def test_default_routing_is_the_wards_peoples_committee(daklak):
    assert route_report(daklak, "ha-tang-do-thi", "24133") == "ubnd-24133"


def test_category_routed_to_a_department(daklak):
    assert route_report(daklak, "an-toan-thuc-pham", "24133") == "so-y-te"


def test_without_a_ward_the_ioc_triages(daklak):
    assert route_report(daklak, "ha-tang-do-thi", None) == IOC_AGENCY_ID


def test_report_ids_are_short_readable_and_prefixed():
    rng = random.Random(7)
    made = {ids.new_report_id("DLK", rng.randrange) for _ in range(2000)}
    assert len(made) == 2000
    for rid in made:
        head, a, b = rid.split("-")
        assert head == "DLK" and len(a) == len(b) == 4
        assert not set(a + b) & set("ILOU")


def test_report_id_typed_by_a_person_is_normalised():
    assert ids.normalise_report_id(" dlk-7kq3-m9xo ") == "DLK-7KQ3-M9X0"


def test_tracking_token_checks_in_constant_time_against_the_digest():
    token = ids.new_tracking_token()
    digest = ids.token_digest(token)
    assert ids.token_matches(token, digest)
    assert not ids.token_matches(token + "x", digest)
    assert not ids.token_matches(None, digest)
    assert token not in digest
