"""A report's whole life over HTTP on the local stack, with demo staff signed in through `make token`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_local_stack import HTTP, ROOT, Stack

pytestmark = pytest.mark.e2e

REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn giữa đường, gọi tôi 0912 345 678 hoặc a.nguyen@gmail.com",
    "location": {"lat": 13.09, "lng": 109.3, "address": "Phường Tuy Hòa"},
    "ward_code": "22015",  # ward1's committee in the demo staff
    "reporter": {"name": "Nguyễn Văn An", "phone": "0912 345 678"},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    started = Stack(tmp_path_factory.mktemp("e2e-cases"))
    try:
        started.wait_until_up()
        yield started
    finally:
        started.interrupt()


@pytest.fixture(scope="module")
def tokens(stack):
    """ID tokens of the demo staff, from `python -m devstack.token` (what `make token USER=...` runs)."""
    out = {}
    for user in ("ioc.operator", "ward1.officer", "ward1.lead", "ward2.officer", "province.admin"):
        done = subprocess.run([sys.executable, "-m", "devstack.token", user, "--endpoint-url",
                               f"http://127.0.0.1:{stack.moto_port}"], cwd=ROOT, capture_output=True, text=True,
                              check=True, timeout=60)
        out[user] = done.stdout.strip()
    return out


def call(stack, method, path, body=None, headers=None):
    response = HTTP.request(method, f"{stack.url}{path}", data=json.dumps(body).encode() if body is not None else None,
                            headers={"Content-Type": "application/json", **(headers or {})}, timeout=30)
    return response.status_code, response.json()


def test_the_banner_lists_the_demo_staff(stack):
    out = stack.output.read_text()
    for user in ("ioc.operator", "ward1.officer", "ward1.lead", "ward2.officer", "ward2.lead", "province.admin"):
        assert f"username: {user}," in out


def test_a_whole_lifecycle_over_http(stack, tokens):
    def act(user, action, **fields):
        status, body = call(stack, "POST", f"/staff/reports/{report_id}/actions", {"action": action, **fields},
                            {"Authorization": f"Bearer {tokens[user]}"})
        assert status == 200, (user, action, body)
        return body

    status, receipt = call(stack, "POST", "/reports", REPORT)
    assert status == 201
    report_id, tracking = receipt["id"], {"X-Tracking-Token": receipt["tracking_token"]}
    ward1 = {"Authorization": f"Bearer {tokens['ward1.officer']}"}
    assert call(stack, "GET", f"/staff/reports/{report_id}", headers=ward1)[0] == 404  # proposed, not assigned

    act("ioc.operator", "assign", agency_id="ubnd-22045")
    act("ward2.officer", "return_to_ioc", reason="Không thuộc địa bàn phường", suggested_agency_id="ubnd-22015")
    act("ioc.operator", "forward")
    act("ward1.officer", "accept")
    act("ward1.officer", "submit_result", text="Đã kiểm tra hiện trường")
    act("ioc.operator", "send_back_result", reason="Cần ảnh sau khắc phục")
    act("ward1.lead", "submit_result", text="Đã vá ổ gà", enforcement=[{"type": "fine", "amount_vnd": 1_000_000}])
    assert act("ioc.operator", "approve_result")["status"] == "published"
    assert call(stack, "POST", f"/reports/{report_id}/feedback", {"rating": 2}, tracking)[0] == 201
    status, reopened = call(stack, "POST", f"/reports/{report_id}/reopen",
                            {"reason": "Ổ gà xuất hiện lại sau mưa"}, tracking)
    assert status == 200 and reopened["round_label"] == "lần 2"
    act("ioc.operator", "assign", agency_id="ubnd-22015")
    act("ward1.officer", "accept")
    act("ward1.officer", "submit_result", text="Đã thảm lại đoạn đường")
    act("ioc.operator", "approve_result")

    status, case = call(stack, "GET", f"/staff/reports/{report_id}", headers=ward1)
    assert status == 200 and case["reporter"]["name"] == "Nguyễn Văn An"
    assert [h["action"] for h in case["history"]] == [
        "submit", "assign", "return_to_ioc", "forward", "accept", "submit_result", "send_back_result",
        "submit_result", "approve_result", "feedback", "reopen", "assign", "accept", "submit_result",
        "approve_result"]
    assert [h["round"] for h in case["history"]][-5:] == [2, 2, 2, 2, 2]

    admin = {"Authorization": f"Bearer {tokens['province.admin']}"}
    assert call(stack, "GET", f"/staff/reports/{report_id}", headers=admin)[1]["reporter"] is None

    for path in (f"/public/reports/{report_id}", "/public/reports", "/public/reports?format=geojson"):
        status, body = call(stack, "GET", path)
        text = json.dumps(body, ensure_ascii=False)
        assert status == 200 and report_id in text
        assert "Nguyễn Văn An" not in text and "912345678" not in text and "0912 345 678" not in text
        assert "a.nguyen@gmail.com" not in text

    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*/*.log"))
    assert "Nguyễn Văn An" not in logs and "912345678" not in logs


def test_fifty_concurrent_assigns_of_one_version_have_one_winner(stack, tokens):
    """moto's DynamoDB is serialised in the local stack, so conditional writes race as on AWS."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    status, receipt = call(stack, "POST", "/reports", REPORT)
    assert status == 201
    report_id, ioc = receipt["id"], {"Authorization": f"Bearer {tokens['ioc.operator']}"}
    version = call(stack, "GET", f"/staff/reports/{report_id}", headers=ioc)[1]["version"]

    def assign(_: int) -> int:
        http = requests.Session()
        http.trust_env = False
        return http.post(f"{stack.url}/staff/reports/{report_id}/actions", headers=ioc, timeout=60,
                         json={"action": "assign", "agency_id": "ubnd-22015", "version": version}).status_code

    with ThreadPoolExecutor(5) as pool:  # chalice local's listen backlog is small
        codes = list(pool.map(assign, range(50)))
    assert sorted(codes) == [200] + [409] * 49
    case = call(stack, "GET", f"/staff/reports/{report_id}", headers=ioc)[1]
    assert [h["action"] for h in case["history"]] == ["submit", "assign"]
    assert case["version"] == version + 1


