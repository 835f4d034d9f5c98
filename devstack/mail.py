"""Drop an e-mail into the local stack's inbox: what SES's receipt rule does on AWS (moto receives no mail).

`store(...)` writes a raw message (.eml) under the media bucket's `inbound/` prefix and answers the
notification SES would publish (`devstack.events.ses_received`); `deliver(...)` publishes it to the stage's
inbound-mail topic, from which the event runner hands it to `read_inbound_mail` as Lambda's SNS event.

    python -m devstack.mail tests/events/email_report_photo.eml            # the `dev` stage of `make run`
    python -m devstack.mail my.eml --stage hue --spam FAIL                 # as if SES judged it spam
    python -m devstack.inboxes                                             # the answer, among the e-mail sent

The tests use `store` and invoke the handler with the SNS event themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from devstack import events

INBOUND_PREFIX = "inbound/"
TOPIC_LOGICAL_ID = "InboundMailTopic"
BUCKET_LOGICAL_ID = "MediaBucket"


def _headers(raw: bytes) -> tuple[str, str, str]:
    """(From, Subject, envelope sender) as SES would read them from the message."""
    try:
        head = BytesHeaderParser(policy=policy.default).parsebytes(raw[:65536])
        sender, subject = str(head.get("from", "")), str(head.get("subject", ""))
        addresses = getattr(head.get("from"), "addresses", ())
        source = addresses[0].addr_spec if addresses else ""
    except Exception:
        return "", "", ""
    return sender, subject, source


def store(s3: Any, bucket: str, topic_arn: str, raw: bytes, *, recipient: str, spam: str = "PASS",
          virus: str = "PASS", message_id: str | None = None, now: datetime | None = None,
          region: str = "ap-southeast-1") -> dict[str, Any]:
    """Put the message where the receipt rule would; the SES notification that names it."""
    message_id = message_id or uuid.uuid4().hex
    key = f"{INBOUND_PREFIX}{message_id}"
    s3.put_object(Bucket=bucket, Key=key, Body=raw)
    sender, subject, source = _headers(raw)
    return events.ses_received(message_id=message_id, bucket=bucket, key=key, topic_arn=topic_arn, source=source,
                               recipients=[recipient], subject=subject, sender=sender, now=now or datetime.now(UTC),
                               spam=spam, virus=virus, region=region)


def lambda_event(notification: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The notification as SNS hands it to the function (one record)."""
    topic = notification["receipt"]["action"]["topicArn"]
    return events.sns_event([events.sns_record(json.dumps(notification), topic, now or datetime.now(UTC),
                                               subject="Amazon SES Email Receipt Notification")])


def deliver(sns: Any, notification: dict[str, Any]) -> str:
    """Publish the notification to the inbound-mail topic (the event runner delivers it); the SNS message id."""
    topic = notification["receipt"]["action"]["topicArn"]
    return str(sns.publish(TopicArn=topic, Message=json.dumps(notification),
                           Subject="Amazon SES Email Receipt Notification")["MessageId"])


def main(argv: list[str] | None = None) -> int:
    import boto3

    from devstack.inboxes import DEFAULT_ENDPOINT, ENDPOINTS
    from devstack.runner import load_stack

    parser = argparse.ArgumentParser(prog="python -m devstack.mail", description=__doc__.split("\n\n")[0])
    parser.add_argument("eml", type=Path, help="a raw message (.eml), e.g. tests/events/email_report_photo.eml")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--spam", default="PASS", choices=["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"])
    parser.add_argument("--virus", default="PASS", choices=["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"])
    parser.add_argument("--stack", type=Path, default=None,
                        help="the stage's stack.json (default .devstack/<stage>/stack.json, as `make run` writes it)")
    args = parser.parse_args(argv)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # moto's: never real credentials
        os.environ.setdefault(var, "testing")
    endpoint = args.endpoint_url
    if endpoint is None and ENDPOINTS.exists():
        endpoint = json.loads(ENDPOINTS.read_text(encoding="utf-8")).get("moto_url", DEFAULT_ENDPOINT)
    stack_file = args.stack or ENDPOINTS.parent / args.stage / "stack.json"
    if not stack_file.exists():
        print(f"no local stack for stage {args.stage!r} ({stack_file}): start it with `make run`", file=sys.stderr)
        return 1
    stack = load_stack(stack_file)
    kw = {"region_name": stack.region, "endpoint_url": endpoint or DEFAULT_ENDPOINT}
    recipient = stack.environment.get("INBOX_ADDRESS", "tiepnhan@phananh.example.gov.vn")
    notification = store(boto3.client("s3", **kw), stack.names[BUCKET_LOGICAL_ID], stack.arns[TOPIC_LOGICAL_ID],
                         args.eml.read_bytes(), recipient=recipient, spam=args.spam, virus=args.virus,
                         region=stack.region)
    deliver(boto3.client("sns", **kw), notification)
    print(f"stored {notification['receipt']['action']['objectKey']} and notified {TOPIC_LOGICAL_ID}; "
          "the answer shows in `python -m devstack.inboxes`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
