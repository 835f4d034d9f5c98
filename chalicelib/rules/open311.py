"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) as this province speaks it: pure rules.

What maps onto what: our states onto `open`/`closed`, a category onto a service (with the one attribute
every category takes, `occurred_at`), the request window (at most 90 days, 1,000 requests), the format a
path names, the element names of the XML documents, the token a POST answers with (derived from the
report id, never stored), and how an API key is kept (a keyed digest: the key itself is shown once).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import InvalidInput, NotFound
from chalicelib.rules.report import OPEN_STATES, Report
from chalicelib.rules.rounds import public_round

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-02T00:00:00+07:00"  # when this endpoint's behaviour last changed
FORMATS = {"json": "application/json", "xml": "text/xml"}
MAX_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100  # service_request_id=a,b,c: at most this many ids in one call
MAX_MEDIA_URLS = 5
MAX_DESCRIPTION = 4000
KEY_PREFIX = "o311_"
CLIENT_CHANNEL = "app"  # an Open311 client is an app (FixMyStreet, a civic app): the app's SLA class

# The XML element each list's items take (GeoReport v2's documents), and the root of each document.
ITEM_ELEMENTS = {"services": "service", "service_requests": "request", "attributes": "attribute",
                 "values": "value", "errors": "error", "endpoints": "endpoint", "formats": "format",
                 "keywords": "keyword"}


def status_of(report: Report) -> str:
    """`open` while anyone still works on it (a reopened round included), `closed` once published, closed or
    rejected."""
    return "open" if report.status in OPEN_STATES else "closed"


STATUS_FILTERS: dict[str, frozenset[str]] = {
    "open": OPEN_STATES,
    "closed": frozenset({"published", "closed", "rejected", "merged"}),
}


def split_format(segment: str) -> tuple[str, str]:
    """("DLK-7KQ3-M9XD", "json") from "DLK-7KQ3-M9XD.json": split on the last dot; 404 for another suffix."""
    name, dot, fmt = segment.rpartition(".")
    if not dot or not name or fmt not in FORMATS:
        raise NotFound("open311_unknown_format", "format", value=segment)
    return name, fmt


def comma_list(raw: str | None) -> list[str]:
    """`a,b, c` -> ["a", "b", "c"] (blanks dropped, order kept, repeats once)."""
    if not raw:
        return []
    return list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def parse_w3c(raw: str, field: str) -> datetime:
    """A W3C datetime (2026-11-02T08:30:00Z, +07:00, or a bare date); no offset means Vietnam's time."""
    text = raw.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0, 0))
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise InvalidInput("invalid_datetime", field) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    if not datetime(1970, 1, 2, tzinfo=VN_TZ) <= moment <= datetime(2999, 12, 30, tzinfo=VN_TZ):
        raise InvalidInput("datetime_out_of_range", field, min="1970-01-01", max="2999-12-31")
    return moment


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def request_window(start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """The requested_datetime range a GET requests reads: the last 90 days by default, never more than 90 days."""
    if start is None and end is None:
        return Window(now - MAX_WINDOW, now)
    if start is None:
        assert end is not None
        return Window(end - MAX_WINDOW, end)
    if end is None:
        return Window(start, min(start + MAX_WINDOW, max(now, start)))
    if end < start:
        raise InvalidInput("open311_window_reversed", "end_date")
    if end - start > MAX_WINDOW:
        raise InvalidInput("open311_window_too_long", "end_date", days=MAX_WINDOW.days)
    return Window(start, end)


# -- service attributes: what every category takes beyond the core fields --------------------------------------

@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool
    order: int
    description_key: str  # rules/messages.OPEN311 key of its description


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("occurred_at", "datetime", False, 1, "attribute_occurred_at"),
)


def attribute_codes() -> frozenset[str]:
    return frozenset(a.code for a in ATTRIBUTES)


# -- tokens and keys -------------------------------------------------------------------------------------------

def request_token(key: bytes, report_id: str) -> str:
    """The token a POST answers with: the report id and a MAC of it (never the reporter's tracking token)."""
    mac = hmac.new(key, f"open311-token|{report_id}".encode(), hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(report_id.encode() + b"." + mac).rstrip(b"=").decode()


def report_of_token(key: bytes, token: str) -> str:
    """The report id a token names; 404 for anything we did not issue."""
    unknown = NotFound("open311_token_not_found", "token")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise unknown from exc
    report_id_bytes, dot, _ = raw.partition(b".")
    try:
        report_id = report_id_bytes.decode("ascii")
    except UnicodeDecodeError as exc:
        raise unknown from exc
    if not dot or not hmac.compare_digest(request_token(key, report_id), token):
        raise unknown
    return report_id


def new_api_key() -> str:
    """A fresh API key (shown once): a prefix a person recognises and 192 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(24)


def key_digest(secret: bytes, api_key: str) -> str:
    """What is stored instead of the key: HMAC-SHA256 under the stage's key (a leaked table gives no key)."""
    return hmac.new(secret, f"open311-key|{api_key}".encode(), hashlib.sha256).hexdigest()


def key_id(digest: str) -> str:
    """The key's public name in lists and in DELETE: the digest's first 16 hex digits."""
    return digest[:16]


def shown_round(report: Report) -> Report:
    """What a reader is shown of a reopened report: its last published round (as on the public pages)."""
    return public_round(report)
