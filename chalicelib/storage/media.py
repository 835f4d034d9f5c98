"""Media records of a report (one item per upload)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.ports import MediaRecord
from chalicelib.storage.dynamo import condition_failed, to_plain
from chalicelib.storage.models import MediaModel


class MediaStore:
    """Pending, ready and rejected uploads, keyed by report and media id."""

    def add_pending(
        self, report_id: str, media_id: str, kind: str, declared_type: str, key: str, purpose: str, now: datetime
    ) -> None:
        MediaModel(
            report_id,
            media_id,
            kind=kind,
            purpose=purpose,
            declared_type=declared_type,
            key=key,
            status="pending",
            created_at=now,
        ).save(condition=MediaModel.media_id.does_not_exist())

    # -- the thumbnailer's writes: each a compare-and-set on `status`, so a redelivery changes nothing ----
    def get(self, report_id: str, media_id: str) -> MediaRecord | None:
        """One media record as a plain dict (consistent read: the thumbnailer acts on it)."""
        try:
            return _plain(MediaModel.get(report_id, media_id, consistent_read=True))
        except MediaModel.DoesNotExist:
            return None

    def records(self, report_id: str) -> list[MediaRecord]:
        """All media of a report as plain dicts, maps and lists included (one query)."""
        return [_plain(m) for m in MediaModel.query(report_id)]

    def mark_ready(self, report_id: str, media_id: str, *, detected_type: str, size: int, source_version: str | None,
                   now: datetime, width: int | None = None, height: int | None = None,
                   renditions: list[dict[str, Any]] | None = None, exif: dict[str, Any] | None = None) -> bool:
        """pending -> ready with what was verified; False when it was no longer pending."""
        actions: list[Action] = [MediaModel.status.set("ready"), MediaModel.detected_type.set(detected_type),
                                 MediaModel.size.set(size), MediaModel.updated_at.set(now),
                                 MediaModel.renditions.set(renditions or [])]
        if width is not None:
            actions.append(MediaModel.width.set(width))
        if height is not None:
            actions.append(MediaModel.height.set(height))
        if exif:
            actions.append(MediaModel.exif.set(exif))
        if source_version is not None:
            actions.append(MediaModel.source_version.set(source_version))
        return _compare_and_set(report_id, media_id, actions)

    def mark_rejected(self, report_id: str, media_id: str, *, reason: str, now: datetime,
                      source_version: str | None = None, size: int | None = None) -> bool:
        """pending -> rejected with the reason code; False when it was no longer pending."""
        actions: list[Action] = [MediaModel.status.set("rejected"), MediaModel.reason.set(reason),
                                 MediaModel.updated_at.set(now)]
        if source_version is not None:
            actions.append(MediaModel.source_version.set(source_version))
        if size is not None:
            actions.append(MediaModel.size.set(size))
        return _compare_and_set(report_id, media_id, actions)


def _compare_and_set(report_id: str, media_id: str, actions: list[Action]) -> bool:
    from pynamodb.exceptions import UpdateError

    try:
        MediaModel(report_id, media_id).update(actions=actions, condition=MediaModel.status == "pending")
    except UpdateError as err:
        if condition_failed(err):
            return False
        raise
    return True


def _plain(item: MediaModel) -> MediaRecord:
    """Attribute values with PynamoDB's map objects turned into plain values."""
    record: MediaRecord = to_plain(item.attribute_values) | {"status": item.status}
    return record
