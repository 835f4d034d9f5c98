"""The Zalo Official Account channel's rules: the webhook signature, and a conversation turned into a report.

Zalo signs each webhook call as `X-ZEvent-Signature: mac=<hex>`, hex = SHA-256 (plain, not an HMAC) of
`app_id + raw body + timestamp + OA secret key`, where `app_id` and `timestamp` (milliseconds) are the body's
own fields. A call older (or further ahead) than the allowed age is refused even with a good signature,
so a captured call cannot be played back later; within that window the message id makes a replay a no-op.

A conversation fills a `Draft` message by message: text gives the description (and the answers to the
OA's questions: a category by its number, a phone), images the photos, a location the point. After each
message the OA asks for the first thing still missing; when nothing is, the draft becomes a report.

Pure: no AWS, no clock (times are parameters).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.rules.errors import DomainError, Unauthenticated
from chalicelib.rules.messages import ZALO
from chalicelib.rules.places import ward_for_point
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.text import clean_text

SIGNATURE_HEADER = "x-zevent-signature"
SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000  # Zalo calls at once; five minutes covers clock drift and its retries
HANDLED_EVENTS = frozenset({"user_send_text", "user_send_image", "user_send_location"})
MAX_PHOTOS = 5  # rules/media.MAX_PHOTOS: a report's photo slots
MIN_DESCRIPTION = 10  # schemas/intake: a description has at least 10 characters of text
MAX_DESCRIPTION = 4000
REPORTER_NAME = ZALO["reporter_name"][0]  # the report's reporter name: Zalo events carry no name
_MAC = re.compile(r"^mac=([0-9a-f]{64})$")


# -- the signature ------------------------------------------------------------------------
def mac(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    """Zalo's signature of one webhook call (hex)."""
    digest = hashlib.sha256()
    digest.update(app_id.encode())
    digest.update(raw_body)
    digest.update(timestamp.encode())
    digest.update(secret_key.encode())
    return digest.hexdigest()


