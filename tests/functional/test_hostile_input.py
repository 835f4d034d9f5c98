"""Anonymous (and signed-in) input never makes a 500: every route, driven with hostile values.

A 5xx is a bug of ours and pages the on-call (the 5xx alarm); whatever a person sends must come
back as a 4xx with the bilingual error body. The routes are read from the app itself, so a new
route is swept without anyone remembering to add it here.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from staff_helpers import JSON, a_report, body_of, submit

pytest_plugins = ["staff_fixtures"]

DEEP = "[" * 100_000 + "]" * 100_000

# Values put in place of every field of a body (as JSON text, so NaN, Infinity and lone surrogates go raw).
HOSTILE_VALUES = [
    "null", "true", "0", "-1", "1e308", "-1e308", "NaN", "Infinity", "-Infinity", "10" + "0" * 400,
    "9" * 5000, '""', '"\\ud800"', '"a\\udfffb"', '"\\u0000"', json.dumps("x" * 100_000), "[]", "{}",
    '[{"a": [1]}]', '{"$gt": ""}', '"0001-01-01T00:00:00+14:00"', '"9999-12-31T23:59:59-14:00"', '"../../etc"',
    "[" * 40 + "]" * 40,
]

# Whole bodies, as bytes on the wire.
HOSTILE_BODIES: list[bytes | None] = [
    None, b"", b" ", b"null", b"[]", b"123", b'"text"', b"\xff\xfe\xfa", b'{"a": "\xc3\x28"}', b"\xef\xbb\xbf{}",
    b"{", b'{"a": NaN}', b'{"a": Infinity}', b'{"\\ud800": 1}', b'{"a": "\\ud800"}', DEEP.encode(),
    b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", b'{"a": "' + b"x" * 300_000 + b'"}', b"\x00" * 10,
    "{}".encode("utf-16"), b'{"a": 1, "a": 2}',
]

HOSTILE_QUERY_VALUES = [
    "", "0", "-1", "10" + "0" * 400, "NaN", "Infinity", "1e308", "x" * 5000, "%ff%fe", "\ud800", "0001-01-01",
    "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-45", "..", "[]", "{}",
    "a.b", "a" * 200 + "." + "b" * 200, "💥", "\x00",
]
QUERY_KEYS = ["limit", "cursor", "status", "agency", "category", "ward", "due_before", "from", "to", "format",
              "month", "unknown", "limit[]", "x" * 500,
              "service_request_id", "service_code", "start_date", "end_date", "jurisdiction_id"]  # Open311's

ODD_IDS = ["..", "%2e%2e", "%00", "a" * 2000, "DLK-0000-0000", "💥", "%ud800", "%ff", "'%20OR%201=1", "%22",
           "null", "-1", "1e308", "%5B%5D", "%7B%7D", "DLK-XXXX-XXXX%0A",
           "", "%20", "%20%20", "b" * 2100, "ệ" * 800]  # empty once trimmed; over DynamoDB's 2,048-byte key

# Known fields of each body, so that every field gets every hostile value.
FIELDS = {
    "/reports": ["category", "description", "location", "ward_code", "reporter", "channel", "occurred_at"],
    "/reports/{report_id}/media": ["content_type", "size"],
    "/reports/{report_id}/feedback": ["rating", "comment"],
    "/reports/{report_id}/reopen": ["reason"],
    "/staff/reports/{report_id}/actions": ["action", "version", "agency_id", "category", "note", "reason_code",
                                            "public_reason", "duplicate_of", "reason", "suggested_agency_id",
                                            "working_days", "text", "media_ids", "enforcement"],
    "/staff/reports/{report_id}/media": ["content_type", "size"],
    "/staff/intake": ["category", "description", "location", "ward_code", "reporter", "occurred_at"],
    "/staff/directory/users": ["username", "email", "name", "role", "agency_id"],
    "/staff/directory/users/{username}/move": ["role", "agency_id"],
}
VALID = {
    "/reports": a_report(),
    "/reports/{report_id}/media": {"content_type": "image/jpeg", "size": 1000},
    "/reports/{report_id}/feedback": {"rating": 5, "comment": "Tốt lắm"},
    "/reports/{report_id}/reopen": {"reason": "Ổ gà vẫn còn nguyên, chưa ai sửa"},
    "/staff/reports/{report_id}/actions": {"action": "assign", "agency_id": "ubnd-24133", "note": "Giao xử lý"},
    "/staff/reports/{report_id}/media": {"content_type": "image/jpeg", "size": 1000},
    "/staff/intake": {k: v for k, v in a_report().items() if k != "ward_code"},
    "/staff/directory/users": {"username": "nguyen.van.an", "email": "an@example.gov.vn", "name": "Nguyễn Văn An",
                               "role": "agency_officer", "agency_id": "ubnd-24133"},
    "/staff/directory/users/{username}/move": {"agency_id": "ubnd-22015"},
}
NESTED = {  # a sub-object's fields, swept too
    "/reports": {"location": ["lat", "lng", "address"], "reporter": ["name", "phone"]},
    "/staff/intake": {"location": ["lat", "lng", "address"], "reporter": ["name", "phone"]},
    "/staff/reports/{report_id}/actions": {},
}


OPEN311_KEY = "o311_hostile-input-sweep-key"
OPEN311_FORM = {"api_key": OPEN311_KEY, "jurisdiction_id": "daklak", "service_code": "ha-tang-do-thi", "lat": "12.68",
                "long": "108.04", "description": "Ổ gà lớn trên đường Lê Duẩn", "first_name": "An",
                "last_name": "Nguyễn", "phone": "0905123456", "address_string": "Lê Duẩn", "address_id": "24133",
                "email": "a@example.org", "device_id": "d", "account_id": "a", "media_url": "https://x.example/1.jpg",
                "attribute[occurred_at]": "2026-11-01T08:00:00+07:00"}


def open311_forms() -> list[tuple[Any, bytes]]:
    """Open311 POST forms: every field of a valid one given each hostile value (and twice), raw bodies too."""
    from urllib.parse import urlencode

    out: list[tuple[Any, bytes]] = []
    for field in OPEN311_FORM:
        for value in HOSTILE_QUERY_VALUES:
            form = {**OPEN311_FORM, field: value}
            out.append(((field, value[:40]), urlencode(form, errors="surrogatepass").encode()))
        out.append(((field, "twice"), (urlencode(OPEN311_FORM) + f"&{quote(field)}=x").encode()))
    out += [(("raw", b), b) for b in (b"%", b"&&&", b"=" * 100, b"a=%ff%fe", b"api_key&api_key", b"\x00=\x00",
                                      "&".join(f"k{i}=v" for i in range(500)).encode())]
    return out


def routes() -> list[tuple[str, str]]:
    from app import app

    return [(path, method) for path, methods in app.routes.items() for method in methods]


def body_with(valid: dict[str, Any], field: str, raw_value: str, inside: str | None = None) -> bytes:
    """The valid body as JSON text with one field (or one field of a sub-object) set to `raw_value` verbatim."""
    marker = "\u2603MARK\u2603"
    body = json.loads(json.dumps(valid))
    target = body.setdefault(inside, {}) if inside else body
    if not isinstance(target, dict):
        target = body[inside] = {}
    target[field] = marker
    return json.dumps(body, ensure_ascii=False).replace(json.dumps(marker, ensure_ascii=False), raw_value).encode(
        "utf-8", "surrogatepass")


def check(response: Any, what: Any, path: str = "") -> None:
    """No 5xx, and an error is our JSON body in both languages (on /open311/, Open311's error list)."""
    assert response.status_code < 500, (what, response.status_code, response.body[:500])
    if response.status_code >= 400 and path.startswith("/open311/"):
        if response.body.startswith(b"<?xml"):
            import xml.etree.ElementTree as ET

            errors = [{c.tag: c.text for c in e} for e in ET.fromstring(response.body)]
        else:
            errors = json.loads(response.body)
        assert errors and all(e["code"] == str(response.status_code) and e["description"] for e in errors), (
            what, errors)
    elif response.status_code >= 400:
        body = json.loads(response.body)
        assert {"code", "message", "message_en"} <= set(body), (what, body)
        assert body["message"] and body["message_en"], (what, body)


def bodies_for(path: str) -> list[tuple[Any, bytes | None]]:
    valid = VALID.get(path, {})
    out: list[tuple[Any, bytes | None]] = [(("raw", b), b) for b in HOSTILE_BODIES]
    for field in FIELDS.get(path, []):
        for value in HOSTILE_VALUES:
            out.append(((field, value[:40]), body_with(valid, field, value)))
    for inside, fields in NESTED.get(path, {}).items():
        for field in fields:
            for value in HOSTILE_VALUES:
                out.append(((inside, field, value[:40]), body_with(valid, field, value, inside)))
    if path.endswith("/actions"):
        from chalicelib.schemas.actions import STAFF_BODIES

        for action, model in STAFF_BODIES.items():
            for field in set(model.model_fields) - {"action"}:
                for value in ("[]", "{}", "-1", '"x"', "10" + "0" * 400, "1.5"):
                    out.append(((action, field, value[:40]), body_with({"action": action}, field, value)))
    return out


@pytest.fixture
def target(client, staff):
    """A real report (so that bodies reach past the lookup) and the headers each kind of route needs."""
    from datetime import UTC, datetime

    from chalicelib import container
    from chalicelib.services.open311 import seed_key
    from chalicelib.storage.open311_keys import ApiKeyStore

    report_id, token = submit(client)
    seed_key(ApiKeyStore(), container.open311_key_secret(container.services().settings), "sweep", OPEN311_KEY,
             datetime.now(UTC))
    return {"report_id": report_id, "token": token, "admin": staff.headers("admin"),
            "staff": staff.headers("ioc"), "citizen": {**JSON, "X-Tracking-Token": token}}


@pytest.mark.parametrize(("path", "method"), routes(), ids=[f"{m} {p}" for p, m in routes()])
def test_no_hostile_input_makes_a_500(client, target, path, method):
    headers = target["staff"] if path.startswith("/staff") else target["citizen"]
    if path.startswith("/staff/directory"):  # the province admin's: the IOC would stop at the 403
        headers = target["admin"]
    real = path.replace("{report_id}", target["report_id"]).replace("{username}", "officer")
    # odd path ids
    for param in ("{report_id}", "{username}"):
        if param not in path:
            continue
        for odd in ODD_IDS:
            odd_path = path.replace(param, odd)
            response = client.http.request(method, odd_path, headers=headers,
                                           body=json.dumps(VALID.get(path, {})).encode())
            if response.status_code != 404 or response.body:  # chalice's router may not match at all
                check(response, ("id", odd), path)
    # bodies
    if method == "POST":
        for what, raw in bodies_for(path):
            response = client.http.request(method, real, headers=headers, body=raw or b"")
            check(response, what, path)
        if path.startswith("/open311/"):
            form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
            for what, raw in open311_forms():
                check(client.http.request(method, real, headers=form, body=raw), ("form", what), path)
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"):
            response = client.http.request(method, real, headers={**headers, "Content-Type": content_type},
                                           body=json.dumps(VALID.get(path, {})).encode())
            check(response, ("content-type", content_type), path)
    # query strings: every filter of a list (or page) route; a few on a route about one report (each costs
    # a token check, kept deliberately slow)
    full = method == "GET" and "{report_id}" not in path
    for key in QUERY_KEYS if full else ["limit", "unknown", "x" * 500]:
        for value in HOSTILE_QUERY_VALUES if full else HOSTILE_QUERY_VALUES[:8]:
            qs = f"{quote(key)}={quote(value, safe='%', errors='surrogatepass')}"
            response = client.http.request(method, f"{real}?{qs}", headers=headers,
                                           body=json.dumps(VALID.get(path, {})).encode() if method == "POST" else b"")
            check(response, ("query", key, value[:40]), path)
    huge = "&".join(f"k{i}={'v' * 50}" for i in range(2000))
    check(client.http.request(method, f"{real}?{huge}", headers=headers, body=b"{}"), "huge query", path)
    # hostile headers
    for name, value in (("X-Tracking-Token", "\x00" * 10), ("X-Tracking-Token", "x" * 10_000),
                        ("Idempotency-Key", "💥" * 10), ("Authorization", "Bearer " + "x" * 10_000),
                        ("Authorization", "Bearer a.b.c"), ("X-Correlation-Id", "x" * 10_000)):
        response = client.http.request(method, real, headers={**headers, name: value},
                                       body=json.dumps(VALID.get(path, {})).encode() if method == "POST" else b"")
        check(response, ("header", name, value[:40]), path)
    assert body_of(client.http.get("/health"))  # the app is still up
