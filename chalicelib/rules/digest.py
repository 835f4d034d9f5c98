"""The agency lead's morning digest, as pure functions: who gets it, what it lists, how it reads.

Sent at 07:30 on working days only. One message per agency that has
something to show (an empty digest is noise and is not sent), listing its
overdue, due-today and due-soon reports: id, category, ward, due time, working
days late and a link to the console. Never the reporter, never the
description: a digest may be forwarded, so it carries nothing personal.

Who receives it: the agency's leads in the staff directory (rules/directory.py)
and its `lead_emails` from the profile. Ward People's Committees are generated
from the national ward list, so the profile cannot name their leads one by
one: their leads are invited into the directory, and until then
`sla.ward_lead_email_pattern` (e.g. "lanhdao.{ward_code}@daklak.example.gov.vn",
placeholders `{ward_code}` and `{agency_id}`) gives an address. An agency with
none of these gets no digest (its
reports still reach the IOC's own digest if the IOC has lead e-mails).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from chalicelib.rules.calendar import VN_TZ, WorkingCalendar
from chalicelib.rules.messages import DIGEST, WEEKDAYS
from chalicelib.rules.profile import ProvinceProfile

# "Due soon": due within this many working days after today.
DUE_SOON_WORKING_DAYS = 2
Section = Literal["overdue", "due_today", "due_soon"]
SECTIONS: tuple[Section, ...] = ("overdue", "due_today", "due_soon")
# The digest reads in Vietnamese: the first text of each DIGEST / WEEKDAYS entry in rules/messages.py.
_TITLES: dict[Section, str] = {s: DIGEST[f"section_{s}"][0].format(days=DUE_SOON_WORKING_DAYS) for s in SECTIONS}
_WEEKDAYS = tuple(vi for vi, _en in WEEKDAYS.values())


@dataclass(frozen=True)
class DueItem:
    """What the digest needs of one open report (no personal data by construction)."""

    report_id: str
    agency_id: str
    category: str
    ward_code: str | None
    due_at: datetime


@dataclass(frozen=True)
class DigestLine:
    section: Section
    report_id: str
    category: str
    ward: str
    due_at: datetime
    days_late: int
    link: str


@dataclass(frozen=True)
class DigestMessage:
    agency_id: str
    to: tuple[str, ...]
    subject: str
    text: str
    lines: tuple[DigestLine, ...]


def is_digest_day(now: datetime, calendar: WorkingCalendar) -> bool:
    """Digests go out on working days only: make-up Saturdays yes, holidays and weekends no."""
    return calendar.is_working_day(now.astimezone(VN_TZ).date())


def horizon_end(now: datetime, calendar: WorkingCalendar, days: int = DUE_SOON_WORKING_DAYS) -> datetime:
    """Closing time of the `days`-th working day after today: the end of 'due soon'."""
    day = now.astimezone(VN_TZ).date()
    for _ in range(days):
        day = calendar.next_working_day(day)
    return datetime.combine(day, calendar.closes, VN_TZ)


def working_days_late(due_at: datetime, now: datetime, calendar: WorkingCalendar) -> int:
    """Working days from the due date (exclusive) to today (inclusive); 0 if not yet late.

    A report due yesterday afternoon is 1 day late this morning; one due at
    10:00 today is late but 0 days late until tomorrow.
    """
    if now <= due_at:
        return 0
    day: date = due_at.astimezone(VN_TZ).date()
    today = now.astimezone(VN_TZ).date()
    late = 0
    while day < today:
        day += timedelta(days=1)
        late += calendar.is_working_day(day)
    return late


def section_of(due_at: datetime, now: datetime, calendar: WorkingCalendar) -> Section | None:
    """Where a report goes in the digest, or None if it is not due soon enough to list."""
    if due_at < now:
        return "overdue"
    if due_at.astimezone(VN_TZ).date() == now.astimezone(VN_TZ).date():
        return "due_today"
    if due_at <= horizon_end(now, calendar):
        return "due_soon"
    return None


def lead_recipients(profile: ProvinceProfile, agency_id: str, directory_leads: Iterable[str] = ()) -> tuple[str, ...]:
    """The agency's leads in the staff directory and its profile `lead_emails`, else the profile's ward
    pattern for a ward committee, else none."""
    agency = profile.agency(agency_id)
    if agency is None:
        return ()
    named = unique_addresses([*directory_leads, *agency.lead_emails])
    if named:
        return named
    pattern = profile.sla.ward_lead_email_pattern
    if pattern and agency.kind == "ward_people_committee" and agency.ward_code:
        return (pattern.format(ward_code=agency.ward_code, agency_id=agency.id),)
    return ()


def unique_addresses(addresses: Iterable[str], leaving_out: Iterable[str] = ()) -> tuple[str, ...]:
    """Each address once (compared without case), in the order given, without those in `leaving_out`."""
    seen = {a.lower() for a in leaving_out}
    kept = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return tuple(kept)


def build_lines(profile: ProvinceProfile, items: Iterable[DueItem], now: datetime) -> dict[str, list[DigestLine]]:
    """Lines per agency, most urgent first; reports not due soon are left out."""
    calendar = profile.working_calendar
    seen: set[str] = set()
    per_agency: dict[str, list[DigestLine]] = {}
    for item in items:
        section = section_of(item.due_at, now, calendar)
        if section is None or item.report_id in seen:
            continue
        seen.add(item.report_id)
        category = profile.any_category(item.category)
        ward = profile.ward(item.ward_code) if item.ward_code else None
        per_agency.setdefault(item.agency_id, []).append(DigestLine(
            section=section,
            report_id=item.report_id,
            category=category.name_vi if category else item.category,
            ward=ward.name if ward else DIGEST["unknown_ward"][0],
            due_at=item.due_at,
            days_late=working_days_late(item.due_at, now, calendar),
            link=profile.console_case_url(item.report_id),
        ))
    for lines in per_agency.values():
        lines.sort(key=lambda line: (SECTIONS.index(line.section), line.due_at, line.report_id))
    return per_agency


def _vi(key: str, **params: object) -> str:
    """A digest text from the catalogue, in Vietnamese, filled from `params`."""
    return DIGEST[key][0].format(**params)


def _when(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def compose(profile: ProvinceProfile, agency_id: str, to: tuple[str, ...], lines: list[DigestLine],
            now: datetime) -> DigestMessage:
    """The digest e-mail in Vietnamese: counts in the subject, one block per section."""
    agency = profile.agency(agency_id)
    name = agency.name_vi if agency else agency_id
    local = now.astimezone(VN_TZ)
    counts = {s: sum(1 for line in lines if line.section == s) for s in SECTIONS}
    subject = _vi("subject", agency=name, now=local, **counts)
    out = [
        _vi("greeting", agency=name),
        "",
        _vi("intro", now=local, weekday=_WEEKDAYS[local.weekday()]),
    ]
    for section in SECTIONS:
        chosen = [line for line in lines if line.section == section]
        if not chosen:
            continue
        out += ["", _vi("section_heading", title=_TITLES[section], count=len(chosen))]
        for i, line in enumerate(chosen, 1):
            late = _vi("days_late", days=line.days_late) if line.days_late else ""
            out.append(_vi("line", n=i, report_id=line.report_id, category=line.category, ward=line.ward,
                           due=_when(line.due_at), late=late))
            out.append(f"   {line.link}")
    out += [
        "",
        _vi("request"),
        _vi("footer", province=profile.name_vi),
    ]
    return DigestMessage(agency_id=agency_id, to=to, subject=subject, text="\n".join(out), lines=tuple(lines))


def plan_digests(profile: ProvinceProfile, items: Iterable[DueItem], now: datetime,
                 directory_leads: Mapping[str, Iterable[str]] | None = None) -> tuple[list[DigestMessage], list[str]]:
    """(messages to send, agencies with due reports but no recipient); nothing on a non-working day.

    `directory_leads`: each agency's leads in the staff directory (rules/directory.AgencyContacts.leads).
    """
    if not is_digest_day(now, profile.working_calendar):
        return [], []
    messages: list[DigestMessage] = []
    unaddressed: list[str] = []
    for agency_id, lines in sorted(build_lines(profile, items, now).items()):
        to = lead_recipients(profile, agency_id, (directory_leads or {}).get(agency_id, ()))
        if to:
            messages.append(compose(profile, agency_id, to, lines, now))
        else:
            unaddressed.append(agency_id)
    return messages, unaddressed
