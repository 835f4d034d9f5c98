"""The case workflow over HTTP: a whole lifecycle, the error bodies, the version check, references."""

from __future__ import annotations

import json

import boto3
import pytest
from staff_helpers import AGENCY, JSON, OTHER_AGENCY, RESULT, act, body_of, must, submit, to_state

pytest_plugins = ["staff_fixtures"]

PII = ("Nguyễn Văn An", "+84905123456", "0905 123 456", "0905123456")


def history(client, staff, report_id):
    response = client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc"))
    return body_of(response)["history"]


def citizen(client, report_id, token, what, body):
    response = client.http.post(f"/reports/{report_id}/{what}", headers={**JSON, "X-Tracking-Token": token},
                                body=json.dumps(body))
    return response.status_code, body_of(response)


def test_a_whole_lifecycle_runs_over_http_and_every_step_is_in_the_audit_trail(client, staff):
    report_id, token = submit(client)
    must(client, staff, "ioc", report_id, "assign", agency_id=OTHER_AGENCY, note="Chuyển UBND phường")
    must(client, staff, "other.officer", report_id, "return_to_ioc", reason="Không thuộc địa bàn phường",
         suggested_agency_id=AGENCY)
    forwarded = must(client, staff, "ioc", report_id, "forward")
    assert forwarded["agency"]["id"] == AGENCY and forwarded["status"] == "assigned"
    must(client, staff, "officer", report_id, "accept")
    must(client, staff, "officer", report_id, "submit_result", text="Đã kiểm tra hiện trường")
    sent_back = must(client, staff, "ioc", report_id, "send_back_result", reason="Cần ảnh sau khắc phục")
    assert sent_back["status"] == "in_progress" and sent_back["result"]["sent_back"]["reason"]
    must(client, staff, "lead", report_id, "submit_result", **RESULT)
    published = must(client, staff, "ioc", report_id, "approve_result")
    assert published["status"] == "published" and published["published_at"]

    status, rated = citizen(client, report_id, token, "feedback", {"rating": 2, "comment": "Chưa triệt để"})
    assert status == 201 and rated["feedback"]["rating"] == 2 and rated["reopen_until"]
    status, again = citizen(client, report_id, token, "feedback", {"rating": 5})
    assert status == 409 and again["code"] == "feedback_already_given"
    status, reopened = citizen(client, report_id, token, "reopen", {"reason": "Ổ gà xuất hiện lại sau trận mưa"})
    assert status == 200 and reopened["status"] == "reopened" and reopened["round_label"] == "lần 2"

    must(client, staff, "ioc", report_id, "assign", agency_id=AGENCY)
    must(client, staff, "officer", report_id, "accept")
    must(client, staff, "officer", report_id, "submit_result", text="Đã thảm lại toàn bộ đoạn đường")
    final = must(client, staff, "ioc", report_id, "approve_result")
    assert final["round"] == 2 and final["previous_rounds"][0]["feedback"]["rating"] == 2

    trail = history(client, staff, report_id)
    steps = [(h["action"], h["from"], h["to"], h["round"]) for h in trail]
    assert steps == [
        ("submit", None, "received", 1), ("assign", "received", "assigned", 1),
        ("return_to_ioc", "assigned", "returned", 1), ("forward", "returned", "assigned", 1),
        ("accept", "assigned", "in_progress", 1), ("submit_result", "in_progress", "result_submitted", 1),
        ("send_back_result", "result_submitted", "in_progress", 1),
        ("submit_result", "in_progress", "result_submitted", 1), ("approve_result", "result_submitted", "published", 1),
        ("feedback", "published", "published", 1), ("reopen", "published", "reopened", 2),
        ("assign", "reopened", "assigned", 2), ("accept", "assigned", "in_progress", 2),
        ("submit_result", "in_progress", "result_submitted", 2), ("approve_result", "result_submitted", "published", 2),
    ]
    assert [h["role"] for h in trail][:5] == ["citizen", "ioc_operator", "agency_officer", "ioc_operator",
                                               "agency_officer"]
    assert trail[7]["actor"] == "lead" and trail[7]["role"] == "agency_lead"

    tracked = body_of(client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token}))
    assert {h["round"] for h in tracked["history"]} == {1, 2} and tracked["status"] == "published"

    public = client.http.get(f"/public/reports/{report_id}")
    assert public.status_code == 200
    text = public.body.decode()
    assert not any(p in text for p in PII)
    view = body_of(public)
    assert view["round_label"] == "lần 2" and view["result"]["text"] == "Đã thảm lại toàn bộ đoạn đường"


