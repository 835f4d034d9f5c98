"""The local stack started exactly as `make run` starts it, used over HTTP, then stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import iam_recording
import pytest
import requests

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 120.0  # generous: two busy cores may be running other suites
REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}


HTTP = requests.Session()
HTTP.trust_env = False  # straight to 127.0.0.1, whatever proxy the machine has


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, from /proc (children, grandchildren...)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.api_port, self.moto_port = free_ports(2)
        self.log_dir = tmp / "devstack"
        self.output = tmp / "devstack.out"
        self.url = f"http://127.0.0.1:{self.api_port}"
        with self.output.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "devstack", "--stage", "dev", "--port", str(self.api_port),
                 "--moto-port", str(self.moto_port), "--log-dir", str(self.log_dir)],
                # chalice local and the event runner record their functions' AWS calls for the IAM check
                cwd=ROOT, env=iam_recording.subprocess_env(dict(os.environ), "e2e"), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.children: set[int] = set()

    def log(self) -> str:
        parts = [self.output.read_text(errors="replace")]
        for path in sorted(self.log_dir.glob("*/*.log")):
            parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"devstack exited with {self.proc.returncode}:\n{self.log()}"
            if "Ctrl-C to stop" in self.output.read_text(errors="replace"):
                self.children = descendants(self.proc.pid)
                return
            time.sleep(0.2)
        pytest.fail(f"the local stack did not start within {STARTUP_TIMEOUT} s:\n{self.log()}")

    def interrupt(self, timeout: float = 60.0) -> int:
        """Ctrl-C as a terminal sends it; returns the exit code."""
        if self.proc.poll() is None:
            self.children |= descendants(self.proc.pid)
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            for pid in self.children:
                if alive(pid):
                    os.killpg(pid, signal.SIGKILL)
            raise


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    started = Stack(tmp_path_factory.mktemp("e2e"))
    try:
        started.wait_until_up()
        yield started
    finally:
        started.interrupt()


def post_report(stack: Stack, body: object, headers: dict | None = None) -> requests.Response:
    raw = body if isinstance(body, str) else json.dumps(body)
    return HTTP.post(f"{stack.url}/reports", data=raw.encode(),
                         headers={"Content-Type": "application/json", **(headers or {})}, timeout=30)


def test_health_answers_with_the_stage_province(stack):
    answer = HTTP.get(f"{stack.url}/health", timeout=30).json()
    assert answer == {"status": "ok", "province": "daklak", "province_code": 66}


def test_the_banner_tells_where_to_go(stack):
    out = stack.output.read_text()
    assert stack.url in out
    assert f"http://127.0.0.1:{stack.moto_port}" in out
    assert "curl -s -X POST" in out and "24133" in out
    assert "chalice.log" in out and "runner.log" in out and "Ctrl-C to stop" in out


def test_submit_retry_and_follow_a_report_over_http(stack):
    key = "e2e-" + os.urandom(6).hex()
    first = post_report(stack, REPORT, {"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["id"] and answer["tracking_token"]
    assert answer["due_at"].endswith("+07:00")

    again = post_report(stack, REPORT, {"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.json()["id"] == answer["id"]

    mine = HTTP.get(f"{stack.url}/reports/{answer['id']}", headers={"X-Tracking-Token": answer["tracking_token"]},
                        timeout=30)
    assert mine.status_code == 200
    assert mine.json()["id"] == answer["id"]
    public = json.dumps(mine.json(), ensure_ascii=False)
    assert "Nguyễn Văn An" not in public and "905123456" not in public

    wrong = HTTP.get(f"{stack.url}/reports/{answer['id']}", headers={"X-Tracking-Token": "not-the-token-at-all"},
                         timeout=30)
    assert wrong.status_code == 404


def test_broken_json_gets_a_bilingual_400(stack):
    response = post_report(stack, '{"category": "ha-tang-do-thi",')
    assert response.status_code == 400
    body = response.json()
    assert body["code"] and body["message"] and body["message_en"]


def test_a_reporter_sees_their_data_and_erases_it_over_http(stack):
    answer = post_report(stack, {**REPORT, "reporter": {"name": "Lê Thị Hoa", "phone": "0905 444 321"}}).json()
    token = {"X-Tracking-Token": answer["tracking_token"]}
    url = f"{stack.url}/reports/{answer['id']}"
    held = HTTP.get(f"{url}/my-data", headers=token, timeout=30).json()["held"]
    assert (held["name"], held["phone"], held["anonymised"]) == ("Lê Thị Hoa", "+84905444321", False)
    erased = HTTP.post(f"{url}/erase", headers=token, timeout=30)
    assert erased.status_code == 200 and erased.json()["erased"] is True and erased.json()["removed"]
    after = HTTP.get(f"{url}/my-data", headers=token, timeout=30).json()
    assert after["held"] == {"name": None, "phone": None, "email": None, "anonymised": True}
    assert "Lê Thị Hoa" not in json.dumps(after, ensure_ascii=False) and "444321" not in json.dumps(after)
    assert HTTP.post(f"{url}/erase", headers=token, timeout=30).json()["erased"] is False


def test_ctrl_c_stops_everything_it_started(stack):
    assert stack.children, "devstack started no child process"
    assert listening(stack.api_port) and listening(stack.moto_port)
    assert stack.interrupt() == 0
    left = sorted(pid for pid in stack.children if alive(pid))
    assert left == [], f"still running after Ctrl-C: {left}"
    assert not listening(stack.api_port)
    assert not listening(stack.moto_port)
    assert "stopped." in stack.output.read_text()
