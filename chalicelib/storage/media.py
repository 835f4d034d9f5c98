"""Media records of a report (one item per upload)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.ports import DuplicateId, MediaRecord, SlotBusy, SlotsFull
from chalicelib.storage.dynamo import ConnectionOf, cancellation_codes, condition_failed, to_plain
from chalicelib.storage.models import SLOTS_PREFIX, MediaModel, MediaSlotsModel, slots_key


class MediaStore(ConnectionOf):
    """Pending, ready and rejected uploads, keyed by report and media id, and each report's slot counters."""

    def __init__(self, connection: Connection | None = None) -> None:
        super().__init__(MediaModel, connection)

    def reserve(self, record: MediaRecord, limit: int, reclaim: Sequence[str] = (), now: datetime | None = None
                ) -> None:
        """The pending record and its slot, in one TransactWriteItems (see MediaRecordsPort.reserve).

        The counter's condition `taken < limit + len(reclaim)` and each reclaimed record's `pending and
        expired` condition are checked together, so the count never passes the limit however many offers
        race, and a slot is given back once per record that leaves `pending` for `rejected`.
        """
        report_id, purpose, kind = record["report_id"], record.get("purpose", "report"), record["kind"]
        at = now or record["created_at"]
        pending = MediaModel(
            report_id, record["media_id"], kind=kind, purpose=purpose, declared_type=record["declared_type"],
            declared_size=record.get("declared_size"), key=record["key"], status="pending",
            created_at=record["created_at"], expires_at=record.get("expires_at"))
        slots = MediaSlotsModel(report_id, slots_key(purpose, kind))
        room = MediaSlotsModel.taken.does_not_exist() | (MediaSlotsModel.taken < limit + len(reclaim))
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(pending, condition=MediaModel.media_id.does_not_exist())
                tx.update(slots, [MediaSlotsModel.taken.add(1 - len(reclaim))], condition=room)
                for media_id in reclaim:
                    tx.update(MediaModel(report_id, media_id),
                              [MediaModel.status.set("rejected"), MediaModel.reason.set("upload_expired"),
                               MediaModel.updated_at.set(at)],
                              condition=(MediaModel.status == "pending") & (MediaModel.expires_at <= at))
        except TransactWriteError as exc:
            # PynamoDB sends puts before updates: [pending record, counter, reclaimed...].
            codes = cancellation_codes(exc)
            if "TransactionConflict" in codes or "ConditionalCheckFailed" in codes[2:]:
                raise SlotBusy(report_id) from exc
            if codes[1:2] == ["ConditionalCheckFailed"]:
                raise SlotsFull(report_id) from exc
            if codes[:1] == ["ConditionalCheckFailed"]:
                raise DuplicateId(record["media_id"]) from exc
            raise

    # -- the thumbnailer's writes: each a compare-and-set on `status`, so a redelivery changes nothing ----
    def get(self, report_id: str, media_id: str) -> MediaRecord | None:
        """One media record as a plain dict (consistent read: the thumbnailer acts on it)."""
        try:
            return _plain(MediaModel.get(report_id, media_id, consistent_read=True))
        except MediaModel.DoesNotExist:
            return None

    def records(self, report_id: str) -> list[MediaRecord]:
        """All media of a report as plain dicts, maps and lists included (one consistent query, no counters)."""
        return [_plain(m) for m in MediaModel.query(report_id, MediaModel.media_id < SLOTS_PREFIX,
                                                     consistent_read=True)]

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
                      source_version: str | None = None, size: int | None = None,
                      slot: tuple[str, str] | None = None) -> bool:
        """pending -> rejected with the reason code; False when it was no longer pending.

        With `slot` (purpose, kind) the counter gives the slot back in the same transaction, so a slot is
        released exactly once, by whichever delivery moved the record out of `pending`.
        """
        actions: list[Action] = [MediaModel.status.set("rejected"), MediaModel.reason.set(reason),
                                 MediaModel.updated_at.set(now)]
        if source_version is not None:
            actions.append(MediaModel.source_version.set(source_version))
        if size is not None:
            actions.append(MediaModel.size.set(size))
        if slot is None:
            return _compare_and_set(report_id, media_id, actions)
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.update(MediaModel(report_id, media_id), actions, condition=MediaModel.status == "pending")
                tx.update(MediaSlotsModel(report_id, slots_key(*slot)), [MediaSlotsModel.taken.add(-1)])
        except TransactWriteError as exc:
            if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True


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
