"""The channels on the local stack over HTTP, as `make run` serves them: the public endpoint refuses a
channel with its own intake, the demo hotline operator records a call and the caller's SMS carries the
code, and an .eml dropped into the inbox (`make mail`) becomes one report and an answer."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from test_local_stack import HTTP, ROOT, Stack

pytestmark = pytest.mark.e2e
CALL = {"category": "moi-truong", "description": "Người gọi báo rác thải đổ trộm ven đường nhiều ngày",
        "location": {"address": "Cuối đường Y Wang, Buôn Ma Thuột"},
        "reporter": {"name": "Trần Thị Bình", "phone": "0912 345 679"}}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    started = Stack(tmp_path_factory.mktemp("e2e-channels"))
    try:
        started.wait_until_up()
        yield started
    finally:
        started.interrupt()


def moto(stack) -> str:
    return f"http://127.0.0.1:{stack.moto_port}"


def token(stack, user: str) -> str:
    done = subprocess.run([sys.executable, "-m", "devstack.token", user, "--endpoint-url", moto(stack)], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def sent(stack) -> dict:
    return HTTP.get(f"{moto(stack)}/_devstack/sent.json", timeout=30).json()


def eventually(check, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_the_public_endpoint_refuses_a_channel_with_its_own_intake(stack):
    body = {**CALL, "location": {"lat": 12.68, "lng": 108.04}, "channel": "hotline"}
    answer = HTTP.post(f"{stack.url}/reports", data=json.dumps(body).encode(),
                       headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400 and answer.json()["code"] == "channel_not_public"


def test_the_demo_hotline_operator_records_a_call_and_the_caller_gets_the_sms(stack):
    assert "username: hotline.operator," in stack.output.read_text()
    answer = HTTP.post(f"{stack.url}/staff/intake", data=json.dumps(CALL).encode(), timeout=30,
                       headers={"Content-Type": "application/json",
                                "Authorization": f"Bearer {token(stack, 'hotline.operator')}"})
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["sla_working_days"] == 3 and receipt["agency_id"] == "ioc"
    sms = eventually(lambda: [m for m in sent(stack)["sms"] if receipt["id"] in (m.get("text") or "")])
    assert [m["to"] for m in sms] == ["+84912345679"]


def test_an_eml_dropped_into_the_inbox_becomes_one_report_and_an_answer(stack):
    stack_file = next(stack.log_dir.glob("dev/stack.json"))
    subprocess.run([sys.executable, "-m", "devstack.mail", "tests/events/email_report_photo.eml", "--endpoint-url",
                    moto(stack), "--stack", str(stack_file)], cwd=ROOT, check=True, timeout=60,
                   capture_output=True, text=True)
    answers = eventually(lambda: [m for m in sent(stack)["email"] if "hoa.nguyen@example.com" in m.get("to", [])])
    assert len(answers) == 1, sent(stack)["email"]
    ioc = {"Authorization": f"Bearer {token(stack, 'ioc.operator')}"}
    queue = HTTP.get(f"{stack.url}/staff/reports?agency=ioc&status=received", headers=ioc, timeout=30).json()
    emailed = [item for item in queue["items"] if item["id"] in answers[0]["text"]]
    assert len(emailed) == 1
