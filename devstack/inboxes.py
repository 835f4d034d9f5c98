"""Local inboxes: read what the notifier sent, as a person (or a test) would receive it.

`subscribe_inboxes(stack, endpoint_url)` subscribes SQS queues to the alert
topics the stack provisioned: one for the IOC topic, one for every agency
alert, and one per agency named, filtered on its `agency_id` (as an agency's
own subscription would be in a province's account). SMS and e-mail have no
inbox on moto; moto keeps them, and its `/moto-api/data.json` shows them.

`python -m devstack.inboxes --endpoint http://127.0.0.1:5000` prints what
was sent: the queues' messages (consumed, like an inbox), the SMS and the
e-mail. Queues are peeked unless --consume is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from collections.abc import Iterable
from typing import Any

from devstack.provision import Provisioned

DEFAULT_ENDPOINT = "http://127.0.0.1:5000"


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
    (moto's data page, when there is an endpoint), `read` (the command that prints them all).
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
        out["sms_and_email"] = f"{endpoint_url.rstrip('/')}/moto-api/data.json"
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


def sent_sms_and_email(endpoint_url: str) -> dict[str, list[dict[str, Any]]]:
    """What moto's SNS and SES hold as sent: SMS (phone, text) and e-mail (to, subject, body)."""
    with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}/moto-api/data.json", timeout=10) as answer:
        data = json.load(answer)
    sms = [{"to": m.get("phone_number"), "text": m.get("message")} for m in data.get("sns", {}).get("SMS", [])]
    email = [{"from": m.get("source"), "to": (m.get("destinations") or {}).get("ToAddresses", []),
              "subject": m.get("subject"), "text": m.get("body")} for m in data.get("ses", {}).get("Message", [])]
    return {"sms": sms, "email": email}


def main(argv: list[str] | None = None) -> int:
    """Print what was sent on a running local stack."""
    parser = argparse.ArgumentParser(prog="python -m devstack.inboxes", description=main.__doc__)
    parser.add_argument("--endpoint", default=None, help="the moto server (default: .devstack/endpoints.json's)")
    parser.add_argument("--consume", action="store_true", help="delete the queues' messages once read (default: peek)")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--region", default="ap-southeast-1")
    args = parser.parse_args(argv)
    from devstack.token import running_moto_url

    args.endpoint = args.endpoint or running_moto_url()
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(var, "testing")
    _sns, sqs = _clients(args.region, args.endpoint)
    urls = sqs.list_queues(QueueNamePrefix=inbox_prefix(args.stage)).get("QueueUrls", [])
    for url in sorted(urls):
        print(f"== {url.rsplit('/', 1)[-1]}")
        for m in drain(sqs, url, consume=args.consume):
            print(f"-- {m['subject']}  {json.dumps(m['attributes'], ensure_ascii=False)}\n{m['text']}\n")
    sent = sent_sms_and_email(args.endpoint)
    print(f"== SMS ({len(sent['sms'])})")
    for sms in sent["sms"]:
        print(f"-> {sms['to']}: {sms['text']}")
    print(f"== e-mail ({len(sent['email'])})")
    for mail in sent["email"]:
        print(f"-> {', '.join(mail['to'])}: {mail['subject']}\n{mail['text']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
