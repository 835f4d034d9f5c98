"""The thumbnail use case on in-memory ports: message parsing and the races a queue makes possible.

The AWS side of the same use case runs under moto in tests/functional/test_thumbnails.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import media_corpus as corpus

from chalicelib.adapters import imaging
from chalicelib.handlers.thumbnails import uploads_in
from chalicelib.ports import Upload
from chalicelib.services.media import MediaService

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def s3_message(*keys: str, event: str = "ObjectCreated:Post", bucket: str = "media", version: str | None = None):
    records = [{"eventName": event, "s3": {"bucket": {"name": bucket}, "object": {
        "key": key, "size": 1, **({"versionId": version} if version else {})}}} for key in keys]
    return json.dumps({"Records": records})


def test_uploads_in_reads_created_objects_and_decodes_their_keys():
    body = s3_message("raw/DLK-AAAA-BBBB/abc", "raw/with+space%2Fslash", version="v1")
    assert uploads_in(body) == [Upload("media", "raw/DLK-AAAA-BBBB/abc", "v1"),
                                Upload("media", "raw/with space/slash", "v1")]


def test_uploads_in_ignores_test_events_removals_and_junk():
    assert uploads_in(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []
    assert uploads_in(s3_message("raw/a/b", event="ObjectRemoved:Delete")) == []
    assert uploads_in("not json") == []
    assert uploads_in("[1, 2]") == []
    assert uploads_in(json.dumps({"Records": [{"eventName": "ObjectCreated:Put", "s3": {}}]})) == []


class Records:
    """Media records in memory, with a hook to let 'another delivery' decide first."""

    def __init__(self, record: dict) -> None:
        self.record = record
        self.before_write = None

    def get(self, report_id, media_id):
        return dict(self.record)

    def records(self, report_id):
        return [dict(self.record)]

    def _cas(self, **changes) -> bool:
        if self.before_write:
            self.before_write()
            self.before_write = None
        if self.record["status"] != "pending":
            return False
        self.record.update(changes)
        return True

    def mark_ready(self, report_id, media_id, **facts):
        return self._cas(status="ready", **facts)

    def mark_rejected(self, report_id, media_id, *, reason, **facts):
        return self._cas(status="rejected", reason=reason, **facts)


class Objects:
    def __init__(self, objects: dict) -> None:
        self.objects = objects
        self.deleted: list[tuple[str, str | None]] = []

    def stat(self, key, version_id=None):
        return {"size": len(self.objects[key]), "version_id": "v1"} if key in self.objects else None

    def read(self, key, version_id=None):
        return self.objects[key]

    def read_range(self, key, start, length, version_id=None):
        return self.objects[key][start:start + length]

    def put(self, key, data, content_type):
        self.objects[key] = data

    def delete(self, key, version_id=None):
        self.deleted.append((key, version_id))
        self.objects.pop(key, None)

    def presigned_get(self, key, ttl_seconds=300, version_id=None, content_type=None):
        return f"https://signed/{key}?ttl={ttl_seconds}&v={version_id}"


def service(data: bytes, kind: str = "photo"):
    key = "raw/DLK-AAAA-BBBB/m1"
    records = Records({"report_id": "DLK-AAAA-BBBB", "media_id": "m1", "kind": kind, "status": "pending",
                       "key": key, "purpose": "report"})
    objects = Objects({key: data})
    return MediaService("daklak", "media", records, objects, imaging, clock=lambda: NOW), records, objects, key


def test_when_another_delivery_made_it_ready_first_nothing_more_happens(capsys):
    media, records, _, key = service(corpus.jpeg())
    records.before_write = lambda: records.record.update(status="ready", source_version="v1")
    assert media.process(key) == "unchanged"
    assert "ThumbnailsMade" not in capsys.readouterr().out


def test_a_rejection_that_lost_the_race_to_a_ready_never_deletes_the_vetted_original():
    media, records, objects, key = service(b"not an image")
    records.before_write = lambda: records.record.update(status="ready", source_version="v1")
    assert media.process(key, "v1") == "unchanged"
    assert objects.deleted == [] and key in objects.objects


def test_events_for_another_bucket_are_ignored():
    media, records, _, key = service(corpus.jpeg())
    assert media.handle_uploads(uploads_in(s3_message(key, bucket="someone-elses"))) == ["ignored"]
    assert records.record["status"] == "pending"


def test_a_repeated_event_for_a_rejected_upload_makes_sure_the_original_is_gone():
    media, records, objects, key = service(b"junk")
    records.record.update(status="rejected", reason="not_an_image", source_version="v1")
    assert media.process(key) == "unchanged"
    assert objects.deleted == [(key, "v1")]


def test_public_links_leave_out_pending_rejected_videos_and_originals():
    media, records, _, key = service(corpus.jpeg())
    assert media.public_media("DLK-AAAA-BBBB") == []  # pending
    media.process(key)
    [public] = media.public_media("DLK-AAAA-BBBB")
    assert [r["name"] for r in public["renditions"]] == ["1280", "320"]
    assert all("thumbs/" in r["url"] and "ttl=3600" in r["url"] for r in public["renditions"])
    assert media.public_media("DLK-AAAA-BBBB", purposes=("evidence",)) == []  # a citizen's photo, narrowed out
    records.record["kind"] = "video"
    assert media.public_media("DLK-AAAA-BBBB") == []
    records.record.update(kind="photo", status="rejected")
    assert media.public_media("DLK-AAAA-BBBB") == []


def test_the_stored_size_is_checked_against_the_kind_and_the_declared_size():
    import pytest

    from chalicelib.rules.media import MAX_PHOTO_BYTES, MediaRejected, check_stored_size

    check_stored_size("photo", 1000, 1000)
    check_stored_size("photo", 5000, None)
    for kind, size, declared, code in [("photo", 1001, 1000, "larger_than_declared"),
                                       ("photo", MAX_PHOTO_BYTES + 1, None, "file_too_large"),
                                       ("photo", MAX_PHOTO_BYTES + 1, MAX_PHOTO_BYTES * 2, "file_too_large")]:
        with pytest.raises(MediaRejected) as err:
            check_stored_size(kind, size, declared)
        assert err.value.code == code