def test_a_refused_result_alerts_no_one_and_the_good_one_that_follows_is_delivered(stack, tokens):
    """An unknown media id is refused before any write: no stream record, so no phantom "awaits review" alert.

    (It used to cancel a transaction, which moto rolls back by replacing the table, after the runner had
    already read the refused write from the stream and alerted the IOC.)
    """
    import time

    import boto3

    from devstack.inboxes import drain, inbox_prefix

    sqs = boto3.client("sqs", region_name="ap-southeast-1", endpoint_url=f"http://127.0.0.1:{stack.moto_port}")
    ioc_inbox = sqs.get_queue_url(QueueName=f"{inbox_prefix('dev')}ioc")["QueueUrl"]
    officer = {"Authorization": f"Bearer {tokens['ward1.officer']}"}
    status, receipt = call(stack, "POST", "/reports", REPORT)
    assert status == 201
    report_id = receipt["id"]
    for user, action, fields in (("ioc.operator", "assign", {"agency_id": "ubnd-22015"}),
                                 ("ward1.officer", "accept", {})):
        status, body = call(stack, "POST", f"/staff/reports/{report_id}/actions", {"action": action, **fields},
                            {"Authorization": f"Bearer {tokens[user]}"})
        assert status == 200, (action, body)

    status, refused = call(stack, "POST", f"/staff/reports/{report_id}/actions",
                           {"action": "submit_result", "text": "Đã vá ổ gà", "media_ids": ["no-such-media"]}, officer)
    assert status == 400 and refused["code"] == "unknown_reference" and refused["field"] == "media_ids"
    assert "no-such-media" in refused["message_en"]
    status, offer = call(stack, "POST", f"/staff/reports/{report_id}/media", {"content_type": "image/jpeg"}, officer)
    assert status == 201, offer
    status, good = call(stack, "POST", f"/staff/reports/{report_id}/actions",
                        {"action": "submit_result", "text": "Đã vá ổ gà", "media_ids": [offer["media_id"]]}, officer)
    assert status == 200 and good["status"] == "result_submitted"

    def reviews() -> list[dict]:
        return [m for m in drain(sqs, ioc_inbox) if m["attributes"].get("event") == "result_submitted"
                and report_id in (m["subject"] or "") + (m["text"] or "")]

    seen: list[dict] = []
    deadline = time.monotonic() + 60
    while not seen and time.monotonic() < deadline:
        seen += reviews()
        time.sleep(0.5)
    time.sleep(5)  # a few more runner polls: a phantom of the refused one would have arrived by now
    seen += reviews()
    assert len(seen) == 1, seen  # the good one's alert, once; none for the refused one
    assert "awaits review" in seen[0]["subject"]


