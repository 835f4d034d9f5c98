"""The Zalo OA channel through its real event path, under moto.

A webhook call goes through chalice.test.Client; the event it queues is received from the FIFO queue on
moto and handed to `handle_zalo_messages` in Lambda's own SQS event shape; the OA's answers and the photo
attachments go over HTTP to a local stand-in for the OA API (devstack/zalo_oa.py). The fixtures are
tests/events/zalo/, signed as Zalo signs them with the stage's (demo) secret.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import boto3
import pytest

from devstack.zalo_oa import ZaloOaStandIn, demo_photo
from devstack.zalo_play import conversation, signed

EVENTS = Path(__file__).resolve().parent.parent / "events" / "zalo"
USER = "2512523625412515"  # the fixtures' sender: personal data
PHONE_DIGITS = "905123456"


class Channel:
    """The webhook, the queue and the handler, with the steps a test takes."""

    def __init__(self, client, province, oa: ZaloOaStandIn) -> None:
        self.client = client
        self.oa = oa
        self.sqs = boto3.client("sqs")
        self.s3 = boto3.client("s3")
        self.queue_url = province.environment["ZALO_QUEUE_URL"]
        self.thumb_queue_url = province.environment["THUMBNAIL_QUEUE_URL"]
        self.bucket = province.environment["MEDIA_BUCKET"]
        secret = boto3.client("secretsmanager").get_secret_value(SecretId=province.environment["ZALO_SECRET_ARN"])
        self.key = json.loads(secret["SecretString"])["oa_secret_key"]
        self.events = conversation(oa.url)

    def post(self, event: dict, key: str | None = None, sent_ms: int | None = None, headers: dict | None = None):
        raw, signed_headers = signed(event, key or self.key, sent_ms or int(time.time() * 1000))
        return self.client.http.post("/channels/zalo/webhook", headers={**signed_headers, **(headers or {})},
                                     body=raw)

    def receive(self, queue_url: str | None = None) -> list[dict]:
        messages: list[dict] = []
        while batch := self.sqs.receive_message(QueueUrl=queue_url or self.queue_url, MaxNumberOfMessages=10,
                                                MessageSystemAttributeNames=["All"]).get("Messages"):
            messages += batch
        return messages

    def lambda_event(self, messages: list[dict], queue_url: str | None = None) -> dict:
        arn = self.sqs.get_queue_attributes(QueueUrl=queue_url or self.queue_url,
                                            AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "ap-southeast-1",
        } for m in messages]}

    def invoke(self, event: dict, function: str = "handle_zalo_messages") -> dict:
        return self.client.lambda_.invoke(function, event).payload

    def deliver(self) -> tuple[dict, dict]:
        """What the queue holds, to the handler as one batch, then deleted as Lambda does on success."""
        messages = self.receive()
        event = self.lambda_event(messages)
        answer = self.invoke(event) if messages else {"batchItemFailures": []}
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        for m in messages:
            if m["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        return answer, event

    def play(self, events: list[dict] | None = None) -> list[dict]:
        """Each event posted and delivered in turn, as a person writes: the Lambda events handed over."""
        delivered = []
        for event in events or self.events:
            response = self.post(event)
            assert response.status_code == 200, response.body
            answer, lambda_event = self.deliver()
            assert answer == {"batchItemFailures": []}
            delivered.append(lambda_event)
        return delivered

    def reports(self) -> list:
        from chalicelib.storage.models import ReportModel

        return list(ReportModel.scan())

    def receipt(self) -> tuple[str, str]:
        """(report id, tracking token) from the OA's last message to the user."""
        [text] = [t for t in self.oa.texts_to(USER) if "Mã tra cứu" in t]
        words = text.replace(".", " ").split()
        report_id = words[words.index("phản") + 2]
        token = words[words.index("cứu:") + 1]
        return report_id, token


@pytest.fixture
def oa():
    server = ZaloOaStandIn().start()
    server.media["pothole.jpg"] = (demo_photo(), "image/jpeg")
    yield server
    server.stop()


