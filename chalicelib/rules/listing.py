"""Lists of reports: which index answers which filter, and cursors a client cannot forge.

Every list is one index query (never a table scan): the planner picks the
index whose key narrows the most, the remaining filters run server-side. A
cursor is the index's last evaluated key, bound to the query it came from and
signed; a changed or foreign cursor is refused, and a decoded key must point
into the very partition the query reads, so even a leaked signing key cannot
widen what a caller sees.
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

from chalicelib.rules.actors import AGENCY, PROVINCE_WIDE, Actor
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.report import PUBLIC_STATES

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# index -> (hash key attribute, its DynamoDB type, range key attribute)
INDEXES: dict[str, tuple[str, str, str]] = {
    "agency-received": ("agency_id", "S", "received_at"),
    "status-received": ("status", "S", "received_at"),
    "province-received": ("province_code", "N", "received_at"),
    "open-due": ("open_shard", "S", "due_at"),
    "public-received": ("public_shard", "S", "received_at"),
}
OPEN_KEY = "open"
PUBLIC_KEY = "public"


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


@dataclass(frozen=True)
class StaffFilters:
    status: str | None = None
    agency_id: str | None = None
    category: str | None = None
    ward_code: str | None = None
    due_before: datetime | None = None


@dataclass(frozen=True)
class PublicFilters:
    status: str | None = None
    category: str | None = None
    ward_code: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


def plan_staff(actor: Actor, f: StaffFilters, province_code: int) -> IndexQuery | None:
    """The query behind a staff list; None when the caller can see nothing of what was asked.

    An agency reads its own partition of `agency-received` (only reports
    assigned to it); the IOC and the admin read, by what narrows most: the
    agency's partition, the status's, the open reports by due date, or the
    whole province's.
    """
    common: dict[str, Any] = {"category": f.category, "ward_code": f.ward_code,
                              "scope": {"actor": actor.id, "roles": sorted(actor.roles), "agency": actor.agency_id}}
    statuses = (f.status,) if f.status else ()
    if not actor.roles & PROVINCE_WIDE:
        if not actor.roles & AGENCY or not actor.agency_id:
            return None
        if f.agency_id and f.agency_id != actor.agency_id:
            return None
        return IndexQuery("agency-received", actor.agency_id, statuses=statuses, due_before=f.due_before,
                          open_only=f.due_before is not None, assigned_only=True, **common)
    if f.agency_id:
        return IndexQuery("agency-received", f.agency_id, statuses=statuses, due_before=f.due_before,
                          open_only=f.due_before is not None, **common)
    if f.status:
        return IndexQuery("status-received", f.status, due_before=f.due_before, **common)
    if f.due_before:
        return IndexQuery("open-due", OPEN_KEY, due_before=f.due_before, newest_first=False, **common)
    return IndexQuery("province-received", province_code, **common)


def plan_public(f: PublicFilters) -> IndexQuery:
    """The public list: one status's partition, or the sparse index of everything public."""
    common: dict[str, Any] = {"category": f.category, "ward_code": f.ward_code,
                              "received_from": f.received_from, "received_to": f.received_to}
    if f.status:
        if f.status not in PUBLIC_STATES:
            raise InvalidInput("invalid_choice", "status", choices=", ".join(sorted(PUBLIC_STATES)))
        return IndexQuery("status-received", f.status, **common)
    return IndexQuery("public-received", PUBLIC_KEY, **common)


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("out_of_range", "limit", min=1, max=MAX_LIMIT)
    return limit


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(last_key: dict[str, Any] | None, query: IndexQuery, secret: bytes) -> str | None:
    """An opaque, signed token for the next page (None when there is none)."""
    if not last_key:
        return None
    body = _b64(json.dumps({"k": last_key, "q": query.fingerprint()}, separators=(",", ":")).encode())
    sig = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest()[:18])
    return f"{body}.{sig}"


def decode_cursor(cursor: str | None, query: IndexQuery, secret: bytes) -> dict[str, Any] | None:
    """The start key a cursor carries, after checking its signature, its query and its shape; else 400."""
    if not cursor:
        return None
    bad = InvalidInput("invalid_cursor", "cursor")
    body, _, sig = cursor.partition(".")
    try:
        expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest()[:18])
        if not hmac.compare_digest(expected, sig):
            raise bad
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad from exc
    if not isinstance(payload, dict) or payload.get("q") != query.fingerprint():
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