def test_a_missing_field_is_a_400_with_the_intake_error_body(client, staff):
    report_id, _ = submit(client)
    status, body = act(client, staff, "ioc", report_id, "assign")
    assert status == 400
    assert body["code"] == "missing_field" and body["field"] == "agency_id"
    assert body["message"] == "Thiếu trường bắt buộc 'Đơn vị xử lý (mã)'." and body["message_en"]  # the form's label


@pytest.mark.parametrize(("payload", "code", "field"), [
    ("not json", "invalid_json", None),
    ("[1, 2]", "body_not_object", None),
    ('{"note": "x"}', "missing_field", "action"),
    ('{"action": "fly"}', "invalid_choice", "action"),
    ('{"action": "close"}', "invalid_choice", "action"),
    ('{"action": "assign", "agency_id": 7}', "wrong_type", "agency_id"),
    ('{"action": "assign", "agency_id": "ubnd-24133", "colour": "red"}', "unknown_field", "colour"),
    ('{"action": "assign", "agency_id": "ubnd-nowhere"}', "unknown_agency", "agency_id"),
    ('{"action": "assign", "agency_id": "ubnd-24133", "version": "2"}', "wrong_type", "version"),
])
def test_malformed_actions_are_400s_naming_the_field(client, staff, payload, code, field):
    report_id, _ = submit(client)
    response = client.http.post(f"/staff/reports/{report_id}/actions", headers=staff.headers("ioc"), body=payload)
    assert response.status_code == 400, response.body
    body = body_of(response)
    assert body["code"] == code and body.get("field") == field and body["message"] and body["message_en"]


def test_an_action_the_state_does_not_allow_is_a_409_naming_the_state_and_the_allowed_actions(client, staff):
    report_id, _ = submit(client)
    status, body = act(client, staff, "ioc", report_id, "approve_result")
    assert status == 409
    assert body["code"] == "action_not_allowed" and body["state"] == "received"
    assert body["allowed_actions"] == ["assign", "reject", "merge"]
    assert "received" in body["message"] and "assign, reject, merge" in body["message_en"]


def test_a_stale_version_is_a_409_and_the_fresh_one_succeeds(client, staff):
    report_id, _ = submit(client)
    first = must(client, staff, "ioc", report_id, "assign", agency_id=AGENCY, version=1)
    assert first["version"] == 2
    status, body = act(client, staff, "ioc", report_id, "assign", agency_id=OTHER_AGENCY, version=1)
    assert status == 409 and body["code"] == "version_conflict" and body["state"] == "assigned"
    assert must(client, staff, "ioc", report_id, "assign", agency_id=OTHER_AGENCY, version=2)["version"] == 3


def test_a_result_may_only_name_this_reports_evidence(client, staff, province):
    report_id, token = submit(client)
    citizen_photo = body_of(client.http.post(f"/reports/{report_id}/media", headers={**JSON, "X-Tracking-Token": token},
                                             body=json.dumps({"content_type": "image/jpeg"})))
    other_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    to_state(client, staff, other_id, "in_progress")
    elsewhere = body_of(client.http.post(f"/staff/reports/{other_id}/media", headers=staff.headers("officer"),
                                         body=json.dumps({"content_type": "image/jpeg"})))
    for media_id in ("no-such-media", citizen_photo["media_id"], elsewhere["media_id"]):
        status, body = act(client, staff, "officer", report_id, "submit_result", text="Đã xử lý xong",
                           media_ids=[media_id])
        assert status == 400 and body["code"] == "unknown_reference" and body["field"] == "media_ids", media_id
        assert body["message"] and media_id in body["message_en"]
    trail = history(client, staff, report_id)
    assert [h["action"] for h in trail][-1] == "accept"  # nothing written by the refused attempts
    item = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"]).get_item(
        Key={"id": report_id})["Item"]
    assert item["status"] == "in_progress" and int(item["version"]) == 3


