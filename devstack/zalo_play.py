"""Play a Zalo conversation from the fixtures (tests/events/zalo/conversation/) against `make run`.

    python -m devstack.zalo_play              # stage dev: sign each event, POST it to the webhook
    python -m devstack.zalo_play --replay     # then send the first event again: nothing more happens
    python -m devstack.zalo_play --bad-signature

Each fixture gets the time of sending (`timestamp`, in ms), its attachment URLs point at the local OA
stand-in (which serves the photo), and it is signed as Zalo signs: `X-ZEvent-Signature: mac=<hex>`, hex =
SHA-256 of app_id + the raw body + timestamp + the OA secret key, read from the stage's Zalo secret on the
local moto server (the demo value the local stack provisions). It then waits for the OA's answer carrying
the tracking code, from the stand-in's record of what the OA sent.

The tests use `signed` and `conversation` the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "events" / "zalo" / "conversation"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def signature(app_id: str, raw: bytes, timestamp: str, secret_key: str) -> str:
    """The header value Zalo sends (the same computation as chalicelib/rules/zalo.mac, written out again so a
    mistake in one is not repeated by the other)."""
    return "mac=" + hashlib.sha256(app_id.encode() + raw + timestamp.encode() + secret_key.encode()).hexdigest()


def signed(event: dict[str, Any], secret_key: str, now_ms: int) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) of one webhook call sent at `now_ms`."""
    event = {**event, "timestamp": str(now_ms)}
    raw = json.dumps(event, ensure_ascii=False).encode()
    return raw, {"Content-Type": "application/json",
                 "X-ZEvent-Signature": signature(event["app_id"], raw, event["timestamp"], secret_key)}


def conversation(media_base: str, fixtures: Path = FIXTURES) -> list[dict[str, Any]]:
    """The fixture events in order, their attachment URLs moved to `media_base` (scheme://host:port)."""
    events = []
    for path in sorted(fixtures.glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        for a in event.get("message", {}).get("attachments", []):
            for field in ("url", "thumbnail"):
                if field in a.get("payload", {}):
                    parts = urlsplit(a["payload"][field])
                    a["payload"][field] = media_base.rstrip("/") + parts.path
        events.append(event)
    return events


def _post(url: str, raw: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    try:
        with _DIRECT.open(request, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _sent(standin_url: str) -> list[dict[str, Any]]:
    with _DIRECT.open(standin_url + "/_devstack/zalo/sent", timeout=5) as resp:
        return list(json.loads(resp.read()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--replay", action="store_true", help="send the first event again after the conversation")
    parser.add_argument("--bad-signature", action="store_true", help="sign with a wrong key (expect 401s)")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the tracking code")
    args = parser.parse_args(argv)
    devstack = ROOT / ".devstack"
    try:
        endpoints = json.loads((devstack / "endpoints.json").read_text(encoding="utf-8"))
        stack = json.loads((devstack / args.stage / "stack.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        print("no local stack: start it with `make run` first", file=sys.stderr)
        return 2
    import boto3

    secrets = boto3.client("secretsmanager", endpoint_url=endpoints["moto_url"], region_name=stack["region"],
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    value = json.loads(secrets.get_secret_value(SecretId=stack["names"]["ZaloSecret"])["SecretString"])
    key = "not-the-key" if args.bad_signature else value["oa_secret_key"]
    standin = endpoints["zalo_oa_url"]
    webhook = endpoints["stages"][args.stage]["api_url"] + "/channels/zalo/webhook"
    events = conversation(standin)
    before = len(_sent(standin))
    for event in events + ([events[0]] if args.replay else []):
        raw, headers = signed(event, key, int(time.time() * 1000))
        status, body = _post(webhook, raw, headers)
        print(f"{event['event_name']:<20} {event['message']['msg_id']}  -> {status} {body}")
    if args.bad_signature:
        return 0
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        said = _sent(standin)[before:]
        code = [m["text"] for m in said if "Mã tra cứu" in (m.get("text") or "")]
        if code:
            for m in said:
                print("OA ->", m["text"])
            return 0
        time.sleep(1)
    print("no tracking code from the OA yet: see .devstack/<stage>/runner.log", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
