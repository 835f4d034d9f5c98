"""The Zalo OA channel's pure rules: the webhook signature, reading an event, a conversation's draft."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules import zalo
from chalicelib.rules.errors import Unauthenticated

PROFILE = load_profile("daklak")
EVENTS = Path(__file__).resolve().parent.parent / "events" / "zalo" / "conversation"
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
KEY = "oa-secret"


def fixture(name: str) -> dict:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def sign(body: dict, key: str = KEY) -> tuple[bytes, str]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = hashlib.sha256(body["app_id"].encode() + raw + body["timestamp"].encode() + key.encode()).hexdigest()
    return raw, f"mac={mac}"


def test_the_signature_is_plain_sha256_of_app_id_body_timestamp_and_key():
    body = fixture("01_text.json")
    raw, header = sign(body)
    assert zalo.mac(body["app_id"], raw, body["timestamp"], KEY) == header.removeprefix("mac=")
    now_ms = int(body["timestamp"]) + 1000
    zalo.check_signature(header, raw, body, KEY, now_ms)
    zalo.check_signature(header.upper().replace("MAC=", "mac="), raw, body, KEY, now_ms)  # hex in either case


@pytest.mark.parametrize("case", ["wrong key", "no header", "no mac=", "short", "body changed", "no app_id"])
def test_a_wrong_or_missing_signature_is_refused(case):
    body = fixture("01_text.json")
    raw, header = sign(body, "other-key" if case == "wrong key" else KEY)
    header = {"no header": None, "no mac=": header.removeprefix("mac="), "short": header[:-2]}.get(case, header)
    if case == "body changed":
        raw += b" "
    if case == "no app_id":
        body = {k: v for k, v in body.items() if k != "app_id"}
    with pytest.raises(Unauthenticated) as refused:
        zalo.check_signature(header, raw, body, KEY, int(body["timestamp"]))
    assert refused.value.code == "zalo_signature_invalid" and refused.value.status == 401


@pytest.mark.parametrize("offset_ms", [-5 * 60 * 1000 - 1, 5 * 60 * 1000 + 1, -86_400_000])
def test_a_call_outside_five_minutes_is_stale_even_well_signed(offset_ms):
    body = fixture("01_text.json")
    raw, header = sign(body)
    with pytest.raises(Unauthenticated) as refused:
        zalo.check_signature(header, raw, body, KEY, int(body["timestamp"]) - offset_ms)
    assert refused.value.code == "zalo_signature_stale"
    assert "5" in refused.value.message and "5" in refused.value.message_en


def test_events_become_messages_and_others_none():
    text = zalo.message_of(fixture("01_text.json"))
    assert text is not None and text.text.startswith("Ổ gà") and text.user_id == "2512523625412515"
    image = zalo.message_of(fixture("02_image.json"))
    assert image is not None and image.image_urls == ("https://photo-stal-1.zdn.vn/media/pothole.jpg",)
    where = zalo.message_of(fixture("03_location.json"))
    assert where is not None and where.point == (12.68, 108.04)
    assert zalo.message_of({"event_name": "follow", "follower": {"id": "1"}}) is None
    assert zalo.message_of({"event_name": "user_send_text", "sender": {"id": "1"}, "message": "x"}) is None
    bad = fixture("03_location.json")
    bad["message"]["attachments"][0]["payload"]["coordinates"] = {"latitude": "north", "longitude": "1"}
    assert zalo.message_of(bad).point is None  # type: ignore[union-attr]


def test_a_conversation_fills_the_draft_and_the_oa_asks_for_each_missing_thing_in_turn():
    draft = zalo.Draft(started_at=NOW)
    asked = []
    photo = zalo.Photo("m1", "zalo/u/m1", "image/jpeg", 1000)
    for name in sorted(p.name for p in EVENTS.glob("*.json")):
        message = zalo.message_of(fixture(name))
        assert message is not None
        draft, replies = zalo.apply(draft, message, PROFILE, (photo,) if message.image_urls else ())
        asked.append(draft.asked)
        assert len(replies) == (0 if draft.asked is None else 1)
    assert asked == ["place", "place", "category", "phone", None]
    assert draft.missing() is None
    assert zalo.report_body(draft) == {
        "category": "ha-tang-do-thi", "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
        "location": {"lat": 12.68, "lng": 108.04}, "reporter": {"name": "Người dùng Zalo", "phone": "+84905123456"}}
    assert draft.photos == (photo,)


def test_the_category_question_lists_the_provinces_categories_by_number_and_takes_a_number_code_or_name():
    question = zalo.question("category", PROFILE)
    names = [c.name_vi for c in PROFILE.active_categories()]
    assert all(f"{i}. {n}" in question for i, n in enumerate(names, start=1))
    assert zalo.category_choice("3", PROFILE) == PROFILE.active_categories()[2].code
    assert zalo.category_choice("ha-tang-do-thi", PROFILE) == "ha-tang-do-thi"
    assert zalo.category_choice("ha tang do thi", PROFILE) == "ha-tang-do-thi"
    assert zalo.category_choice("99", PROFILE) is None


def test_a_wrong_phone_is_asked_again_and_a_point_outside_the_province_is_refused_at_once():
    draft = zalo.Draft(started_at=NOW, description="Ổ gà lớn trên đường Lê Duẩn", lat=12.68, lng=108.04,
                       category="ha-tang-do-thi", asked="phone")
    text = zalo.Message("user_send_text", "m", "u", text="12")
    after, replies = zalo.apply(draft, text, PROFILE)
    assert after.phone is None and "Số điện thoại chưa đúng" in replies[0]
    hanoi = zalo.Message("user_send_location", "m2", "u", point=(21.03, 105.85))
    after, replies = zalo.apply(zalo.Draft(started_at=NOW, description="Ổ gà lớn trên đường Lê Duẩn"), hanoi,
                                PROFILE)
    assert after.lat is None and after.asked == "place" and len(replies) == 2


def test_a_sixth_photo_is_not_kept_and_the_user_is_told():
    photos = tuple(zalo.Photo(f"m{i}", f"k{i}", "image/jpeg", 1) for i in range(5))
    draft = zalo.Draft(started_at=NOW, photos=photos)
    more = zalo.Message("user_send_image", "m6", "u", image_urls=("https://x/a.jpg",))
    after, replies = zalo.apply(draft, more, PROFILE, ())
    assert after.photos == photos and "tối đa 5 ảnh" in replies[0]


def test_ids_are_stored_as_keyed_hashes():
    assert zalo.keyed(b"k", "2512523625412515") != zalo.keyed(b"other", "2512523625412515")
    assert "2512523625412515" not in zalo.keyed(b"k", "2512523625412515")
