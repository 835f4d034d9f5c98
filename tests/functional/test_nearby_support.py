"""Nearby duplicates, "me too" supports and the IOC's merge, through the HTTP API on moto.

The story of the feature: a second report 30 m from an open one of the same
category sees it in its receipt; a citizen supports it instead of reporting;
the IOC merges a third into it (its reporter and supporters follow it to the
survivor); at publication all of them get their SMS, and
nobody's contact reaches anyone else, a public answer or a log line.
"""

from __future__ import annotations

import json

import pytest
from log_capture import logged_lines
from staff_helpers import JSON, WARD, body_of, fire, must, submit, to_state
from test_notify_fanout import StreamTap, invoke, sms

pytest_plugins = ["staff_fixtures"]

HERE = (12.68, 108.04)
THIRTY_M_NORTH = (12.68027, 108.04)
A_KM_EAST = (12.68, 108.0492)
PHONES = {"first": "0905 111 001", "second": "0905 111 002", "third": "0905 111 003", "fan": "0905 111 004",
          "third_fan": "0905 111 005"}
E164 = {k: "+84" + v.replace(" ", "")[1:] for k, v in PHONES.items()}


def at(point, who: str, **over):
    lat, lng = point
    return {"phone": PHONES[who], "location": {"lat": lat, "lng": lng, "address": "Lê Duẩn, Buôn Ma Thuột"},
            "ward_code": WARD, **over}


def nearby(client, point, category="ha-tang-do-thi"):
    response = client.http.get(f"/reports/nearby?lat={point[0]}&lng={point[1]}&category={category}")
    return response.status_code, body_of(response)


def support(client, report_id: str, **body):
    response = client.http.post(f"/reports/{report_id}/support", headers=JSON, body=json.dumps(body))
    return response.status_code, body_of(response)


def no_contact_in(text: str) -> bool:
    return not any(p in text for p in (*PHONES.values(), *E164.values(), "Nguyễn Văn An"))


def test_a_second_report_30_m_away_sees_the_first_and_the_nearby_list_is_nearest_first(client):
    first, _ = submit(client, **at(HERE, "first"))
    response = client.http.post("/reports", headers=JSON, body=json.dumps({
        "category": "ha-tang-do-thi", "description": "Ổ gà lớn trên đường Lê Duẩn, gần ngã tư",
        "location": {"lat": THIRTY_M_NORTH[0], "lng": THIRTY_M_NORTH[1]}, "ward_code": WARD,
        "reporter": {"name": "Trần Thị Bình", "phone": PHONES["second"]}}))
    assert response.status_code == 201  # never refused for a nearby duplicate
    receipt = body_of(response)
    assert [(c["id"], c["status"], 25 <= c["distance_m"] <= 35) for c in receipt["nearby"]] == [
        (first, "received", True)]
    assert "reporter" not in receipt["nearby"][0] and no_contact_in(json.dumps(receipt["nearby"]))

    status, body = nearby(client, THIRTY_M_NORTH)
    assert status == 200 and (body["radius_m"], body["limit"]) == (250, 5)
    assert [c["id"] for c in body["items"]] == [receipt["id"], first]  # nearest first
    assert body["items"][0]["distance_m"] == 0 and no_contact_in(json.dumps(body))
    assert nearby(client, A_KM_EAST)[1]["items"] == []  # 1 km away: beyond the radius
    assert nearby(client, HERE, "moi-truong")[1]["items"] == []  # another category


@pytest.mark.parametrize(("query", "field"), [("lat=12.68&category=ha-tang-do-thi", "lng"),
                                              ("lat=1&lng=108&category=ha-tang-do-thi", "lat"),
                                              ("lat=12.68&lng=108.04&category=khong-co", "category")])
def test_a_bad_nearby_query_is_a_400_naming_the_field(client, query, field):
    response = client.http.get(f"/reports/nearby?{query}")
    body = body_of(response)
    assert response.status_code == 400 and body["field"] == field and body["message"] and body["message_en"]


def test_a_report_leaves_the_nearby_list_when_it_is_rejected(client, staff):
    first, _ = submit(client, **at(HERE, "first"))
    must(client, staff, "ioc", first, "reject", reason_code="spam", public_reason="Nội dung quảng cáo")
    assert nearby(client, HERE)[1]["items"] == []


def test_a_support_counts_once_per_phone_shows_on_staff_views_and_never_names_anyone(client, staff):
    first, _ = submit(client, **at(HERE, "first"))
    second, token = submit(client, **at(THIRTY_M_NORTH, "second"))
    with logged_lines() as lines:
        assert support(client, first, phone=PHONES["fan"], name="Lê Văn Cường")[0] == 201
        again = support(client, first, phone=PHONES["fan"])
        by_token = support(client, first, own_report_id=second, tracking_token=token)
    assert again == (200, {"id": first, "status": "received", "support_count": 1, "counted": False})
    assert by_token[0] == 201 and by_token[1]["support_count"] == 2
    assert support(client, first, own_report_id=second, tracking_token="wrong-token-123")[0] == 404
    assert support(client, second, own_report_id=second, tracking_token=token)[1]["code"] == "support_own_report"
    assert support(client, first, phone=PHONES["first"])[1]["code"] == "support_own_report"
    assert support(client, first)[1]["code"] == "supporter_missing"
    assert support(client, "DLK-ZZZZ-ZZZZ", phone=PHONES["fan"])[0] == 404
    case = body_of(client.http.get(f"/staff/reports/{first}", headers=staff.headers("ioc")))
    assert case["support_count"] == 2 and case["due_at"] == case["original_due_at"]  # nothing raised in the SLA
    queue = body_of(client.http.get("/staff/reports?status=received", headers=staff.headers("ioc")))
    assert {r["id"]: r["support_count"] for r in queue["items"]}[first] == 2
    assert nearby(client, HERE)[1]["items"][0]["support_count"] == 2
    assert all(no_contact_in(line) for line in lines) and lines


