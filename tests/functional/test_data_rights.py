"""The reporter's data rights over HTTP on moto: see what is held (my-data), have it removed (erase).

After an erase no staff or public answer, notice or log line carries the name
or the phone, the case is still public, and asking again changes nothing.
"""

from __future__ import annotations

import json

from log_capture import logged_lines
from staff_helpers import JSON, RESULT, body_of, must, submit, to_state
from test_notify_fanout import StreamTap, invoke, sms

pytest_plugins = ["staff_fixtures"]

NAME, PHONE, E164 = "Nguyễn Văn An", "0905 123 456", "+84905123456"
SIGNED = "Ổ gà lớn trên đường Lê Duẩn. Tôi là Nguyễn Văn An, gọi 0905 123 456"


def carries_contact(body: object) -> bool:
    text = json.dumps(body, ensure_ascii=False)
    return any(p in text for p in (NAME, PHONE, E164, "0905123456", "Nguyen Van An"))


def my_data(client, report_id: str, token: str):
    response = client.http.get(f"/reports/{report_id}/my-data", headers={"X-Tracking-Token": token})
    return response.status_code, body_of(response)


def erase(client, report_id: str, token: str):
    response = client.http.post(f"/reports/{report_id}/erase", headers={**JSON, "X-Tracking-Token": token})
    return response.status_code, body_of(response)


def test_my_data_shows_the_contact_held_and_why_and_a_wrong_token_is_a_bilingual_404(client, staff):
    report_id, token = submit(client)
    status, body = my_data(client, report_id, token)
    assert status == 200 and body["held"] == {"name": NAME, "phone": E164, "email": None, "anonymised": False}
    assert body["kept_until"] is None and "24" in body["retention"]["vi"] and "24 months" in body["retention"]["en"]
    assert body["purpose"]["vi"] and body["purpose"]["en"]
    for path, method in ((f"/reports/{report_id}/my-data", "get"), (f"/reports/{report_id}/erase", "post")):
        response = getattr(client.http, method)(path, headers={"X-Tracking-Token": "not-the-token"})
        wrong = body_of(response)
        assert response.status_code == 404 and wrong["code"] == "report_not_found"
        assert wrong["message"] and wrong["message_en"] and not carries_contact(wrong)
    to_state(client, staff, report_id, "rejected")
    body = my_data(client, report_id, token)[1]
    assert body["kept_until"] is not None and body["kept_until"][:4] == str(int(body["kept_until"][:4]))


def test_an_erase_removes_the_contact_everywhere_keeps_the_case_public_and_twice_changes_nothing(
        client, staff, province):
    tap = StreamTap(province)
    report_id, token = submit(client, description=SIGNED)
    to_state(client, staff, report_id, "published")
    assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    texted = len([to for to, _ in sms() if to == E164])
    assert texted >= 2  # the receipt and the published result

    with logged_lines() as lines:
        status, answer = erase(client, report_id, token)
        assert status == 200 and answer["erased"] is True and answer["note"] is None
        assert answer["held"] == {"name": None, "phone": None, "email": None, "anonymised": True}
        assert [t["en"] for t in answer["removed"]][:2] == ["Your name.", "Your phone number."]
        assert all(t["vi"] and t["en"] for t in answer["removed"] + answer["kept"]) and len(answer["kept"]) == 3
        assert not carries_contact(answer)

        case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
        assert case["reporter"] == {"name": "anonymised", "phone": "", "anonymised": True}
        assert case["status"] == "published" and "[họ tên đã ẩn]" in case["description"]
        assert [(h["action"], h["note"]) for h in case["history"]][-1] == (
            "anonymise", "anonymised at the reporter's request")
        queue = body_of(client.http.get("/staff/reports", headers=staff.headers("ioc")))
        public = client.http.get(f"/public/reports/{report_id}")
        assert public.status_code == 200 and body_of(public)["status"] == "published"
        tracked = body_of(client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token}))
        # the public exports too: the GeoJSON list and the Open311 documents (JSON and XML)
        geojson = body_of(client.http.get("/public/reports?format=geojson"))
        assert report_id in json.dumps(geojson)
        o311 = client.http.get(f"/open311/v2/requests/{report_id}.json")
        o311_xml = client.http.get(f"/open311/v2/requests/{report_id}.xml")
        assert o311.status_code == 200 and o311_xml.status_code == 200
        assert not carries_contact(o311_xml.body.decode())
        for body in (case, queue, body_of(public), tracked, my_data(client, report_id, token)[1], geojson,
                     body_of(o311)):
            assert not carries_contact(body)

        history = len(case["history"])
        again_status, again = erase(client, report_id, token)
        assert again_status == 200 and again["erased"] is False and again["removed"] == []
        assert again["note"]["en"].startswith("The contact of this report is already anonymised")
        case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
        assert len(case["history"]) == history

        reopened = client.http.post(f"/reports/{report_id}/reopen", headers={**JSON, "X-Tracking-Token": token},
                                    body=json.dumps({"reason": "Ổ gà lại xuất hiện sau mưa"}))
        assert reopened.status_code == 200  # a later change, which texts the reporter: nobody left to text
        must(client, staff, "ioc", report_id, "assign", agency_id="ubnd-24133")
        assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    assert len([to for to, _ in sms() if to == E164]) == texted
    assert not any(carries_contact(line) for line in lines) and any("anonymised on request" in x for x in lines)


