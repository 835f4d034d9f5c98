"""rules/notices.py: who hears of each change of a report, and in what words (pure, no AWS)."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.adapters.sns import ascii_subject
from chalicelib.notices import TEMPLATES_FILE, load_templates
from chalicelib.provinces import load_profile
from chalicelib.rules.notices import (
    AGENCY_EMAIL,
    AGENCY_LEADS_EMAIL,
    AGENCY_TOPIC,
    EVENTS,
    IOC_TOPIC,
    LEADERSHIP_EMAIL,
    REPORTER_SMS,
    ROUTES,
    SAFE_FIELDS,
    SMS_MAX_CHARS,
    TRACKING_PATH,
    event_of,
    notices_for,
    safe_values,
    sms_reachable,
    tracking_link,
)
from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.templates import Templates

PROFILE = load_profile("daklak")
TEMPLATES = load_templates()
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Vietnam
DUE = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam
WARD = "24133"
FOOD = "so-y-te"  # has a focal e-mail
WARD_AGENCY = f"ubnd-{WARD}"  # has none


def report(**over) -> Report:
    base = Report(
        id="DLK-7KQ3-M9XD", province_code=66, status="received", channel="app", category="an-toan-thuc-pham",
        description="Quán bán thịt ôi", lat=12.68, lng=108.04, address="12 Lê Duẩn", ward_code=WARD,
        agency_id=FOOD, reporter=Reporter("Nguyễn Thị Hồng Nhung", "+84912345678"), received_at=NOW,
        due_at=DUE, original_due_at=DUE, updated_at=NOW, last_action="submit", last_actor_role="citizen",
    )
    return replace(base, **over)


def step(before: Report, action: str, **over) -> Report:
    return replace(before, last_action=action, updated_at=before.updated_at + timedelta(hours=1), **over)


RECEIVED = report()
ASSIGNED = step(RECEIVED, "assign", status="assigned", last_actor_role="ioc_operator")
IN_PROGRESS = step(ASSIGNED, "accept", status="in_progress", last_actor_role="agency_officer")
EXTENSION = step(IN_PROGRESS, "request_extension", extension_request={"working_days": 3, "reason": "x"})
RESULT = step(IN_PROGRESS, "submit_result", status="result_submitted", result={"text": "xong"})
PUBLISHED = step(RESULT, "approve_result", status="published", published_at=NOW)

# (name, old, new, expected {(audience, event)}): one row per transition of the lifecycle.
TRANSITIONS = [
    ("submit", None, RECEIVED, {(IOC_TOPIC, "new_report"), (REPORTER_SMS, "new_report")}),
    ("urgent submit", None, report(urgent=True),
     {(IOC_TOPIC, "urgent_report"), (AGENCY_TOPIC, "urgent_report"), (REPORTER_SMS, "urgent_report")}),
    ("assign", RECEIVED, ASSIGNED, {(AGENCY_TOPIC, "assigned"), (AGENCY_EMAIL, "assigned")}),
    ("assign to a ward (no focal e-mail)", RECEIVED, replace(ASSIGNED, agency_id=WARD_AGENCY),
     {(AGENCY_TOPIC, "assigned")}),
    ("re-assign elsewhere", ASSIGNED, step(ASSIGNED, "assign", agency_id="cong-an-tinh"),
     {(AGENCY_TOPIC, "assigned"), (AGENCY_EMAIL, "assigned")}),
    ("assign to the IOC itself", RECEIVED, replace(ASSIGNED, agency_id="ioc"),
     {(IOC_TOPIC, "assigned"), (AGENCY_EMAIL, "assigned")}),
    ("accept", ASSIGNED, IN_PROGRESS, set()),
    ("return to the IOC", IN_PROGRESS, step(IN_PROGRESS, "return_to_ioc", status="returned",
                                             return_request={"suggested_agency_id": "so-xay-dung",
                                                             "agency_id": FOOD}),
     {(IOC_TOPIC, "returned")}),
    ("forward", step(IN_PROGRESS, "return_to_ioc", status="returned"),
     step(IN_PROGRESS, "forward", status="assigned", agency_id="so-xay-dung"),
     {(AGENCY_TOPIC, "assigned"), (AGENCY_EMAIL, "assigned")}),
    ("forward that also moves the SLA level", replace(step(IN_PROGRESS, "return_to_ioc", status="returned"),
                                                       escalation_level=1),
     step(IN_PROGRESS, "forward", status="assigned", escalation_level=2),
     {(AGENCY_TOPIC, "assigned"), (AGENCY_EMAIL, "assigned")}),
    ("request an extension", IN_PROGRESS, EXTENSION, {(IOC_TOPIC, "extension_requested")}),
    ("approve the extension", replace(EXTENSION, escalation_level=1),
     step(EXTENSION, "approve_extension", extension_request=None, escalation_level=0),
     {(AGENCY_TOPIC, "extension_decided"), (REPORTER_SMS, "extension_decided")}),
    ("deny the extension", EXTENSION, step(EXTENSION, "deny_extension", extension_request=None),
     {(AGENCY_TOPIC, "extension_decided")}),
    ("submit the result", IN_PROGRESS, RESULT, {(IOC_TOPIC, "result_submitted")}),
    ("send the result back", RESULT, step(RESULT, "send_back_result", status="in_progress"),
     {(AGENCY_TOPIC, "result_sent_back")}),
    ("approve (publish)", RESULT, PUBLISHED, {(AGENCY_TOPIC, "published"), (REPORTER_SMS, "published")}),
    ("reject", RECEIVED, step(RECEIVED, "reject", status="rejected", rejection={"reason_code": "spam"}),
     {(REPORTER_SMS, "rejected")}),
    ("feedback", PUBLISHED, step(PUBLISHED, "feedback", feedback={"rating": 4, "comment": "ok"}),
     {(AGENCY_TOPIC, "feedback_received"), (IOC_TOPIC, "feedback_received")}),
    ("reopen", PUBLISHED, step(PUBLISHED, "reopen", status="reopened", round=2),
     {(IOC_TOPIC, "reopened"), (AGENCY_TOPIC, "reopened"), (REPORTER_SMS, "reopened")}),
    ("merge", ASSIGNED, step(ASSIGNED, "merge", status="merged", extra={"merge": {"into": "DLK-AAAA-BBBB"}}),
     {(REPORTER_SMS, "merged")}),
    ("close", PUBLISHED, step(PUBLISHED, "close", status="closed"), set()),
    ("SLA warning", IN_PROGRESS, step(IN_PROGRESS, "sla_warning", escalation_level=1),
     {(AGENCY_TOPIC, "sla_warning")}),
    ("SLA overdue", replace(IN_PROGRESS, escalation_level=1), step(IN_PROGRESS, "sla_overdue", escalation_level=2),
     {(AGENCY_TOPIC, "sla_overdue"), (IOC_TOPIC, "sla_overdue"), (AGENCY_EMAIL, "sla_overdue")}),
    ("SLA escalation", replace(IN_PROGRESS, escalation_level=2),
     step(IN_PROGRESS, "sla_escalation", escalation_level=3),
     {(AGENCY_TOPIC, "sla_escalation"), (IOC_TOPIC, "sla_escalation"), (AGENCY_EMAIL, "sla_escalation"),
      (AGENCY_LEADS_EMAIL, "sla_escalation"), (LEADERSHIP_EMAIL, "sla_escalation")}),
    ("SLA jump straight to level 3 (the sweep was down)", IN_PROGRESS,
     step(IN_PROGRESS, "sla_escalation", escalation_level=3),
     {(AGENCY_TOPIC, "sla_escalation"), (IOC_TOPIC, "sla_escalation"), (AGENCY_EMAIL, "sla_escalation"),
      (AGENCY_LEADS_EMAIL, "sla_escalation"), (LEADERSHIP_EMAIL, "sla_escalation")}),
    ("a sweep that only moves the next check", replace(IN_PROGRESS, escalation_level=1),
     replace(IN_PROGRESS, escalation_level=1, sla_next_at=DUE, version=9), set()),
    ("a write that is no transition", ASSIGNED, replace(ASSIGNED, description="sửa", extra={"x": 1}), set()),
    ("an unknown action that publishes", RESULT, step(RESULT, "publish_v2", status="published"),
     {(AGENCY_TOPIC, "published"), (REPORTER_SMS, "published")}),
    ("an import of a report already published", None, PUBLISHED, set()),
]


@pytest.mark.parametrize(("old", "new", "expected"), [t[1:] for t in TRANSITIONS], ids=[t[0] for t in TRANSITIONS])
def test_each_transition_reaches_exactly_its_audiences(old, new, expected):
    notices = notices_for(old, new, PROFILE, TEMPLATES)
    assert {(n.audience, n.event) for n in notices} == expected
    assert len(notices) == len(expected)  # at most one notice per audience


def test_every_event_is_reached_by_some_transition():
    reached = {event for _, old, new, _ in TRANSITIONS if (event := event_of(old, new))}
    assert reached == set(EVENTS)


def test_each_notice_is_addressed_to_the_right_people():
    by_audience = {n.audience: n for n in notices_for(replace(IN_PROGRESS, escalation_level=2),
                                                      step(IN_PROGRESS, "sla_escalation", escalation_level=3),
                                                      PROFILE, TEMPLATES)}
    assert by_audience[AGENCY_EMAIL].to == ("soyte@daklak.example.gov.vn",)
    assert by_audience[LEADERSHIP_EMAIL].to == ("lanhdao@daklak.example.gov.vn",)
    assert by_audience[AGENCY_TOPIC].to == () and by_audience[IOC_TOPIC].to == ()
    [sms] = [n for n in notices_for(None, RECEIVED, PROFILE, TEMPLATES) if n.audience == REPORTER_SMS]
    assert sms.to == ("+84912345678",)


def test_topic_notices_carry_the_attributes_subscriptions_filter_on():
    [notice] = [n for n in notices_for(None, report(urgent=True, agency_id=WARD_AGENCY, category="trat-tu-do-thi"),
                                       PROFILE, TEMPLATES) if n.audience == AGENCY_TOPIC]
    assert notice.attributes() == {"agency_id": WARD_AGENCY, "event": "urgent_report",
                                   "category": "trat-tu-do-thi", "urgent": "true"}


def test_staff_text_is_vietnamese_first_then_english_with_the_console_link_and_local_due_time():
    [notice] = [n for n in notices_for(RECEIVED, ASSIGNED, PROFILE, TEMPLATES) if n.audience == AGENCY_TOPIC]
    assert notice.subject == ("Phản ánh DLK-7KQ3-M9XD được giao cho Sở Y tế tỉnh Đắk Lắk / "
                              "Report DLK-7KQ3-M9XD assigned to Dak Lak Province Department of Health")
    vi, en = notice.text.split("\n\n---\n\n")
    assert "Hạn xử lý: 17:00 11/03/2026 (UTC+07:00)" in vi and "Due: 17:00 11/03/2026 (UTC+07:00)" in en
    assert PROFILE.ward(WARD).name in vi and PROFILE.ward(WARD).name in en
    link = "https://phananh.daklak.example.gov.vn/dieu-hanh#DLK-7KQ3-M9XD"
    assert link in vi and link in en


def test_a_return_names_the_agency_that_returned_it_and_the_one_it_suggests():
    returned = step(IN_PROGRESS, "return_to_ioc", status="returned", agency_id="ioc",
                    return_request={"suggested_agency_id": "so-xay-dung", "agency_id": FOOD, "reason": "x"})
    [notice] = notices_for(IN_PROGRESS, returned, PROFILE, TEMPLATES)
    assert notice.text.startswith("Sở Y tế tỉnh Đắk Lắk đã trả lại phản ánh DLK-7KQ3-M9XD")
    assert "đề xuất chuyển cho Sở Xây dựng tỉnh Đắk Lắk" in notice.text


def test_an_unknown_suggested_agency_is_not_echoed():
    returned = step(IN_PROGRESS, "return_to_ioc", status="returned",
                    return_request={"suggested_agency_id": "gọi 0912345678", "agency_id": FOOD})
    [notice] = notices_for(IN_PROGRESS, returned, PROFILE, TEMPLATES)
    assert "0912345678" not in notice.text and "(chưa đề xuất)" in notice.text


def test_extension_decisions_say_which():
    approved = notices_for(EXTENSION, step(EXTENSION, "approve_extension"), PROFILE, TEMPLATES)[0]
    denied = notices_for(EXTENSION, step(EXTENSION, "deny_extension"), PROFILE, TEMPLATES)[0]
    assert "được chấp thuận" in approved.subject and "approved" in approved.subject
    assert "không được chấp thuận" in denied.subject and "denied" in denied.subject


LONGEST_ID = "WWWW-WWWW-WWWW"  # the longest id a profile can make: a 4-letter prefix (id_prefix: [A-Z]{2,4})


def longest_values(profile, event: str) -> dict[str, str]:
    """The safe values with the longest id, the longest link and every number at its longest."""
    values = safe_values(None, report(id=LONGEST_ID, round=99), event, profile)
    assert len(values["due_date"]) == 10  # dd/mm/yyyy, always
    return values


@pytest.mark.parametrize("slug", ["daklak", "hue", "danang"])
@pytest.mark.parametrize("event", sorted(TEMPLATES.sms))
def test_every_reporter_sms_fits_one_gsm7_segment_with_the_code_and_tracking_link(slug, event):
    """Every SMS template (fails before: the link went to /reports/{id}, a page the portal does not have)."""
    profile = load_profile(slug)
    text = TEMPLATES.sms[event].format_map(longest_values(profile, event))
    assert len(text) <= SMS_MAX_CHARS and text.isascii()
    assert LONGEST_ID in text
    assert f"{profile.public_base_url}/theo-doi/{LONGEST_ID}" in text


def test_the_tracking_link_has_one_home():
    assert TRACKING_PATH == "/theo-doi/{id}"
    assert tracking_link(PROFILE, "DLK-7KQ3-M9XD") == "https://phananh.daklak.example.gov.vn/theo-doi/DLK-7KQ3-M9XD"


SMS_TRANSITIONS = [t for t in TRANSITIONS if any(a == REPORTER_SMS for a, _ in t[3])]


@pytest.mark.parametrize(("old", "new"), [t[1:3] for t in SMS_TRANSITIONS], ids=[t[0] for t in SMS_TRANSITIONS])
def test_each_sms_event_carries_the_code_and_the_tracking_link(old, new):
    [sms] = [n for n in notices_for(old, new, PROFILE, TEMPLATES) if n.audience == REPORTER_SMS]
    assert new.id in sms.text
    assert f"https://phananh.daklak.example.gov.vn/theo-doi/{new.id}" in sms.text


def test_sms_go_out_on_reopen_and_on_an_approved_extension_with_the_new_due_date():
    """Fails before: neither a reopen nor an approved extension reached the reporter."""
    new_due = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
    approved = step(EXTENSION, "approve_extension", extension_request=None, due_at=new_due)
    reopened = step(PUBLISHED, "reopen", status="reopened", round=2, due_at=new_due)
    for old, new in ((EXTENSION, approved), (PUBLISHED, reopened)):
        [sms] = [n for n in notices_for(old, new, PROFILE, TEMPLATES) if n.audience == REPORTER_SMS]
        assert "16/03/2026" in sms.text and sms.to == ("+84912345678",)
    denied = step(EXTENSION, "deny_extension", extension_request=None)
    assert REPORTER_SMS not in {n.audience for n in notices_for(EXTENSION, denied, PROFILE, TEMPLATES)}


LANDLINE = "+842343822123"  # 0234 3822 123, a Huế landline


@pytest.mark.parametrize(("old", "new"), [t[1:3] for t in SMS_TRANSITIONS], ids=[t[0] for t in SMS_TRANSITIONS])
def test_a_landline_gets_no_sms(old, new):
    """Fails before: SMS went to +842343822123 (a landline) like to any phone."""
    who = Reporter("Nguyễn Văn An", LANDLINE)
    notices = notices_for(old and replace(old, reporter=who), replace(new, reporter=who), PROFILE, TEMPLATES)
    assert REPORTER_SMS not in {n.audience for n in notices}
    assert REPORTER_SMS in {n.audience for n in notices_for(old, new, PROFILE, TEMPLATES)}  # a mobile does


@pytest.mark.parametrize(("phone", "reachable"), [
    ("+84912345678", True), ("+84987654321", True), ("+84356789012", True), ("+84812345678", True),
    (LANDLINE, False), ("+842838221234", False), ("+842433822123", False), ("", False), ("not a phone", False),
])
def test_only_mobile_numbers_are_sms_reachable(phone, reachable):
    assert sms_reachable(phone) is reachable


def test_the_safe_values_are_exactly_the_safe_fields():
    assert set(safe_values(None, RECEIVED, "new_report", PROFILE)) == SAFE_FIELDS


def test_the_shipped_templates_cover_every_routed_event_and_use_safe_fields_only():
    assert TEMPLATES_FILE.parent.name == "notices" and TEMPLATES_FILE.parent.parent.name == "chalicelib"
    for event, audiences in ROUTES.items():
        if REPORTER_SMS in audiences:
            assert event in TEMPLATES.sms
    for t in TEMPLATES.staff.values():
        for text in (t.subject_vi, t.subject_en, t.body_vi, t.body_en):
            assert {f for _, f, _, _ in string.Formatter().parse(text) if f} <= SAFE_FIELDS


@pytest.mark.parametrize(("mutate", "complaint"), [
    (lambda d: d["staff"]["assigned"]["body"].update(vi="{reporter_name}"), "not a safe field"),
    (lambda d: d["staff"]["assigned"]["body"].update(vi="{id.__class__}"), "not a safe field"),
    (lambda d: d["staff"]["assigned"]["body"].update(vi="{id!r}"), "not a safe field"),
    (lambda d: d["staff"].pop("returned"), "staff.returned is missing"),
    (lambda d: d["sms"].pop("published"), "sms.published is missing"),
    (lambda d: d["sms"].update(published="Phản ánh {id}"), "GSM-7"),
    (lambda d: d["sms"].update(published="Phan anh {id}: {link}"), "must carry {tracking_link}"),
    (lambda d: d["sms"].update(published="Result: {tracking_link}"), "must carry {id}"),
    (lambda d: d["staff"].update(assigend=d["staff"]["assigned"]), "unknown event"),
])
def test_a_bad_template_fails_at_load_naming_itself(mutate, complaint):
    import json

    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(ValueError, match=complaint):
        Templates.from_data(data)


def test_sns_subjects_are_ascii_one_line_and_short():
    assert ascii_subject("Phản ánh DLK-7KQ3 được giao cho Sở Y tế tỉnh Đắk Lắk") == \
        "Phan anh DLK-7KQ3 duoc giao cho So Y te tinh Dak Lak"
    long = ascii_subject("Đ" * 300 + "\n x")
    assert long.isascii() and len(long) < 100 and "\n" not in long


# -- privacy ------------------------------------------------------------------------------------
VI_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ", min_size=3, max_size=7)
NAMES = st.lists(VI_WORD.map(str.capitalize), min_size=3, max_size=4).map(" ".join)
PHONES = st.from_regex(r"\+84(3|5|7|8|9)[0-9]{8}", fullmatch=True)
FREE_TEXT = st.text(min_size=0, max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, phone=PHONES, noise=FREE_TEXT, urgent=st.booleans())
def test_no_notice_but_the_reporters_own_sms_carries_the_reporters_name_or_phone(name, phone, noise, urgent):
    national = "0" + phone[3:]
    pii = f"{noise} {name} {national} {phone} {noise}"
    who = Reporter(name=name, phone=phone)
    free = {  # every free-text field a citizen or an officer can fill, carrying the reporter's data
        "description": pii, "address": pii, "urgent": urgent,
        "result": {"text": pii}, "rejection": {"reason_code": "spam", "public_reason": pii},
        "return_request": {"reason": pii, "suggested_agency_id": pii, "agency_id": pii},
        "extension_request": {"working_days": pii, "reason": pii}, "feedback": {"rating": pii, "comment": pii},
        "extra": {"reopen_reason": pii},
    }
    for _, old, new, _ in TRANSITIONS:
        before = replace(old, reporter=who, **free) if old else None
        for notice in notices_for(before, replace(new, reporter=who, **free), PROFILE, TEMPLATES):
            shown = " ".join([notice.subject, notice.text, *notice.attributes().values()])
            if notice.audience == REPORTER_SMS:
                assert notice.to == (phone,) and name not in shown
                continue
            assert phone not in notice.to
            for secret in (name, phone, national, phone[3:]):
                assert secret not in shown, (notice.audience, notice.event)
            assert re.search(r"\d{9}", shown) is None  # no phone-length run of digits at all


def test_a_merged_reporters_sms_links_the_surviving_report():
    merged = step(ASSIGNED, "merge", status="merged", extra={"merge": {"into": "DLK-AAAA-BBBB"}})
    [sms] = notices_for(ASSIGNED, merged, PROFILE, TEMPLATES)
    assert sms.to == ("+84912345678",) and "DLK-7KQ3-M9XD" in sms.text
    assert tracking_link(PROFILE, "DLK-AAAA-BBBB") in sms.text and len(sms.text) <= SMS_MAX_CHARS
    assert tracking_link(PROFILE, "DLK-7KQ3-M9XD") in sms.text


def test_supporters_hear_of_a_published_result_each_alone_and_only_then():
    from chalicelib.rules.notices import SUPPORTER_SMS, supporter_notices, wants_supporters

    result = replace(step(IN_PROGRESS, "submit_result", status="result_submitted"), support_count=2)
    published = step(result, "approve_result", status="published", published_at=NOW)
    fans = [("k" * 64, "+84905111222"), ("j" * 64, "+84905333444"), ("h" * 64, "+842343822123")]
    assert wants_supporters(result, published) and not wants_supporters(IN_PROGRESS, result)
    assert not wants_supporters(result, replace(published, support_count=0))
    notices = supporter_notices(result, published, PROFILE, TEMPLATES, fans)
    reporter_sms = next(n for n in notices_for(result, published, PROFILE, TEMPLATES) if n.audience == REPORTER_SMS)
    assert sorted(n.to for n in notices) == [("+84905111222",), ("+84905333444",)]  # the landline gets none
    assert all(n.audience == SUPPORTER_SMS and n.text == reporter_sms.text for n in notices)
    assert len({n.key for n in notices} | {reporter_sms.key}) == 3  # one ledger key each
    assert all("+8490" not in n.key and "+8490" not in n.text for n in notices)
    assert supporter_notices(IN_PROGRESS, result, PROFILE, TEMPLATES, fans) == []


def test_the_supporters_of_a_merged_report_hear_where_the_case_goes_on():
    from chalicelib.rules.notices import supporter_notices, wants_supporters

    before = replace(IN_PROGRESS, support_count=1)
    merged = replace(step(before, "merge", status="merged"), extra={"merge": {"into": "DLK-SURV-IVOR"}})
    fans = [("k" * 64, "+84905111222")]
    assert wants_supporters(before, merged)
    [notice] = supporter_notices(before, merged, PROFILE, TEMPLATES, fans)
    assert notice.to == ("+84905111222",) and "DLK-SURV-IVOR" in notice.text and "+8490" not in notice.text