@pytest.fixture
def channel(client, province, oa, monkeypatch):
    from chalicelib import container

    monkeypatch.setenv("ZALO_API_BASE_URL", oa.url)
    monkeypatch.setenv("ZALO_MEDIA_ALLOWED_HOSTS", oa.host_port)
    container.reset()
    container.media()  # binds the models to the provisioned tables
    return Channel(client, province, oa)


def test_a_conversation_becomes_one_report_with_its_photo_and_point_and_the_code_goes_back(channel, capfd):
    from chalicelib import container
    from chalicelib.storage.media import MediaStore

    channel.play()

    [model] = channel.reports()
    report, _ = container.services().reports.get(model.id)
    assert report.channel == "zalo"
    assert (report.lat, report.lng, report.ward_code) == (12.68, 108.04, "24133")
    assert report.category == "ha-tang-do-thi"  # "3": the third of the categories the OA offered
    assert report.description == "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã"
    assert report.reporter.phone == "+84905123456"
    profile = container.profile()
    assert profile.sla_days("zalo") == 3
    assert report.due_at == profile.working_calendar.due_after(report.received_at, 3)
    [audit] = container.services().reports.history(report.id)
    assert (audit.actor, audit.role) == ("zalo-oa", "system")

    # the OA asked for what was missing, in turn, then sent the code and the tracking token
    said = channel.oa.texts_to(USER)
    assert any("Gõ số" in t and "3. Hạ tầng đô thị" in t for t in said)
    assert any("Số điện thoại" in t for t in said)
    report_id, token = channel.receipt()
    assert report_id == report.id
    tracked = channel.client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token})
    assert tracked.status_code == 200
    assert all(r["headers"].get("access_token") == "unset" for r in channel.oa.requests if r["method"] == "POST")

    # the photo is the report's upload, handed to the thumbnailer like any other
    [media] = MediaStore().records(report.id)
    assert (media["status"], media["kind"], media["purpose"]) == ("pending", "photo", "report")
    thumbs = channel.receive(channel.thumb_queue_url)
    assert channel.invoke(channel.lambda_event(thumbs, channel.thumb_queue_url), "make_thumbnails") == \
        {"batchItemFailures": []}
    [media] = MediaStore().records(report.id)
    assert media["status"] == "ready" and len(media["renditions"]) == 2
    staged = channel.s3.list_objects_v2(Bucket=channel.bucket, Prefix="zalo/").get("KeyCount", 0)
    assert staged == 0  # the staged copy is gone once adopted

    out = capfd.readouterr()
    assert USER not in out.out + out.err and PHONE_DIGITS not in out.out + out.err


def test_a_replayed_event_and_a_redelivered_message_change_nothing(channel):
    delivered = channel.play()
    [report] = channel.reports()
    said = len(channel.oa.sent)

    # Zalo (or an attacker who captured a call) sends the first message again, freshly signed
    assert channel.post(channel.events[0]).status_code == 200
    assert channel.deliver()[0] == {"batchItemFailures": []}
    # SQS hands the handler a message it already handled (a lost delete, a visibility timeout)
    for event in delivered:
        assert channel.invoke(event) == {"batchItemFailures": []}

    assert [r.id for r in channel.reports()] == [report.id]
    assert len(channel.oa.sent) == said
    from chalicelib.storage.media import MediaStore

    assert len(MediaStore().records(report.id)) == 1


def test_a_bad_or_stale_signature_is_refused_and_queues_nothing(channel):
    first = channel.events[0]
    forged = channel.post(first, key="not-the-oa-secret")
    assert forged.status_code == 401
    body = json.loads(forged.body)
    assert body["code"] == "zalo_signature_invalid" and body["message"] and body["message_en"]
    stale = channel.post(first, sent_ms=int(time.time() * 1000) - 10 * 60 * 1000)
    assert (stale.status_code, json.loads(stale.body)["code"]) == (401, "zalo_signature_stale")
    unsigned = channel.client.http.post("/channels/zalo/webhook", headers={"Content-Type": "application/json"},
                                        body=json.dumps(first))
    assert unsigned.status_code == 401
    tampered_raw, headers = signed(first, channel.key, int(time.time() * 1000))
    tampered = tampered_raw.replace("Lê Duẩn".encode(), "Lê Lợi".encode())
    assert channel.client.http.post("/channels/zalo/webhook", headers=headers, body=tampered).status_code == 401
    assert channel.receive() == []
    assert channel.reports() == []