def test_erasing_a_merged_report_strips_the_phone_from_the_support_it_became(client, staff, province):
    tap = StreamTap(province)
    survivor, _ = submit(client, reporter={"name": "Trần Thị Bình", "phone": "0905 111 001"})
    merged, token = submit(client, description=SIGNED)
    to_state(client, staff, survivor, "assigned")
    must(client, staff, "ioc", merged, "merge", into=survivor)
    status, answer = erase(client, merged, token)
    assert status == 200 and answer["erased"] is True
    assert survivor in answer["removed"][-1]["en"] and survivor in answer["removed"][-1]["vi"]
    invoke(client, {"Records": tap.take()})
    before = len([to for to, _ in sms() if to == E164])
    steps = (("officer", "accept", {}), ("officer", "submit_result", RESULT), ("ioc", "approve_result", {}))
    for user, action, fields in steps:
        must(client, staff, user, survivor, action, **fields)
    assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    assert len([to for to, _ in sms() if to == E164]) == before  # no result SMS to the erased phone
    assert any(to == "+84905111001" for to, _ in sms())  # the survivor's own reporter still hears
    case = body_of(client.http.get(f"/staff/reports/{survivor}", headers=staff.headers("ioc")))
    assert case["support_count"] == 1 and not carries_contact(case)


def supporters_of(report_id: str) -> dict[str, tuple[str, str | None]]:
    from chalicelib.storage.models import SupporterModel

    return {m.supporter_key: (m.phone, m.name) for m in SupporterModel.query(report_id, consistent_read=True)}


def test_erasing_strips_every_support_the_phone_gave_and_no_other_and_the_counts_stay(client, staff, province):
    tap = StreamTap(province)
    own, token = submit(client, description=SIGNED)
    first, _ = submit(client, reporter={"name": "Trần Thị Bình", "phone": "0905 111 001"})
    second, _ = submit(client, reporter={"name": "Lê Văn Cường", "phone": "0905 111 002"})
    for report_id in (first, second):
        response = client.http.post(f"/reports/{report_id}/support", headers=JSON,
                                    body=json.dumps({"phone": PHONE, "name": NAME}))
        assert response.status_code == 201
    other = client.http.post(f"/reports/{first}/support", headers=JSON,
                             body=json.dumps({"phone": "0905 111 003", "name": "Phạm Thị Dung"}))
    assert other.status_code == 201
    held = supporters_of(first)
    assert len(held) == 2 and (E164, NAME) in held.values()

    status, answer = erase(client, own, token)
    assert status == 200 and answer["erased"] is True and answer["supports_anonymised"] == 2
    assert "2" in answer["removed"][-1]["en"] and "2" in answer["removed"][-1]["vi"] and not carries_contact(answer)
    stripped = supporters_of(first)
    assert set(stripped) == set(held) and ("", None) in stripped.values()
    assert ("+84905111003", "Phạm Thị Dung") in stripped.values()  # the other phone's support is untouched
    assert list(supporters_of(second).values()) == [("", None)]
    counts = {r: body_of(client.http.get(f"/staff/reports/{r}", headers=staff.headers("ioc")))["support_count"]
              for r in (first, second)}
    assert counts == {first: 2, second: 1}

    again_status, again = erase(client, own, token)
    assert again_status == 200 and again["erased"] is False and again["supports_anonymised"] == 0
    assert supporters_of(first) == stripped and list(supporters_of(second).values()) == [("", None)]

    invoke(client, {"Records": tap.take()})
    before = len([to for to, _ in sms() if to == E164])
    fan_before = len([to for to, _ in sms() if to == "+84905111003"])
    to_state(client, staff, first, "published")
    assert invoke(client, {"Records": tap.take()}) == {"batchItemFailures": []}
    assert len([to for to, _ in sms() if to == E164]) == before  # no result SMS to the erased phone
    assert len([to for to, _ in sms() if to == "+84905111003"]) == fan_before + 1  # the other supporter hears


def test_after_an_erase_the_report_cannot_lend_its_phone_to_a_support_and_says_why_in_both_languages(client, staff):
    own, token = submit(client)
    other, _ = submit(client, reporter={"name": "Trần Thị Bình", "phone": "0905 111 001"})
    assert erase(client, own, token)[0] == 200
    response = client.http.post(f"/reports/{other}/support", headers=JSON,
                                body=json.dumps({"own_report_id": own, "tracking_token": token}))
    refused = body_of(response)
    assert response.status_code == 400 and refused["code"] == "support_report_without_phone"
    assert refused["field"] == "own_report_id" and "phone" in refused["message"] and "phone" in refused["message_en"]
    assert supporters_of(other) == {}  # nothing written: no support keyed by an empty phone
    by_phone = client.http.post(f"/reports/{other}/support", headers=JSON, body=json.dumps({"phone": "0905 111 009"}))
    assert by_phone.status_code == 201  # a phone given outright still supports it
