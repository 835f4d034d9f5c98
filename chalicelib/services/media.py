"""Media after upload: vet each stored object, make renditions, and hand out links by audience.

The thumbnail use case is fed by S3 event notifications (through SQS). An upload ends `ready` (renditions
written, facts recorded) or `rejected` (a readable reason; the original deleted). Every write to the record
is a compare-and-set on `status == pending`, so a redelivered message changes nothing. The vetted S3
version is recorded, and links pin it: a second POST to the same key can never be served as vetted.

Serving: staff see everything vetted, originals included (until the retention rule deletes them:
services/originals.py), with GPS/capture time; the public sees renditions of ready photos only, never an
original, a video or EXIF facts.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import (
    ImagingPort,
    MediaRecord,
    MediaRecordsPort,
    ObjectsPort,
    SlotBusy,
    SlotsFull,
    Upload,
    UploadsPort,
)
from chalicelib.rules.errors import Conflict
from chalicelib.rules.media import (
    PUBLIC_LINK_SECONDS,
    STAFF_LINK_SECONDS,
    MediaRejected,
    UploadPlan,
    check_stored_size,
    limit_reached,
    parse_raw_key,
    plan_upload,
    raw_key,
    rendition_key,
)
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import media as views

# The queue moves a message to its DLQ after 5 receives (infra/province.json): on the last one we stop
# trying and reject, so a file that kills the worker (timeout, out of memory) still ends in a final state.
LAST_ATTEMPT = 5
# An offer that keeps losing to concurrent writes on the same slots gives up with a 409 "retry" after this many.
RESERVE_ATTEMPTS = 5
# A stored (ingested) file's pending record lapses like an offer's signature would, should the put fail.
INGEST_SECONDS = 900
# An adopted upload's slot counts as pending this long (its bytes are put straight after the record).
ADOPT_SECONDS = 900


class MediaService:
    """Vets uploads into renditions, and serves them by audience."""

    def __init__(self, province: str, bucket_name: str, records: MediaRecordsPort, objects: ObjectsPort,
                 imaging: ImagingPort, clock: Clock = utc_now, uploads: UploadsPort | None = None) -> None:
        """`objects` is the bucket the thumbnailer reads and links point into; `uploads` signs upload POSTs."""
        self.province = province
        self.bucket_name = bucket_name
        self._records = records
        self._objects = objects
        self._uploads = uploads
        self._imaging = imaging
        self._clock = clock

    # -- upload offers ----------------------------------------------------------------------
    def offer_upload(self, report_id: str, purpose: str, content_type: str, size: int | None) -> dict[str, Any]:
        """A presigned POST for one more photo or video of a report (`purpose`: report | evidence).

        Each (report, purpose, kind) has `limit` slots (5 photos, 1 video): the pending record and its slot
        are one conditional write, so racing offers cannot pass the limit. A slot counts while its upload is
        ready, or pending and its signature has not lapsed; when the slots are full, the expired pending
        uploads that never arrived are reclaimed in the retried write (rejected as `upload_expired`). The
        declared size bounds the POST policy and is checked again on the stored object.
        AWS calls: one TransactWriteItems (signing is local); when full, one Query, a HeadObject per expired
        pending upload, and one more TransactWriteItems if any can be reclaimed.
        """
        if self._uploads is None:
            raise RuntimeError("this MediaService was built without an uploads port")
        plan = plan_upload(content_type, size)
        media_id = uuid.uuid4().hex
        key = raw_key(report_id, media_id)
        post = self._uploads.presigned_post(key, plan.content_type, plan.max_bytes)
        now = self._clock()
        record: MediaRecord = {
            "report_id": report_id, "media_id": media_id, "kind": plan.kind, "purpose": purpose,
            "declared_type": plan.content_type, "declared_size": plan.declared_size, "key": key,
            "status": "pending", "created_at": now, "expires_at": now + timedelta(seconds=post.expires_in)}
        self._reserve(record, plan, now)
        logger.info("upload offered", extra={"report_id": report_id, "media_id": media_id, "kind": plan.kind,
                                             "purpose": purpose})
        return views.upload_offer(media_id, plan, purpose, post)

    def ingest(self, report_id: str, purpose: str, content_type: str, data: bytes) -> str:
        """Store a file a trusted channel received (an e-mail's photo) as an upload: the same pending record and
        slot as an offer, the object under `raw/`, so the thumbnailer vets it and makes its renditions as for
        any upload (the bucket's notification). The media id."""
        plan = plan_upload(content_type, len(data))
        media_id = uuid.uuid4().hex
        key = raw_key(report_id, media_id)
        now = self._clock()
        record: MediaRecord = {
            "report_id": report_id, "media_id": media_id, "kind": plan.kind, "purpose": purpose,
            "declared_type": plan.content_type, "declared_size": plan.declared_size, "key": key,
            "status": "pending", "created_at": now, "expires_at": now + timedelta(seconds=INGEST_SECONDS)}
        self._reserve(record, plan, now)
        self._objects.put(key, data, plan.content_type)
        logger.info("upload stored", extra={"report_id": report_id, "media_id": media_id, "kind": plan.kind,
                                            "purpose": purpose})
        return media_id

    def _reserve(self, record: MediaRecord, plan: UploadPlan, now: datetime) -> None:
        reclaim: list[str] = []
        for attempt in range(RESERVE_ATTEMPTS):
            try:
                self._records.reserve(record, plan.limit, reclaim, now)
                return
            except SlotsFull:
                if reclaim:  # full even with every expired slot given back
                    break
                reclaim = self._expired_unused(record, now)
                if not reclaim:
                    break
            except SlotBusy:  # a concurrent offer or upload won: read again, after a short random pause
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
                reclaim = []
        else:
            logger.warning("upload slots stayed busy", extra={"report_id": record["report_id"]})
            raise Conflict("upload_busy", "content_type")
        raise limit_reached(plan)

    def _expired_unused(self, record: MediaRecord, now: datetime) -> list[str]:
        """Pending uploads of the same purpose and kind whose signature lapsed with nothing in the bucket."""
        lapsed = [m for m in self._records.records(record["report_id"])
                  if m.get("status") == "pending" and m.get("kind") == record["kind"]
                  and m.get("purpose", "report") == record.get("purpose", "report")
                  and m.get("expires_at") is not None and m["expires_at"] <= now]
        # An object under the key means the upload arrived (in time) and waits for the thumbnailer.
        return [m["media_id"] for m in lapsed if self._objects.stat(m["key"]) is None]

    def adopt(self, report_id: str, media_id: str, data: bytes, content_type: str) -> str:
        """A photo that came by a channel rather than a presigned POST (a Zalo attachment), stored as an upload.

        Its pending record and slot are taken as an offer takes them (limits and types alike), then the bytes go
        under its raw/ key, where the bucket's notification hands them to the thumbnailer like any upload.
        Idempotent per media id: a second call for a record still pending puts the same bytes again (a later
        version of a vetted key is deleted by the thumbnailer), one for a settled record does nothing.
        Answers the record's status ("pending" once stored).
        """
        key = raw_key(report_id, media_id)
        existing = self._records.get(report_id, media_id)
        if existing is None:
            plan = plan_upload(content_type, len(data))
            now = self._clock()
            record: MediaRecord = {
                "report_id": report_id, "media_id": media_id, "kind": plan.kind, "purpose": "report",
                "declared_type": plan.content_type, "declared_size": plan.declared_size, "key": key,
                "status": "pending", "created_at": now, "expires_at": now + timedelta(seconds=ADOPT_SECONDS)}
            self._reserve(record, plan, now)
        elif existing["status"] != "pending":
            return str(existing["status"])
        self._objects.put(key, data, content_type)
        logger.info("upload adopted", extra={"report_id": report_id, "media_id": media_id})
        return "pending"

    def reporter_media(self, report_id: str) -> list[dict[str, Any]]:
        """What the reporter sees of their own uploads: kind and state, with the reason of a rejection."""
        return [views.reporter_item(m) for m in self._records.records(report_id)]

    # -- the thumbnail use case -----------------------------------------------------------
    @trace_use_case
    def handle_uploads(self, uploads: Iterable[Upload], attempt: int = 1) -> list[str]:
        """Process every upload one queue message names; raises only on a failure worth a retry."""
        outcomes = []
        for upload in uploads:
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
            check_stored_size(record["kind"], size, record.get("declared_size"))
            if record["kind"] == "video":
                return self._accept_video(record, key, version, size)
            return self._accept_photo(record, key, version, size)
        except MediaRejected as rejection:
            return self._reject(record, key, version, size, rejection)

    def _accept_photo(self, record: MediaRecord, key: str, version: str | None, size: int) -> str:
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

    def _accept_video(self, record: MediaRecord, key: str, version: str | None, size: int) -> str:
        detected = self._imaging.check_video(size, lambda at, n: self._objects.read_range(key, at, n, version))
        changed = self._records.mark_ready(record["report_id"], record["media_id"], detected_type=detected,
                                           size=size, source_version=version, now=self._clock())
        if changed:
            logger.info("video ready", extra={"report_id": record["report_id"], "media_id": record["media_id"],
                                              "type": detected})
        return "ready" if changed else "unchanged"

    def _reject(self, record: MediaRecord, key: str, version: str | None, size: int | None,
                rejection: MediaRejected) -> str:
        report_id, media_id = record["report_id"], record["media_id"]
        slot = (record.get("purpose", "report"), record["kind"]) if record.get("expires_at") else None
        changed = self._records.mark_rejected(report_id, media_id, reason=rejection.code, now=self._clock(),
                                              source_version=version, size=size, slot=slot)
        if not changed:  # decided meanwhile by another delivery: converge on that decision instead
            self._settle_again(self._records.get(report_id, media_id) or record, key, version)
            return "unchanged"
        self._objects.delete(key, version)  # after the record says why: a crash in between is settled on retry
        emit("MediaRejected", province=self.province, reason=rejection.code)
        logger.info("upload rejected", extra={"report_id": report_id, "media_id": media_id,
                                              "reason": rejection.code, "detail": rejection.detail[:200]})
        return "rejected"

    def _settle_again(self, record: MediaRecord, key: str, version_id: str | None) -> None:
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
            ready = m["status"] == "ready"
            stored = ready and not m.get("original_removed_at")  # the retention rule deleted it: no link
            original = self._objects.presigned_get(m["key"], STAFF_LINK_SECONDS, m.get("source_version"),
                                                   m.get("detected_type")) if stored else None
            out.append(views.staff_item(m, original, self._links(m, STAFF_LINK_SECONDS) if ready else []))
        return out

    def public_media(self, report_id: str, purposes: tuple[str, ...] = ("report", "evidence")) -> list[dict[str, Any]]:
        """Renditions of a published report's ready photos: no original, no video, no EXIF, no file facts.

        The caller checks that the report is published (and may narrow `purposes`, e.g. to the agency's
        evidence); this only decides what of its media may be shown.
        """
        photos = [m for m in self._records.records(report_id)
                  if m["status"] == "ready" and m["kind"] == "photo" and m.get("purpose", "report") in purposes]
        return [views.public_photo(m, self._links(m, PUBLIC_LINK_SECONDS))
                for m in sorted(photos, key=lambda m: str(m.get("created_at", "")))]

    def _links(self, record: MediaRecord, ttl: int) -> list[dict[str, Any]]:
        return [views.rendition(r, self._objects.presigned_get(r["key"], ttl, None, r["content_type"]))
                for r in record.get("renditions") or []]
