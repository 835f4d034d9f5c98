"""Media after upload: vet each stored object, make renditions, and hand out links by audience.

The thumbnail use case is fed by S3 event notifications (through SQS). An upload ends `ready` (renditions
written, facts recorded) or `rejected` (a readable reason; the original deleted). Every write to the record
is a compare-and-set on `status == pending`, so a redelivered message changes nothing. The vetted S3
version is recorded, and links pin it: a second POST to the same key can never be served as vetted.

Serving: staff see everything vetted, originals included, with GPS/capture time; the public sees
renditions of ready photos only, never an original, a video or EXIF facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_plus

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.rules.media import (
    PUBLIC_LINK_SECONDS,
    STAFF_LINK_SECONDS,
    MediaRejected,
    max_bytes_for,
    parse_raw_key,
    rejection_text,
    rendition_key,
)
from chalicelib.services.clock import Clock, utc_now

# The queue moves a message to its DLQ after 5 receives (infra/province.json): on the last one we stop
# trying and reject, so a file that kills the worker (timeout, out of memory) still ends in a final state.
LAST_ATTEMPT = 5


class ObjectsPort(Protocol):
    def stat(self, key: str, version_id: str | None = None) -> dict[str, Any] | None: ...
    def read(self, key: str, version_id: str | None = None) -> bytes: ...
    def read_range(self, key: str, start: int, length: int, version_id: str | None = None) -> bytes: ...
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def delete(self, key: str, version_id: str | None = None) -> None: ...
    def presigned_get(self, key: str, ttl_seconds: int = 300, version_id: str | None = None,
                      content_type: str | None = None) -> str: ...


class MediaRecordsPort(Protocol):
    def get(self, report_id: str, media_id: str) -> dict[str, Any] | None: ...
    def records(self, report_id: str) -> list[dict[str, Any]]: ...
    def mark_ready(self, report_id: str, media_id: str, **facts: Any) -> bool: ...
    def mark_rejected(self, report_id: str, media_id: str, **facts: Any) -> bool: ...


class ImagingPort(Protocol):
    def make_renditions(self, data: bytes) -> Any: ...
    def check_video(self, size: int, read_at: Callable[[int, int], bytes]) -> str: ...


@dataclass(frozen=True)
class Upload:
    """One object an S3 event says was created."""

    bucket: str
    key: str
    version_id: str | None = None


def uploads_in(body: str) -> list[Upload]:
    """The created objects an SQS message from S3 names; S3's test event and other events name none."""
    try:
        message = json.loads(body)
    except ValueError:
        logger.warning("thumbnail queue: message is not JSON; ignored")
        return []
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return []
    uploads = []
    for record in message.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        obj = s3.get("object") or {}
        if obj.get("key"):
            uploads.append(Upload(s3.get("bucket", {}).get("name", ""), unquote_plus(obj["key"]),
                                  obj.get("versionId") or None))
    return uploads