def test_rejecting_as_a_duplicate_checks_the_other_report_exists(client, staff):
    original, original_token = submit(client)
    copy, copy_token = submit(client)
    status, body = act(client, staff, "ioc", copy, "reject", reason_code="duplicate",
                       public_reason="Trùng với phản ánh đã tiếp nhận", duplicate_of="DLK-ZZZZ-ZZZZ")
    assert status == 400 and body["code"] == "unknown_reference" and body["field"] == "duplicate_of"
    rejected = must(client, staff, "ioc", copy, "reject", reason_code="duplicate",
                    public_reason="Trùng với phản ánh đã tiếp nhận", duplicate_of=original.lower())
    assert rejected["status"] == "rejected" and rejected["rejection"]["duplicate_of"] == original
    public = body_of(client.http.get(f"/public/reports/{copy}"))
    assert public["rejection"] == {"reason_code": "duplicate", "public_reason": "Trùng với phản ánh đã tiếp nhận",
                                   "duplicate_of": original}
    # the reporter learns why on their tracking page, in the same public words
    own = body_of(client.http.get(f"/reports/{copy}", headers={"X-Tracking-Token": copy_token}))
    assert own["status"] == "rejected" and own["rejection"] == public["rejection"]
    kept = body_of(client.http.get(f"/reports/{original}", headers={"X-Tracking-Token": original_token}))
    assert kept["rejection"] is None


def test_an_extension_moves_the_due_date_and_the_sla_index_key(client, staff, province):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    table = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"])
    before = table.get_item(Key={"id": report_id})["Item"]
    must(client, staff, "officer", report_id, "request_extension", working_days=5, reason="Chờ phê duyệt kinh phí")
    granted = must(client, staff, "ioc", report_id, "approve_extension")
    after = table.get_item(Key={"id": report_id})["Item"]
    assert granted["due_at"] > granted["original_due_at"] and granted["extensions"][0]["working_days"] == 5
    assert after["due_at"] > before["due_at"] and after["sla_next_at"] > before["sla_next_at"]
    assert after["sla_shard"] == "open" and after["open_shard"] == "open" and "public_shard" not in after


def test_publication_takes_the_report_off_the_sla_index_and_onto_the_public_one(client, staff, province):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "published")
    item = boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"]).get_item(
        Key={"id": report_id})["Item"]
    assert "sla_shard" not in item and "sla_next_at" not in item and "open_shard" not in item
    assert item["public_shard"] == "public" and item["last_action"] == "approve_result"
    assert item["last_actor_role"] == "ioc_operator"


def test_citizen_follow_up_needs_the_tracking_token_and_a_published_result(client, staff):
    report_id, token = submit(client)
    status, body = citizen(client, report_id, "wrong-token", "feedback", {"rating": 5})
    assert status == 404 and body["code"] == "report_not_found"
    status, body = citizen(client, report_id, token, "feedback", {"rating": 5})
    assert status == 409 and body["code"] == "action_not_allowed" and body["state"] == "received"
    status, body = citizen(client, report_id, token, "reopen", {"reason": "ngắn"})
    assert status == 400 and body["field"] == "reason"
    to_state(client, staff, report_id, "published")
    status, body = citizen(client, report_id, token, "feedback", {"rating": 9})
    assert status == 400 and body["code"] == "out_of_range" and body["field"] == "rating"
    status, body = citizen(client, report_id, token, "feedback", {"rating": 5, "extra": 1})
    assert status == 400 and body["code"] == "unknown_field"


def test_closing_after_the_reopen_window_via_the_scheduled_closer(client, staff, monkeypatch):
    from datetime import timedelta

    from chalicelib import container
    from chalicelib.services.clock import utc_now

    report_id, token = submit(client)
    to_state(client, staff, report_id, "published")
    assert container.cases().close_expired() == 0
    monkeypatch.setattr(container, "clock", lambda: lambda: utc_now() + timedelta(days=31))
    container.reset()
    closer = client.lambda_.invoke("close_expired_reports", client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert closer.payload == {"closed": 1}
    assert container.cases().close_all_expired() == 0  # nothing left to close
    status, body = citizen(client, report_id, token, "reopen", {"reason": "Vẫn chưa được xử lý triệt để"})
    assert status == 409 and body["code"] == "action_not_allowed" and body["state"] == "closed"
    status, body = citizen(client, report_id, token, "feedback", {"rating": 3})
    assert status == 201 and body["status"] == "closed"
    assert body_of(client.http.get(f"/public/reports/{report_id}"))["status"] == "closed"
