"""The e-mail inbox through its real event path, under moto: a raw .eml in the bucket's `inbound/` prefix,
the notification SES would publish, `read_inbound_mail` invoked with Lambda's SNS event, the answer in
moto's SES outbox, the photos through the thumbnail queue.

moto receives no mail, so the tests put the message where SES's receipt rule would (devstack/mail.py);
the fixtures are tests/events/email_*.eml.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from staff_helpers import body_of

pytest_plugins = ["staff_fixtures"]
EVENTS = Path(__file__).resolve().parent.parent / "events"
REGION = "ap-southeast-1"
INBOX = "tiepnhan@phananh.example.gov.vn"


def eml(name: str) -> bytes:
    return (EVENTS / name).read_bytes()


class Inbox:
    def __init__(self, client, province) -> None:
        self.client = client
        self.bucket = province.environment["MEDIA_BUCKET"]
        self.topic = province.arns["InboundMailTopic"]
        self.reports_table = province.environment["REPORTS_TABLE"]
        self.media_table = province.environment["MEDIA_TABLE"]
        self.thumbnail_queue = province.environment["THUMBNAIL_QUEUE_URL"]
        self.s3 = boto3.client("s3")

    def notification(self, raw: bytes, **kw) -> dict:
        from devstack.mail import store

        return store(self.s3, self.bucket, self.topic, raw, recipient=INBOX, **kw)

    def invoke(self, notification: dict) -> dict:
        from devstack.mail import lambda_event

        return self.client.lambda_.invoke("read_inbound_mail", lambda_event(notification)).payload

    def receive(self, raw: bytes, **kw) -> dict:
        return self.invoke(self.notification(raw, **kw))

    def reports(self) -> list[dict]:
        return boto3.resource("dynamodb").Table(self.reports_table).scan()["Items"]

    def media(self) -> list[dict]:
        items = boto3.resource("dynamodb").Table(self.media_table).scan()["Items"]
        return [i for i in items if "status" in i]  # not the slot counters

    def raw_objects(self) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="raw/").get("Contents", [])]

    def nothing_stored(self) -> bool:
        return not self.reports() and not self.media() and not self.raw_objects()


def sent_mail() -> list:
    from moto.backends import get_backend

    return list(get_backend("ses")["123456789012"][REGION].sent_messages)


def answers_to(address: str) -> list:
    return [m for m in sent_mail() if address in m.destinations["ToAddresses"]]


@pytest.fixture
def inbox(client, province):
    return Inbox(client, province)


def test_the_notification_has_ses_real_shape(inbox):
    """The fixture of SES's documented notification and what devstack/mail.py builds name the same fields."""
    documented = json.loads((EVENTS / "ses_received_notification.json").read_text(encoding="utf-8"))
    built = inbox.notification(eml("email_report_photo.eml"))

    def shape(value):
        return {k: shape(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__

    assert shape(built) == shape(documented)
    assert documented["notificationType"] == "Received" and documented["receipt"]["action"]["type"] == "S3"


def test_an_email_with_a_photo_becomes_one_report_its_photo_and_an_answer(inbox, client, staff):
    outcome = inbox.receive(eml("email_report_photo.eml"))
    assert outcome["outcome"] == "report" and outcome["photos"] == 1, outcome
    [report] = inbox.reports()
    assert report["channel"] == "email" and report["category"] == "moi-truong"  # the subject's [moi-truong]
    assert report["reporter_email"] == "hoa.nguyen@example.com" and "reporter_phone" not in report
    assert report["reporter_name"] == "Nguyễn Thị Hoa"  # the encoded-word sender name, decoded
    assert report["address"] == "Cuối đường Y Wang, phường Ea Kao" and report["agency_id"] == "ioc"
    assert report["description"].startswith("Rác thải đổ trộm ven đường Y Wang")  # the encoded-word subject
    assert "<script>" not in report["description"] and "alert(1)" not in report["description"]

    case = body_of(client.http.get(f"/staff/reports/{report['id']}", headers=staff.headers("ioc")))
    assert case["reporter"] == {"name": "Nguyễn Thị Hoa", "phone": "", "email": "hoa.nguyen@example.com"}
    assert (case["history"][0]["actor"], case["history"][0]["role"]) == ("email-inbox", "system")
    categories = body_of(client.http.get("/categories"))["categories"]
    assert categories[0]["sla_working_days"]["email"] == 7  # the profile's e-mail SLA
    assert case["due_at"] != case["received_at"]

    [answer] = answers_to("hoa.nguyen@example.com")
    assert report["id"] in answer.subject and report["id"] in answer.body
    assert f"/theo-doi/{report['id']}" in answer.body and "Report" in answer.subject
    assert answer.source == "no-reply@phananh.example.gov.vn"

    # the photo went the way of every upload: raw/ -> the bucket's notification -> the thumbnailer
    [photo] = inbox.media()
    assert photo["status"] == "pending" and inbox.raw_objects() == [photo["key"]]
    sqs = boto3.client("sqs")
    queue_arn = sqs.get_queue_attributes(QueueUrl=inbox.thumbnail_queue,
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=inbox.thumbnail_queue, MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["All"])["Messages"]
    event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                          "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                          "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": REGION}
                         for m in messages]}
    assert client.lambda_.invoke("make_thumbnails", event).payload == {"batchItemFailures": []}
    [photo] = inbox.media()
    assert photo["status"] == "ready" and len(photo["renditions"]) == 2


