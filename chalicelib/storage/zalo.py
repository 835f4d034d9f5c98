"""Zalo conversations' drafts and applied-message markers, items of the limits table (storage/models.py).

Each message is applied in one TransactWriteItems: its marker (only if absent) and the draft (only at the
revision it was read at), so a replayed or re-delivered message, or two deliveries racing, change it once.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.ports import AlreadySeen, StaleVersion
from chalicelib.rules.zalo import Draft, Photo
from chalicelib.storage.dynamo import ConnectionOf, cancellation_codes
from chalicelib.storage.models import ZALO_DRAFT_PREFIX, ZALO_MESSAGE_PREFIX, ZaloDraftModel, ZaloMessageModel


class ZaloDraftStore(ConnectionOf):
    """The ZaloDraftsPort."""

    def __init__(self) -> None:
        super().__init__(ZaloDraftModel)

    def get(self, user_key: str) -> Draft | None:
        try:
            m = ZaloDraftModel.get(ZALO_DRAFT_PREFIX + user_key, consistent_read=True)
        except DoesNotExist:
            return None
        photos = tuple(Photo(**p) for p in json.loads(m.photos or "[]"))
        return Draft(started_at=m.started_at, description=m.description or "", photos=photos,
                     lat=float(m.lat) if m.lat is not None else None, lng=float(m.lng) if m.lng is not None else None,
                     category=m.category, phone=m.phone, asked=m.asked, report_id=m.report_id, version=int(m.rev))

    def seen(self, msg_key: str) -> bool:
        return _exists(ZALO_MESSAGE_PREFIX + msg_key)

    def save(self, user_key: str, msg_key: str, draft: Draft, expires_at: datetime,
             msg_expires_at: datetime) -> None:
        marker = ZaloMessageModel(ZALO_MESSAGE_PREFIX + msg_key, expires_at=msg_expires_at)
        item = _model(user_key, draft, expires_at)
        read = draft.version
        condition = ZaloDraftModel.id.does_not_exist() if read is None else ZaloDraftModel.rev == read
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(marker, condition=ZaloMessageModel.id.does_not_exist())
                tx.save(item, condition=condition)
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                raise AlreadySeen(msg_key) from exc
            if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes:
                raise StaleVersion(user_key) from exc
            raise

    def finish(self, user_key: str, draft: Draft, report_id: str, expires_at: datetime) -> None:
        item = ZaloDraftModel(ZALO_DRAFT_PREFIX + user_key)
        item.update(actions=[ZaloDraftModel.report_id.set(report_id), ZaloDraftModel.phone.remove(),
                             ZaloDraftModel.expires_at.set(expires_at), ZaloDraftModel.rev.add(1)])


def _exists(item_id: str) -> bool:
    try:
        ZaloMessageModel.get(item_id, consistent_read=True)
    except DoesNotExist:
        return False
    return True


def _model(user_key: str, draft: Draft, expires_at: datetime) -> ZaloDraftModel:
    return ZaloDraftModel(
        ZALO_DRAFT_PREFIX + user_key, rev=(draft.version or 0) + 1, started_at=draft.started_at,
        description=draft.description or None, photos=json.dumps([asdict(p) for p in draft.photos]),
        lat=draft.lat, lng=draft.lng, category=draft.category, phone=draft.phone, asked=draft.asked,
        report_id=draft.report_id, expires_at=expires_at)
