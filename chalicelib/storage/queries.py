"""Which index answers which list, and cursors a client cannot forge.

Every list is one index query (never a table scan): the planner picks the
index whose key narrows the most, the remaining filters run server-side. A
cursor is the index's last evaluated key, bound to the query it came from and
signed; a changed or foreign cursor is refused, and a decoded key must point
into the very partition the query reads, so even a leaked signing key cannot
widen what a caller sees. Index names and key types come from the models.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.listing import PublicFilters, StaffFilters, StaffScope
from chalicelib.storage.models import OPEN_SHARD, PUBLIC_SHARD, ReportModel

_LISTS = (ReportModel.agency_index, ReportModel.status_index, ReportModel.province_index,
          ReportModel.open_due_index, ReportModel.public_index)


def _keys(index: Any) -> tuple[str, str, str]:
    schema = index._get_schema()
    types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    hash_attr = next(k["AttributeName"] for k in schema["key_schema"] if k["KeyType"] == "HASH")
    range_attr = next(k["AttributeName"] for k in schema["key_schema"] if k["KeyType"] == "RANGE")
    return hash_attr, types[hash_attr], range_attr


# index -> (hash key attribute, its DynamoDB type, range key attribute), read off the models
INDEXES: dict[str, tuple[str, str, str]] = {i.Meta.index_name: _keys(i) for i in _LISTS}
AGENCY_RECEIVED = ReportModel.agency_index.Meta.index_name
STATUS_RECEIVED = ReportModel.status_index.Meta.index_name
PROVINCE_RECEIVED = ReportModel.province_index.Meta.index_name
OPEN_DUE = ReportModel.open_due_index.Meta.index_name
PUBLIC_RECEIVED = ReportModel.public_index.Meta.index_name


@dataclass(frozen=True)
class IndexQuery:
    """One query of one index: its partition, a range on its sort key, and filters."""

    index: str
    key: str | int
    received_from: datetime | None = None
    received_to: datetime | None = None
    due_before: datetime | None = None
    statuses: tuple[str, ...] = ()
    agency_id: str | None = None
    category: str | None = None
    ward_code: str | None = None
    assigned_only: bool = False
    open_only: bool = False
    published_before: datetime | None = None
    newest_first: bool = True
    scope: dict[str, Any] = field(default_factory=dict)  # who asked (binds the cursor to the caller)

    def fingerprint(self) -> str:
        """What a cursor must have been issued for."""
        raw = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def plan_staff(scope: StaffScope, f: StaffFilters, province_code: int) -> IndexQuery:
    """The query behind a staff list, within the caller's scope (rules/listing.py decides the scope).

    An agency reads its own partition of `agency-received` (only reports
    assigned to it); the IOC and the admin read, by what narrows most: the
    agency's partition, the status's, the open reports by due date, or the
    whole province's.
    """
    common: dict[str, Any] = {"category": f.category, "ward_code": f.ward_code,
                              "scope": {"actor": scope.actor_id, "roles": list(scope.roles),
                                        "agency": scope.agency_id}}
    statuses = (f.status,) if f.status else ()
    if not scope.province_wide:
        return IndexQuery(AGENCY_RECEIVED, scope.agency_id or "", statuses=statuses, due_before=f.due_before,
                          open_only=f.due_before is not None, assigned_only=True, **common)
    if f.agency_id:
        return IndexQuery(AGENCY_RECEIVED, f.agency_id, statuses=statuses, due_before=f.due_before,
                          open_only=f.due_before is not None, **common)
    if f.status:
        return IndexQuery(STATUS_RECEIVED, f.status, due_before=f.due_before, **common)
    if f.due_before:
        return IndexQuery(OPEN_DUE, OPEN_SHARD, due_before=f.due_before, newest_first=False, **common)
    return IndexQuery(PROVINCE_RECEIVED, province_code, **common)


def plan_public(f: PublicFilters) -> IndexQuery:
    """The public list: one status's partition, or the sparse index of everything public."""
    common: dict[str, Any] = {"category": f.category, "ward_code": f.ward_code,
                              "received_from": f.received_from, "received_to": f.received_to}
    if f.status:
        return IndexQuery(STATUS_RECEIVED, f.status, **common)
    return IndexQuery(PUBLIC_RECEIVED, PUBLIC_SHARD, **common)


def published_before(cutoff: datetime) -> IndexQuery:
    """Published reports received and published before `cutoff`, oldest first (the closer's query)."""
    return IndexQuery(STATUS_RECEIVED, "published", received_to=cutoff, published_before=cutoff,
                      newest_first=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(last_key: dict[str, Any] | None, query: IndexQuery, secret: bytes) -> str | None:
    """An opaque, signed token for the next page (None when there is none)."""
    if not last_key:
        return None
    return sign({"k": last_key, "q": query.fingerprint()}, secret)


def sign(payload: dict[str, Any], secret: bytes) -> str:
    """A JSON payload as an opaque token with its HMAC (every list's cursor)."""
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    sig = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest()[:18])
    return f"{body}.{sig}"


def unsign(cursor: str, secret: bytes) -> dict[str, Any]:
    """The payload of a token `sign` made with `secret`; a 400 for anything else."""
    bad = InvalidInput("invalid_cursor", "cursor")
    body, _, sig = cursor.partition(".")
    try:
        expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest()[:18])
        if not hmac.compare_digest(expected, sig):
            raise bad
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad from exc
    if not isinstance(payload, dict):
        raise bad
    return payload


def decode_cursor(cursor: str | None, query: IndexQuery, secret: bytes) -> dict[str, Any] | None:
    """The start key a cursor carries, after checking its signature, its query and its shape; else 400."""
    if not cursor:
        return None
    bad = InvalidInput("invalid_cursor", "cursor")
    payload = unsign(cursor, secret)
    if payload.get("q") != query.fingerprint():
        raise bad
    key = payload.get("k")
    hash_attr, hash_type, range_attr = INDEXES[query.index]
    if not isinstance(key, dict) or set(key) != {"id", hash_attr, range_attr}:
        raise bad
    if key[hash_attr] != {hash_type: str(query.key)}:
        raise bad
    for attr in ("id", range_attr):
        value = key[attr]
        if not (isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str)):
            raise bad
    return key
