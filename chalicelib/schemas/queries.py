"""Query strings of the public and staff case lists (shape and format only).

Everything here answers a problem with the same bilingual 400 body as intake.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictStr, field_validator

from chalicelib.rules.calendar import VN_TZ
from chalicelib.schemas.common import Body, Code, WardFilter, aware
from chalicelib.schemas.intake import LAT_RANGE, LNG_RANGE


def _day_bound(end: bool) -> Any:
    """A bare date means the whole day in Vietnam: its start for `from`, its end for `to`."""

    def convert(value: Any) -> Any:
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                return value
            return datetime.combine(day, time.max if end else time.min, VN_TZ)
        return value

    return convert


class _Query(Body):
    limit: int | None = None
    cursor: Annotated[StrictStr, Field(max_length=2000)] | None = None


class StaffListQuery(_Query):
    status: StrictStr | None = None
    agency: Code | None = None
    category: Code | None = None
    ward: WardFilter = None
    due_before: Annotated[datetime | None, BeforeValidator(_day_bound(end=False))] = None

    @field_validator("due_before")
    @classmethod
    def _local(cls, value: datetime | None) -> datetime | None:
        return aware(value)


class PublicListQuery(_Query):
    status: Literal["published", "closed", "rejected", "merged"] | None = None
    category: Code | None = None
    ward: WardFilter = None
    from_: Annotated[datetime | None, BeforeValidator(_day_bound(end=False)), Field(alias="from")] = None
    to: Annotated[datetime | None, BeforeValidator(_day_bound(end=True))] = None
    format: Literal["json", "geojson"] = "json"

    @field_validator("from_", "to")
    @classmethod
    def _local(cls, value: datetime | None) -> datetime | None:
        return aware(value)


class WardLookupQuery(Body):
    """`?lat=..&lng=..` as decimal degrees (query strings arrive as text; any coordinate on Earth parses)."""

    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lng: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class WardListQuery(Body):
    format: Literal["json", "geojson"] | None = None


class NearbyQuery(Body):
    """`?lat=..&lng=..&category=..`: the open and recent reports of that category near the point (in Vietnam)."""

    lat: Annotated[float, Field(ge=LAT_RANGE[0], le=LAT_RANGE[1], allow_inf_nan=False)]
    lng: Annotated[float, Field(ge=LNG_RANGE[0], le=LNG_RANGE[1], allow_inf_nan=False)]
    category: Code
