"""What a submission must satisfy beyond its shape: a category the province uses, a place it can route, a past time.

The request's shape (types, lengths, a phone that parses) is checked by
schemas/intake.py; these are the checks that need the province's profile or
the clock, so they live with the other rules and are tested without HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.profile import Category, ProvinceProfile

FUTURE_TOLERANCE = timedelta(minutes=10)  # a phone's clock may run a little fast
ADDRESS_ONLY_CHANNELS = frozenset({"hotline", "email"})  # an operator may place such a report later


def check_submission(profile: ProvinceProfile, *, category: str, ward_code: str | None, channel: str,
                     address: str | None, occurred_at: datetime | None, now: datetime) -> Category:
    """The submission's category, once every rule holds; else a 400 naming the field."""
    found = profile.category(category)
    if found is None:
        raise InvalidInput("unknown_category", "category", value=category)
    if ward_code is not None and profile.ward(ward_code) is None:
        raise InvalidInput("ward_not_in_province", "ward_code", value=ward_code, province=profile.name_vi)
    if ward_code is None and not (channel in ADDRESS_ONLY_CHANNELS and address):
        raise InvalidInput("ward_required", "ward_code")
    if occurred_at and occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidInput("occurred_in_future", "occurred_at")
    return found
