"""What a submission must satisfy beyond its shape: a category the province uses, a place it can route, a past time.

The request's shape (types, lengths, a phone that parses) is checked by
schemas/intake.py; these are the checks that need the province's profile or
the clock, so they live with the other rules and are tested without HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.places import ward_for_point
from chalicelib.rules.profile import Category, ProvinceProfile

FUTURE_TOLERANCE = timedelta(minutes=10)  # a phone's clock may run a little fast
ADDRESS_ONLY_CHANNELS = frozenset({"hotline", "email"})  # an operator may place such a report later
# A message whose sender names no place at all: the IOC places it from the text (POST /staff/reports/{id}/location).
UNPLACED_CHANNELS = frozenset({"email"})


@dataclass(frozen=True)
class Accepted:
    """What a valid submission is filed under: its category and the ward it happened in (None: IOC places it)."""

    category: Category
    ward_code: str | None


def check_submission(profile: ProvinceProfile, *, category: str, ward_code: str | None, channel: str,
                     address: str | None, occurred_at: datetime | None, now: datetime,
                     lat: float | None = None, lng: float | None = None) -> Accepted:
    """The submission's category and ward, once every rule holds; else a 400 naming the field.

    The point decides the ward: a citizen rarely knows the code of a ward
    renamed in 2025, so a typed code only counts when there is no point. A
    code that is not one of the province's is still refused (it is a typo,
    not a disagreement); a point in another province is refused naming it.
    """
    found = profile.category(category)
    if found is None:
        raise InvalidInput("unknown_category", "category", value=category)
    if ward_code is not None:
        ward = profile.ward(ward_code)
        if ward is None:  # echoed as sent: "00004", not the "4" it is stored as
            raise InvalidInput("ward_not_in_province", "ward_code", value=ward_code, province=profile.name_vi)
        ward_code = ward.code
    if lat is not None and lng is not None:
        ward_code = ward_for_point(lat, lng, profile.province_code, profile.name_vi, profile.name_en).code
    if ward_code is None and not (channel in ADDRESS_ONLY_CHANNELS and address) and channel not in UNPLACED_CHANNELS:
        raise InvalidInput("ward_required", "ward_code")
    if occurred_at and occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidInput("occurred_in_future", "occurred_at")
    return Accepted(found, ward_code)


def check_contact(profile: ProvinceProfile, channel: str, phone: str | None, email: str | None) -> None:
    """A reporter can be reached: a phone, unless the channel's profile lets an e-mail address stand in."""
    if not phone and (profile.phone_required(channel) or not email):
        raise InvalidInput("phone_required", "reporter.phone", channel=channel)