def test_the_example_reports_ward_officer_is_mailed_its_assignment_and_finds_it_in_their_queue(stack, tokens):
    """The banner's example report, assigned to its ward's committee: the demo officer of that ward gets the
    e-mail through the staff directory (the committee has no address in the profile) and sees it queued."""
    import time

    from devstack.inboxes import sent_sms_and_email
    from devstack.stack import example_report
    from devstack.staff import demo_email

    out = stack.output.read_text()
    email = demo_email("example.officer", "daklak")
    assert "username: example.officer," in out and f"email: {email}" in out and "agency: ubnd-24133" in out
    status, receipt = call(stack, "POST", "/reports", example_report("daklak"))
    assert status == 201 and receipt["agency_id"] == "ubnd-24133", receipt
    report_id = receipt["id"]
    status, body = call(stack, "POST", f"/staff/reports/{report_id}/actions", {"action": "assign",
                        "agency_id": "ubnd-24133"}, {"Authorization": f"Bearer {tokens['ioc.operator']}"})
    assert status == 200, body

    def mailed() -> list[dict]:
        sent = sent_sms_and_email(f"http://127.0.0.1:{stack.moto_port}")["email"]
        return [m for m in sent if report_id in (m["subject"] or "") and email in m["to"]]

    deadline = time.monotonic() + 60
    while not mailed() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(mailed()) == 1
    token = subprocess.run([sys.executable, "-m", "devstack.token", "example.officer", "--endpoint-url",
                            f"http://127.0.0.1:{stack.moto_port}"], cwd=ROOT, capture_output=True, text=True,
                           check=True, timeout=60).stdout.strip()
    status, queue = call(stack, "GET", "/staff/reports", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and report_id in [r["id"] for r in queue["items"]]


def test_a_second_report_30_m_away_supports_the_first_a_third_is_merged_and_all_three_hear_the_result(
        stack, tokens):
    """The duplicates scenario on `make run`: the intake answer offers the open report 30 m away, its citizen
    supports that one instead, the IOC merges a third into it, and at publication each of the three people
    gets an SMS of the result, none naming another."""
    import time

    from devstack.inboxes import sent_sms_and_email

    people = {"first": ("Lê Thị Một", "+84912000101"), "second": ("Phạm Văn Hai", "+84912000102"),
              "third": ("Đỗ Thị Ba", "+84912000103")}

    def report(who: str, dlat: float) -> dict:
        name, phone = people[who]
        body = {**REPORT, "description": f"Ổ gà sâu trên đường, báo lần {who}",
                "location": {"lat": 13.0812 + dlat, "lng": 109.2901}, "reporter": {"name": name, "phone": phone}}
        status, receipt = call(stack, "POST", "/reports", body)
        assert status == 201, receipt
        return receipt

    first = report("first", 0.0)
    second = report("second", 0.00027)  # ≈ 30 m north
    offered = {c["id"]: c for c in second["nearby"]}
    assert first["id"] in offered and 20 <= offered[first["id"]]["distance_m"] <= 40, second["nearby"]
    status, support = call(stack, "POST", f"/reports/{first['id']}/support",
                           {"own_report_id": second["id"], "tracking_token": second["tracking_token"]})
    assert status == 201 and support["counted"] is True, support
    third = report("third", -0.0002)

    ioc = {"Authorization": f"Bearer {tokens['ioc.operator']}"}

    def act(user: str, report_id: str, action: str, **fields) -> dict:
        status, body = call(stack, "POST", f"/staff/reports/{report_id}/actions", {"action": action, **fields},
                            {"Authorization": f"Bearer {tokens[user]}"})
        assert status == 200, (user, action, body)
        return body

    assert act("ioc.operator", third["id"], "merge", into=first["id"])["status"] == "merged"
    status, case = call(stack, "GET", f"/staff/reports/{first['id']}", headers=ioc)
    assert status == 200 and case["support_count"] == 2, case.get("support_count")

    def sms_about(report_id: str) -> list[dict]:
        sent = sent_sms_and_email(f"http://127.0.0.1:{stack.moto_port}")["sms"]
        return [m for m in sent if report_id in (m["text"] or "")]

    deadline = time.monotonic() + 60  # the merge's SMS to the third (it links the survivor) comes first
    while not [m for m in sms_about(first["id"]) if m["to"] == people["third"][1]] and time.monotonic() < deadline:
        time.sleep(0.5)
    before = len(sms_about(first["id"]))
    act("ioc.operator", first["id"], "assign", agency_id="ubnd-22015")
    act("ward1.officer", first["id"], "accept")
    act("ward1.officer", first["id"], "submit_result", text="Đã vá ổ gà trên đường")
    assert act("ioc.operator", first["id"], "approve_result")["status"] == "published"

    deadline = time.monotonic() + 60
    while len({m["to"] for m in sms_about(first["id"])[before:]}) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    news = sms_about(first["id"])[before:]
    assert sorted(m["to"] for m in news) == sorted(phone for _, phone in people.values()), news
    for message in news:
        others = [p for p in people.values() if p[1] != message["to"]]
        assert not any(name in message["text"] or phone[3:] in message["text"] for name, phone in others)
    status, public = call(stack, "GET", f"/public/reports/{third['id']}")
    assert status == 200 and public["merge"]["into"] == first["id"]
