"""Every staff role against every staff endpoint: who sees (else 404), who may change (else 403)."""

from __future__ import annotations

import json

import pytest
from staff_helpers import AGENCY, JSON, act, body_of, must, submit, to_state

pytest_plugins = ["staff_fixtures"]

ROLES = ("anonymous", "ioc", "officer", "lead", "other.officer", "other.lead", "admin")
OWNERS = {"ioc", "officer", "lead"}  # the IOC and the assigned agency's people


def headers_for(staff, who):
    return JSON if who == "anonymous" else staff.headers(who)


def in_progress_report(client, staff, phone=None):
    report_id, _ = submit(client, phone)
    to_state(client, staff, report_id, "in_progress")
    return report_id


def test_who_am_i_needs_a_sign_in_and_answers_every_role(client, staff):
    expected = {"anonymous": 401, "ioc": 200, "officer": 200, "lead": 200, "other.officer": 200,
                "other.lead": 200, "admin": 200}
    for who in ROLES:
        response = client.http.get("/staff/me", headers=headers_for(staff, who))
        assert response.status_code == expected[who], who


def test_the_queue_shows_a_report_to_the_province_and_its_agency_only(client, staff):
    report_id = in_progress_report(client, staff)
    listed = {"ioc": True, "officer": True, "lead": True, "other.officer": False, "other.lead": False,
              "admin": True}
    for who in ROLES:
        response = client.http.get("/staff/reports", headers=headers_for(staff, who))
        if who == "anonymous":
            assert response.status_code == 401
            continue
        assert response.status_code == 200, who
        ids = [item["id"] for item in body_of(response)["items"]]
        assert (report_id in ids) is listed[who], who
        assert all("reporter" not in item for item in body_of(response)["items"])


def test_the_case_file_is_404_to_other_agencies_and_shows_the_reporter_to_the_ioc_and_agency_only(client, staff):
    report_id = in_progress_report(client, staff)
    for who in ROLES:
        response = client.http.get(f"/staff/reports/{report_id}", headers=headers_for(staff, who))
        body = body_of(response)
        if who == "anonymous":
            assert response.status_code == 401
        elif who.startswith("other."):
            assert response.status_code == 404 and body["code"] == "report_not_found", who
        else:
            assert response.status_code == 200, who
            assert body["id"] == report_id and len(body["history"]) == 3
            if who in OWNERS:
                assert body["reporter"] == {"name": "Nguyễn Văn An", "phone": "+84905123456"}, who
            else:
                assert body["reporter"] is None and "Nguyễn Văn An" not in response.body.decode()


def test_an_agency_action_is_the_agencys_alone(client, staff):
    expected = {"anonymous": 401, "ioc": 403, "officer": 200, "lead": 200, "other.officer": 404,
                "other.lead": 404, "admin": 403}
    for n, who in enumerate(ROLES):  # a report per role, each from its own phone (5 a phone a day)
        report_id = in_progress_report(client, staff, phone=f"0905 123 4{n:02d}")
        response = client.http.post(f"/staff/reports/{report_id}/actions", headers=headers_for(staff, who),
                                    body=json.dumps({"action": "request_extension", "working_days": 2,
                                                     "reason": "Chờ vật liệu"}))
        assert response.status_code == expected[who], (who, response.body)
        if expected[who] == 403:
            assert body_of(response)["code"] == "action_forbidden"


def test_an_ioc_action_is_the_iocs_alone(client, staff):
    expected = {"anonymous": 401, "ioc": 200, "officer": 403, "lead": 403, "other.officer": 404,
                "other.lead": 404, "admin": 403}
    for n, who in enumerate(ROLES):  # a report per role, each from its own phone (5 a phone a day)
        report_id = in_progress_report(client, staff, phone=f"0905 123 4{n:02d}")
        must(client, staff, "officer", report_id, "request_extension", working_days=2, reason="Chờ vật liệu")
        response = client.http.post(f"/staff/reports/{report_id}/actions", headers=headers_for(staff, who),
                                    body=json.dumps({"action": "approve_extension"}))
        assert response.status_code == expected[who], (who, response.body)


