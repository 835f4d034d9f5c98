"""Open311 GeoReport v2 on the local stack, as outside clients use it.

A POST as FixMyStreet's Open311 client makes it (XML, jurisdiction_id on every call, api_key in the body,
lat/long, first_name/last_name, repeated media_url) with the banner's demo key; then a real client nobody
here wrote, the PyPI package `georeport` (0.3.1, GET only), reads the services, the requests and that one
request in JSON and in XML.
"""

from __future__ import annotations

import re

import pytest
from open311_checks import no_contact, parse_xml, same_as_json, validate_json, xml_fields
from test_local_stack import HTTP, Stack

pytestmark = pytest.mark.e2e

JURISDICTION = "daklak"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    started = Stack(tmp_path_factory.mktemp("e2e-open311"))
    try:
        started.wait_until_up()
        yield started
    finally:
        started.interrupt()


def test_fixmystreet_posts_and_georeport_reads_it_back_in_json_and_xml(stack, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # georeport calls requests.get with the environment's
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    found = re.search(r"open311 key\s+(o311_\S+)", stack.output.read_text())
    assert found, "the banner names no Open311 key"
    api_key = found.group(1)
    root = f"{stack.url}/open311/v2"

    form = [("jurisdiction_id", JURISDICTION), ("api_key", api_key), ("service_code", "ha-tang-do-thi"),
            ("lat", "12.6797"), ("long", "108.0447"), ("address_string", "Lê Duẩn, Buôn Ma Thuột"),
            ("description", "Ổ gà lớn giữa đường, xe máy dễ ngã (người báo: Lê Thị Hoa)"),
            ("first_name", "Lê Thị"), ("last_name", "Hoa"), ("email", "hoa@example.org"), ("phone", "0905 246 806"),
            ("media_url", "https://fms.example/photo/1.full.jpeg"), ("media_url", "https://fms.example/photo/2.jpeg")]
    posted = HTTP.post(f"{root}/requests.xml", data=form, timeout=30)
    assert posted.status_code == 201, posted.text
    request = xml_fields(parse_xml(posted.content, "service_requests").find("request"))
    report_id, token = request["service_request_id"], request["token"]
    followed = HTTP.get(f"{root}/tokens/{token}.xml", params={"jurisdiction_id": JURISDICTION}, timeout=30)
    assert xml_fields(parse_xml(followed.content, "service_requests")[0])["service_request_id"] == report_id

    from georeport import GeoReport

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction=JURISDICTION, output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        assert "ha-tang-do-thi" in codes, fmt
        many = client.get_service_requests(service_code="ha-tang-do-thi", status="open")
        many = many if isinstance(many, list) else [many]  # xmltodict gives one element as a dict
        assert report_id in [r["service_request_id"] for r in many], fmt
        one = client.get_service_request(report_id)
        assert one["service_request_id"] == report_id and one["status"] == "open", fmt
        assert one["service_code"] == "ha-tang-do-thi" and one["address_id"] == "24133", fmt
        assert "Lê Thị Hoa" not in one["description"], fmt

    # the same reads checked against the specification's schemas and element by element
    as_json = HTTP.get(f"{root}/requests/{report_id}.json", params={"jurisdiction_id": JURISDICTION}, timeout=30)
    body = validate_json("requests", as_json.content)
    as_xml = HTTP.get(f"{root}/requests/{report_id}.xml", params={"jurisdiction_id": JURISDICTION}, timeout=30)
    same_as_json(parse_xml(as_xml.content, "service_requests"), body)
    validate_json("services", HTTP.get(f"{root}/services.json", timeout=30).content)
    for answer in (as_json.content, as_xml.content, HTTP.get(f"{root}/requests.json", timeout=30).content):
        no_contact(answer, "Lê Thị", "+84905246806", "hoa@example.org")
