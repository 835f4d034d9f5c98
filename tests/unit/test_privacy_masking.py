"""Masking that cannot be dodged: phones in any shape, the reporter's name in any spelling, in every public text."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.provinces import load_profile
from chalicelib.rules.privacy import NAME_MASK, mask_reporter, public_text
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.text import (
    EMAIL_MASK,
    PHONE_MASK,
    Folded,
    is_vietnamese_phone,
    mask_personal_data,
)
from chalicelib.views.common import page
from chalicelib.views.public import as_geojson, public_item, public_view
from chalicelib.views.staff import QUEUE_DESCRIPTION_CHARS, queue_row, staff_view

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
MASKS = (PHONE_MASK, EMAIL_MASK, NAME_MASK)
AN = Reporter("Nguyễn Văn An", "+84905246806")


def a_report(reporter: Reporter = AN, **over) -> Report:
    base = Report(
        id="DLK-7KQ3-M9XD", province_code=66, status="published", channel="app", category="moi-truong",
        description="Rác thải đổ trộm", lat=12.68, lng=108.04, address="12 Lê Duẩn", ward_code="24133",
        agency_id="ubnd-24133", reporter=reporter, received_at=NOW, due_at=NOW + timedelta(days=5),
        original_due_at=NOW + timedelta(days=5), updated_at=NOW, last_action="approve_result",
        last_actor_role="ioc_operator", result={"text": "Đã xử lý xong."}, published_at=NOW,
    )
    return replace(base, **over)


def flat(text: str) -> str:
    """What a reader could piece together: masks set apart, folded (NFKC, no invisible characters,
    ASCII digits, no accents, lower case), every separator a number or a name may be typed with gone."""
    for mask in MASKS:
        text = text.replace(mask, "Ж")
    return re.sub(r"[\W_]+", "", Folded.of(text).text)


def digits_flat(text: str) -> str:
    """The folded text without the separators of a typed number (space . - _ / ( ) +)."""
    for mask in MASKS:
        text = text.replace(mask, "Ж")
    return re.sub(r"[\s.\-_/()+]+", "", Folded.of(text).text)


def public_outputs(report: Report) -> list[str]:
    item = public_item(PROFILE, report)
    return [json.dumps(body, ensure_ascii=False)
            for body in (public_view(PROFILE, report), item, as_geojson(page([item], None)))]


# -- generated numbers, names and texts ----------------------------------------------------

MOBILE_PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "70", "76", "77", "78", "79",
                   "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98"]
LANDLINE_AREAS = ["262", "263", "236", "234", "258", "24", "28"]


@st.composite
def national_numbers(draw) -> str:
    """A valid Vietnamese mobile (9 digits) or landline (10 digits) national significant number."""
    if draw(st.booleans()):
        nsn = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.text("0123456789", min_size=7, max_size=7))
    else:
        area = draw(st.sampled_from(LANDLINE_AREAS))
        nsn = area + draw(st.sampled_from("2345678")) + draw(st.text("0123456789", min_size=9 - len(area),
                                                                     max_size=9 - len(area)))
    assume(is_vietnamese_phone("0" + nsn))
    return nsn


SEPARATORS = st.sampled_from(["", " ", ".", "-", "_", "/", " . ", " -", "- ", " - ", "  ", "._", " / "])


@st.composite
def typed_numbers(draw, nsn: str) -> str:
    """The number as someone might type it: any prefix, grouping, separators, brackets, full-width digits,
    invisible characters."""
    shape = draw(st.sampled_from(["0", "+84", "84", "0084", "+84 (0) ", "+84(0)", "(+84) ", "(0"]))
    digits = {"0": "0" + nsn, "84": "84" + nsn, "0084": "0084" + nsn}.get(shape, nsn)
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=5)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if shape == "(0" and len(groups) > 1:  # "(0905) 246 806"
        groups[0] = "(0" + groups[0] + ")"
        shape = ""
    elif shape == "(0":
        shape = "0"
        groups = ["0" + g for g in groups]
    typed = "".join(g + (draw(SEPARATORS) if n < len(groups) - 1 else "") for n, g in enumerate(groups))
    typed = (shape if "+" in shape else "") + typed
    chars = []
    for c in typed:
        if c.isdigit() and draw(st.booleans()):
            c = chr(ord(c) + 0xFEE0)  # full-width
        chars.append(c)
        if draw(st.integers(0, 9)) == 0:
            chars.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(chars)


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Ngọc", "Hồng"]
GIVEN = ["Bình", "Cường", "Dũng", "Hoa", "Lan", "Tâm", "Hùng", "Thảo"]


@st.composite
def names(draw) -> str:
    words = [draw(st.sampled_from(FAMILY))]
    words += draw(st.lists(st.sampled_from(MIDDLE), min_size=0, max_size=2))
    words.append(draw(st.sampled_from(GIVEN)))
    return " ".join(words)


def strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


@st.composite
def spellings(draw, name: str) -> str:
    """The name in any case, with or without accents, spaced any way or not at all, invisible characters inside."""
    words = name.split()
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title]))
    if draw(st.booleans()):
        words = [strip_accents(w) for w in words]
    words = [case(w) for w in words]
    spelled = words[0]
    for w in words[1:]:
        spelled += draw(st.sampled_from(["", " ", "  ", "   ", "\u00a0", " - ", "."])) + w
    if draw(st.booleans()):
        at = draw(st.integers(1, len(spelled) - 1))
        spelled = spelled[:at] + draw(st.sampled_from(INVISIBLE)) + spelled[at:]
    return spelled


FILLERS = ["Ổ gà lớn", "số 12", "ngày 12/03/2026", "phạt 5.000.000 đồng", "trước nhà", "Quốc lộ 14, km 1234",
           "gọi", "liên hệ", "sđt:", "xin cảm ơn.", "tôi là", "(hotline)"]


@st.composite
def texts(draw, pieces: list[str]) -> str:
    """The pieces in a random order among everyday words and ordinary numbers."""
    chosen = pieces + draw(st.lists(st.sampled_from(FILLERS), max_size=6))
    ordered = draw(st.permutations(chosen))
    return "".join(p + (draw(st.sampled_from([" ", "; ", ", "])) if n < len(ordered) - 1 else "")
                   for n, p in enumerate(ordered))


@st.composite
def leaky_reports(draw):
    own, other = draw(national_numbers()), draw(national_numbers())
    assume(own != other)
    name = draw(names())
    reporter = Reporter(name, "+84" + own)

    def text() -> str:
        return draw(texts([draw(typed_numbers(own)), draw(spellings(name)), draw(typed_numbers(other))]))

    status = draw(st.sampled_from(["published", "rejected"]))
    report = a_report(reporter, status=status, description=text(), address=text(),
                      result={"text": text()} if status == "published" else None,
                      rejection={"reason_code": "out_of_scope", "public_reason": text()}
                      if status == "rejected" else None)
    return report, (own, other), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaky_reports())
def test_no_public_output_carries_a_phone_or_the_reporters_name_however_typed(case):
    report, numbers, name = case
    folded_name = flat(name)
    for body in public_outputs(report):
        for nsn in numbers:
            assert nsn not in digits_flat(body), (nsn, body)
        assert folded_name not in flat(body), (name, body)


# -- each reported dodge, one by one -------------------------------------------------------

DODGED_NUMBERS = ["(0905) 246 806", "０９０５２４６８０７", "0905/246/808", "0905 . 246 . 809", "0905_246_810",
                  "0084905246821", "0905 -246- 823", "+84 (0) 905 246 828"]
DODGED_NAMES = ["NguyễnVănAn", "nguyen van an", "NGUYỄN  VĂN   AN", "Ngu\u00adyễn Văn An", "Nguy\u200dễn Văn An",
                "Nguyễn Văn\u200b An", "TôiLàNguyễnVănAn"]


@pytest.mark.parametrize("typed", DODGED_NUMBERS)
def test_a_phone_typed_in_an_unusual_shape_is_masked(typed):
    nsn = digits_flat(typed)[-9:]
    masked = mask_personal_data(f"Gọi {typed} nhé")
    assert masked == f"Gọi {PHONE_MASK} nhé"
    reporter = Reporter("Nguyễn Văn An", "+84" + nsn)
    assert mask_reporter(f"Gọi {typed} nhé", reporter) == f"Gọi {PHONE_MASK} nhé"
    report = a_report(reporter, description=f"Rác thải, gọi {typed}", address=f"Nhà {typed}",
                      result={"text": f"Đã gọi {typed} để xác nhận"})
    for body in public_outputs(report):
        assert nsn not in digits_flat(body), body


@pytest.mark.parametrize("typed", DODGED_NAMES)
def test_the_reporters_name_spelled_any_way_is_masked(typed):
    kept = "TôiLà" if typed.startswith("TôiLà") else ""  # the words glued before it stay
    assert mask_reporter(f"Người gửi: {typed}, cảm ơn", AN) == f"Người gửi: {kept}{NAME_MASK}, cảm ơn"
    report = a_report(description=f"Rác thải. {typed}", address=f"Nhà {typed}",
                      result={"text": f"Đã liên hệ {typed}"})
    for body in public_outputs(report):
        assert "nguyenvanan" not in flat(body), body


def test_the_reporters_own_number_is_masked_glued_to_other_digits_or_split_by_any_punctuation():
    for typed in ["120905246806", "0905,246,806", "0905:246:806", "84-905-246-806", "sđt0905246806"]:
        assert "905246806" not in digits_flat(mask_reporter(f"Gọi {typed} nhé", AN)), typed


def test_a_phone_after_a_date_is_masked_whole():
    for text in ["ngày 12/03/2026 0905 246 806", "số 12 0905 246 806", "12/03/2026 0084 905 246 806"]:
        assert "905246806" not in digits_flat(mask_personal_data(text)), text


def test_masks_go_into_the_original_text_and_the_rest_is_left_as_typed():
    text = "Ｈẻm số ３, gọi ０９０５ ２４６ ８０７ hoặc Ngu\u00adyễn Văn An\u200b nhé"
    masked = public_text(text, a_report())
    assert masked == f"Ｈẻm số ３, gọi {PHONE_MASK} hoặc {NAME_MASK} nhé"


def test_a_longer_name_or_a_name_inside_a_word_is_not_the_reporters():
    for text in ["Nguyễn Văn Anh đã đến", "ông Văn An", "Nguyễn Văn", "anguyenvanan"]:
        assert mask_reporter(text, AN) == text, text


# -- ordinary numbers stay ------------------------------------------------------------------

ORDINARY = ["Ổ gà trước số 12 Lê Duẩn", "Xảy ra ngày 12/03/2026 lúc 8 giờ", "Phạt 5.000.000 đồng",
            "Phạt 1.500.000.000 đồng", "Ổ gà sâu 30 cm trên Quốc lộ 14, km 1234", "ngày 02/03/2026",
            "diện tích 120 m2, cao 3.5 m", "hẻm 45/12/3 đường Phan Bội Châu", "lô 84, khu 2", "năm 2026-2027"]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_are_not_taken_for_phones(text):
    assert mask_personal_data(text) == text
    assert public_text(text, a_report()) == text


def test_emails_and_usual_phones_are_still_masked():
    text = "Liên hệ nguyen.van.an+pa@gmail.com hoặc 0262-3812345, 0912 345 678"
    assert mask_personal_data(text) == f"Liên hệ {EMAIL_MASK} hoặc {PHONE_MASK}, {PHONE_MASK}"


# -- staff without the reporter's identity read what the public reads --------------------------

SECRET = "Nguyễn Văn An 0905 246 806"


def a_full_case(**over) -> Report:
    return a_report(
        status="published", description=f"Tôi là {SECRET}", address="Nhà NguyễnVănAn (0905) 246 806",
        result={"text": f"Đã gọi {SECRET}", "sent_back": {"reason": f"Gọi lại {SECRET}"},
                "enforcement": [{"type": "reminder", "note": "Nhắc ông Bình 0935 222 333"}]},
        return_request={"reason": f"Người gửi {SECRET} ở phường khác", "suggested_agency_id": "so-xay-dung"},
        extension_request={"working_days": 2, "reason": f"Chờ {SECRET}"},
        extensions=[{"working_days": 1, "reason": f"Hẹn {SECRET}"}],
        rejection={"reason_code": "out_of_scope", "public_reason": f"Không thuộc, {SECRET}"},
        feedback={"rating": 2, "comment": f"Tôi {SECRET} chưa hài lòng"},
        extra={"rounds": [{"round": 1, "result": {"text": f"Lần 1: {SECRET}"},
                           "feedback": {"comment": f"{SECRET}"}, "extensions": [{"reason": SECRET}]}]},
        **over)


HISTORY = [AuditEntry(report_id="DLK-7KQ3-M9XD", at=NOW, actor="officer", role="agency_officer",
                      action="return_to_ioc", from_status="in_progress", to_status="returned", round=1,
                      note=f"suggested=so-xay-dung; {SECRET}")]


def test_staff_who_may_not_see_the_reporter_read_every_free_text_masked():
    report = a_full_case()
    masked = json.dumps(staff_view(PROFILE, report, HISTORY, with_reporter=False), ensure_ascii=False)
    assert "905246806" not in digits_flat(masked) and "935222333" not in digits_flat(masked)
    assert "nguyenvanan" not in flat(masked)
    view = staff_view(PROFILE, report, HISTORY, with_reporter=False)
    assert view["reporter"] is None and view["description"] == f"Tôi là {NAME_MASK} {PHONE_MASK}"
    assert view["result"]["enforcement"][0]["type"] == "reminder" and view["extension_request"]["working_days"] == 2
    assert view["history"][0]["note"].startswith("suggested=so-xay-dung; ")


def test_staff_allowed_the_reporter_read_the_case_as_written():
    report = a_full_case()
    view = staff_view(PROFILE, report, HISTORY, with_reporter=True)
    assert view["reporter"] == {"name": "Nguyễn Văn An", "phone": "+84905246806"}
    assert view["description"] == f"Tôi là {SECRET}" and view["result"]["text"] == f"Đã gọi {SECRET}"
    assert view["previous_rounds"][0]["result"]["text"] == f"Lần 1: {SECRET}"


def test_a_queue_row_masks_the_description_before_cutting_it():
    lead = "x" * (QUEUE_DESCRIPTION_CHARS - 8)
    report = a_report(description=f"{lead} 0935 222 333 và Nguyễn Văn An")  # the cut falls inside the number
    row = queue_row(report, NOW, with_reporter=False)
    assert "0935" not in row["description"] and "093" not in row["description"][len(lead):]
    assert len(row["description"]) <= QUEUE_DESCRIPTION_CHARS
    assert queue_row(report, NOW)["description"] == report.description[:QUEUE_DESCRIPTION_CHARS]
