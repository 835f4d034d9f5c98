"""Ask before submitting: which ward is this point in; the province's wards as a list and as a map."""

from __future__ import annotations

import json

BUON_MA_THUOT = (12.6797, 108.0447)  # Phường Buôn Ma Thuột (24133), Đắk Lắk
HA_NOI = (21.0285, 105.8542)  # Hoàn Kiếm, Hà Nội
SEA = (12.0, 110.5)  # the South China Sea off Khánh Hòa, inside the box around Vietnam


def get(client, path: str, headers: dict | None = None):
    response = client.http.get(path, headers=headers or {})
    return response, (json.loads(response.body) if response.body else None)


def test_a_point_in_the_province_answers_its_ward(client):
    response, body = get(client, "/wards/lookup?lat={}&lng={}".format(*BUON_MA_THUOT))
    assert response.status_code == 200, body
    assert body["ward_code"] == "24133" and body["ward_name"] == "Phường Buôn Ma Thuột"
    assert body["ward_type"] == "Phường" and body["province_code"] == 66


def test_a_point_in_another_province_is_a_400_that_names_it(client):
    response, body = get(client, "/wards/lookup?lat={}&lng={}".format(*HA_NOI))
    assert response.status_code == 400 and body["code"] == "point_in_other_province"
    assert "Thành phố Hà Nội" in body["message"] and "Ha Noi City" in body["message_en"]
    assert "Tỉnh Đắk Lắk" in body["message"]  # where the citizen tried to report
    assert body["province_code"] == 1 and body["ward_name"]


def test_a_point_at_sea_has_a_400_of_its_own(client):
    response, body = get(client, "/wards/lookup?lat={}&lng={}".format(*SEA))
    assert response.status_code == 400 and body["code"] == "point_at_sea"
    assert body["message"] and body["message_en"]


def test_a_lookup_without_numbers_is_a_400_naming_the_field(client):
    for path, field in (("/wards/lookup?lat=abc&lng=108", "lat"), ("/wards/lookup?lng=108", "lat"),
                        ("/wards/lookup?lat=12&lng=999", "lng"), ("/wards/lookup?lat=nan&lng=108", "lat")):
        response, body = get(client, path)
        assert response.status_code == 400 and body["field"] == field, (path, body)


def test_the_ward_list_is_the_provinces_2025_wards(client):
    response, body = get(client, "/wards")
    assert response.status_code == 200 and body["province_code"] == 66
    codes = {w["code"] for w in body["wards"]}
    assert len(codes) == len(body["wards"]) == 102 and "24133" in codes
    assert {w["type"] for w in body["wards"]} <= {"Phường", "Xã", "Đặc khu"}
    assert "max-age" in response.headers["Cache-Control"]


def test_the_map_is_geojson_with_an_etag_and_a_304_when_unchanged(client):
    response, body = get(client, "/wards.geojson")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/geo+json")
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 102
    first = body["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon" and set(first["properties"]) == {"code", "name", "type"}
    etag = response.headers["ETag"]
    again, _ = get(client, "/wards?format=geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
