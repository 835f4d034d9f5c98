"""Media records of a report (one item per upload)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.storage.models import MediaModel


class MediaStore:
    """Pending, ready and rejected uploads, keyed by report and media id."""

    def kinds_of(self, report_id: str) -> list[str]:
        """Kinds of the uploads a report already has, rejected ones excluded (one query)."""
        return [m.kind for m in MediaModel.query(report_id) if m.status != "rejected"]

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

    def list(self, report_id: str) -> list[dict[str, Any]]:
        """All media of a report as plain dicts (one query)."""
        return [m.attribute_values | {"status": m.status} for m in MediaModel.query(report_id)]

    # -- the thumbnailer's writes: each a compare-and-set on `status`, so a redelivery changes nothing ----
    def get(self, report_id: str, media_id: str) -> dict[str, Any] | None:
        """One media record as a plain dict (consistent read: the thumbnailer acts on it)."""
        try:
            return _plain(MediaModel.get(report_id, media_id, consistent_read=True))
        except MediaModel.DoesNotExist:
            return None

    def records(self, report_id: str) -> list[dict[str, Any]]:
        """All media of a report as plain dicts, maps and lists included (one query)."""
        return [_plain(m) for m in MediaModel.query(report_id)]

    def mark_ready(self, report_id: str, media_id: str, *, detected_type: str, size: int, source_version: str | None,
                   now: datetime, width: int | None = None, height: int | None = None,
                   renditions: list[dict[str, Any]] | None = None, exif: dict[str, Any] | None = None) -> bool:
        """pending -> ready with what was verified; False when it was no longer pending."""
        actions = [MediaModel.status.set("ready"), MediaModel.detected_type.set(detected_type),
                   MediaModel.size.set(size), MediaModel.updated_at.set(now),
                   MediaModel.renditions.set(renditions or [])]
        actions += [attr.set(value) for attr, value in (
            (MediaModel.width, width), (MediaModel.height, height), (MediaModel.exif, exif or None),
            (MediaModel.source_version, source_version)) if value is not None]
        return _compare_and_set(report_id, media_id, actions)

    def mark_rejected(self, report_id: str, media_id: str, *, reason: str, now: datetime,
                      source_version: str | None = None, size: int | None = None) -> bool:
        """pending -> rejected with the reason code; False when it was no longer pending."""
        actions = [MediaModel.status.set("rejected"), MediaModel.reason.set(reason), MediaModel.updated_at.set(now)]
        actions += [attr.set(value) for attr, value in ((MediaModel.source_version, source_version),
                                                         (MediaModel.size, size)) if value is not None]
        return _compare_and_set(report_id, media_id, actions)


def _compare_and_set(report_id: str, media_id: str, actions: list[Any]) -> bool:
    from pynamodb.exceptions import UpdateError

    try:
        MediaModel(report_id, media_id).update(actions=actions, condition=MediaModel.status == "pending")
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _plain(item: MediaModel) -> dict[str, Any]:
    """Attribute values with PynamoDB's map objects turned into dicts."""
    def unwrap(value: Any) -> Any:
        if hasattr(value, "as_dict"):
            return {k: unwrap(v) for k, v in value.as_dict().items()}
        if isinstance(value, dict):
            return {k: unwrap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unwrap(v) for v in value]
        return value

    return {k: unwrap(v) for k, v in item.attribute_values.items()} | {"status": item.status}