def test_a_redelivered_notification_makes_no_second_report_and_no_second_answer(inbox):
    notification = inbox.notification(eml("email_report_photo.eml"))
    first, second = inbox.invoke(notification), inbox.invoke(notification)
    assert first == second and first["outcome"] == "report"
    assert len(inbox.reports()) == 1 and len(inbox.media()) == 1
    assert len(answers_to("hoa.nguyen@example.com")) == 1


def test_an_html_only_email_is_read_as_text_and_filed_under_the_fallback_category(inbox):
    assert inbox.receive(eml("email_html_only.eml"))["outcome"] == "report"
    [report] = inbox.reports()
    assert report["category"] == "khac" and report.get("address") is None and report.get("ward_code") is None
    assert "Đèn đường trước số 12 Phan Bội Châu" in report["description"]
    assert "document.location" not in report["description"] and "color:red" not in report["description"]
    assert report["reporter_name"] == "Lê Văn Tâm"


def test_an_email_without_a_description_gets_a_polite_answer_and_no_report(inbox):
    assert inbox.receive(eml("email_no_description.eml")) == {"outcome": "refused", "code": "no_description"}
    assert inbox.nothing_stored()
    [answer] = answers_to("someone@example.net")
    assert "không có nội dung" in answer.body and "does not describe" in answer.body


@pytest.mark.parametrize(("spam", "virus"), [("FAIL", "PASS"), ("PASS", "FAIL")])
def test_a_fail_verdict_is_dropped_without_an_answer(inbox, spam, virus):
    outcome = inbox.receive(eml("email_report_photo.eml"), spam=spam, virus=virus)
    assert outcome["outcome"] == "dropped"
    assert inbox.nothing_stored() and sent_mail() == []


def test_an_auto_reply_is_dropped_without_an_answer(inbox):
    assert inbox.receive(eml("email_auto_reply.eml")) == {"outcome": "dropped", "reason": "auto_submitted"}
    assert inbox.nothing_stored() and sent_mail() == []


def test_mail_from_our_own_sender_is_a_loop_and_is_dropped(inbox):
    raw = eml("email_report_photo.eml").replace(b"hoa.nguyen@example.com", b"no-reply@phananh.example.gov.vn")
    assert inbox.receive(raw) == {"outcome": "dropped", "reason": "own_sender_loop"}
    assert inbox.nothing_stored() and sent_mail() == []


# -- hostile input: a clear refusal, nothing stored -----------------------------------------------------
def test_a_zip_bomb_attachment_is_refused_unopened(inbox):
    assert inbox.receive(eml("email_zip_bomb.eml")) == {"outcome": "refused", "code": "attachment_refused"}
    assert inbox.nothing_stored()
    [answer] = answers_to("hoa.nguyen@example.com")
    assert "anh.zip" in answer.body and "tệp nén" in answer.body and "archives" in answer.body


def test_a_decompression_bomb_image_is_refused_before_anything_is_stored(inbox):
    assert inbox.receive(eml("email_image_bomb.eml")) == {"outcome": "refused", "code": "attachment_refused"}
    assert inbox.nothing_stored()
    [answer] = answers_to("hoa.nguyen@example.com")
    assert "bom.png" in answer.body and "megapixel" in answer.body


def test_a_huge_email_is_refused_by_its_size_without_being_read(inbox, monkeypatch):
    from chalicelib.rules.mail import MAX_MESSAGE_BYTES

    raw = eml("email_report_photo.eml") + b"\n" + b"x" * (MAX_MESSAGE_BYTES + 1)

    def never(*args, **kwargs):
        raise AssertionError("a message over the cap must not be read")

    from chalicelib.adapters.s3 import MediaBucket
    monkeypatch.setattr(MediaBucket, "read", never)
    assert inbox.receive(raw) == {"outcome": "refused", "code": "too_large"}
    assert inbox.nothing_stored()
    [answer] = answers_to("hoa.nguyen@example.com")
    assert "10 MB" in answer.body