def test_an_event_the_channel_does_not_handle_is_acknowledged_and_dropped(channel):
    follow = json.loads((EVENTS / "follow.json").read_text(encoding="utf-8"))
    response = channel.post(follow)
    assert (response.status_code, json.loads(response.body)) == (200, {"received": True, "queued": False})
    assert channel.receive() == []


def test_the_tracking_code_is_sent_again_when_the_oa_failed_and_the_report_stays_one(channel):
    *first, last = channel.events
    channel.play(first)
    channel.oa.failures = 1  # the OA API refuses the tracking code's message once
    assert channel.post(last).status_code == 200
    messages = channel.receive()
    answer = channel.invoke(channel.lambda_event(messages))
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == [messages[0]["MessageId"]]
    [report] = channel.reports()
    assert not [t for t in channel.oa.texts_to(USER) if "Mã tra cứu" in t]

    assert channel.invoke(channel.lambda_event(messages)) == {"batchItemFailures": []}  # the retry
    assert [r.id for r in channel.reports()] == [report.id]
    assert channel.receipt()[0] == report.id
    from chalicelib.storage.media import MediaStore

    assert len(MediaStore().records(report.id)) == 1


def test_a_photo_from_a_private_address_or_of_the_wrong_type_is_refused_and_the_user_told(channel):
    image = json.loads(json.dumps(channel.events[1]))
    image["message"]["attachments"][0]["payload"]["url"] = "http://169.254.169.254/latest/meta-data/"
    channel.oa.media["note.txt"] = (b"not a photo", "text/plain")
    wrong = json.loads(json.dumps(channel.events[1]))
    wrong["message"]["msg_id"] = "96d3cdf3af150469999"
    wrong["message"]["attachments"][0]["payload"]["url"] = channel.oa.url + "/media/note.txt"
    channel.play([channel.events[0], image, wrong])
    refusals = [t for t in channel.oa.texts_to(USER) if "Không nhận được ảnh" in t]
    assert len(refusals) == 2
    assert not [r for r in channel.oa.requests if "meta-data" in r["path"]]
    assert channel.s3.list_objects_v2(Bucket=channel.bucket, Prefix="zalo/").get("KeyCount", 0) == 0


def test_a_conversation_intake_refuses_ends_with_the_reason_told_and_no_report(channel):
    from chalicelib.storage.models import ReportModel

    for n in range(5):  # the profile's reports per phone per day, used up on the public endpoint
        body = {"category": "ha-tang-do-thi", "description": f"Ổ gà lớn số {n} trên đường Lê Duẩn",
                "location": {"lat": 12.68, "lng": 108.04},
                "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"}}
        response = channel.client.http.post("/reports", headers={"Content-Type": "application/json"},
                                            body=json.dumps(body))
        assert response.status_code == 201, response.body
    channel.play()
    assert ReportModel.count() == 5
    [refused] = [t for t in channel.oa.texts_to(USER) if t.startswith("Chưa tạo được phản ánh")]
    assert not [t for t in channel.oa.texts_to(USER) if "Mã tra cứu" in t]
    assert refused
    # the draft is done: the next message starts a new conversation
    again = json.loads(json.dumps(channel.events[0]))
    again["message"]["msg_id"] = "96d3cdf3af150461000"
    channel.play([again])
    assert channel.oa.texts_to(USER)[-1].startswith("Sự việc ở đâu")


def test_the_queue_handler_reads_the_oa_token_from_the_secret_in_its_own_process(channel):
    """On Lambda the webhook and the queue handler are two processes: each reads the secret itself."""
    from chalicelib import container

    assert channel.post(channel.events[0]).status_code == 200
    container.reset()  # a fresh queue-handler container: nothing of the webhook's secret read is left
    container.media()
    assert channel.deliver()[0] == {"batchItemFailures": []}
    sent = [r for r in channel.oa.requests if r["method"] == "POST"]
    assert sent and all(r["headers"].get("access_token") == "unset" for r in sent)  # the secret's token
