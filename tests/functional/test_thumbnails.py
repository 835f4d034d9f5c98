"""The thumbnailer end to end under moto: presigned upload flow, S3 -> SQS notification, the Lambda handler.

Uploads go to the very key the presigned POST names (moto cannot take the browser POST from here, so the
s3 client puts the object there with the declared Content-Type); the bucket's notification queues the event,
and the test hands what it receives from the queue to `make_thumbnails` in Lambda's own SQS event shape.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import media_corpus as corpus
import pytest
from PIL import Image

EVENTS = Path(__file__).resolve().parent.parent / "events"
JSON = {"Content-Type": "application/json"}
REPORT = {
    "category": "ha-tang-do-thi",
    "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"},
    "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}


class Stack:
    """The provisioned province as the thumbnailer sees it, with the steps a test takes."""

    def __init__(self, client, province) -> None:
        self.client = client
        self.bucket = province.environment["MEDIA_BUCKET"]
        self.queue_url = province.environment["THUMBNAIL_QUEUE_URL"]
        self.s3 = boto3.client("s3")
        self.sqs = boto3.client("sqs")
        self.queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def report(self) -> dict:
        response = self.client.http.post("/reports", headers=JSON, body=json.dumps(REPORT))
        assert response.status_code == 201
        return json.loads(response.body)

    def upload(self, data: bytes, declared: str = "image/jpeg", report: dict | None = None,
               size: int | None = None) -> tuple[str, str]:
        """Ask for a presigned POST as the citizen app does, then store the bytes at the key it names.

        moto does not enforce the POST policy's content-length-range, so bytes beyond a declared `size`
        land as they would if S3 let them through: the thumbnailer must catch them.
        """
        report = report or self.report()
        response = self.client.http.post(
            f"/reports/{report['id']}/media", headers={**JSON, "X-Tracking-Token": report["tracking_token"]},
            body=json.dumps({"content_type": declared} | ({"size": size} if size else {})))
        assert response.status_code == 201, response.body
        upload = json.loads(response.body)
        self.s3.put_object(Bucket=self.bucket, Key=upload["fields"]["key"], Body=data,
                           ContentType=upload["fields"]["Content-Type"])
        return report["id"], upload["media_id"]

    def receive(self) -> list[dict]:
        messages = []
        while batch := self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                                MessageSystemAttributeNames=["All"]).get("Messages"):
            messages += batch
        return messages

    def lambda_event(self, messages: list[dict]) -> dict:
        """SQS messages as Lambda hands them to a function (the shape of tests/events/sqs_*.json)."""
        return {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": self.queue_arn, "awsRegion": "ap-southeast-1",
        } for m in messages]}

    def invoke(self, event: dict) -> dict:
        return self.client.lambda_.invoke("make_thumbnails", event).payload

    def deliver(self) -> tuple[dict, dict]:
        """Everything queued, in one batch; returns (the handler's answer, the event it got)."""
        event = self.lambda_event(self.receive())
        assert event["Records"], "the upload queued no S3 event"
        return self.invoke(event), event

    def record(self, report_id: str, media_id: str) -> dict:
        from chalicelib.storage.media import MediaStore

        return MediaStore().get(report_id, media_id)

    def versions(self, prefix: str) -> tuple[list[dict], list[dict]]:
        listing = self.s3.list_object_versions(Bucket=self.bucket, Prefix=prefix)
        return listing.get("Versions", []), listing.get("DeleteMarkers", [])

    def read(self, key: str) -> tuple[bytes, str]:
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        return got["Body"].read(), got["ContentType"]


@pytest.fixture
def stack(client, province):
    from chalicelib import container

    container.media()  # binds the models to the provisioned tables
    return Stack(client, province)


def metrics(out: str, name: str) -> list[dict]:
    """The EMF metric lines named `name` among what the handler printed."""
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if name in line and "_aws" in line]


def no_failures() -> dict:
    return {"batchItemFailures": []}


