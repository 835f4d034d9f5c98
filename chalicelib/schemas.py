"""Request bodies, validated by pydantic through Powertools' parser.

Shape and format live here; what depends on the province (category, ward)
is checked by the service against the profile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.messages import ERRORS, TYPE_NAMES
from chalicelib.rules.text import clean_text

# A generous box around Vietnam's mainland and its islands (Hoàng Sa, Trường Sa).
LAT_RANGE = (8.0, 23.5)
LNG_RANGE = (102.0, 117.9)
MAX_RAW_DESCRIPTION = 20_000


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _ward_code(value: Any) -> Any:
    """Ward codes are numbers; accept 22015, "22015" or "022015"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value.strip()))
    return value


CleanText = Annotated[StrictStr, BeforeValidator(_clean)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Location(_Body):
    lat: float = Field(strict=True)
    lng: float = Field(strict=True)
    address: Annotated[CleanText, Field(min_length=3, max_length=500)] | None = None

    @field_validator("lng")
    @classmethod
    def _inside_vietnam(cls, lng: float, info: Any) -> float:
        lat = info.data.get("lat")
        if lat is None:
            return lng
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
            raise PydanticCustomError("outside_vietnam", "location is outside Vietnam")
        return lng


class ReporterIn(_Body):
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


class IntakeRequest(_Body):
    category: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    description: Annotated[StrictStr, Field(max_length=MAX_RAW_DESCRIPTION)]
    location: Location
    ward_code: Annotated[StrictStr | None, BeforeValidator(_ward_code)] = None
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
    def _aware(cls, value: datetime | None) -> datetime | None:
        """A time without offset is Vietnam's local time."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=VN_TZ)
        return value


class MediaRequest(_Body):
    content_type: Annotated[StrictStr, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(strict=True, ge=1)] | None = None


# pydantic error type -> our catalogue code
_TYPE_TO_CODE = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_short",
    "too_long": "too_long",
    "literal_error": "invalid_choice",
    "datetime_parsing": "invalid_datetime",
    "datetime_from_date_parsing": "invalid_datetime",
    "datetime_type": "invalid_datetime",
}


def to_invalid_input(exc: ValidationError) -> InvalidInput:
    """The first problem pydantic found, as a bilingual 400 naming the field."""
    err = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    kind = err["type"]
    ctx = dict(err.get("ctx") or {})
    if kind in TYPE_NAMES or kind.endswith("_type"):
        vi, en = TYPE_NAMES.get(kind, (kind.removesuffix("_type"),) * 2)
        return InvalidInput("wrong_type", field, expected_vi=vi, expected_en=en)
    code = _TYPE_TO_CODE.get(kind, kind)
    params: dict[str, Any] = {}
    if code == "too_short":
        params["min"] = ctx.get("min", ctx.get("min_length", "?"))
    elif code == "too_long":
        params["max"] = ctx.get("max", ctx.get("max_length", "?"))
    elif code == "invalid_choice":
        params["choices"] = ctx.get("expected", "")
    elif "value" in ctx:
        params["value"] = ctx["value"]
    if code not in ERRORS:
        return InvalidInput("invalid_value", field)
    return InvalidInput(code, field, **params)


def parse_body(body: dict[str, Any], model: type[BaseModel]) -> Any:
    """Validate a decoded JSON body with Powertools' parser; 400 on any problem."""
    from aws_lambda_powertools.utilities.parser import parse

    try:
        return parse(event=body, model=model)
    except ValidationError as exc:
        raise to_invalid_input(exc) from exc
