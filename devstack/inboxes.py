"""Local inboxes: read what the notifier sent, as a person (or a test) would receive it.

`subscribe_inboxes(stack, endpoint_url)` subscribes SQS queues to the alert
topics the stack provisioned: one for the IOC topic, one for every agency
alert, and one per agency named, filtered on its `agency_id` (as an agency's
own subscription would be in a province's account). SMS and e-mail have no
inbox on moto; moto keeps them in its SNS and SES backends. The local stack's
moto server answers them at SENT_PATH (`SentMessages`, a few KB); any other moto
server only in its whole `/moto-api/data.json` (every table's items too: tens of MB
on a long run), which is the reader's fallback.

`python -m devstack.inboxes` prints what was sent, per stage: the stage's
queues' messages (peeked unless --consume is given), and the SMS and e-mail
that name the stage's province (one of its report ids, or its name) or no
province at all. `--stage` (repeatable) picks the stages; by default the ones
`make run` runs (.devstack/endpoints.json), else `dev`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from devstack.provision import Provisioned

DEFAULT_ENDPOINT = "http://127.0.0.1:5000"
SENT_PATH = "/_devstack/sent.json"  # the local stack's moto server: SMS and e-mail only
ENDPOINTS = Path(__file__).resolve().parent.parent / ".devstack" / "endpoints.json"


def inbox_prefix(stage: str) -> str:
    return f"phananh-{stage}-inbox-"


def _clients(region: str, endpoint_url: str | None) -> tuple[Any, Any]:
    import boto3

    kw = {"region_name": region, "endpoint_url": endpoint_url}
    return boto3.client("sns", **kw), boto3.client("sqs", **kw)


def _queue_for(sns: Any, sqs: Any, name: str, topic_arn: str, filter_policy: dict[str, list[str]] | None) -> str:
    """A queue subscribed to a topic (SNS envelope kept, so subject and attributes can be read)."""
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    attributes = {"FilterPolicy": json.dumps(filter_policy)} if filter_policy else {}
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url


def subscribe_inboxes(stack: Provisioned, endpoint_url: str | None = None,
                      agencies: Iterable[str] = ()) -> dict[str, str]:
    """Queues on the alert topics (idempotent: run it on every start); answers what to print.

    Keys: `ioc`, `agencies`, `agency:<id>` (queue URLs), `sms_and_email`
    (the local stack's SENT_PATH, when there is an endpoint), `read` (the command that prints them all).
    """
    sns, sqs = _clients(stack.region, endpoint_url)
    prefix = inbox_prefix(stack.stage)
    out = {
        "ioc": _queue_for(sns, sqs, f"{prefix}ioc", stack.arns["IocAlertsTopic"], None),
        "agencies": _queue_for(sns, sqs, f"{prefix}agencies", stack.arns["AgencyAlertsTopic"], None),
    }
    for agency_id in agencies:
        out[f"agency:{agency_id}"] = _queue_for(sns, sqs, f"{prefix}agency-{agency_id}",
                                                stack.arns["AgencyAlertsTopic"], {"agency_id": [agency_id]})
    if endpoint_url:
        out["sms_and_email"] = f"{endpoint_url.rstrip('/')}{SENT_PATH}"
        out["read"] = f"python -m devstack.inboxes --endpoint {endpoint_url} --stage {stack.stage}"
    return out


def drain(sqs: Any, queue_url: str, consume: bool = True) -> list[dict[str, Any]]:
    """Every message on a queue: subject, text and attributes of each alert; deleted unless `consume` is False."""
    messages: list[dict[str, Any]] = []
    handles: list[str] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                    VisibilityTimeout=30).get("Messages", [])
        if not batch:
            break
        for m in batch:
            envelope = json.loads(m["Body"])
            messages.append({
                "subject": envelope.get("Subject"),
                "text": envelope.get("Message"),
                "attributes": {k: v.get("Value") for k, v in (envelope.get("MessageAttributes") or {}).items()},
            })
            handles.append(m["ReceiptHandle"])
    for start in range(0, len(handles), 10):
        chunk = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[start:start + 10])]
        if consume:
            sqs.delete_message_batch(QueueUrl=queue_url, Entries=chunk)
        else:  # a peek: visible again at once, for the next reader
            sqs.change_message_visibility_batch(QueueUrl=queue_url,
                                                Entries=[{**e, "VisibilityTimeout": 0} for e in chunk])
    return messages


def sent_now() -> dict[str, list[dict[str, Any]]]:
    """What this process's moto backends hold as sent: SMS (phone, text) and e-mail (to, subject, body)."""
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    sms = [{"to": phone, "text": text}
           for regions in list(sns_backends.values()) for backend in list(regions.values())
           for phone, text in list(backend.sms_messages.values())]
    email = [{"from": m.source, "to": (m.destinations or {}).get("ToAddresses", []),
              "subject": m.subject, "text": m.body}
             for regions in list(ses_backends.values()) for backend in list(regions.values())
             for m in list(backend.sent_messages) if hasattr(m, "subject") and hasattr(m, "body")]
    return {"sms": sms, "email": email}


class SentMessages:
    """WSGI wrapper for the local stack's moto server: SENT_PATH answers `sent_now()`, the rest goes to moto."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != SENT_PATH:
            return self.app(environ, start_response)
        body = json.dumps(sent_now(), ensure_ascii=False).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def sent_sms_and_email(endpoint_url: str) -> dict[str, list[dict[str, Any]]]:
    """What moto's SNS and SES hold as sent: SMS (phone, text) and e-mail (to, subject, body).

    From SENT_PATH when the server is the local stack's; else from moto's whole data page.
    """
    base = endpoint_url.rstrip("/")
    try:
        with urllib.request.urlopen(f"{base}{SENT_PATH}", timeout=10) as answer:
            found = json.load(answer)
        if isinstance(found, dict) and {"sms", "email"} <= set(found):
            return found
    except (urllib.error.HTTPError, ValueError):
        pass  # a plain moto server: 404 (or moto's own answer to an unknown path)
    with urllib.request.urlopen(f"{base}/moto-api/data.json", timeout=120) as answer:
        data = json.load(answer)
    sms = [{"to": m.get("phone_number"), "text": m.get("message")} for m in data.get("sns", {}).get("SMS", [])]
    email = [{"from": m.get("source"), "to": (m.get("destinations") or {}).get("ToAddresses", []),
              "subject": m.get("subject"), "text": m.get("body")} for m in data.get("ses", {}).get("Message", [])]
    return {"sms": sms, "email": email}


def provinces_named(text: str, provinces: dict[str, tuple[str, str]]) -> set[str]:
    """The provinces a message names: slug -> (report id prefix, Vietnamese name) of each known one."""
    return {slug for slug, (prefix, name) in provinces.items()
            if re.search(rf"\b{prefix}-[0-9A-Z]{{4}}-[0-9A-Z]{{4}}\b", text) or name in text}


def known_provinces() -> dict[str, tuple[str, str]]:
    from chalicelib.provinces.loader import available_profiles, load_profile

    return {slug: (p.id_prefix, p.name_vi) for slug in available_profiles() if (p := load_profile(slug))}


def for_province(sent: dict[str, list[dict[str, Any]]], province: str,
                 provinces: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """The SMS and e-mail naming `province`, or naming no province at all (nothing tells whose they are);
    all of them for a province no profile describes."""
    if province not in provinces:
        return sent

    def keep(message: dict[str, Any]) -> bool:
        named = provinces_named(f"{message.get('subject') or ''}\n{message.get('text') or ''}", provinces)
        return not named or province in named

    return {kind: [m for m in messages if keep(m)] for kind, messages in sent.items()}


def running_stages(path: Path = ENDPOINTS) -> dict[str, str]:
    """stage -> province of the stages `make run` runs (its endpoints.json); {} when none is running."""
    try:
        stages = json.loads(path.read_text(encoding="utf-8"))["stages"]
        return {stage: str(about.get("province") or "") for stage, about in stages.items()}
    except (OSError, ValueError, KeyError, AttributeError):
        return {}


def province_of(stage: str) -> str:
    """The province profile a stage uses (.chalice/config.json), as the app picks it."""
    config = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"
    try:
        stages = json.loads(config.read_text(encoding="utf-8")).get("stages", {})
        env = stages.get(stage, {}).get("environment_variables", {})
        return str(env.get("PROVINCE") or stage)
    except (OSError, ValueError):
        return stage


def main(argv: list[str] | None = None) -> int:
    """Print what was sent on a running local stack, stage by stage."""
    parser = argparse.ArgumentParser(prog="python -m devstack.inboxes", description=main.__doc__)
    parser.add_argument("--endpoint", default=None, help="the moto server (default: .devstack/endpoints.json's)")
    parser.add_argument("--consume", action="store_true", help="delete the queues' messages once read (default: peek)")
    parser.add_argument("--stage", action="append", default=None,
                        help="a stage to read (repeatable; default: the stages `make run` runs, else dev)")
    parser.add_argument("--region", default="ap-southeast-1")
    args = parser.parse_args(argv)
    from devstack.token import running_moto_url

    args.endpoint = args.endpoint or running_moto_url()
    running = running_stages(ENDPOINTS)
    stages = {s: running.get(s) or province_of(s) for s in args.stage} if args.stage else running or {"dev": "dev"}
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(var, "testing")
    _sns, sqs = _clients(args.region, args.endpoint)
    sent, provinces = sent_sms_and_email(args.endpoint), known_provinces()
    for stage, province in stages.items():
        if len(stages) > 1:
            print(f"######## stage {stage} ({province})")
        urls = sqs.list_queues(QueueNamePrefix=inbox_prefix(stage)).get("QueueUrls", [])
        for url in sorted(urls):
            print(f"== {url.rsplit('/', 1)[-1]}")
            for m in drain(sqs, url, consume=args.consume):
                print(f"-- {m['subject']}  {json.dumps(m['attributes'], ensure_ascii=False)}\n{m['text']}\n")
        own = for_province(sent, province, provinces)
        print(f"== SMS ({len(own['sms'])})")
        for sms in own["sms"]:
            print(f"-> {sms['to']}: {sms['text']}")
        print(f"== e-mail ({len(own['email'])})")
        for mail in own["email"]:
            print(f"-> {', '.join(mail['to'])}: {mail['subject']}\n{mail['text']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