def assert_clean_rendition(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    assert im.format == "WEBP"
    assert not im.getexif() and not im.getexif().get_ifd(0x8825)
    assert not any(im.info.get(k) for k in ("exif", "xmp", "icc_profile"))
    assert b"Exif" not in data
    return im


# -- the happy path ----------------------------------------------------------------------------


def test_a_photo_with_gps_becomes_two_clean_renditions_and_a_ready_record(stack, capsys):
    report_id, media_id = stack.upload(corpus.jpeg_with_gps((2000, 1500)))
    answer, _ = stack.deliver()

    assert answer == no_failures()
    record = stack.record(report_id, media_id)
    assert record["status"] == "ready" and record["detected_type"] == "image/jpeg"
    assert (record["width"], record["height"]) == (2000, 1500)
    assert record["exif"] == {"lat": corpus.GPS_LAT, "lng": corpus.GPS_LNG, "taken_at": "2026-11-20T08:15:00+07:00"}
    assert record["source_version"]
    prefix = f"thumbs/{report_id}/{media_id}/"
    assert [(r["name"], r["key"], r["width"], r["height"]) for r in record["renditions"]] == [
        ("1280", prefix + "1280.webp", 1280, 960), ("320", prefix + "320.webp", 320, 240)]
    for rendition in record["renditions"]:
        data, content_type = stack.read(rendition["key"])
        assert content_type == "image/webp" and len(data) == rendition["size"]
        assert assert_clean_rendition(data).size == (rendition["width"], rendition["height"])
    [metric] = metrics(capsys.readouterr().out, "ThumbnailsMade")
    assert (metric["province"], metric["ThumbnailsMade"]) == ("daklak", [2.0])


def test_the_citizen_sees_the_photo_ready_and_never_its_gps(stack):
    report = stack.report()
    stack.upload(corpus.jpeg_with_gps(), report=report)
    stack.deliver()
    view = json.loads(stack.client.http.get(
        f"/reports/{report['id']}", headers={"X-Tracking-Token": report["tracking_token"]}).body)
    assert [m["status"] for m in view["media"]] == ["ready"]
    assert "exif" not in json.dumps(view) and "108.04" not in json.dumps(view["media"])


# -- the hostile corpus, through the whole path ----------------------------------------------------


@pytest.mark.parametrize("case", corpus.corpus(), ids=lambda c: c.name)
def test_hostile_corpus_ends_ready_or_rejected_never_crashes(stack, case, capsys):
    report_id, media_id = stack.upload(case.data, case.declared)
    key = f"raw/{report_id}/{media_id}"
    answer, _ = stack.deliver()

    assert answer == no_failures()
    record = stack.record(report_id, media_id)
    assert record["status"] == case.outcome
    if case.outcome == "rejected":
        assert record["reason"] == case.reason
        assert stack.versions(key) == ([], []), "a rejected original must be deleted, every version of it"
        assert stack.versions(f"thumbs/{report_id}/")[0] == []
        [metric] = metrics(capsys.readouterr().out, "MediaRejected")
        assert (metric["province"], metric["reason"]) == ("daklak", case.reason)
    else:
        assert len(stack.versions(key)[0]) == 1  # the original is kept, for staff
        for rendition in record["renditions"]:
            assert_clean_rendition(stack.read(rendition["key"])[0])


# -- at-least-once delivery ----------------------------------------------------------------------


def test_a_redelivered_message_changes_nothing(stack, capsys):
    report_id, media_id = stack.upload(corpus.jpeg_with_gps())
    event = stack.lambda_event(stack.receive())
    assert stack.invoke(event) == no_failures()
    first = stack.record(report_id, media_id)
    thumbs_before = stack.versions(f"thumbs/{report_id}/{media_id}/")
    capsys.readouterr()

    assert stack.invoke(event) == no_failures()

    assert stack.record(report_id, media_id) == first
    assert stack.versions(f"thumbs/{report_id}/{media_id}/") == thumbs_before  # not even rewritten
    assert metrics(capsys.readouterr().out, "ThumbnailsMade") == []


def test_a_redelivered_rejection_changes_nothing(stack):
    report_id, media_id = stack.upload(b"not a picture at all", "image/png")
    event = stack.lambda_event(stack.receive())
    stack.invoke(event)
    first = stack.record(report_id, media_id)
    assert stack.invoke(event) == no_failures()
    assert stack.record(report_id, media_id) == first
    assert first["status"] == "rejected" and first["reason"] == "not_an_image"


def test_a_failing_message_is_reported_alone(stack, monkeypatch):
    from chalicelib.adapters.s3 import MediaBucket

    good = stack.upload(corpus.jpeg())
    poison = stack.upload(corpus.jpeg())
    read = MediaBucket.read

    def flaky(self, key, version_id=None):
        if key == f"raw/{poison[0]}/{poison[1]}":
            raise ConnectionError("S3 is unreachable")
        return read(self, key, version_id)

    monkeypatch.setattr(MediaBucket, "read", flaky)
    messages = stack.receive()
    test_event = json.loads((EVENTS / "sqs_s3_test_event.json").read_text())["Records"][0]
    event = stack.lambda_event(messages)
    event["Records"].insert(1, test_event)
    poison_id = next(m["MessageId"] for m in messages if poison[1] in m["Body"])

    answer = stack.invoke(event)

    assert answer == {"batchItemFailures": [{"itemIdentifier": poison_id}]}
    assert stack.record(*good)["status"] == "ready"
    assert stack.record(*poison)["status"] == "pending"  # left for the retry


def test_a_batch_that_fails_whole_is_answered_not_raised(stack, monkeypatch):
    from chalicelib.adapters.s3 import MediaBucket

    media_id = stack.upload(corpus.jpeg())[1]

    def down(self, key, version_id=None):
        raise ConnectionError("S3 is unreachable")

    monkeypatch.setattr(MediaBucket, "read", down)
    [message] = [m for m in stack.receive() if media_id in m["Body"]]  # without the bucket's own s3:TestEvent
    answer = stack.invoke(stack.lambda_event([message]))
    assert answer == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}