class MediaService:
    """Vets uploads into renditions, and serves them by audience."""

    def __init__(self, province: str, bucket_name: str, records: MediaRecordsPort, objects: ObjectsPort,
                 imaging: ImagingPort, clock: Clock = utc_now) -> None:
        self.province = province
        self.bucket_name = bucket_name
        self._records = records
        self._objects = objects
        self._imaging = imaging
        self._clock = clock

    # -- the thumbnail use case -----------------------------------------------------------
    @trace_use_case
    def handle_message(self, body: str, attempt: int = 1) -> list[str]:
        """Process every upload one queue message names; raises only on a failure worth a retry."""
        outcomes = []
        for upload in uploads_in(body):
            if upload.bucket and upload.bucket != self.bucket_name:
                logger.warning("thumbnail queue: event for another bucket; ignored", extra={"bucket": upload.bucket})
                outcomes.append("ignored")
                continue
            outcomes.append(self.process(upload.key, upload.version_id, attempt))
        return outcomes

    def process(self, key: str, version_id: str | None = None, attempt: int = 1) -> str:
        """One upload: 'ready' | 'rejected' | 'unchanged' (seen before) | 'ignored' | 'missing'."""
        ids = parse_raw_key(key)
        if ids is None:
            logger.info("thumbnail queue: key outside raw/{report}/{media}; ignored", extra={"key": key})
            return "ignored"
        report_id, media_id = ids
        record = self._records.get(report_id, media_id)
        log = {"report_id": report_id, "media_id": media_id, "attempt": attempt}
        if record is None:
            logger.warning("upload without a media record; ignored", extra=log)
            return "ignored"
        if record["status"] != "pending":
            self._settle_again(record, key, version_id)
            logger.info("upload already processed; nothing changes", extra={**log, "status": record["status"]})
            return "unchanged"
        info = self._objects.stat(key, version_id)
        if info is None:
            logger.warning("upload is gone from the bucket; nothing to process", extra=log)
            return "missing"
        version, size = info.get("version_id") or version_id, int(info["size"])
        if attempt >= LAST_ATTEMPT:
            return self._reject(record, key, version, size, MediaRejected("processing_failed", f"attempt {attempt}"))
        try:
            if size > max_bytes_for(record["kind"]):
                raise MediaRejected("file_too_large", f"{size} bytes")
            if record["kind"] == "video":
                return self._accept_video(record, key, version, size)
            return self._accept_photo(record, key, version, size)
        except MediaRejected as rejection:
            return self._reject(record, key, version, size, rejection)

    def _accept_photo(self, record: dict[str, Any], key: str, version: str | None, size: int) -> str:
        photo = self._imaging.make_renditions(self._objects.read(key, version))
        report_id, media_id = record["report_id"], record["media_id"]
        renditions = []
        for r in photo.renditions:
            where = rendition_key(report_id, media_id, r.name, r.ext)
            self._objects.put(where, r.data, r.content_type)
            renditions.append({"name": r.name, "key": where, "content_type": r.content_type,
                               "width": r.width, "height": r.height, "size": len(r.data)})
        changed = self._records.mark_ready(
            report_id, media_id, detected_type=photo.detected_type, size=size, source_version=version,
            now=self._clock(), width=photo.width, height=photo.height, renditions=renditions, exif=photo.exif)
        if not changed:
            return "unchanged"
        emit("ThumbnailsMade", len(renditions), province=self.province)
        logger.info("photo ready", extra={"report_id": report_id, "media_id": media_id, "type": photo.detected_type,
                                          "renditions": len(renditions)})
        return "ready"

    def _accept_video(self, record: dict[str, Any], key: str, version: str | None, size: int) -> str:
        detected = self._imaging.check_video(size, lambda at, n: self._objects.read_range(key, at, n, version))
        changed = self._records.mark_ready(record["report_id"], record["media_id"], detected_type=detected,
                                           size=size, source_version=version, now=self._clock())
        if changed:
            logger.info("video ready", extra={"report_id": record["report_id"], "media_id": record["media_id"],
                                              "type": detected})
        return "ready" if changed else "unchanged"

    def _reject(self, record: dict[str, Any], key: str, version: str | None, size: int | None,
                rejection: MediaRejected) -> str:
        report_id, media_id = record["report_id"], record["media_id"]
        changed = self._records.mark_rejected(report_id, media_id, reason=rejection.code, now=self._clock(),
                                              source_version=version, size=size)
        if not changed:  # decided meanwhile by another delivery: converge on that decision instead
            self._settle_again(self._records.get(report_id, media_id) or record, key, version)
            return "unchanged"
        self._objects.delete(key, version)  # after the record says why: a crash in between is settled on retry
        emit("MediaRejected", province=self.province, reason=rejection.code)
        logger.info("upload rejected", extra={"report_id": report_id, "media_id": media_id,
                                              "reason": rejection.code, "detail": rejection.detail[:200]})
        return "rejected"

    def _settle_again(self, record: dict[str, Any], key: str, version_id: str | None) -> None:
        """A repeated event: a rejected original stays deleted; a later, unvetted version of a ready one goes."""
        vetted = record.get("source_version")
        if record["status"] == "rejected":
            self._objects.delete(key, vetted or version_id)
        elif record["status"] == "ready" and version_id and vetted and version_id != vetted:
            logger.warning("second upload to a vetted key; deleting it",
                           extra={"report_id": record["report_id"], "media_id": record["media_id"]})
            self._objects.delete(key, version_id)

    # -- serving ---------------------------------------------------------------------------
    def staff_media(self, report_id: str) -> list[dict[str, Any]]:
        """Every upload of a report for IOC and agency staff: state, reason, EXIF facts, short-lived links."""
        out = []
        for m in sorted(self._records.records(report_id), key=lambda m: str(m.get("created_at", ""))):
            item: dict[str, Any] = {
                k: m.get(k) for k in ("media_id", "kind", "purpose", "status", "declared_type", "detected_type",
                                      "size", "width", "height", "created_at", "updated_at")
            }
            if m["status"] == "rejected":
                item.update(rejection_text(m.get("reason") or "corrupt_file"))
            if m["status"] == "ready":
                item["exif"] = dict(m.get("exif") or {})
                item["original_url"] = self._objects.presigned_get(
                    m["key"], STAFF_LINK_SECONDS, m.get("source_version"), m.get("detected_type"))
                item["renditions"] = self._links(m, STAFF_LINK_SECONDS)
            out.append(item)
        return out

    def public_media(self, report_id: str, purposes: tuple[str, ...] = ("report", "evidence")) -> list[dict[str, Any]]:
        """Renditions of a published report's ready photos: no original, no video, no EXIF, no file facts.

        The caller checks that the report is published (and may narrow `purposes`, e.g. to the agency's
        evidence); this only decides what of its media may be shown.
        """
        photos = [m for m in self._records.records(report_id)
                  if m["status"] == "ready" and m["kind"] == "photo" and m.get("purpose", "report") in purposes]
        return [{"media_id": m["media_id"], "purpose": m.get("purpose", "report"),
                 "renditions": self._links(m, PUBLIC_LINK_SECONDS)}
                for m in sorted(photos, key=lambda m: str(m.get("created_at", "")))]

    def _links(self, record: dict[str, Any], ttl: int) -> list[dict[str, Any]]:
        return [{"name": r["name"], "width": r["width"], "height": r["height"], "content_type": r["content_type"],
                 "url": self._objects.presigned_get(r["key"], ttl, None, r["content_type"])}
                for r in record.get("renditions") or []]