def nested(depth: int) -> bytes:
    """A message whose body is `depth` multiparts one inside the other (written by hand: the stdlib's own
    generator recurses, as its parser would without our cap)."""
    head = ["From: =?utf-8?q?K=E1=BA=BB_x=E1=BA=A5u?= <evil@example.com>", "Subject: Lồng nhau",
            "MIME-Version: 1.0"]
    lines: list[str] = []
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    lines += ['Content-Type: text/plain; charset="utf-8"', "", "Rác thải đổ trộm ven đường nhiều ngày nay.", ""]
    for level in reversed(range(depth)):
        lines += [f"--b{level}--", ""]
    return "\r\n".join([*head, *lines]).encode("utf-8")


@pytest.mark.parametrize("depth", [10, 3000])
def test_deeply_nested_mime_is_refused(inbox, depth):
    assert inbox.receive(nested(depth)) == {"outcome": "refused", "code": "too_nested"}
    assert inbox.nothing_stored()
    assert len(answers_to("evil@example.com")) == 1


def test_a_mildly_nested_forward_is_still_read(inbox):
    assert inbox.receive(nested(2))["outcome"] == "report"


@pytest.mark.parametrize("message", ["not json", json.dumps({"notificationType": "Received"}),
                                     json.dumps({"Type": "Notification", "Message": "x"})])
def test_a_notification_that_is_not_ses_is_ignored(inbox, client, message):
    from datetime import UTC, datetime

    from devstack.events import sns_event, sns_record

    event = sns_event([sns_record(message, inbox.topic, datetime.now(UTC))])
    assert client.lambda_.invoke("read_inbound_mail", event).payload["outcome"] == "ignored"
    assert inbox.nothing_stored()


def test_an_object_in_another_bucket_or_prefix_is_ignored(inbox):
    notification = inbox.notification(eml("email_report_photo.eml"))
    notification["receipt"]["action"]["objectKey"] = "raw/DLK-0000-0000/x"
    assert inbox.invoke(notification)["outcome"] == "ignored"
    assert inbox.nothing_stored() and sent_mail() == []


def test_a_failure_worth_a_retry_raises_and_the_retry_makes_the_one_report(inbox, monkeypatch):
    """S3 trouble mid-way: the invocation fails (SNS's Lambda retries it), the idempotency record is let go,
    and the retry files the report once."""
    from botocore.exceptions import ClientError

    from chalicelib.adapters.s3 import MediaBucket

    notification = inbox.notification(eml("email_report_photo.eml"))
    real = MediaBucket.read

    def down(self, key, version_id=None):
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "try later"}}, "GetObject")

    monkeypatch.setattr(MediaBucket, "read", down)
    with pytest.raises(ClientError):
        inbox.invoke(notification)
    assert inbox.reports() == [] and sent_mail() == []
    monkeypatch.setattr(MediaBucket, "read", real)
    assert inbox.invoke(notification)["outcome"] == "report"
    assert len(inbox.reports()) == 1 and len(answers_to("hoa.nguyen@example.com")) == 1


def test_past_the_daily_limit_an_address_gets_no_answer_so_no_auto_responder_loops(inbox):
    from chalicelib.provinces import load_profile

    limit = load_profile("daklak").limits.reports_per_phone_per_day
    outcomes = [inbox.receive(eml("email_html_only.eml"))["outcome"] for _ in range(limit + 2)]
    assert outcomes == ["report"] * limit + ["dropped"] * 2
    assert len(inbox.reports()) == limit and len(answers_to("tam.le@example.org")) == limit


def test_the_senders_address_and_name_stay_out_of_the_logs(inbox):
    from log_capture import logged_lines

    with logged_lines() as lines:
        inbox.receive(eml("email_report_photo.eml"))
        inbox.receive(eml("email_no_description.eml"))
    logged = "\n".join(lines)
    assert "inbound mail became a report" in logged and "inbound mail refused" in logged
    for private in ("hoa.nguyen@example.com", "someone@example.net", "Nguyễn Thị Hoa",
                    "Nguy\\u1ec5n Th\\u1ecb Hoa"):
        assert private not in logged


def test_an_emailed_report_with_a_photo_costs_eight_aws_calls(inbox, aws_calls):
    """HeadObject + GetObject (the message), the idempotency record's PutItem and UpdateItem, one transaction for
    the report (its audit row and limit counter inside), one for the photo's record and slot, its PutObject and the
    answer's SendEmail; a redelivery costs the one idempotency PutItem that finds the record."""
    notification = inbox.notification(eml("email_report_photo.eml"))
    aws_calls.reset()
    inbox.invoke(notification)
    assert dict(aws_calls.calls) == {"HeadObject": 1, "GetObject": 1, "PutItem": 1, "UpdateItem": 1,
                                     "TransactWriteItems": 2, "PutObject": 1, "SendEmail": 1}, aws_calls.calls
    aws_calls.reset()
    inbox.invoke(notification)
    assert dict(aws_calls.calls) == {"PutItem": 1}, aws_calls.calls
