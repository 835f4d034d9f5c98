"""Which agency a report goes to first."""

from __future__ import annotations

from chalicelib.rules.profile import IOC_AGENCY_ID, ProvinceProfile


def route_report(profile: ProvinceProfile, category_code: str, ward_code: str | None) -> str:
    """A department if the category is routed to one; else the ward's People's Committee; else the IOC."""
    department = profile.routing.by_category.get(category_code)
    if department:
        return department
    if profile.routing.default == "ward_people_committee" and ward_code:
        agency = profile.ward_agency_id(ward_code)
        if agency:
            return agency
    return IOC_AGENCY_ID
