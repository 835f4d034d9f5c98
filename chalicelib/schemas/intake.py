"""The citizen's report and its media upload request.

Shape and format live here; what depends on the province (category, ward)
is checked by the service against the profile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictStr, field_validator, model_validator
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


class ReporterIn(Body):
    name: Annotated[CleanText, Field(min_length=2, max_length=100)]
    phone: Annotated[StrictStr, Field(max_length=32)]

    @field_validator("phone")
    @classmethod
    def _vietnamese_phone(cls, raw: str) -> str:
        """Parse as a Vietnamese number; store E.164 (+84...)."""
        import phonenumbers

        try:
            number = phonenumbers.parse(raw, "VN")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number) or number.country_code != 84:
            raise PydanticCustomError("invalid_phone", "not a valid Vietnamese phone number", {"value": raw})
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class IntakeRequest(Body):
    category: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    description: Annotated[StrictStr, Field(max_length=MAX_RAW_DESCRIPTION)]
    location: Location
    ward_code: WardCode = None
    reporter: ReporterIn
    channel: Literal["app", "web", "hotline", "zalo", "email"] = "app"
    occurred_at: datetime | None = None

    @field_validator("description")
    @classmethod
    def _clean_description(cls, raw: str) -> str:
        """No HTML kept; 10 to 4,000 characters of real text."""
        text = clean_text(raw)
        if len(text) < 10:
            raise PydanticCustomError("too_short", "too short", {"min": 10})
        if len(text) > 4000:
            raise PydanticCustomError("too_long", "too long", {"max": 4000})
        return text

    @field_validator("occurred_at")
    @classmethod
    def _local(cls, value: datetime | None) -> datetime | None:
        return aware(value)


class MediaRequest(Body):
    content_type: Annotated[StrictStr, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(strict=True, ge=1)] | None = None


class SupportRequest(Body):
    """A "me too": the supporter's phone (and name), or their own report's id and tracking token."""

    phone: Annotated[StrictStr, Field(max_length=32)] | None = None
    name: Annotated[CleanText, Field(min_length=2, max_length=100)] | None = None
    own_report_id: Annotated[StrictStr, Field(min_length=3, max_length=32)] | None = None
    tracking_token: Annotated[StrictStr, Field(min_length=8, max_length=128)] | None = None

    @field_validator("phone")
    @classmethod
    def _vietnamese_phone(cls, raw: str | None) -> str | None:
        return None if raw is None else ReporterIn._vietnamese_phone(raw)

    @model_validator(mode="after")
    def _who(self) -> SupportRequest:
        by_token = self.own_report_id is not None and self.tracking_token is not None
        if (self.phone is None) == (not by_token) or (self.phone is not None and (
                self.own_report_id is not None or self.tracking_token is not None)):
            raise PydanticCustomError("supporter_missing", "a phone, or an own report id with its tracking token")
        return self