def check_signature(header: str | None, raw_body: bytes, body: dict[str, Any], secret_key: str,
                    now_ms: int, max_age_ms: int = SIGNATURE_MAX_AGE_MS) -> None:
    """Refuse (401) a missing or wrong signature, and a call outside the allowed age."""
    app_id, timestamp = body.get("app_id"), body.get("timestamp")
    found = _MAC.match((header or "").strip().lower())
    if not found or not isinstance(app_id, str) or not isinstance(timestamp, str | int):
        raise Unauthenticated("zalo_signature_invalid", "X-ZEvent-Signature")
    expected = mac(app_id, raw_body, str(timestamp), secret_key)
    if not hmac.compare_digest(found.group(1), expected):
        raise Unauthenticated("zalo_signature_invalid", "X-ZEvent-Signature")
    try:
        sent_ms = int(str(timestamp))
    except ValueError:
        raise Unauthenticated("zalo_signature_stale", "timestamp", max_minutes=max_age_ms // 60_000) from None
    if abs(now_ms - sent_ms) > max_age_ms:
        raise Unauthenticated("zalo_signature_stale", "timestamp", max_minutes=max_age_ms // 60_000)


def keyed(secret: bytes, value: str) -> str:
    """A person's or a message's id as stored: a keyed hash, so the Zalo user id is never at rest."""
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:40]


# -- a message ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    """What one user event brings to a conversation."""

    event: str
    msg_id: str
    user_id: str
    text: str = ""
    image_urls: tuple[str, ...] = ()
    point: tuple[float, float] | None = None


def message_of(event: dict[str, Any]) -> Message | None:
    """The message of a user_send_text/image/location event; None for any other event or a malformed one."""
    name = event.get("event_name")
    sender = _obj(event.get("sender"))
    msg = _obj(event.get("message"))
    user_id, msg_id = sender.get("id"), msg.get("msg_id")
    if name not in HANDLED_EVENTS or not isinstance(user_id, str) or not user_id \
            or not isinstance(msg_id, str) or not msg_id:
        return None
    raw = msg.get("attachments")
    attachments = [a for a in raw if isinstance(a, dict)] if isinstance(raw, list) else []
    text = msg["text"] if isinstance(msg.get("text"), str) else ""
    urls: list[str] = []
    point = None
    for a in attachments:
        payload = _obj(a.get("payload"))
        if a.get("type") == "image" and isinstance(payload.get("url"), str):
            urls.append(payload["url"])
        elif a.get("type") == "location" and isinstance(payload.get("coordinates"), dict):
            point = _point(payload["coordinates"])
    if name == "user_send_image":
        return Message(name, msg_id, user_id, text=text, image_urls=tuple(urls))
    if name == "user_send_location":
        return Message(name, msg_id, user_id, point=point)
    return Message(name, msg_id, user_id, text=text)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _point(coordinates: dict[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lng = float(coordinates["latitude"]), float(coordinates["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or lat != lat or lng != lng:
        return None
    return lat, lng


# -- the draft ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Photo:
    """A photo fetched and held until the report exists: its staging key in the media bucket."""

    media_id: str
    key: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Draft:
    """A conversation on its way to a report (the storage adds the version and the expiry)."""

    started_at: datetime
    description: str = ""
    photos: tuple[Photo, ...] = ()
    lat: float | None = None
    lng: float | None = None
    category: str | None = None
    phone: str | None = None
    asked: str | None = None  # what the OA asked for last: "description" | "place" | "category" | "phone"
    report_id: str | None = None  # set once the report is made: the draft is done
    version: int | None = None

    def missing(self) -> str | None:
        """The first thing the report still needs, in the order the OA asks for it."""
        if len(self.description) < MIN_DESCRIPTION:
            return "description"
        if self.lat is None or self.lng is None:
            return "place"
        if self.category is None:
            return "category"
        if self.phone is None:
            return "phone"
        return None


def apply(draft: Draft, message: Message, profile: ProvinceProfile,
          photos: tuple[Photo, ...] = ()) -> tuple[Draft, list[str]]:
    """The draft after one message (its photos already fetched), and what the OA answers (Vietnamese)."""
    replies: list[str] = []
    if message.event == "user_send_location":
        if message.point is None:
            replies.append(ZALO["bad_location"][0])
        else:
            try:  # a point outside the province is refused now, while the citizen can still send another
                ward_for_point(*message.point, profile.province_code, profile.name_vi, profile.name_en)
            except DomainError as err:
                replies.append(err.message)
            else:
                draft = replace(draft, lat=message.point[0], lng=message.point[1])
    elif message.event == "user_send_image":
        room = MAX_PHOTOS - len(draft.photos)
        if len(message.image_urls) > room:
            replies.append(ZALO["too_many_photos"][0].format(max=MAX_PHOTOS))
        draft = replace(draft, photos=draft.photos + photos[:max(room, 0)])
        if message.text:
            draft = _with_text(draft, message.text)
    else:
        draft, reply = _answer(draft, message.text, profile)
        replies += reply
    need = draft.missing()
    if need is not None:
        replies.append(question(need, profile))
    return replace(draft, asked=need), replies


def _answer(draft: Draft, text: str, profile: ProvinceProfile) -> tuple[Draft, list[str]]:
    """A text: the answer to what was asked, when it is one; otherwise more of the description."""
    text = clean_text(text)
    if not text:
        return draft, []
    if draft.asked == "category":
        code = category_choice(text, profile)
        if code is not None:
            return replace(draft, category=code), []
    if draft.phone is None or draft.asked == "phone":
        phone = vietnamese_phone(text)
        if phone is not None:
            return replace(draft, phone=phone), []
        if draft.asked == "phone" and len(text) < MIN_DESCRIPTION:
            return draft, [ZALO["bad_phone"][0]]
    return _with_text(draft, text), []


def _with_text(draft: Draft, text: str) -> Draft:
    joined = f"{draft.description}\n{text}".strip() if draft.description else clean_text(text)
    return replace(draft, description=joined[:MAX_DESCRIPTION])


def question(need: str, profile: ProvinceProfile) -> str:
    """What the OA asks for: the category question lists the province's categories by number."""
    if need == "category":
        lines = [f"{i}. {c.name_vi}" for i, c in enumerate(profile.active_categories(), start=1)]
        return ZALO["ask_category"][0].format(choices="\n".join(lines))
    return ZALO[f"ask_{need}"][0].format(min=MIN_DESCRIPTION)


def category_choice(text: str, profile: ProvinceProfile) -> str | None:
    """A category picked by its number in the OA's list, its code, or its Vietnamese name (accents optional)."""
    categories = profile.active_categories()
    answer = _fold(text)
    if answer.isdigit() and 1 <= int(answer) <= len(categories):
        return categories[int(answer) - 1].code
    for c in categories:
        if answer in (c.code, _fold(c.name_vi)):
            return c.code
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split()).strip(".")


def vietnamese_phone(text: str) -> str | None:
    """The whole text as a valid Vietnamese phone number in E.164 (+84...), else None."""
    import phonenumbers  # on first use, as rules/notices does

    if not re.fullmatch(r"[0-9+ .()-]{8,20}", text.strip()):
        return None
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.country_code != 84:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def report_body(draft: Draft) -> dict[str, Any]:
    """The submission a complete draft makes (schemas/intake.Submission's shape; the channel is `zalo`)."""
    return {"category": draft.category, "description": draft.description,
            "location": {"lat": draft.lat, "lng": draft.lng},
            "reporter": {"name": REPORTER_NAME, "phone": draft.phone}}


@dataclass(frozen=True)
class Outcome:
    """What handling one message did (for the handler's log and the tests)."""

    status: str  # "replayed" | "updated" | "reported" | "ignored" | "done"
    report_id: str | None = None
    replies: list[str] = field(default_factory=list)
