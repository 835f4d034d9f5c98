"""Open311 GeoReport v2 through chalice.test.Client on a province provisioned on moto.

Every JSON answer is validated against the JSON Schemas of tests/schemas/open311/ and every XML answer is
parsed and compared element by element with the JSON answer to the same call (tests/open311_checks.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import boto3
import pytest
from open311_checks import no_contact, parse_xml, same_as_json, validate_json, xml_fields
from staff_helpers import JSON, body_of, must, to_state

pytest_plugins = ["staff_fixtures"]

V2 = "/open311/v2"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NAME, PHONE = ("Trần Thị Bình", "0912 345 678")
E164 = "+84912345678"


def fields(api_key: str | None, **over: str | list[str]) -> list[tuple[str, str]]:
    """A POST as FixMyStreet's Open311 client sends it: jurisdiction_id, api_key in the body, lat/long, the
    reporter's names apart, media_url repeated."""
    base: dict[str, str | list[str]] = {
        "jurisdiction_id": "daklak", "service_code": "ha-tang-do-thi", "lat": "12.68", "long": "108.04",
        "address_string": "12 Lê Duẩn, Buôn Ma Thuột",
        "description": f"Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã. Liên hệ {NAME} 0912.345.678",
        "first_name": "Trần Thị", "last_name": "Bình", "phone": PHONE, "email": "binh@example.org",
        "account_id": "fms-42", "device_id": "web",
        "media_url": ["https://fixmystreet.example/photo/1.jpeg", "https://fixmystreet.example/photo/2.jpeg"],
    }
    if api_key is not None:
        base["api_key"] = api_key
    base.update(over)
    out: list[tuple[str, str]] = []
    for key, value in base.items():
        out += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return out


def post(client, fmt: str, form: list[tuple[str, str]]):
    return client.http.post(f"{V2}/requests.{fmt}", headers=FORM, body=urlencode(form))


def get(client, path: str, **params: str):
    suffix = f"?{urlencode(params)}" if params else ""
    return client.http.get(f"{V2}/{path}{suffix}")


def issue(client, staff, name: str = "FixMyStreet Đắk Lắk") -> dict:
    response = client.http.post("/staff/open311/keys", headers=staff.headers("admin"),
                                body=json.dumps({"name": name}))
    assert response.status_code == 201, response.body
    return body_of(response)


@pytest.fixture
def api_key(client, staff) -> str:
    return issue(client, staff)["api_key"]


def count_reports(province) -> int:
    return boto3.resource("dynamodb").Table(province.environment["REPORTS_TABLE"]).scan(Select="COUNT")["Count"]


# -- discovery, services, definitions ------------------------------------------------------------------------

def test_discovery_in_both_formats(client):
    body = validate_json("discovery", get(client, "discovery.json").body)
    endpoint = body["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2") and set(endpoint["formats"]) == {"application/json", "text/xml"}
    response = get(client, "discovery.xml")
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    same_as_json(parse_xml(response.body, "discovery"), body)


def test_services_are_the_active_categories_in_both_formats(client):
    from chalicelib.provinces import load_profile

    response = get(client, "services.json", jurisdiction_id="daklak")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    services = validate_json("services", response.body)
    profile = load_profile("daklak")
    assert [s["service_code"] for s in services] == [c.code for c in profile.active_categories()]
    road = next(s for s in services if s["service_code"] == "ha-tang-do-thi")
    assert road["service_name"] == "Hạ tầng đô thị" and road["type"] == "realtime" and road["metadata"] is True
    assert "phone" in road["description"] and "lat + long" in road["description"]
    xml = parse_xml(get(client, "services.xml").body, "services")
    same_as_json(xml, services)
    assert xml_fields(xml[0])["service_code"] == services[0]["service_code"]


