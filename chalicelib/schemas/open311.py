"""Open311 GeoReport v2 requests: the form a client POSTs, and the query of GET requests.

A POST is `application/x-www-form-urlencoded` (fields may repeat: `media_url`, `attribute[code][]`). It is
turned into the very IntakeRequest `POST /reports` takes, so it meets the same checks; every problem is
named at once, under the Open311 field's own name (`long`, not `location.lng`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, StrictStr, ValidationError

from chalicelib.rules import open311
from chalicelib.rules.errors import DomainError, InvalidInput, TooLarge
from chalicelib.schemas.common import Body, to_invalid_inputs
from chalicelib.schemas.intake import IntakeRequest

MAX_FORM_BYTES = 64 * 1024
MAX_FIELD = 20_000
SINGLE = ("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
          "description", "first_name", "last_name", "phone", "email", "device_id", "account_id")
# Where an IntakeRequest field's problem is reported, in the client's own words.
OPEN311_FIELDS = {"category": "service_code", "description": "description", "location.lat": "lat",
                  "location.lng": "long", "location": "lat", "location.address": "address_string",
                  "ward_code": "address_id", "reporter.name": "first_name", "reporter.phone": "phone",
                  "reporter": "phone", "occurred_at": "attribute[occurred_at]"}
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,64})\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")


def read_form(raw: str | bytes | None) -> dict[str, list[str]]:
    """The form's fields (every value of a repeated one); a body that is not a form is simply empty of fields."""
    if not raw:
        return {}
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > MAX_FORM_BYTES:
        raise TooLarge("body_too_large", max=MAX_FORM_BYTES // 1024)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return parse_qs(text, keep_blank_values=False, strict_parsing=False, max_num_fields=200)
    except ValueError as exc:
        raise InvalidInput("open311_too_many_fields", "body", max=200) from exc


@dataclass(frozen=True)
class Open311Post:
    """A valid POST: the intake request, and what Open311 adds that intake has no field for."""

    intake: IntakeRequest
    account_id: str | None = None
    device_id: str | None = None
    media_urls: tuple[str, ...] = ()
    fields_seen: tuple[str, ...] = field(default_factory=tuple)


def _single(form: dict[str, list[str]], name: str, errors: list[DomainError]) -> str | None:
    values = form.get(name) or []
    if len(values) > 1:
        errors.append(InvalidInput("open311_repeated_field", name))
    value = values[0].strip() if values else None
    if value is not None and len(value) > MAX_FIELD:
        errors.append(InvalidInput("too_long", name, max=MAX_FIELD))
        return None
    return value or None


def _number(raw: str | None, name: str, errors: list[DomainError]) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append(InvalidInput("open311_not_a_number", name, value=raw[:40]))
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(InvalidInput("open311_not_a_number", name, value=raw[:40]))
        return None
    return value


def _media_urls(form: dict[str, list[str]], errors: list[DomainError]) -> tuple[str, ...]:
    urls = [u.strip() for u in [*form.get("media_url", []), *form.get("media_url[]", [])] if u.strip()]
    if len(urls) > open311.MAX_MEDIA_URLS:
        errors.append(InvalidInput("open311_too_many_media", "media_url", max=open311.MAX_MEDIA_URLS))
        return ()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > 2000:
            errors.append(InvalidInput("invalid_value", "media_url"))
            return ()
    return tuple(urls)


def _attributes(form: dict[str, list[str]]) -> dict[str, list[str]]:
    """attribute[code] and attribute[code][] values by code (codes we do not define are left alone)."""
    found: dict[str, list[str]] = {}
    for name, values in form.items():
        match = _ATTRIBUTE.match(name)
        if match and match.group(1) in open311.attribute_codes():
            found.setdefault(match.group(1), []).extend(v.strip() for v in values if v.strip())
    return found


def parse_post(form: dict[str, list[str]], service_known: Callable[[str], bool] | None = None) -> Open311Post:
    """The form as an Open311Post, or one 400 naming every problem (InvalidInputs); `service_known` says
    whether a service_code is one of the province's (its categories are the profile's business)."""
    errors: list[DomainError] = []
    get = {name: _single(form, name, errors) for name in SINGLE}
    code = get["service_code"]
    if code is not None and service_known is not None and not service_known(code):
        errors.append(InvalidInput("unknown_category", "service_code", value=code[:80]))
    lat, lng = _number(get["lat"], "lat", errors), _number(get["long"], "long", errors)
    if get["lat"] is None and get["long"] is None and get["address_id"] is None:
        errors.append(InvalidInput("open311_location_required", "lat"))
    if get["email"] is not None and not _EMAIL.match(get["email"]):
        errors.append(InvalidInput("invalid_value", "email"))
    media = _media_urls(form, errors)
    attributes = _attributes(form)
    occurred: datetime | None = None
    if attributes.get("occurred_at"):
        try:
            occurred = open311.parse_w3c(attributes["occurred_at"][0], "attribute[occurred_at]")
        except InvalidInput as exc:
            errors.append(exc)
    name = " ".join(part for part in (get["first_name"], get["last_name"]) if part) or None
    body: dict[str, Any] = {"channel": open311.CLIENT_CHANNEL, "location": {}, "reporter": {}}
    top: dict[str, Any] = {"category": get["service_code"], "description": get["description"],
                           "ward_code": get["address_id"], "occurred_at": occurred}
    body.update({k: v for k, v in top.items() if v is not None})
    where: dict[str, Any] = {"lat": lat, "lng": lng, "address": get["address_string"]}
    body["location"] = {k: v for k, v in where.items() if v is not None}
    if name is not None:
        body["reporter"]["name"] = name
    if get["phone"] is not None:
        body["reporter"]["phone"] = get["phone"]
    intake: IntakeRequest | None = None
    try:
        intake = IntakeRequest.model_validate(body)
    except ValidationError as exc:
        errors.extend(_renamed(e) for e in to_invalid_inputs(exc))
    if errors or intake is None:
        from chalicelib.rules.errors import several

        raise several(_unique(errors))
    return Open311Post(intake=intake, account_id=get["account_id"], device_id=get["device_id"], media_urls=media,
                       fields_seen=tuple(sorted(form)))


def _renamed(error: InvalidInput) -> InvalidInput:
    """An intake error under the Open311 field's name."""
    name = OPEN311_FIELDS.get(error.field or "", error.field)
    if name == error.field:
        return error
    params = {k: v for k, v in error.params.items() if k != "field"}
    return InvalidInput(error.code, name, **params)


def _unique(errors: list[DomainError]) -> list[DomainError]:
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for e in errors:
        if (e.code, e.field) not in seen:
            seen.add((e.code, e.field))
            kept.append(e)
    return kept


@dataclass(frozen=True)
class RequestsQuery:
    """GET requests: ids (which override the rest), codes, a window, a status."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def parse_requests_query(params: dict[str, str]) -> RequestsQuery:
    """The query string of GET requests; one 400 naming every problem."""
    errors: list[DomainError] = []
    ids = open311.comma_list(params.get("service_request_id"))
    if len(ids) > open311.MAX_IDS:
        errors.append(InvalidInput("open311_too_many_ids", "service_request_id", max=open311.MAX_IDS))
    statuses = open311.comma_list(params.get("status"))
    bad = [s for s in statuses if s not in open311.STATUS_FILTERS]
    if bad:
        errors.append(InvalidInput("invalid_choice", "status", choices="open, closed"))
    moments: dict[str, datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = params.get(name)
        moments[name] = None
        if raw:
            try:
                moments[name] = open311.parse_w3c(raw, name)
            except InvalidInput as exc:
                errors.append(exc)
    if errors:
        from chalicelib.rules.errors import several

        raise several(errors)
    return RequestsQuery(ids=tuple(ids), service_codes=tuple(open311.comma_list(params.get("service_code"))),
                         start=moments["start_date"], end=moments["end_date"], statuses=tuple(statuses))


class KeyRequest(Body):
    """POST /staff/open311/keys: the client's name (the channel's client of every report made with the key)."""

    name: Annotated[StrictStr, Field(min_length=2, max_length=64)]