def test_on_the_last_attempt_a_file_is_rejected_instead_of_left_pending(stack):
    report_id, media_id = stack.upload(corpus.jpeg())
    event = stack.lambda_event([m for m in stack.receive() if media_id in m["Body"]])
    event["Records"][0]["attributes"]["ApproximateReceiveCount"] = "5"
    assert stack.invoke(event) == no_failures()
    record = stack.record(report_id, media_id)
    assert (record["status"], record["reason"]) == ("rejected", "processing_failed")
    assert stack.versions(f"raw/{report_id}/{media_id}") == ([], [])


# -- what the handler ignores ----------------------------------------------------------------------


def test_the_s3_test_event_is_ignored(stack):
    event = json.loads((EVENTS / "sqs_s3_test_event.json").read_text())
    assert stack.invoke(event) == no_failures()


def test_objects_outside_raw_are_ignored(stack):
    report_id, media_id = stack.upload(corpus.jpeg())
    stack.receive()  # drop the real event
    template = json.loads((EVENTS / "sqs_s3_put_versioned.json").read_text())
    body = json.loads(template["Records"][0]["body"])
    for key in (f"thumbs/{report_id}/{media_id}/1280.webp", f"raw/{report_id}", "raw/NO-SUCH/report"):
        body["Records"][0]["s3"]["bucket"]["name"] = stack.bucket
        body["Records"][0]["s3"]["object"].update(key=key)
        del body["Records"][0]["s3"]["object"]["versionId"]
        template["Records"][0]["body"] = json.dumps(body)
        assert stack.invoke(template) == no_failures()
        body = json.loads(json.loads((EVENTS / "sqs_s3_put_versioned.json").read_text())["Records"][0]["body"])
    assert stack.record(report_id, media_id)["status"] == "pending"


def test_a_second_upload_to_a_vetted_key_is_deleted_and_never_served(stack):
    """Real S3 events carry the version id (moto's do not): a later POST to the same key is not vetted."""
    report_id, media_id = stack.upload(corpus.jpeg())
    stack.deliver()
    vetted = stack.record(report_id, media_id)["source_version"]
    key = f"raw/{report_id}/{media_id}"
    later = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=b"<html>swapped</html>")["VersionId"]
    stack.receive()
    event = json.loads((EVENTS / "sqs_s3_put_versioned.json").read_text())
    body = json.loads(event["Records"][0]["body"])
    body["Records"][0]["s3"]["bucket"]["name"] = stack.bucket
    body["Records"][0]["s3"]["object"].update(key=key, versionId=later)
    event["Records"][0]["body"] = json.dumps(body)

    assert stack.invoke(event) == no_failures()

    assert [v["VersionId"] for v in stack.versions(key)[0]] == [vetted]
    from chalicelib import container

    original = next(m["original_url"] for m in container.media().staff_media(report_id))
    assert parse_qs(urlparse(original).query)["versionId"] == [vetted]


# -- videos and evidence ---------------------------------------------------------------------------


def test_a_video_is_kept_as_is_with_its_type_and_size_verified(stack):
    video = corpus.mp4(brand=b"qt  ", boxes=((b"wide", 8), (b"mdat", 20_000), (b"moov", 200)))
    report_id, media_id = stack.upload(video, "video/mp4")  # declared mp4, really a QuickTime movie
    assert stack.deliver()[0] == no_failures()
    record = stack.record(report_id, media_id)
    assert (record["status"], record["kind"]) == ("ready", "video")
    assert (record["detected_type"], record["size"]) == ("video/quicktime", len(video))
    assert record["renditions"] == []
    assert stack.read(f"raw/{report_id}/{media_id}")[0] == video