def test_a_service_definition_where_metadata_is_true_and_404_for_an_unknown_code(client):
    definition = validate_json("service_definition", get(client, "services/ha-tang-do-thi.json").body)
    assert [a["code"] for a in definition["attributes"]] == ["occurred_at"]
    xml = parse_xml(get(client, "services/ha-tang-do-thi.xml").body, "service_definition")
    same_as_json(xml, definition)
    assert xml.find("attributes/attribute/datatype").text == "datetime"
    for fmt in ("json", "xml"):
        response = get(client, f"services/no-such-code.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            assert validate_json("errors", response.body)[0]["code"] == "404"
        else:
            error = parse_xml(response.body, "errors")
            assert [c.tag for c in error] == ["error"] and xml_fields(error[0])["code"] == "404"
    assert get(client, "services/ha-tang-do-thi.csv").status_code == 404


def test_an_unknown_jurisdiction_is_404_and_ours_by_slug_or_host_is_served(client):
    assert get(client, "services.json", jurisdiction_id="hue").status_code == 404
    assert get(client, "services.json", jurisdiction_id="phananh.daklak.example.gov.vn").status_code == 200


# -- POST, the way FixMyStreet's client does it -------------------------------------------------------------

def test_a_fixmystreet_style_xml_post_files_a_report_the_ioc_sees_and_reads_back_in_both_formats(
        client, staff, api_key, province):
    response = post(client, "xml", fields(api_key))
    assert response.status_code == 201, response.body
    root = parse_xml(response.body, "service_requests")
    posted = xml_fields(root.find("request"))
    assert set(posted) == {"service_request_id", "token", "service_notice", "account_id"}
    report_id, token = posted["service_request_id"], posted["token"]
    assert posted["account_id"] == "fms-42" and "UBND" in posted["service_notice"]
    # following the token
    tokens = validate_json("token", get(client, f"tokens/{token}.json").body)
    assert tokens == [{"service_request_id": report_id, "token": token}]
    same_as_json(parse_xml(get(client, f"tokens/{token}.xml").body, "service_requests"), tokens)
    # read back: one request, in both formats, never the reporter
    one = get(client, f"requests/{report_id}.json", jurisdiction_id="daklak")
    request = validate_json("requests", one.body)
    assert len(request) == 1 and request[0]["service_request_id"] == report_id
    assert request[0]["status"] == "open" and request[0]["address_id"] == "24133"
    assert "0912.345.678" not in request[0]["description"] and NAME not in request[0]["description"]
    xml = get(client, f"requests/{report_id}.xml")
    same_as_json(parse_xml(xml.body, "service_requests"), request)
    for answer in (one.body, xml.body):
        no_contact(answer, NAME, "Trần Thị", E164, "912345678", "binh@example.org", "fms-42")
    # the report is the IOC's like any other, on the app channel, the key's name its client
    queue = body_of(client.http.get("/staff/reports", headers=staff.headers("ioc")))
    assert report_id in [row["id"] for row in queue["items"]]
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    assert case["channel"] == "app" and case["reporter"]["phone"] == E164
    assert case["channel_client"] == "FixMyStreet Đắk Lắk"
    assert case["client_media_urls"] == ["https://fixmystreet.example/photo/1.jpeg",
                                         "https://fixmystreet.example/photo/2.jpeg"]
    assert case["history"][0]["note"] == "channel=app client=FixMyStreet Đắk Lắk"
    # and the key lists the report it made
    keys = body_of(client.http.get("/staff/open311/keys", headers=staff.headers("admin")))["keys"]
    assert keys[0]["report_ids"] == [report_id] and keys[0]["report_count"] == 1
    assert count_reports(province) == 1


def test_a_json_post_answers_the_spec_shape_and_a_retried_identical_post_files_nothing_new(client, api_key,
                                                                                               province):
    first = post(client, "json", fields(api_key))
    assert first.status_code == 201
    answer = validate_json("post_response", first.body)
    again = validate_json("post_response", post(client, "json", fields(api_key)).body)
    assert again == answer and count_reports(province) == 1
    other = validate_json("post_response", post(client, "json", fields(api_key, description="Cây đổ chắn ngang "
                                                                        "đường Lê Duẩn")).body)
    assert other[0]["service_request_id"] != answer[0]["service_request_id"] and count_reports(province) == 2


def test_the_point_decides_the_ward_and_urgency_is_noticed(client, api_key):
    answer = validate_json("post_response", post(client, "json", fields(
        api_key, lat="13.09", long="109.3", description="Cháy lớn tại kho hàng gần chợ, khói rất nhiều")).body)
    request = validate_json("requests", get(client, f"requests/{answer[0]['service_request_id']}.json").body)[0]
    assert request["address_id"] == "22015"
    assert "114" in answer[0]["service_notice"]


def test_a_ward_code_as_address_id_is_a_location(client, api_key):
    form = [f for f in fields(api_key) if f[0] not in {"lat", "long"}] + [("address_id", "24133")]
    answer = validate_json("post_response", post(client, "json", form).body)
    request = validate_json("requests", get(client, f"requests/{answer[0]['service_request_id']}.json").body)[0]
    assert request["address_id"] == "24133" and request["lat"] is None


def test_every_problem_of_a_post_is_named_at_once(client, api_key):
    form = [("api_key", api_key), ("service_code", "ha-tang-do-thi"), ("lat", "abc"), ("description", "ngắn"),
            ("media_url", "javascript:alert(1)")]
    response = post(client, "json", form)
    assert response.status_code == 400
    errors = validate_json("errors", response.body)
    named = {e["description"].split(":", 1)[0] for e in errors}
    assert {"lat", "description", "first_name", "phone", "media_url"} <= named
    assert all(e["code"] == "400" for e in errors)
    xml = parse_xml(post(client, "xml", form).body, "errors")
    same_as_json(xml, errors)


def test_a_bad_phone_an_unknown_code_and_a_point_abroad_are_400(client, api_key):
    for over, field in (({"phone": "12345"}, "phone"), ({"service_code": "khong-co"}, "service_code"),
                        ({"lat": "1.3", "long": "103.8"}, "long")):
        response = post(client, "json", fields(api_key, **over))
        assert response.status_code == 400, over
        assert validate_json("errors", response.body)[0]["description"].startswith(f"{field}:"), response.body


def test_keys_missing_wrong_or_revoked_are_403_before_anything_else(client, staff):
    issued = issue(client, staff, "Mark-a-Spot")
    for key in (None, "o311_wrong"):
        response = post(client, "json", fields(key, lat="abc"))
        assert response.status_code == 403
        assert validate_json("errors", response.body)[0]["code"] == "403"
    assert post(client, "json", fields(issued["api_key"])).status_code == 201
    revoked = client.http.delete(f"/staff/open311/keys/{issued['key_id']}", headers=staff.headers("admin"))
    assert revoked.status_code == 200 and body_of(revoked)["revoked_at"]
    response = post(client, "xml", fields(issued["api_key"], description="Đèn đường hỏng cả dãy phố"))
    assert response.status_code == 403 and xml_fields(parse_xml(response.body, "errors")[0])["code"] == "403"


def test_a_key_has_an_hourly_limit(client, staff, monkeypatch):
    from chalicelib import container
    from chalicelib.rules.profile import Open311Settings

    services = container.services()
    services.profile = services.profile.model_copy(update={"open311": Open311Settings(posts_per_key_per_hour=2)})
    key = issue(client, staff)["api_key"]
    phones = ["0912 000 001", "0912 000 002", "0912 000 003"]
    statuses = [post(client, "json", fields(key, phone=p, description=f"Ổ gà lớn số {n} trên đường Lê Duẩn")
                     ).status_code for n, p in enumerate(phones)]
    assert statuses == [201, 201, 429]
    refused = post(client, "json", fields(key, phone="0912 000 004"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert validate_json("errors", refused.body)[0]["code"] == "429"


# -- the admin's keys ------------------------------------------------------------------------------------------

def test_only_the_province_admin_manages_keys_and_a_key_is_shown_once(client, staff):
    for user in ("ioc", "officer"):
        response = client.http.post("/staff/open311/keys", headers=staff.headers(user),
                                    body=json.dumps({"name": "x-client"}))
        assert response.status_code == 403, user
        assert client.http.get("/staff/open311/keys", headers=staff.headers(user)).status_code == 403
    issued = issue(client, staff, "civic-app")
    assert issued["api_key"].startswith("o311_") and len(issued["api_key"]) > 30
    listed = client.http.get("/staff/open311/keys", headers=staff.headers("admin"))
    assert issued["api_key"] not in listed.body.decode()
    assert body_of(listed)["keys"][0] == {"key_id": issued["key_id"], "name": "civic-app",
                                          "created_at": issued["created_at"], "created_by": "admin",
                                          "revoked_at": None, "report_count": 0, "report_ids": []}
    again = client.http.post("/staff/open311/keys", headers=staff.headers("admin"),
                             body=json.dumps({"name": "Civic-App"}))
    assert again.status_code == 409
    assert client.http.delete("/staff/open311/keys/0000000000000000", headers=staff.headers("admin")).status_code == 404


def test_the_key_is_stored_as_a_keyed_digest_only(client, staff, province):
    issued = issue(client, staff)
    table = boto3.resource("dynamodb").Table(province.environment["STATS_TABLE"])
    items = table.scan()["Items"]
    assert issued["api_key"] not in json.dumps(items, default=str)
    import hashlib

    assert hashlib.sha256(issued["api_key"].encode()).hexdigest() not in json.dumps(items, default=str)


# -- GET requests ----------------------------------------------------------------------------------------------

def test_requests_filter_by_ids_codes_status_and_window(client, staff, api_key):
    ids = []
    for n, code in enumerate(("ha-tang-do-thi", "moi-truong", "ha-tang-do-thi")):
        answer = validate_json("post_response", post(client, "json", fields(
            api_key, service_code=code, phone=f"0912 111 00{n}", description=f"Phản ánh số {n} về đường phố")).body)
        ids.append(answer[0]["service_request_id"])
    to_state(client, staff, ids[0], "published")
    everything = validate_json("requests", get(client, "requests.json").body)
    assert [r["service_request_id"] for r in everything] == ids[::-1]  # newest first
    same_as_json(parse_xml(get(client, "requests.xml").body, "service_requests"), everything)
    closed = validate_json("requests", get(client, "requests.json", status="closed").body)
    assert [r["service_request_id"] for r in closed] == [ids[0]]
    assert closed[0]["status_notes"].startswith("Đã vá ổ gà") and closed[0]["expected_datetime"] is None
    assert [r["service_request_id"] for r in validate_json("requests", get(
        client, "requests.json", status="open", service_code="ha-tang-do-thi").body)] == [ids[2]]
    picked = validate_json("requests", get(client, "requests.json", service_request_id=f"{ids[1]},{ids[0]}",
                                            status="open").body)
    assert [r["service_request_id"] for r in picked] == [ids[1], ids[0]]  # the ids override the other filters
    now = datetime.now(UTC)
    old = get(client, "requests.json", start_date=(now - timedelta(days=200)).isoformat(),
              end_date=(now - timedelta(days=120)).isoformat())
    assert validate_json("requests", old.body) == []
    for text in (everything, closed, picked):
        no_contact(json.dumps(text, ensure_ascii=False), "Trần Thị", E164, "binh@example.org")


def test_a_window_over_90_days_a_reversed_one_and_a_bad_status_are_400_all_named(client):
    response = get(client, "requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z")
    assert response.status_code == 400 and "90" in validate_json("errors", response.body)[0]["description"]
    response = get(client, "requests.xml", start_date="yesterday", status="pending")
    errors = parse_xml(response.body, "errors")
    assert response.status_code == 400 and len(errors) == 2
    assert get(client, "requests.json", start_date="2026-06-01", end_date="2026-05-01").status_code == 400
    assert get(client, "requests.json", service_code="khong-co").status_code == 400


def test_an_unknown_request_or_token_is_404_in_the_path_format(client):
    for path in ("requests/DLK-0000-0000.json", "tokens/bm90LWEtdG9rZW4.json", "requests/DLK-0000-0000.xml"):
        response = get(client, path)
        assert response.status_code == 404, path
        if path.endswith(".json"):
            validate_json("errors", response.body)
        else:
            parse_xml(response.body, "errors")


def test_a_post_needs_a_form_body(client, api_key):
    response = client.http.post(f"{V2}/requests.json", headers=JSON, body=json.dumps({"api_key": api_key}))
    assert response.status_code == 415


def test_every_published_result_reads_with_its_status_notes_in_xml(client, staff, api_key):
    answer = validate_json("post_response", post(client, "json", fields(api_key)).body)
    report_id = answer[0]["service_request_id"]
    to_state(client, staff, report_id, "result_submitted")
    must(client, staff, "ioc", report_id, "approve_result")
    xml = parse_xml(get(client, f"requests/{report_id}.xml").body, "service_requests")
    item = xml_fields(xml[0])
    assert item["status"] == "closed" and item["status_notes"].startswith("Đã vá ổ gà")
    assert item["lat"] == "12.68" and item["long"] == "108.04"


def test_what_chalice_refuses_itself_is_an_open311_error_too(client, api_key):
    response = client.http.post(f"{V2}/requests.xml", headers=JSON, body=json.dumps({"api_key": api_key}))
    assert response.status_code == 415
    error = xml_fields(parse_xml(response.body, "errors")[0])
    assert error["code"] == "415" and "application/x-www-form-urlencoded" in error["description"]
    response = client.http.put(f"{V2}/requests.json", headers=FORM, body="")
    assert response.status_code == 405 and validate_json("errors", response.body)[0]["code"] == "405"


def test_aws_calls_per_post_and_per_read(client, api_key, aws_calls):
    """A POST: the key (GetItem), the idempotency record (Put, then Update), the report's transaction, the
    key's report set (UpdateItem), and the intake's nearby candidates (one Query per index cell the radius
    touches, at most 4). A list is one Query; one request one GetItem."""
    aws_calls.reset()
    answer = validate_json("post_response", post(client, "json", fields(api_key)).body)
    calls = dict(aws_calls.calls)
    assert 1 <= calls.pop("Query", 0) <= 4
    assert calls == {"GetItem": 1, "PutItem": 1, "TransactWriteItems": 1, "UpdateItem": 2}
    aws_calls.reset()
    validate_json("requests", get(client, "requests.json").body)
    assert dict(aws_calls.calls) == {"Query": 1}
    aws_calls.reset()
    validate_json("requests", get(client, f"requests/{answer[0]['service_request_id']}.json").body)
    assert dict(aws_calls.calls) == {"GetItem": 1}