def test_twenty_identical_supports_at_once_count_one(client, serialised_moto):
    from chalicelib import container
    from chalicelib.schemas.intake import SupportRequest
    from chalicelib.storage.support import SupportStore

    first, _ = submit(client, **at(HERE, "first"))
    service = container.support()
    request = SupportRequest(phone=PHONES["fan"])
    outcomes = fire([lambda: service.support(first, request) for _ in range(20)])
    assert [err for _, err in outcomes if err] == []
    assert sum(1 for answer, _ in outcomes if answer[1]) == 1
    assert container.services().reports.get(first)[0].support_count == 1
    assert len(SupportStore().contacts(first)) == 1


def test_a_merged_reports_people_support_the_survivor_and_everyone_hears_of_the_result_alone(client, staff, province):
    tap = StreamTap(province)
    survivor, _ = submit(client, **at(HERE, "first"))
    second, token = submit(client, **at(THIRTY_M_NORTH, "second"))
    support(client, survivor, phone=PHONES["fan"])
    support(client, survivor, own_report_id=second, tracking_token=token)
    third, third_token = submit(client, **at(THIRTY_M_NORTH, "third"))
    support(client, third, phone=PHONES["third_fan"])
    to_state(client, staff, survivor, "assigned")
    merged = must(client, staff, "ioc", third, "merge", into=survivor)
    assert merged["status"] == "merged" and merged["merge"]["into"] == survivor

    refused = client.http.post(f"/staff/reports/{second}/actions", headers=staff.headers("ioc"),
                               body=json.dumps({"action": "merge", "into": second}))
    assert refused.status_code == 400 and body_of(refused)["code"] == "merge_into_self"
    public = body_of(client.http.get(f"/public/reports/{third}"))
    assert public["status"] == "merged" and survivor in public["merge"]["public_reason"]
    tracked = body_of(client.http.get(f"/reports/{third}", headers={"X-Tracking-Token": third_token}))
    assert tracked["merge"]["into"] == survivor  # the merged reporter's tracking page links the survivor
    assert body_of(client.http.get(f"/reports/{second}", headers={"X-Tracking-Token": token}))["merge"] is None
    assert f"/theo-doi/{survivor}" in public["merge"]["public_reason"] and no_contact_in(json.dumps(public))
    case = body_of(client.http.get(f"/staff/reports/{survivor}", headers=staff.headers("ioc")))
    assert case["support_count"] == 3
    assert [(h["action"], h["note"]) for h in case["history"]][-1] == ("merge_in", f"from={third}")
    merged_case = body_of(client.http.get(f"/staff/reports/{third}", headers=staff.headers("ioc")))
    assert merged_case["history"][-1]["action"] == "merge"
    records = tap.take()
    assert invoke(client, {"Records": records}) == {"batchItemFailures": []}
    carried = body_of(client.http.get(f"/staff/reports/{survivor}", headers=staff.headers("ioc")))
    assert carried["support_count"] == 4  # the merged report's own supporter follows it to the survivor
    assert invoke(client, {"Records": records}) == {"batchItemFailures": []}  # redelivered: nobody counted twice
    assert body_of(client.http.get(f"/staff/reports/{survivor}", headers=staff.headers("ioc")))["support_count"] == 4
    merged_sms = [(to, text) for to, text in sms() if to == E164["third"]]
    assert len(merged_sms) == 2 and f"/theo-doi/{survivor}" in merged_sms[-1][1]  # its receipt, then the merge
    told = [text for to, text in sms() if to == E164["third_fan"]]  # the merged one's supporter: the merge only
    assert len(told) == 1 and told[0] == merged_sms[-1][1]

    before = len(sms())
    for state in ("in_progress", "result_submitted", "published"):
        to_state_step(client, staff, survivor, state)
    assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    published = sms()[before:]
    assert sorted(to for to, _ in published) == sorted(E164[k] for k in ("first", "second", "third", "fan",
                                                                         "third_fan"))
    assert len({text for _, text in published}) == 1 and survivor in published[0][1]
    assert all(no_contact_in(text) for _, text in sms())


def to_state_step(client, staff, report_id: str, state: str) -> None:
    """One step along the main path from the state before it."""
    from staff_helpers import RESULT

    action = {"in_progress": ("officer", "accept", {}), "result_submitted": ("officer", "submit_result", RESULT),
              "published": ("ioc", "approve_result", {})}[state]
    must(client, staff, action[0], report_id, action[1], **action[2])
