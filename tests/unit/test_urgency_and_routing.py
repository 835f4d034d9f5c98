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


# -- folded matching: every trigger of the seed profiles, typed without accents ------------------------
from chalicelib.rules.text import fold  # noqa: E402
from chalicelib.rules.urgency import AMBIGUOUS_FOLDED, DEFAULT_URGENT_KEYWORDS  # noqa: E402

SEED_PROFILES = ("daklak", "danang", "hue")
# An unaccented sentence per folded trigger; an ambiguous one stands beside a word of its context.
UNACCENTED_SENTENCES = {
    "chay": "Dang co chay lon o cho",
    "hoa hoan": "hoa hoan o kho hang",
    "tai nan": "tai nan xe may tren duong",
    "cuop": "co ke cuop giat tui xach",
    "trom cuop": "trom cuop hoanh hanh khu pho",
    "dam chem": "hai nhom dam chem nhau",
    "chem": "thanh nien bi chem o quan nhau",
    "no": "nghe tieng no o nha may",
    "dien giat": "tre em bi dien giat o cot dien",
    "duoi nuoc": "mot em nho duoi nuoc o ho",
    "sap": "nha kho bi sap sau mua",
    "bat coc": "nghi co vu bat coc tre em",
    "de doa": "ho de doa nguoi dan",
    "au da": "nhom thanh nien au da ngoai duong",
    "khi gas ro ri": "khi gas ro ri trong chung cu",
}


def _seed_triggers():
    triggers = set()
    for slug in SEED_PROFILES:
        profile = load_profile(slug)
        triggers.update(" ".join(fold(k).split()) for k in profile.urgent_keywords or DEFAULT_URGENT_KEYWORDS)
    return sorted(triggers)


def test_every_seed_trigger_has_an_unaccented_sentence():
    assert set(_seed_triggers()) == set(UNACCENTED_SENTENCES)


@pytest.mark.parametrize("trigger", _seed_triggers())
def test_unaccented_form_of_every_seed_trigger_is_urgent(trigger):
    """Fails without folded matching of every trigger (before: 'chay', 'no', 'sap', 'chem', 'cuop' needed accents)."""
    for slug in SEED_PROFILES:
        profile = load_profile(slug)
        assert mentions_emergency(UNACCENTED_SENTENCES[trigger], profile.urgent_keywords or DEFAULT_URGENT_KEYWORDS)
        assert mentions_emergency(UNACCENTED_SENTENCES[trigger].upper())


@pytest.mark.parametrize("text", [
    "Dang co chay lon", "DANG CO CHAY LON", "Đang có chay lớn", "vu chay nha dan", "nha bi chay",
    "xe bon boc chay", "tieng no lon luc 2h sang", "binh gas phat no", "chay no o khu tro",
    "cau bi sap", "mai nha da sap", "tuong sap do", "bi chem trong quan",
])
def test_unaccented_emergencies_are_urgent(text):
    """Fails without folding: 'Dang co chay lon' was not flagged while 'Đang có cháy lớn' was."""
    assert mentions_emergency(text)


@pytest.mark.parametrize("text", [
    # chạy (run), ăn chay (vegetarian), chảy (flow)
    "tre em chay nhay ngoai duong", "chay xe qua toc do", "nha hang an chay", "bi chay mau o chan",
    "nuoc bi chay tran", "Trẻ em chạy lớn nhanh", "chạy nhà này sang nhà khác",
    # nó (it), nợ (debt), no (full)
    "no noi rang", "bi no tien dien", "an no roi", "no lon qua",
    # sắp (about to), sáp nhập (merge), sáp (wax)
    "sap toi se sua duong", "phuong da sap nhap", "nha sap xay xong", "bi sap nhap vao xa khac",
    # chém gió (chatter)
    "ngoi chem gio ca ngay", "bi chem gio",
    # bát cốc (tableware)
    "rua bat coc khong sach", "bat coc ban o quan an",
])
def test_folding_adds_no_false_positive(text):
    assert not mentions_emergency(text)


def test_every_ambiguous_folded_form_is_a_seed_trigger():
    assert set(AMBIGUOUS_FOLDED) <= set(_seed_triggers())
