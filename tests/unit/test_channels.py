"""The channels as the rules and the intake service see them: each channel's SLA is its profile's, only the
trusted entry point files a non-public channel, and e-mail is read safely (rules/mail.py)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import pytest

from chalicelib.provinces import load_profile
from chalicelib.rules.actors import CITIZEN_ACTOR, Actor, channel_actor
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import Forbidden, InvalidInput
from chalicelib.rules.mail import (
    MAX_MESSAGE_BYTES,
    MailDropped,
    MailRefused,
    address_of,
    category_hint,
    description_of,
    read_mail,
)
from chalicelib.rules.profile import CHANNELS
from chalicelib.schemas.intake import ContactIn, Location, Submission
from chalicelib.services.intake import IntakeService

PROFILE = load_profile("daklak")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)  # a working Monday, inside opening hours
DESK = Actor("desk.operator", frozenset({"hotline_operator"}))


class FakeReports:
    def __init__(self) -> None:
        self.created: list = []

    def create(self, report, token_digest, audit, quotas=()):
        self.created.append((report, audit))
        return report


def service(profile=PROFILE) -> tuple[IntakeService, FakeReports]:
    reports = FakeReports()
    return IntakeService(profile, reports, media=None, clock=lambda: MONDAY_9,  # type: ignore[arg-type]
                         token_key=b"k" * 32, limits_key=b"l" * 32), reports


def submission(**over) -> Submission:
    body = {"category": "moi-truong", "description": "Rác thải đổ trộm ven đường nhiều ngày",
            "location": Location(lat=12.68, lng=108.04), "reporter": ContactIn(name="Bình", phone="0912345678")}
    return Submission(**{**body, **over})


@pytest.mark.parametrize("channel", [c for c in CHANNELS if c not in ("app", "web")])
def test_each_trusted_channels_due_date_is_its_profiles_sla(channel):
    """A profile that says 5 working days for a channel gets 5, whatever the defaults (3 hotline/Zalo, 7 others)."""
    changed = PROFILE.model_copy(update={"channels": {**PROFILE.channels, channel: 5}})
    intake, reports = service(changed)
    actor = DESK if channel == "hotline" else channel_actor(channel)
    sub = submission(reporter=ContactIn(name="Bình", phone="0912345678", email="binh@example.com"))
    answer, _ = intake.submit_from(channel, actor, sub)
    assert answer["sla_working_days"] == 5
    [(report, audit)] = reports.created
    assert report.due_at == changed.working_calendar.due_after(MONDAY_9, 5)
    assert (audit.actor, audit.role) == ((actor.id, actor.role))


def test_the_shipped_profiles_give_hotline_and_zalo_three_days_and_the_rest_seven():
    for slug in ("daklak", "hue", "danang"):
        profile = load_profile(slug)
        assert {c: profile.sla_days(c) for c in CHANNELS} == {"app": 7, "web": 7, "hotline": 3, "zalo": 3, "email": 7}


def test_the_trusted_entry_point_takes_no_public_channel_and_the_desk_only_from_its_people():
    intake, reports = service()
    with pytest.raises(ValueError):
        intake.submit_from("app", CITIZEN_ACTOR, submission())
    with pytest.raises(Forbidden):
        intake.submit_from("hotline", Actor("officer", frozenset({"agency_officer"}), "ubnd-24133"), submission())
    assert reports.created == []


def test_only_a_channel_the_profile_names_may_go_without_a_phone():
    intake, _ = service()
    no_phone = submission(reporter=ContactIn(name="Bình", email="binh@example.com"))
    with pytest.raises(InvalidInput) as refused:
        intake.submit_from("zalo", channel_actor("zalo"), no_phone)
    assert refused.value.code == "phone_required"
    answer, _ = intake.submit_from("email", channel_actor("email"), no_phone)
    assert answer["sms"] is False and "sms_notice" not in answer  # not a landline: no phone at all


# -- reading mail ----------------------------------------------------------------------------------------
OWN = frozenset({"no-reply@phananh.example.gov.vn"})


def mail(headers: str, body: str = "Rác thải đổ trộm ven đường nhiều ngày nay.") -> bytes:
    return (f"From: =?utf-8?q?Nguy=E1=BB=85n_V=C4=83n_An?= <an@example.com>\r\n{headers}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_encoded_words_are_decoded_and_the_subject_tag_names_the_category():
    raw = mail("Subject: [moi-truong] =?utf-8?b?UsOhYyB0aOG6o2k=?=\r\n",
               "Rác ven đường.\r\nĐịa chỉ: 12 Phan Bội Châu, Buôn Ma Thuột")
    read = read_mail(raw, OWN)
    assert (read.sender_name, read.sender_address) == ("Nguyễn Văn An", "an@example.com")
    assert read.subject == "[moi-truong] Rác thải" and category_hint(read) == "moi-truong"
    assert address_of(read) == "12 Phan Bội Châu, Buôn Ma Thuột"
    assert description_of(read).startswith("Rác thải\n\nRác ven đường.")


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-generated\r\n", "Precedence: bulk\r\n",
                                    "List-Id: <tin-tuc.example.com>\r\n", "X-Autoreply: yes\r\n"])
def test_automatic_mail_is_dropped(header):
    with pytest.raises(MailDropped):
        read_mail(mail(f"Subject: x\r\n{header}"), OWN)


def test_auto_submitted_no_is_a_person():
    assert read_mail(mail("Subject: x\r\nAuto-Submitted: no\r\n"), OWN).sender_address == "an@example.com"


def test_over_the_size_cap_is_refused_before_parsing():
    with pytest.raises(MailRefused) as refused:
        read_mail(b"x" * (MAX_MESSAGE_BYTES + 1), OWN)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00garbage", b"From: \r\n\r\n", b""])
def test_garbage_never_crashes(raw):
    with pytest.raises((MailRefused, MailDropped)):
        read_mail(raw, OWN)


FIXTURES = sorted((Path(__file__).resolve().parent.parent / "events").glob("email_*.eml"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_mangled_fixtures_never_raise_anything_but_a_refusal_or_a_drop(path):
    """Every fixture cut short, with bytes flipped, and with its headers' charset and encoding lying."""
    import random

    raw = path.read_bytes()
    rng = random.Random(path.name)
    variants = [raw[: len(raw) * k // 8] for k in range(1, 8)]
    for _ in range(40):
        data = bytearray(raw)
        for _ in range(20):
            data[rng.randrange(len(data))] = rng.randrange(256)
        variants.append(bytes(data))
    variants += [raw.replace(b'charset="utf-8"', b'charset="x-no-such"'),
                 raw.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: x-bogus"),
                 raw.replace(b'filename="', b"filename*=utf-8''%ZZ%"),
                 raw.replace(b"boundary=", b"boundary=;")]
    for variant in variants:
        with contextlib.suppress(MailRefused, MailDropped):  # anything else fails the test
            read_mail(variant, OWN)
