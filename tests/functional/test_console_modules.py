"""The staff console's pure JS modules, run by Node: the Cognito sign-in against a moto server over HTTP
(the invited user's new-password challenge, the refresh, GlobalSignOut) and the SLA badge's calendar."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).resolve().parent.parent / "web" / "console_modules.mjs"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed for the console modules")


def run(command: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(["node", str(DRIVER), json.dumps(command)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def cognito() -> Iterator[tuple[str, Any]]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}/"
    # The browser's calls are unsigned, so moto's server files them under its default region; on AWS the
    # endpoint's host name (cognito-idp.REGION.amazonaws.com) carries the region.
    yield endpoint, boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
    server.stop()


def test_an_invited_officer_sets_a_password_stays_signed_in_and_signs_out_everywhere(cognito) -> None:
    endpoint, idp = cognito
    pool = idp.create_user_pool(PoolName="console")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="console",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="cb.eatu", TemporaryPassword="Tam-thoi-123!")

    out = run({"cognito": {"endpoint": endpoint, "clientId": client_id, "username": "cb.eatu",
                           "temporary": "Tam-thoi-123!", "password": "Mat-khau-moi-456!"}})

    assert out["wrong"] == "NotAuthorizedException"
    assert out["first"] == {"challenge": "NEW_PASSWORD_REQUIRED"}
    assert out["challenged"] == {"signedIn": True} and out["stored"]
    assert out["refreshed"]
    assert out["again"] == {"signedIn": True}  # the new password is the one Cognito keeps
    assert out["forgotten"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=out["access"])


def test_the_sla_badge_counts_working_days_in_vietnams_calendar() -> None:
    rows = [
        {"due_at": "2026-12-10T17:00:00+07:00", "overdue": False},  # due in a week
        {"due_at": "2026-12-03T23:00:00+07:00", "overdue": False},  # due tonight
        {"due_at": "2026-12-03T08:00:00+07:00", "overdue": True},  # due this morning
        {"due_at": "2026-11-27T17:00:00+07:00", "overdue": True},  # last Friday: Mon, Tue, Wed, Thu
        {"due_at": "2026-11-28T09:00:00+07:00", "overdue": True},  # a Saturday counts from Monday
        {"due_at": None},
    ]
    # Thursday 3 December 2026, 10:00 in Vietnam (03:00 UTC).
    out = run({"sla": {"now": "2026-12-03T03:00:00Z", "rows": rows}})["sla"]

    assert out == [
        {"state": "on_track", "days": 0},
        {"state": "due_today", "days": 0},
        {"state": "overdue", "days": 1},
        {"state": "overdue", "days": 4},
        {"state": "overdue", "days": 4},
        {"state": "closed", "days": 0},
    ]


def test_the_due_day_is_vietnams_not_utcs() -> None:
    # 23:30 UTC on 2 December is 06:30 on 3 December in Vietnam: a report due that evening is due today.
    out = run({"sla": {"now": "2026-12-02T23:30:00Z", "rows": [{"due_at": "2026-12-03T17:00:00+07:00"}]}})["sla"]
    assert out == [{"state": "due_today", "days": 0}]


def test_the_case_files_forms_cover_every_staff_action_and_send_bodies_the_api_parses() -> None:
    from chalicelib.schemas.actions import STAFF_BODIES, parse_action, parse_relocation

    filled = [
        {"action": "assign", "values": {"agency_id": "ubnd-22015", "note": " "}, "version": 1},
        {"action": "reject", "values": {"reason_code": "spam", "public_reason": "Nội dung quảng cáo",
                                        "duplicate_of": ""}, "version": 2},
        {"action": "return_to_ioc", "values": {"reason": "Không thuộc địa bàn", "suggested_agency_id": "ubnd-24133"},
         "version": 3},
        {"action": "request_extension", "values": {"working_days": "5", "reason": "Chờ vật tư"}, "version": 4},
        {"action": "submit_result", "values": {"text": "Đã vá ổ gà và cắm biển", "enforcement_type": "fine",
                                               "amount_vnd": "1500000"}, "version": 5, "media_ids": ["m1"]},
        {"action": "submit_result", "values": {"text": "Đã vá ổ gà và cắm biển", "enforcement_type": ""},
         "version": 5},
        {"action": "relocate", "values": {"lat": "12.68", "lng": "108.04", "ward_code": ""}, "version": 6},
    ]
    out = run({"actions": filled})

    assert set(out["fields"]) == set(STAFF_BODIES) | {"relocate"}  # a form for every action the API may allow
    parsed = [b["body"] for b in out["bodies"]]
    assert parsed[0] == {"action": "assign", "version": 1, "agency_id": "ubnd-22015"}  # the blank note left out
    assert parse_action(parsed[3])[1]["working_days"] == 5
    assert parse_action(parsed[4])[1]["enforcement"] == [{"type": "fine", "amount_vnd": 1500000}]
    assert parsed[4]["media_ids"] == ["m1"] and parsed[5]["enforcement"] == []
    for body in parsed[:-1]:
        assert parse_action(body)[2] == body["version"]
    assert parse_relocation(parsed[-1]) == ({"lat": 12.68, "lng": 108.04}, 6)
    assert [b["path"] for b in out["bodies"]][-2:] == ["/staff/reports/DLK-1/actions", "/staff/reports/DLK-1/location"]