def test_evidence_uploads_are_for_the_assigned_agency_while_it_handles_the_report(client, staff):
    expected = {"anonymous": 401, "ioc": 403, "officer": 201, "lead": 201, "other.officer": 404,
                "other.lead": 404, "admin": 403}
    report_id = in_progress_report(client, staff)
    for who in ROLES:
        response = client.http.post(f"/staff/reports/{report_id}/media", headers=headers_for(staff, who),
                                    body=json.dumps({"content_type": "image/jpeg", "size": 1000}))
        assert response.status_code == expected[who], (who, response.body)
    answer = body_of(client.http.post(f"/staff/reports/{report_id}/media", headers=staff.headers("officer"),
                                      body=json.dumps({"content_type": "image/png"})))
    assert answer["purpose"] == "evidence" and answer["fields"]["key"] == f"raw/{report_id}/{answer['media_id']}"
    must(client, staff, "officer", report_id, "submit_result", text="Đã xử lý xong, có ảnh minh chứng",
         media_ids=[answer["media_id"]])
    response = client.http.post(f"/staff/reports/{report_id}/media", headers=staff.headers("officer"),
                                body=json.dumps({"content_type": "image/jpeg"}))
    assert response.status_code == 409 and body_of(response)["code"] == "evidence_not_allowed_now"


def test_a_report_the_ioc_has_not_assigned_is_invisible_to_the_proposed_agency(client, staff):
    report_id, _ = submit(client)  # routed to the officer's ward, but only proposed
    response = client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("officer"))
    assert response.status_code == 404
    listed = body_of(client.http.get("/staff/reports", headers=staff.headers("officer")))["items"]
    assert report_id not in [r["id"] for r in listed]
    status, body = act(client, staff, "officer", report_id, "accept")
    assert status == 404 and body["code"] == "report_not_found"
    must(client, staff, "ioc", report_id, "assign", agency_id=AGENCY)
    assert client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("officer")).status_code == 200


@pytest.mark.parametrize("who", ["officer", "lead", "other.officer", "admin", "ioc"])
def test_a_read_of_an_unknown_report_is_the_same_404_for_everyone(client, staff, who):
    response = client.http.get("/staff/reports/DLK-0000-0000", headers=staff.headers(who))
    assert response.status_code == 404 and body_of(response)["code"] == "report_not_found"


def test_a_staff_or_public_404_says_nothing_of_a_tracking_token_staff_and_the_public_have_none(client, staff):
    citizen = body_of(client.http.get("/reports/DLK-0000-0000", headers={"X-Tracking-Token": "x" * 32}))
    staff_read = body_of(client.http.get("/staff/reports/DLK-0000-0000", headers=staff.headers("ioc")))
    public_read = body_of(client.http.get("/public/reports/DLK-0000-0000"))
    assert citizen["code"] == staff_read["code"] == public_read["code"] == "report_not_found"
    assert "tracking token" in citizen["message_en"] and "mã tra cứu" in citizen["message"]
    for body in (staff_read, public_read):
        assert "token" not in body["message_en"] and "mã tra cứu" not in body["message"], body
    assert "your account may see" in staff_read["message_en"] and "public report" in public_read["message_en"]


def test_the_admins_case_file_and_queue_mask_the_reporter_in_free_text_while_the_ioc_reads_it_whole(client, staff):
    description = "Ổ gà sâu trước số 12. Tôi là NguyễnVănAn, gọi (0905) 123 456 hoặc 0905/123/456"
    report_id, _ = submit(client, description=description,
                          location={"lat": 12.68, "lng": 108.04, "address": "Nhà NGUYỄN  VĂN   AN, 0905_123_456"})
    to_state(client, staff, report_id, "in_progress")
    must(client, staff, "officer", report_id, "request_extension", working_days=2,
         reason="Chờ anh Nguyễn Văn An (0905) 123 456 có nhà")

    admin = client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("admin"))
    body, text = body_of(admin), admin.body.decode()
    assert admin.status_code == 200 and body["reporter"] is None
    assert body["description"] == ("Ổ gà sâu trước số 12. Tôi là [họ tên đã ẩn], gọi [số điện thoại đã ẩn] "
                                   "hoặc [số điện thoại đã ẩn]")
    assert body["location"]["address"] == "Nhà [họ tên đã ẩn], [số điện thoại đã ẩn]"
    assert body["extension_request"]["reason"] == "Chờ anh [họ tên đã ẩn] [số điện thoại đã ẩn] có nhà"
    assert "123 456" not in text and "123456" not in text and "NguyễnVănAn" not in text
    assert all("123 456" not in (row["note"] or "") for row in body["history"])

    queue = body_of(client.http.get("/staff/reports", headers=staff.headers("admin")))["items"]
    row = next(item for item in queue if item["id"] == report_id)
    assert "0905" not in row["description"] and "[số điện thoại đã ẩn]" in row["description"]

    ioc = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    assert ioc["reporter"] == {"name": "Nguyễn Văn An", "phone": "+84905123456"}
    assert ioc["description"] == description
    assert ioc["extension_request"]["reason"] == "Chờ anh Nguyễn Văn An (0905) 123 456 có nhà"
