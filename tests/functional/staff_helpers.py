"""Staff users and tokens under moto, and helpers to drive a report through the workflow over HTTP.

The fixtures live in staff_fixtures.py (a test module loads them with
`pytest_plugins = ["staff_fixtures"]`); this module is plain helpers.
Tokens are real: moto's Cognito signs them with RS256, and the app verifies
them against the JWKS a moto server serves over HTTP, exactly the path the
local stack takes (only the address differs from AWS).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chalicelib.rules.errors import DomainError

JSON = {"Content-Type": "application/json"}
PASSWORD = "Staff-Password-2026"
WARD = "24133"  # the ward every test report is in
AGENCY = "ubnd-24133"  # its People's Committee: where routing sends it
OTHER_AGENCY = "ubnd-22015"  # another ward's committee
# A point well inside each ward a test report names: the point decides the ward a report is routed to.
POINT_IN = {WARD: (12.68, 108.04), "22015": (13.09, 109.3)}

# username -> (role, agency)
USERS: dict[str, tuple[str, str | None]] = {
    "ioc": ("ioc_operator", "ioc"),
    "officer": ("agency_officer", AGENCY),
    "lead": ("agency_lead", AGENCY),
    "other.officer": ("agency_officer", OTHER_AGENCY),
    "other.lead": ("agency_lead", OTHER_AGENCY),
    "admin": ("province_admin", None),
}


def a_report(**over: Any) -> dict[str, Any]:
    body = {
        "category": "ha-tang-do-thi",
        "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
        "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
        "ward_code": WARD,
        "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
    }
    body.update(over)
    if "ward_code" in over and "location" not in over and over["ward_code"] in POINT_IN:
        lat, lng = POINT_IN[over["ward_code"]]
        body["location"] = {**body["location"], "lat": lat, "lng": lng}
    return body


@dataclass
class Staff:
    """The province's staff pool with one user per role; tokens on demand (cached per user)."""

    pool_id: str
    client_id: str
    idp: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, username: str, role: str, agency: str | None, password: str = PASSWORD) -> None:
        from devstack.staff import create_staff_user

        create_staff_user(self.idp, self.pool_id, username, password, role, agency)

    def token(self, username: str, kind: str = "IdToken") -> str:
        from devstack.staff import sign_in

        key = f"{username}:{kind}"
        if key not in self.tokens:
            self.tokens[key] = sign_in(self.idp, self.pool_id, self.client_id, username, PASSWORD)[kind]
        return self.tokens[key]

    def headers(self, username: str) -> dict[str, str]:
        return {**JSON, "Authorization": f"Bearer {self.token(username)}"}


# -- driving reports over HTTP -------------------------------------------------------------


def body_of(response: Any) -> dict[str, Any]:
    return json.loads(response.body or b"{}")


def submit(client: Any, phone: str | None = None, **over: Any) -> tuple[str, str]:
    """A new report (id, tracking token) from the citizen API (a phone may send 5 a day: pass another one)."""
    if phone is not None:
        over["reporter"] = {"name": "Nguyễn Văn An", "phone": phone}
    response = client.http.post("/reports", headers=JSON, body=json.dumps(a_report(**over)))
    assert response.status_code == 201, response.body
    answer = body_of(response)
    return answer["id"], answer["tracking_token"]


def act(client: Any, staff: Staff, user: str, report_id: str, action: str, **fields: Any) -> tuple[int, dict]:
    response = client.http.post(f"/staff/reports/{report_id}/actions", headers=staff.headers(user),
                                body=json.dumps({"action": action, **fields}))
    return response.status_code, body_of(response)


def must(client: Any, staff: Staff, user: str, report_id: str, action: str, **fields: Any) -> dict:
    status, body = act(client, staff, user, report_id, action, **fields)
    assert status == 200, (action, status, body)
    return body


RESULT = {"text": "Đã vá ổ gà, thảm lại mặt đường 20 m2.",
          "enforcement": [{"type": "reminder", "note": "Nhắc nhở đơn vị thi công"}]}


def to_state(client: Any, staff: Staff, report_id: str, state: str) -> None:
    """Drive a fresh report to `state` along the main path (returned and rejected branch off)."""
    path = {
        "received": [],
        "assigned": [("ioc", "assign", {"agency_id": AGENCY})],
        "in_progress": [("officer", "accept", {})],
        "returned": [("officer", "return_to_ioc", {"reason": "Không thuộc thẩm quyền", "suggested_agency_id":
                                                   "so-xay-dung"})],
        "result_submitted": [("officer", "submit_result", RESULT)],
        "published": [("ioc", "approve_result", {})],
        "rejected": [("ioc", "reject", {"reason_code": "spam", "public_reason": "Nội dung quảng cáo"})],
    }
    order = {"received": ["received"],
             "assigned": ["received", "assigned"],
             "in_progress": ["received", "assigned", "in_progress"],
             "returned": ["received", "assigned", "returned"],
             "result_submitted": ["received", "assigned", "in_progress", "result_submitted"],
             "published": ["received", "assigned", "in_progress", "result_submitted", "published"],
             "rejected": ["received", "rejected"]}
    for step in order[state]:
        for user, action, fields in path[step]:
            must(client, staff, user, report_id, action, **fields)


# -- racing requests --------------------------------------------------------------------------


def fire(jobs: list[Any]) -> list[tuple[Any, tuple[int, str] | None]]:
    """Run every job at the same instant; (answer or None, (status, code) or None) for each."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        try:
            return job(), None
        except DomainError as err:
            return None, (err.status, err.code)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


# -- counting and serialising AWS calls ----------------------------------------------------


class CallCounter:
    """Every AWS API call made through botocore, by operation (what the service, not moto, asked for)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1

    def reset(self) -> None:
        self.calls.clear()

    @property
    def total(self) -> int:
        return sum(self.calls.values())
