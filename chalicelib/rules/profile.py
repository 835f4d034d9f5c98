"""A province's profile: categories, channels and SLA, agencies, routing, calendar.

The profile is data (chalicelib/provinces/*.json); this module is its schema
and the lookups the rules need. Validation is strict so that a malformed
profile fails at load, naming the file and the field.
"""

from __future__ import annotations

from datetime import date, time
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.rules.calendar import WorkingCalendar

Channel = Literal["app", "web", "hotline", "zalo", "email"]
CHANNELS: tuple[str, ...] = ("app", "web", "hotline", "zalo", "email")
# What a citizen may name on the public POST /reports; the others arrive through their own intake.
PUBLIC_CHANNELS: tuple[str, ...] = ("app", "web")
IOC_AGENCY_ID = "ioc"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    code: str = Field(pattern=r"^[a-z0-9-]+$")
    name_vi: str
    name_en: str
    urgent_prone: bool = False
    active: bool = True


class Agency(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name_vi: str
    name_en: str
    kind: Literal["ioc", "ward_people_committee", "department", "police"]
    ward_code: str | None = None
    focal_emails: tuple[str, ...] = ()
    # Who gets the agency's morning SLA digest (rules/digest.py); ward committees may use the SLA pattern.
    lead_emails: tuple[str, ...] = ()


def canonical_ward_code(code: str) -> str:
    """Ward codes are numbers, stored without padding: "00004" and "4" name the same ward."""
    stripped = code.strip()
    return str(int(stripped)) if stripped.isascii() and stripped.isdigit() else code


class Ward(_Strict):
    code: str
    name: str
    division: str


class CalendarSettings(_Strict):
    opens: time = time(7, 30)
    closes: time = time(17, 0)
    extra_days_off: tuple[date, ...] = ()
    makeup_working_days: tuple[date, ...] = ()


class Routing(_Strict):
    default: Literal["ward_people_committee", "ioc"] = "ward_people_committee"
    by_category: dict[str, str] = {}


class SlaSettings(_Strict):
    warning_window_days: float = 1
    grace_days: float = 2
    return_stops_clock: bool = False
    leadership_emails: tuple[str, ...] = ()
    overdue_alarm_threshold: int = 20
    ranking_min_sample: int = 10
    # Digest address of a ward committee's lead, e.g. "lanhdao.{ward_code}@tinh.example.gov.vn" (None: no digest).
    ward_lead_email_pattern: str | None = None


class Limits(_Strict):
    """Abuse limits (rules/limits.py): reports a phone may send a day, an address an hour; SMS a phone gets a day."""

    reports_per_phone_per_day: int = Field(default=5, ge=1)
    reports_per_ip_per_hour: int = Field(default=20, ge=1)
    sms_per_phone_per_day: int = Field(default=10, ge=1)


class Open311Settings(_Strict):
    """The Open311 GeoReport v2 endpoint (rules/open311.py): each API key's hourly POST limit, and whom to ask."""

    posts_per_key_per_hour: int = Field(default=120, ge=1)
    contact_email: str | None = None  # discovery's `contact` (default: the hotline and the public site)


class NearbySettings(_Strict):
    """Nearby reports shown before a submission (rules/geo.py): how far, how many, how long after publication."""

    radius_m: int = Field(default=250, ge=10, le=1000)
    limit: int = Field(default=5, ge=1, le=20)
    recent_days: int = Field(default=7, ge=0, le=30)  # a published report stays "nearby" this many days


class RetentionSettings(_Strict):
    """How long personal data is kept (rules/retention.py); a province may keep it for less, never for more."""

    # The reporter's and supporters' names and phones, counted from when the case closed or was rejected.
    contacts_months: int = Field(default=24, ge=1, le=24)
    # Media originals (the bytes as sent, EXIF and all), counted from publication; renditions stay.
    originals_days: int = Field(default=90, ge=1, le=90)


class EmergencyNumbers(_Strict):
    police: str = "113"
    fire: str = "114"
    ambulance: str = "115"


class ProvinceProfile(_Strict):
    province_code: int
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name_vi: str
    name_en: str
    id_prefix: str = Field(pattern=r"^[A-Z]{2,4}$")
    hotline: str
    emergency_numbers: EmergencyNumbers = EmergencyNumbers()
    public_base_url: str
    console_base_url: str
    channels: dict[Channel, int]
    calendar: CalendarSettings = CalendarSettings()
    categories: tuple[Category, ...]
    urgent_keywords: tuple[str, ...] = ()
    agencies: tuple[Agency, ...]
    wards: tuple[Ward, ...]
    routing: Routing = Routing()
    sla: SlaSettings = SlaSettings()
    # How many times a citizen may reopen a published result (round 1 + max_reopens rounds at most).
    max_reopens: int = Field(default=2, ge=0, le=20)
    limits: Limits = Limits()
    nearby: NearbySettings = NearbySettings()
    open311: Open311Settings = Open311Settings()
    retention: RetentionSettings = RetentionSettings()
    # Channels whose reporter may leave no phone number (the e-mail inbox: the sender's address is the contact).
    phone_optional_channels: tuple[Channel, ...] = ("email",)
    # The category a channel that names none (an e-mail whose subject names no category) is filed under.
    fallback_category: str = "khac"

    @model_validator(mode="after")
    def _consistent(self) -> ProvinceProfile:
        missing = [c for c in CHANNELS if c not in self.channels]
        if missing:
            raise ValueError(f"channels: missing SLA for {missing}")
        if any(days < 1 for days in self.channels.values()):
            raise ValueError("channels: SLA must be at least 1 working day")
        agency_ids = {a.id for a in self.agencies}
        if IOC_AGENCY_ID not in agency_ids:
            raise ValueError("agencies: the IOC agency 'ioc' is missing")
        codes = {c.code for c in self.categories}
        if self.fallback_category not in codes:
            raise ValueError(f"fallback_category: unknown category '{self.fallback_category}'")
        for cat, agency in self.routing.by_category.items():
            if cat not in codes:
                raise ValueError(f"routing.by_category: unknown category '{cat}'")
            if agency not in agency_ids:
                raise ValueError(f"routing.by_category.{cat}: unknown agency '{agency}'")
        return self

    @cached_property
    def _categories(self) -> dict[str, Category]:
        return {c.code: c for c in self.categories}

    @cached_property
    def _agencies(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}

    @cached_property
    def _wards(self) -> dict[str, Ward]:
        return {w.code: w for w in self.wards}

    @cached_property
    def _ward_agency(self) -> dict[str, str]:
        return {a.ward_code: a.id for a in self.agencies if a.ward_code}

    @cached_property
    def working_calendar(self) -> WorkingCalendar:
        cal = self.calendar
        return WorkingCalendar(
            extra_days_off=frozenset(cal.extra_days_off),
            makeup_working_days=frozenset(cal.makeup_working_days),
            opens=cal.opens,
            closes=cal.closes,
        )

    def category(self, code: str) -> Category | None:
        """An active category by code (retired ones are no longer accepted)."""
        cat = self._categories.get(code)
        return cat if cat and cat.active else None

    def any_category(self, code: str) -> Category | None:
        """A category by code, retired ones included (old reports keep theirs)."""
        return self._categories.get(code)

    def agency(self, agency_id: str) -> Agency | None:
        return self._agencies.get(agency_id)

    def ward(self, code: str) -> Ward | None:
        """The ward by code, as stored ("4") or as a person may write it ("00004", a GSO code's padding)."""
        return self._wards.get(canonical_ward_code(code))

    def ward_agency_id(self, ward_code: str) -> str | None:
        return self._ward_agency.get(canonical_ward_code(ward_code))

    def console_case_url(self, report_id: str) -> str:
        """The staff console's page for one case: `<console_base_url>#<id>` opens it once signed in (the
        console is one page, /dieu-hanh; staff notices and the daily digest link a case this way)."""
        return f"{self.console_base_url.rstrip('/')}#{report_id}"

    def sla_days(self, channel: str) -> int:
        return self.channels[channel]  # type: ignore[index]  # a stored report's channel is a plain str

    def phone_required(self, channel: str) -> bool:
        """Must a report from this channel carry the reporter's phone number?"""
        return channel not in self.phone_optional_channels

    def active_categories(self) -> list[Category]:
        return [c for c in self.categories if c.active]
