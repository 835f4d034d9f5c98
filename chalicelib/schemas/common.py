"""What every request shape shares: the base body model, clean text, ward codes,
aware datetimes, and `parse_body`, which answers any problem with the same
bilingual 400 body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError
from pydantic_core import PydanticCustomError

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.messages import ERRORS, TYPE_NAMES
from chalicelib.rules.profile import canonical_ward_code
from chalicelib.rules.text import clean_text


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def ward_code(value: Any) -> Any:
    """Ward codes are numbers; accept 22015 or "22015" and keep "022015" as sent, so an error echoes it
    (rules/profile.canonical_ward_code finds the ward and gives the stored form)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


def ward_filter(value: Any) -> Any:
    """A list filter's ward: the stored form ("022015" lists ward "22015")."""
    value = ward_code(value)
    return canonical_ward_code(value) if isinstance(value, str) else value


# Every time a request names must lie in this range in UTC and in Vietnam time: wide enough for any
# real report or filter (`to=2999-12-31` is a common "no upper bound"), narrow enough that moving it
# between zones never leaves datetime's years 1..9999 (an OverflowError, once a 500).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def _in_range(value: datetime) -> bool:
    """True if `value` is within [EARLIEST, LATEST] both as a UTC and as a Vietnam wall-clock time."""
    try:
        utc, local = value.astimezone(UTC), value.astimezone(VN_TZ)
    except (OverflowError, ValueError):
        return False
    low, high = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)
    return all(low <= t.replace(tzinfo=None) <= high for t in (utc, local))


def aware(value: datetime | None) -> datetime | None:
    """A time without offset is Vietnam's local time; any time outside EARLIEST..LATEST is refused."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    if not _in_range(value):
        raise PydanticCustomError("datetime_out_of_range", "time out of range",
                                  {"min": EARLIEST.date().isoformat(), "max": LATEST.date().isoformat()})
    return value


CleanText = Annotated[StrictStr, BeforeValidator(_clean)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=64)]
WardCode = Annotated[StrictStr | None, BeforeValidator(ward_code)]
WardFilter = Annotated[StrictStr | None, BeforeValidator(ward_filter)]


class Body(BaseModel):
    """Every request shape: unknown fields refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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


def _choices(expected: str) -> dict[str, str]:
    """pydantic lists a Literal's values in English ("'a', 'b' or 'c'"): the Vietnamese says "hoặc"."""
    head, sep, last = expected.rpartition(" or ")
    return {"choices_vi": f"{head} hoặc {last}" if sep else expected, "choices_en": expected}


def to_invalid_input(exc: ValidationError) -> InvalidInput:
    """The first problem pydantic found, as a bilingual 400 naming the field."""
    return _invalid_input(exc.errors(include_url=False)[0])


def to_invalid_inputs(exc: ValidationError) -> list[InvalidInput]:
    """Every problem pydantic found, each a bilingual 400 naming its field (Open311 answers them all at once)."""
    return [_invalid_input(err) for err in exc.errors(include_url=False)]


def _invalid_input(err: Any) -> InvalidInput:
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
    elif code == "datetime_out_of_range":
        params.update(min=ctx.get("min", "?"), max=ctx.get("max", "?"))
    elif code == "invalid_choice":
        params.update(_choices(str(ctx.get("expected", ""))))
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
