"""The IOC corrects where a report happened: the point decides the ward, routing and the public view follow."""

from __future__ import annotations

import json

from staff_helpers import AGENCY, OTHER_AGENCY, body_of, must, submit, to_state

pytest_plugins = ["staff_fixtures"]

TUY_HOA = {"lat": 13.09, "lng": 109.3}  # Phường Tuy Hòa (22015), Đắk Lắk


def relocate(client, staff, user, report_id, **body):
    response = client.http.post(f"/staff/reports/{report_id}/location", headers=staff.headers(user),
                                body=json.dumps(body))
    return response.status_code, body_of(response)


def case_file(client, staff, report_id):
    return body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))


def test_a_report_still_with_the_ioc_follows_its_new_ward_and_the_trail_keeps_both_places(client, staff):
    report_id, _ = submit(client)
    assert case_file(client, staff, report_id)["allowed_corrections"] == ["relocate"]  # the console's form
    status, body = relocate(client, staff, "ioc", report_id, **TUY_HOA, note="Người gọi đọc nhầm địa chỉ")
    assert status == 200, body
    assert body["location"]["ward_code"] == "22015" and body["location"]["ward_name"] == "Phường Tuy Hòa"
    assert body["agency"]["id"] == OTHER_AGENCY and body["status"] == "received" and body["version"] == 2
    [row] = [h for h in case_file(client, staff, report_id)["history"] if h["action"] == "relocate"]
    assert "24133->22015" in row["note"] and "12.68000,108.04000->13.09000,109.30000" in row["note"]
    assert f"agency={AGENCY}->{OTHER_AGENCY}" in row["note"] and row["role"] == "ioc_operator"


def test_a_ward_code_alone_moves_it_and_a_point_beats_a_code_that_disagrees(client, staff):
    report_id, _ = submit(client)
    status, body = relocate(client, staff, "ioc", report_id, ward_code="22015")
    assert status == 200 and body["location"]["ward_code"] == "22015"
    status, body = relocate(client, staff, "ioc", report_id, ward_code="22015", lat=12.68, lng=108.04)
    assert status == 200 and body["location"]["ward_code"] == "24133" and body["agency"]["id"] == AGENCY


def test_an_assigned_report_keeps_its_agency_and_the_public_view_shows_the_new_ward(client, staff):
    report_id, _ = submit(client)
    to_state(client, staff, report_id, "in_progress")
    status, body = relocate(client, staff, "ioc", report_id, **TUY_HOA)
    assert status == 200 and body["agency"]["id"] == AGENCY and body["location"]["ward_code"] == "22015"
    must(client, staff, "officer", report_id, "submit_result", text="Đã vá ổ gà, mặt đường đã phẳng lại.")
    must(client, staff, "ioc", report_id, "approve_result")
    public = body_of(client.http.get(f"/public/reports/{report_id}"))
    assert public["location"]["ward_name"] == "Phường Tuy Hòa" and public["location"]["lat"] == 13.09


def test_only_the_ioc_relocates_only_before_a_result_and_never_out_of_the_province(client, staff):
    report_id, _ = submit(client)
    assert relocate(client, staff, "officer", report_id, **TUY_HOA)[0] == 404  # not assigned to them: unseen
    to_state(client, staff, report_id, "assigned")
    status, body = relocate(client, staff, "officer", report_id, **TUY_HOA)
    assert status == 403 and body["code"] == "action_forbidden"
    status, body = relocate(client, staff, "ioc", report_id, lat=21.0285, lng=105.8542)
    assert status == 400 and body["code"] == "point_in_other_province" and "Hà Nội" in body["message"]
    status, body = relocate(client, staff, "ioc", report_id, lat=13.09)
    assert status == 400 and body["field"] == "lng"
    status, body = relocate(client, staff, "ioc", report_id)
    assert status == 400 and body["code"] == "missing_field"
    must(client, staff, "officer", report_id, "accept")
    must(client, staff, "officer", report_id, "submit_result", text="Đã vá ổ gà, mặt đường đã phẳng lại.")
    status, body = relocate(client, staff, "ioc", report_id, **TUY_HOA)
    assert status == 409 and body["state"] == "result_submitted"
