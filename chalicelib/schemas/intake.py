"""The citizen's report and its media upload request.

Shape and format live here; what depends on the province (category, ward)
is checked by the service against the profile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictStr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.rules.text import clean_text
from chalicelib.schemas.common import Body, CleanText, WardCode, aware

# A generous box around Vietnam's mainland and its islands (Hoàng Sa, Trường Sa).
LAT_RANGE = (8.0, 23.5)
LNG_RANGE = (102.0, 117.9)
MAX_RAW_DESCRIPTION = 20_000


class Location(Body):
    """A point (both `lat` and `lng`: it decides the ward), an address, or both."""

    # The box is checked by _inside_vietnam (its own message); the bounds are stated for the OpenAPI document.
    lat: float | None = Field(default=None, strict=True,
                              json_schema_extra={"minimum": LAT_RANGE[0], "maximum": LAT_RANGE[1]})
    lng: float | None = Field(default=None, strict=True,
                              json_schema_extra={"minimum": LNG_RANGE[0], "maximum": LNG_RANGE[1]})
    address: Annotated[CleanText, Field(min_length=3, max_length=500)] | None = None

    @field_validator("lng")
    @classmethod
    def _inside_vietnam(cls, lng: float | None, info: Any) -> float | None:
        lat = info.data.get("lat")
        if lat is None or lng is None:
            return lng
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
            raise PydanticCustomError("outside_vietnam", "location is outside Vietnam")
        return lng

    @model_validator(mode="after")
    def _both_or_neither(self) -> Location:
        if self.lat is not None and self.lng is None:
            raise PydanticCustomError("point_incomplete", "a point needs both lat and lng")
        if self.lng is not None and self.lat is None:
            raise PydanticCustomError("point_incomplete", "a point needs both lat and lng")
        return self


def _vietnamese_phone(raw: str | None) -> str | None:
    """Parse as a Vietnamese number; store E.164 (+84...)."""
    import phonenumbers

    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or number.country_code != 84:
        raise PydanticCustomError("invalid_phone", "not a valid Vietnamese phone number", {"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ReporterIn(Body):
    name: Annotated[CleanText, Field(min_length=2, max_length=100)]
    phone: Annotated[StrictStr, Field(max_length=32)]

    _phone = field_validator("phone")(_vietnamese_phone)


class ContactIn(Body):
    """A reporter as a trusted channel hands it in: the phone may be missing where the profile allows it
    (rules/profile.phone_optional_channels), the channel's own address (the e-mail sender) standing in."""

    name: Annotated[CleanText, Field(min_length=1, max_length=100)]
    phone: Annotated[StrictStr, Field(max_length=32)] | None = None
    email: Annotated[StrictStr, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None

    _phone = field_validator("phone")(_vietnamese_phone)


def _description(raw: str) -> str:
    """No HTML kept; 10 to 4,000 characters of real text."""
    text = clean_text(raw)
    if len(text) < 10:
        raise PydanticCustomError("too_short", "too short", {"min": 10})
    if len(text) > 4000:
        raise PydanticCustomError("too_long", "too long", {"max": 4000})
    return text


def _not_after_now(value: datetime | None) -> datetime | None:
    return aware(value)


class _Report(Body):
    """What every way in says of a report but its reporter (and, on the public path, its channel)."""

    category: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    description: Annotated[StrictStr, Field(max_length=MAX_RAW_DESCRIPTION)]
    location: Location = Field(default_factory=Location)
    ward_code: WardCode = None
    occurred_at: datetime | None = None

    _clean_description = field_validator("description")(_description)
    _local = field_validator("occurred_at")(_not_after_now)

    def submission(self) -> Submission:
        """What the intake service files (services/intake.py): the same fields, the reporter as a contact."""
        return Submission.model_validate(self.model_dump(exclude={"channel"}))


class Submission(_Report):
    """A report as a trusted channel hands it to the intake service (services/intake.submit_from):
    the hotline desk, the e-mail inbox, the Zalo OA. The channel is the caller's, not the body's."""

    reporter: ContactIn


class DeskIntakeRequest(_Report):
    """POST /staff/intake: what the hotline operator records of a call (place as a point, a ward or an address)."""

    reporter: ReporterIn


def _public_channel(value: Any) -> Any:
    """A channel with its own intake named on the public endpoint: a message saying where it comes from."""
    from chalicelib.rules.profile import CHANNELS, PUBLIC_CHANNELS

    if isinstance(value, str) and value in CHANNELS and value not in PUBLIC_CHANNELS:
        raise PydanticCustomError("channel_not_public", "this channel has its own intake", {"value": value})
    return value


class IntakeRequest(_Report):
    """POST /reports: the app's and the portal's report (a point or a ward code: rules/intake.py)."""

    location: Location
    reporter: ReporterIn
    channel: Annotated[Literal["app", "web"], BeforeValidator(_public_channel)] = "app"


class MediaRequest(Body):
    content_type: Annotated[StrictStr, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(strict=True, ge=1)] | None = None


class SupportRequest(Body):
    """A "me too": the supporter's phone (and name), or their own report's id and tracking token."""

    phone: Annotated[StrictStr, Field(max_length=32)] | None = None
    name: Annotated[CleanText, Field(min_length=2, max_length=100)] | None = None
    own_report_id: Annotated[StrictStr, Field(min_length=3, max_length=32)] | None = None
    tracking_token: Annotated[StrictStr, Field(min_length=8, max_length=128)] | None = None

    _phone = field_validator("phone")(_vietnamese_phone)

    @model_validator(mode="after")
    def _who(self) -> SupportRequest:
        by_token = self.own_report_id is not None and self.tracking_token is not None
        if (self.phone is None) == (not by_token) or (self.phone is not None and (
                self.own_report_id is not None or self.tracking_token is not None)):
            raise PydanticCustomError("supporter_missing", "a phone, or an own report id with its tracking token")
        return self

