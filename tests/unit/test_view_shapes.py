"""Every view function's output against its declared shape (views/shapes.py) as the OpenAPI document states it,
so the document cannot drift from what the service sends."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator

import chalicelib.views
from chalicelib.handlers.openapi_doc import build
from chalicelib.ports import PresignedPost
from chalicelib.provinces import load_profile
from chalicelib.rules.actors import CITIZEN_ACTOR
from chalicelib.rules.media import UploadPlan
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.retention import ERASURE_NOTE, anonymise
from chalicelib.rules.stats import TTR_BUCKETS, Figures, ranking
from chalicelib.views import (
    catalogue,
    citizen,
    common,
    directory,
    media,
    open311,
    public,
    retention,
    runs,
    staff,
    stats,
    wards,
)
from chalicelib.views.shapes import VIEW_SHAPES, StaffHistoryRow

PROFILE = load_profile("daklak")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
RECEIVED = Report(
    id="DLK-7KQ3-M9XD", province_code=66, status="received", channel="app", category="ha-tang-do-thi",
    description="Ổ gà lớn trên đường Lê Duẩn, gọi 0912 345 678", lat=12.68, lng=108.04, address="12 Lê Duẩn",
    ward_code="24133", agency_id="ubnd-24133", reporter=Reporter("Nguyễn Văn An", "+84912345678"),
    received_at=NOW, due_at=DUE, original_due_at=DUE, updated_at=NOW, last_action="submit",
    last_actor_role="citizen", version=1,
)
PUBLISHED = replace(
    RECEIVED, status="published", version=7, assigned_at=NOW, published_at=NOW + timedelta(days=3),
    result={"text": "Đã vá ổ gà, liên hệ 0912 345 678", "media_ids": ["m2"],
            "submitted_at": "2026-03-04T10:00:00+07:00", "submitted_by": "ward1.officer",
            "enforcement": [{"type": "fine", "amount_vnd": 1_000_000, "note": "x"}, {"type": "reminder"}]},
    feedback={"rating": 4, "comment": "Tốt", "at": "2026-03-06T10:00:00+07:00", "round": 1},
    extensions=[{"working_days": 2, "reason": "mưa"}], extra={"rounds": [{"round": 1, "rating": 2}]},
)
VARIANTS = [
    RECEIVED,
    replace(RECEIVED, extra={"channel_client": "FixMyStreet Đắk Lắk",
                                      "client_media_urls": ["https://fms.example/1.jpg"]}),  # filed on an Open311 key
    replace(RECEIVED, urgent=True, ward_code=None, address=None, agency_id="unknown-agency", category="gone"),
    replace(RECEIVED, reporter=Reporter("Nguyễn Văn An", "+842343822123")),  # a landline: the receipt's sms_notice
    replace(RECEIVED, status="rejected", rejection={"reason_code": "duplicate", "public_reason": "Trùng phản ánh",
                                                    "duplicate_of": "DLK-AAAA-BBBB"}),
    replace(RECEIVED, status="in_progress", extension_request={"working_days": 3, "reason": "chờ vật tư"},
            return_request={"reason": "sai địa bàn", "suggested_agency_id": "ubnd-22015"}, escalation_level=2),
    PUBLISHED,
    replace(PUBLISHED, status="closed", closed_at=NOW + timedelta(days=40), round=2, version=None),
    # reopened after publication: the public keeps round 1's result; the reporter said when it happened
    replace(RECEIVED, status="in_progress", round=2, occurred_at=NOW - timedelta(days=1), agency_id="ubnd-22015",
            extra={"round_started_at": "2026-03-07T09:00:00+07:00", "reopen_reason": "Vẫn còn",
                   "rounds": [{"round": 1, "agency_id": "ubnd-24133", "started_at": "2026-03-02T09:00:00+07:00",
                               "due_at": "2026-03-11T17:00:00+07:00", "original_due_at": "2026-03-11T17:00:00+07:00",
                               "result": PUBLISHED.result, "published_at": "2026-03-05T09:00:00+07:00",
                               "feedback": PUBLISHED.feedback, "extensions": []}]}),
    # merged into another report by the IOC, after two "me too" supports
    replace(RECEIVED, status="merged", support_count=2,
            extra={"merge": {"into": "DLK-AAAA-BBBB", "public_reason": "Trùng, đã gộp", "public_reason_en": "Merged",
                             "at": "2026-03-03T09:00:00+07:00", "by": "ioc"}}),
]
HISTORY = [
    AuditEntry(RECEIVED.id, NOW, "citizen", "citizen", "submit", None, "received"),
    AuditEntry(RECEIVED.id, NOW, "ioc.operator", "ioc_operator", "assign", "received", "assigned", note="gấp"),
]
POST = PresignedPost(url="http://s3/bucket", fields={"key": "raw/x/y", "policy": "p"}, expires_in=900)
PHOTO = {"name": "w320", "width": 320, "height": 240, "content_type": "image/webp", "key": "thumbs/a"}
MEDIA = [
    {"report_id": RECEIVED.id, "media_id": "m1", "kind": "photo", "purpose": "report", "status": "pending",
     "declared_type": "image/jpeg", "key": "raw/a/m1", "created_at": NOW, "updated_at": NOW},
    {"report_id": RECEIVED.id, "media_id": "m2", "kind": "photo", "purpose": "evidence", "status": "ready",
     "declared_type": "image/jpeg", "detected_type": "image/jpeg", "size": 1234, "width": 4000, "height": 3000,
     "created_at": NOW, "updated_at": NOW, "renditions": [PHOTO], "exif": {"gps": [12.6, 108.0]}},
    {"report_id": RECEIVED.id, "media_id": "m3", "kind": "video", "purpose": "report", "status": "rejected",
     "declared_type": "video/mp4", "created_at": NOW, "updated_at": NOW, "reason": "not_a_video"},
    {"report_id": RECEIVED.id, "media_id": "m4", "kind": "photo", "purpose": "report", "status": "ready",
     "declared_type": "image/jpeg", "detected_type": "image/jpeg", "size": 1234, "width": 4000, "height": 3000,
     "created_at": NOW, "updated_at": NOW, "renditions": [PHOTO], "exif": {}, "original_removed_at": NOW},
]
FIGURES = [Figures(agency_id="ubnd-24133", received=5, resolved_on_time=3, resolved_late=1, open_overdue=1,
                   rating_sum=9, rating_count=2, histogram=(1, 2, 1) + (0,) * (TTR_BUCKETS - 3)),
           Figures(agency_id="no-such-agency", received=1)]


def outputs():
    """(view name, its output) for every view function, over the variants a response can take."""
    yield "catalogue.health", catalogue.health(PROFILE)
    yield "catalogue.categories", catalogue.categories(PROFILE)
    rendition = media.rendition(PHOTO, "http://s3/thumb")
    yield "media.rendition", rendition
    yield "media.upload_offer", media.upload_offer("m9", UploadPlan("photo", "image/jpeg", 15_000_000), "report", POST)
    yield "media.upload_offer", media.upload_offer("m9", UploadPlan("video", "video/mp4", 10**8), "evidence", POST)
    staff_media = []
    for m in MEDIA:
        yield "media.reporter_item", media.reporter_item(m)
        item = media.staff_item(m, "http://s3/original", [rendition])
        staff_media.append(item)
        yield "media.staff_item", item
    photo = media.public_photo(MEDIA[1], [rendition])
    yield "media.public_photo", photo
    for r in VARIANTS:
        yield "common.place", common.place(PROFILE, r)
        yield "common.agency", common.agency(PROFILE, r.agency_id)
        yield "common.category", common.category(PROFILE, r.category)
        if (result := common.public_result(r)) is not None:
            yield "common.public_result", result
        if (rejection := common.public_rejection(r)) is not None:
            yield "common.public_rejection", rejection
        if (merge := common.public_merge(r)) is not None:
            yield "common.public_merge", merge
        yield "public.nearby_item", public.nearby_item(PROFILE, r, 31.6)
        yield "public.support_taken", public.support_taken(r, 3, True)
        saved = citizen.receipt(PROFILE, r, [public.nearby_item(PROFILE, r, 12.0)])
        yield "citizen.receipt", saved
        yield "citizen.with_token", citizen.with_token(saved, "token-token-token")
        yield "citizen.reporter_view", citizen.reporter_view(PROFILE, r, HISTORY)
        yield "citizen.tracked", citizen.tracked(PROFILE, r, HISTORY, [media.reporter_item(m) for m in MEDIA])
        yield "citizen.citizen_action", citizen.citizen_action(r, NOW + timedelta(days=30))
        yield "citizen.citizen_action", citizen.citizen_action(r, None)
        gone, _ = anonymise(r, CITIZEN_ACTOR, NOW, ERASURE_NOTE)
        yield "retention.my_data", retention.my_data(r, None, 24)
        yield "retention.my_data", retention.my_data(r, NOW, 24)
        yield "retention.my_data", retention.my_data(gone, None, 24)
        yield "retention.erased", retention.erased(r, gone, True, "DLK-AAAA-BBBB", 3)
        yield "retention.erased", retention.erased(gone, gone, False, None)
        yield "staff.staff_view", staff.staff_view(PROFILE, gone, HISTORY)
        for with_reporter in (True, False):
            yield "staff.staff_view", staff.staff_view(PROFILE, r, HISTORY, with_reporter=with_reporter)
            yield "staff.case_file", staff.case_file(PROFILE, r, HISTORY, with_reporter=with_reporter,
                                                     allowed_actions=["assign", "reject"],
                                                     allowed_corrections=["relocate"], media=staff_media)
            yield "staff.action_taken", staff.action_taken(PROFILE, r, HISTORY[1], with_reporter=with_reporter,
                                                           allowed_actions=[])
        yield "staff.transition", staff.transition(HISTORY[0], r.version)
        yield "staff.queue_row", staff.queue_row(r, NOW + timedelta(days=20))
        yield "public.public_view", public.public_view(PROFILE, r)
        yield "public.public_item", public.public_item(PROFILE, r)
        yield "public.public_report", public.public_report(PROFILE, r, [photo], HISTORY)
    yield "staff.agency_list", staff.agency_list(PROFILE)
    for entry in HISTORY:
        yield "common.history_entry", common.history_entry(entry, with_actor=False)
    items = [public.public_item(PROFILE, r) for r in VARIANTS]
    yield "common.page", common.page(items, "next")
    yield "common.page", common.page([], None)
    yield "public.as_geojson", public.as_geojson(common.page(items, "next"))
    yield "public.as_geojson", public.as_geojson(common.page([], None))
    yield "public.nearby_list", public.nearby_list(PROFILE, [(r, 10.0 * n) for n, r in enumerate(VARIANTS)])
    yield "public.nearby_list", public.nearby_list(PROFILE, [])
    for f in FIGURES:
        yield "stats.figures", stats.figures(f)
    yield "stats.month", stats.month(PROFILE, "2026-03", FIGURES, ranking(FIGURES, 1), 5)
    yield "stats.month", stats.month(PROFILE, "2026-03", [], [], 5)
    yield "stats.month_ranking", stats.month_ranking(PROFILE, "2026-03", ranking(FIGURES, 1), 5)
    yield "stats.month_ranking", stats.month_ranking(PROFILE, "2026-03", [], 5)
    yield "runs.sweep_run", runs.sweep_run(10, {1: 2, 3: 1}, 0, 40, 3)
    yield "runs.digest_run", runs.digest_run(True, 3, 1)
    yield "runs.close_run", runs.close_run(2)
    yield "runs.retention_run", runs.retention_run(3, 2, 1, 4, True, {"read": 2, "removed": 1, "versions": 3, "lost": 0,
                                                                          "moved": 1, "stopped_early": False})
    yield "open311.discovery", open311.discovery(PROFILE, "https://api.example/open311/v2")
    for c in PROFILE.categories:
        yield "open311.service", open311.service(PROFILE, c)
        yield "open311.service_definition", open311.service_definition(c)
    for r in VARIANTS:
        yield "open311.posted", open311.posted(PROFILE, citizen.receipt(PROFILE, r), "token", None)
        yield "open311.posted", open311.posted(PROFILE, as_sent(citizen.receipt(PROFILE, r)), "token", "account-1")
        yield "open311.service_request", open311.service_request(PROFILE, r)
        yield "open311.service_request", open311.service_request(PROFILE, r, "https://s3/thumb.webp")
    yield "open311.token_item", open311.token_item(RECEIVED.id, "token")
    from chalicelib.rules.errors import InvalidInput, NotFound

    yield "open311.error_item", open311.error_item(InvalidInput("missing_field", "phone"))
    yield "open311.error_item", open311.error_item(NotFound("open311_token_not_found"))
    yield "open311.key_issued", open311.key_issued("0123456789abcdef", "demo", "o311_x", NOW)
    for revoked in (None, NOW):
        yield "open311.key_entry", open311.key_entry("0123456789abcdef", "demo", NOW, "admin", revoked, ["DLK-1"])
    from chalicelib.rules.wards import locate, wards_list

    yield "wards.ward_found", wards.ward_found(locate(12.68, 108.04, PROFILE.province_code))
    yield "wards.ward_found", wards.ward_found(locate(12.6797, 108.0447, PROFILE.province_code))
    yield "wards.ward_list", wards.ward_list(PROFILE.province_code, PROFILE.name_vi, wards_list(PROFILE.province_code))
    yield from directory_outputs()


def directory_outputs():
    from chalicelib.rules.directory import DirectoryAudit, StaffEntry

    officer = StaffEntry("ward1.officer", "an@bmt.example.vn", "Nguyễn Văn An", "agency_officer", "ubnd-24133",
                         status="CONFIRMED", updated_at=NOW)
    bare = StaffEntry("made.by.hand", None, None, None, None, enabled=False)
    for entry in (officer, bare):
        yield "directory.staff_entry", directory.staff_entry(entry)
    yield "directory.directory_page", directory.directory_page([officer, bare], "next")
    yield "directory.directory_page", directory.directory_page([], None)
    yield "directory.directory_change", directory.directory_change("invite", officer)
    yield "directory.directory_change", directory.directory_change("disable", bare, created=False,
                                                                   tokens_refused_before=NOW)
    rows = [DirectoryAudit(NOW, "province.admin", "invite", "ward1.officer", "agency_officer", "ubnd-24133", True),
            DirectoryAudit(NOW, "command-line", "reconcile", "made.by.hand", note="index repaired")]
    for row in rows:
        yield "directory.audit_row", directory.audit_row(row)
    yield "directory.audit_month", directory.audit_month("2026-03", rows)
    yield "directory.reconciled", directory.reconciled(("ward1.officer",), ("gone",), 4)
    from chalicelib.views import zalo

    yield "zalo.ack", zalo.ack(queued=True)
    yield "zalo.ack", zalo.ack(queued=False)


@pytest.fixture(scope="module")
def components():
    from app import app

    return build(app.routes)["components"]


def validator(components, model_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/components/schemas/{model_name}", "components": components})


def as_sent(body):
    """The body as json_response writes it (datetimes as their str)."""
    return json.loads(json.dumps(body, ensure_ascii=False, default=str))


@pytest.mark.parametrize(("view", "body"), list(outputs()), ids=lambda v: v if isinstance(v, str) else "")
def test_each_view_output_validates_against_its_documented_shape(components, view, body):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator(components, VIEW_SHAPES[view].__name__).iter_errors(as_sent(body))]
    assert errors == [], f"{view} sends what the document does not say"


def test_staff_history_rows_carry_the_actor_and_public_ones_refuse_it(components):
    staff_row = as_sent(common.history_entry(HISTORY[1], with_actor=True))
    assert validator(components, StaffHistoryRow.__name__).is_valid(staff_row)
    assert not validator(components, VIEW_SHAPES["common.history_entry"].__name__).is_valid(staff_row)


def test_every_view_function_has_a_declared_shape_and_is_exercised():
    functions = set()
    for module_info in pkgutil.iter_modules(chalicelib.views.__path__):
        if module_info.name == "shapes":
            continue
        module = importlib.import_module(f"chalicelib.views.{module_info.name}")
        functions |= {f"{module_info.name}.{name}" for name, f in inspect.getmembers(module, inspect.isfunction)
                      if f.__module__ == module.__name__ and not name.startswith("_")}
    assert functions == set(VIEW_SHAPES)
    assert {view for view, _ in outputs()} == set(VIEW_SHAPES)


def test_a_shape_refuses_a_key_it_does_not_declare(components):
    body = as_sent(public.public_view(PROFILE, RECEIVED))
    assert validator(components, "PublicView").is_valid(body)
    assert not validator(components, "PublicView").is_valid({**body, "reporter": {"name": "Nguyễn Văn An"}})


def _raw_moments(value, path="") -> list[str]:
    """Where a view left a datetime (or date) for json_response's str() to write, and so not ISO 8601 in
    Vietnam's time as the API's moments are (rules/calendar.iso_local)."""
    if isinstance(value, date):  # datetime is a date too
        return [path or "/"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _raw_moments(v, f"{path}/{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in _raw_moments(v, f"{path}/{i}")]
    return []


def test_no_view_leaves_a_moment_for_the_json_writer_to_format():
    found = {view: paths for view, body in outputs() if (paths := _raw_moments(body))}
    assert found == {}