def test_an_object_larger_than_its_declared_size_is_rejected_and_gives_its_slot_back(stack):
    from chalicelib import container
    from chalicelib.rules.media import MAX_PHOTOS, rejection_text

    report = stack.report()
    photo = corpus.jpeg()
    report_id, bigger = stack.upload(photo, report=report, size=len(photo) - 1)
    exact = stack.upload(photo, report=report, size=len(photo))[1]
    assert stack.deliver()[0] == no_failures()
    record = stack.record(report_id, bigger)
    assert (record["status"], record["reason"], record["size"]) == ("rejected", "larger_than_declared", len(photo))
    assert stack.versions(f"raw/{report_id}/{bigger}")[0] == []  # the oversized original is gone
    assert stack.record(report_id, exact)["status"] == "ready"
    staff = {m["media_id"]: m for m in container.media().staff_media(report_id)}
    assert staff[bigger]["message_en"] == rejection_text("larger_than_declared")["message_en"]
    assert "declared" in staff[bigger]["message_en"] and "khai báo" in staff[bigger]["message"]

    for _ in range(MAX_PHOTOS - 1):  # the rejected upload's slot is free again: four more fit beside `exact`
        stack.upload(photo, report=report)
    response = stack.client.http.post(
        f"/reports/{report_id}/media", headers={**JSON, "X-Tracking-Token": report["tracking_token"]},
        body=json.dumps({"content_type": "image/jpeg"}))
    assert response.status_code == 409 and json.loads(response.body)["code"] == "media_limit_reached"


def test_a_photo_uploaded_as_a_video_is_rejected(stack):
    report_id, media_id = stack.upload(corpus.jpeg(), "video/mp4")
    stack.deliver()
    record = stack.record(report_id, media_id)
    assert (record["status"], record["reason"]) == ("rejected", "not_a_video")


def test_evidence_photos_take_the_same_path(stack):
    from chalicelib import container
    from chalicelib.rules.media import raw_key
    from chalicelib.storage.media import MediaStore

    report_id = stack.report()["id"]
    MediaStore().reserve({"report_id": report_id, "media_id": "evidence01", "kind": "photo",
                          "declared_type": "image/jpeg", "key": raw_key(report_id, "evidence01"),
                          "purpose": "evidence", "created_at": datetime.now(UTC)}, limit=5)
    stack.s3.put_object(Bucket=stack.bucket, Key=raw_key(report_id, "evidence01"), Body=corpus.jpeg_with_gps(),
                        ContentType="image/jpeg")
    assert stack.deliver()[0] == no_failures()
    record = stack.record(report_id, "evidence01")
    assert (record["status"], record["purpose"]) == ("ready", "evidence")
    assert [m["purpose"] for m in container.media().public_media(report_id)] == ["evidence"]


# -- serving: staff links vs public links ----------------------------------------------------------


def test_staff_get_short_links_to_originals_and_renditions_the_public_renditions_only(stack):
    from chalicelib import container

    report = stack.report()
    photo = stack.upload(corpus.jpeg_with_gps(), report=report)[1]
    video = stack.upload(corpus.mp4(), "video/mp4", report=report)[1]
    rejected = stack.upload(b"plain text", "image/jpeg", report=report)[1]
    stack.deliver()
    service = container.media()

    staff = {m["media_id"]: m for m in service.staff_media(report["id"])}
    assert staff[photo]["exif"]["lat"] == corpus.GPS_LAT
    original = urlparse(staff[photo]["original_url"])
    query = parse_qs(original.query)
    assert original.path.endswith(f"raw/{report['id']}/{photo}")
    assert query["X-Amz-Expires"] == ["300"] and query["response-content-type"] == ["image/jpeg"]
    assert query["versionId"] == [stack.record(report["id"], photo)["source_version"]]
    assert [urlparse(r["url"]).path.rsplit("/", 1)[1] for r in staff[photo]["renditions"]] == ["1280.webp", "320.webp"]
    assert "original_url" in staff[video] and staff[video]["renditions"] == []
    assert staff[rejected]["status"] == "rejected" and "original_url" not in staff[rejected]
    assert staff[rejected]["message"] and staff[rejected]["message_en"] == "The file is not an image."

    public = service.public_media(report["id"])
    assert [m["media_id"] for m in public] == [photo]
    text = json.dumps(public)
    assert "raw/" not in text and "exif" not in text and "lat" not in text and "versionId" not in text
    for rendition in public[0]["renditions"]:
        url = urlparse(rendition["url"])
        assert url.path.startswith(f"/{stack.bucket}/thumbs/") or "/thumbs/" in url.path
        assert parse_qs(url.query)["X-Amz-Expires"] == ["3600"]


# -- the local stack's path (`make run`): the event runner polls the queue and calls the same handler ----


def test_the_local_event_runner_delivers_uploads_to_the_thumbnailer(stack, province):
    from app import app
    from devstack.runner import EventRunner

    runner = EventRunner(app, province)
    assert any(d.startswith("make_thumbnails <- SQS") for d in runner.describe())
    photo = stack.upload(corpus.jpeg_with_gps())
    hostile = stack.upload(corpus.gif_zip_polyglot())

    runner.run_until_idle()

    assert stack.record(*photo)["status"] == "ready"
    assert (stack.record(*hostile)["status"], stack.record(*hostile)["reason"]) == ("rejected", "unsupported_format")
