"""Open311 API keys in the stats table (storage/models.Open311KeyModel): digests only, never a key."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.ports import ApiKey, KeyNameTaken
from chalicelib.storage.dynamo import condition_failed
from chalicelib.storage.models import OPEN311_KEYS_PK, Open311KeyModel


def _key(m: Open311KeyModel) -> ApiKey:
    return ApiKey(digest=m.sk, key_id=m.key_id, name=m.name, created_at=m.created_at, created_by=m.created_by,
                  revoked_at=m.revoked_at, report_ids=frozenset(m.report_ids or ()))


class ApiKeyStore:
    """The ApiKeysPort: one GetItem per POST, one Query per list, one conditional write per change."""

    def add(self, key: ApiKey) -> None:
        """A new key. Names are checked against the list first (keys are few and issued by one admin)."""
        if any(k.name.casefold() == key.name.casefold() for k in self.all()):
            raise KeyNameTaken(key.name)
        item = Open311KeyModel(OPEN311_KEYS_PK, key.digest, key_id=key.key_id, name=key.name,
                               created_at=key.created_at, created_by=key.created_by)
        try:
            item.save(condition=Open311KeyModel.sk.does_not_exist())
        except PutError as exc:
            if condition_failed(exc):
                raise KeyNameTaken(key.name) from exc
            raise

    def by_digest(self, digest: str) -> ApiKey | None:
        try:
            return _key(Open311KeyModel.get(OPEN311_KEYS_PK, digest))
        except DoesNotExist:
            return None

    def all(self) -> list[ApiKey]:
        return [_key(m) for m in Open311KeyModel.query(OPEN311_KEYS_PK, consistent_read=True)]

    def revoke(self, key_id: str, by: str, at: datetime) -> ApiKey | None:
        found = next((k for k in self.all() if k.key_id == key_id), None)
        if found is None:
            return None
        if found.revoked_at is not None:
            return found
        item = Open311KeyModel(OPEN311_KEYS_PK, found.digest)
        try:
            item.update(actions=[Open311KeyModel.revoked_at.set(at), Open311KeyModel.revoked_by.set(by)],
                        condition=Open311KeyModel.sk.exists())
        except UpdateError as exc:
            if condition_failed(exc):
                return None
            raise
        return ApiKey(**{**found.__dict__, "revoked_at": at})

    def record_report(self, digest: str, report_id: str) -> None:
        Open311KeyModel(OPEN311_KEYS_PK, digest).update(
            actions=[Open311KeyModel.report_ids.add({report_id})], condition=Open311KeyModel.sk.exists())
