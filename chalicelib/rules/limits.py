"""Abuse limits: how many reports a phone may send a day, an address an hour, and SMS a phone may get a day.

A limit is counted in fixed windows (the Vietnamese calendar day, the clock
hour) on a keyed hash of what it counts: a phone number (E.164) or a source
IP is never stored, only `keyed_hash(key, kind, value)`. A `Quota` is one
counter a write must take; the store takes it atomically (at most `limit`
per window) and the counter expires with its window.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.rules.calendar import VN_TZ

PHONE_DAY = "phone-day"  # reports per reporter phone per day
IP_HOUR = "ip-hour"  # reports per source address per hour
SMS_DAY = "sms-day"  # SMS to one phone per day (the notifier)
KEY_HOUR = "key-hour"  # Open311 POSTs per API key per hour (rules/open311.py)
HOURLY = frozenset({IP_HOUR, KEY_HOUR})

# What a refusal says, per kind of intake limit (rules/messages.py ERRORS).
REFUSAL_CODES = {PHONE_DAY: "too_many_reports_phone", IP_HOUR: "too_many_reports_ip",
                 KEY_HOUR: "too_many_requests_key"}


@dataclass(frozen=True)
class Quota:
    """One counter to take: at most `limit` in the window `window` of `kind`, for the hashed `key`."""

    kind: str
    key: str
    window: str
    limit: int
    ends_at: datetime

    @property
    def counter_id(self) -> str:
        """The counter's one key: kind, window and the hash (never the value itself)."""
        return f"{self.kind}#{self.window}#{self.key}"

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the window ends (at least 1): a 429's Retry-After."""
        return max(1, math.ceil((self.ends_at - now).total_seconds()))


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of the counted value under the stage's key: stable per stage, not reversible without it."""
    return hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()


def day_window(now: datetime) -> tuple[str, datetime]:
    """The Vietnamese calendar day holding `now`: ("2026-12-02", next local midnight)."""
    local = now.astimezone(VN_TZ)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.date().isoformat(), (start + timedelta(days=1)).replace(tzinfo=VN_TZ)


def hour_window(now: datetime) -> tuple[str, datetime]:
    """The clock hour holding `now`: ("2026-12-02T15", the next hour)."""
    local = now.astimezone(VN_TZ)
    start = local.replace(minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)


def quota(kind: str, key: bytes, value: str, limit: int, now: datetime) -> Quota:
    """The counter one value takes now: daily for phones, hourly for addresses."""
    window, ends_at = hour_window(now) if kind in HOURLY else day_window(now)
    return Quota(kind, keyed_hash(key, kind, value), window, limit, ends_at)
