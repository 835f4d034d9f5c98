"""Who hears of a change to a report, and in what words: a pure rule over two versions of it.

`notices_for(old, new, profile, templates)` reads what happened between two
versions of a report (a stream record's old and new images) and answers the
notices to send: an agency's topic, the IOC's topic, an agency's focal
officers by e-mail (its officers and leads in the staff directory, plus the
profile's `focal_emails`), its leads by e-mail and the province's leadership
(escalation level 3), the reporter by SMS. Texts come from templates (data, chalicelib/notices/, checked
by rules/templates.py) filled
with SAFE_FIELDS only: ids, names of categories, wards and agencies, due dates
in +07:00 and links. Every reporter SMS carries the report's code and the link to
the portal's tracking page for it (`tracking_link`), and goes only to a mobile
number (`sms_reachable`): a landline gets no SMS, and the receipt says so.
The reporter's name and phone and a report's free text (description,
reasons, comments) are never among the values, so no template can leak
them; staff read the rest in the console.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.digest import lead_recipients, unique_addresses
from chalicelib.rules.directory import AgencyContacts
from chalicelib.rules.messages import NOTICE_FILLERS
from chalicelib.rules.profile import IOC_AGENCY_ID, ProvinceProfile
from chalicelib.rules.report import Report

if TYPE_CHECKING:
    from chalicelib.rules.templates import Templates

# -- audiences -----------------------------------------------------------------
AGENCY_TOPIC = "agency_topic"  # the agency-alerts topic, filtered by the `agency_id` attribute
IOC_TOPIC = "ioc_topic"  # the IOC-alerts topic
# The agency's focal officers: its officers and leads in the staff directory, and the profile's
# agencies[].focal_emails as an extra list.
AGENCY_EMAIL = "agency_email"
# The agency's leads: the directory's, the profile's agencies[].lead_emails (or the ward pattern).
AGENCY_LEADS_EMAIL = "agency_leads_email"
LEADERSHIP_EMAIL = "leadership_email"  # the province's leadership (profile: sla.leadership_emails)
REPORTER_SMS = "reporter_sms"  # the reporter's own phone: the only notice that may carry it
SUPPORTER_SMS = "supporter_sms"  # one "me too" supporter's own phone, one notice each (never another's)

CHANNEL_OF: dict[str, str] = {
    AGENCY_TOPIC: "sns",
    IOC_TOPIC: "sns",
    AGENCY_EMAIL: "email",
    AGENCY_LEADS_EMAIL: "email",
    LEADERSHIP_EMAIL: "email",
    REPORTER_SMS: "sms",
    SUPPORTER_SMS: "sms",
}
STAFF_AUDIENCES = frozenset({AGENCY_TOPIC, IOC_TOPIC, AGENCY_EMAIL, AGENCY_LEADS_EMAIL, LEADERSHIP_EMAIL})

# -- events and who hears of each: the table to check against the lifecycle ----
ROUTES: dict[str, tuple[str, ...]] = {
    "new_report": (IOC_TOPIC, REPORTER_SMS),
    "urgent_report": (IOC_TOPIC, AGENCY_TOPIC, REPORTER_SMS),
    "assigned": (AGENCY_TOPIC, AGENCY_EMAIL),
    "returned": (IOC_TOPIC,),
    "result_submitted": (IOC_TOPIC,),
    "published": (AGENCY_TOPIC, REPORTER_SMS),
    "rejected": (REPORTER_SMS,),
    "result_sent_back": (AGENCY_TOPIC,),
    "extension_requested": (IOC_TOPIC,),
    "extension_decided": (AGENCY_TOPIC, REPORTER_SMS),  # the reporter hears of an approval only (SMS_ONLY_IF)
    "sla_warning": (AGENCY_TOPIC,),
    "sla_overdue": (AGENCY_TOPIC, IOC_TOPIC, AGENCY_EMAIL),
    # Leads first: an address hears of one event once, so the officers' mail leaves out those the leads' has.
    "sla_escalation": (AGENCY_TOPIC, IOC_TOPIC, AGENCY_LEADS_EMAIL, AGENCY_EMAIL, LEADERSHIP_EMAIL),
    "reopened": (IOC_TOPIC, AGENCY_TOPIC, REPORTER_SMS),
    "feedback_received": (AGENCY_TOPIC, IOC_TOPIC),
    "merged": (REPORTER_SMS,),
}
# Events a report's supporters hear of too, by the reporter's SMS text (SUPPORTER_SMS, services/notify.py).
# What a supporter hears: the result, and (when the report they supported is merged into another) where the
# case goes on, so they can follow or support the surviving report.
SUPPORTER_EVENTS = frozenset({"published", "merged"})
EVENTS: tuple[str, ...] = tuple(ROUTES)
# Reporter SMS sent only when the new version says so: an approved extension moves the due date the
# reporter was given; a denied one changes nothing for them.
SMS_ONLY_IF: dict[str, Callable[[Report], bool]] = {
    "extension_decided": lambda r: r.last_action == "approve_extension",
}
# The portal's tracking page for a report: the one home of its path (the portal serves this page).
TRACKING_PATH = "/theo-doi/{id}"

# The action that produced a version -> the event it stands for (None: nobody needs to hear).
ACTION_EVENTS: dict[str, str | None] = {
    "submit": "new_report",
    "assign": "assigned",
    "forward": "assigned",
    "accept": None,
    "return_to_ioc": "returned",
    "submit_result": "result_submitted",
    "approve_result": "published",
    "send_back_result": "result_sent_back",
    "reject": "rejected",
    "request_extension": "extension_requested",
    "approve_extension": "extension_decided",
    "deny_extension": "extension_decided",
    "reopen": "reopened",
    "feedback": "feedback_received",
    "close": None,  # the reopen window ended; nothing for anyone to do
    "merge": "merged",
}
# The SLA sweep's actions: they speak through the level they raise (LEVEL_EVENTS).
SLA_ACTIONS = frozenset({"sla_warning", "sla_overdue", "sla_escalation"})
# For an action this table does not know, the new state says what happened.
STATUS_EVENTS: dict[str, str] = {
    "assigned": "assigned",
    "returned": "returned",
    "result_submitted": "result_submitted",
    "published": "published",
    "rejected": "rejected",
    "reopened": "reopened",
    "merged": "merged",
}
LEVEL_EVENTS: dict[int, str] = {1: "sla_warning", 2: "sla_overdue", 3: "sla_escalation"}

# What a template may name. Nothing here is typed by a citizen or an officer.
SAFE_FIELDS = frozenset({
    "id", "category", "category_en", "ward", "ward_en", "agency", "agency_en",
    "suggested_agency", "suggested_agency_en", "due", "due_date", "link", "tracking_link",
    "round", "level", "rating", "extension_days", "decision", "decision_en",
    "province", "province_en", "hotline", "police", "fire", "ambulance", "merged_into_link",
})
SMS_MAX_CHARS = 160  # one GSM-7 segment
SMS_REQUIRED_FIELDS = ("id", "tracking_link")  # every reporter SMS names the code and links its tracking page
_AGENCY_ID = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class Notice:
    """One message to one audience about one event of one report."""

    audience: str
    event: str
    report_id: str
    agency_id: str
    category: str
    urgent: bool
    subject: str
    text: str
    to: tuple[str, ...] = ()  # e-mail addresses, or the reporter's phone (E.164) for REPORTER_SMS
    slot: str = ""  # which supporter (a prefix of their keyed hash, never the phone) for SUPPORTER_SMS

    @property
    def key(self) -> str:
        """Unique among one record's notices, and the same on every replay of that record."""
        return f"{self.audience}:{self.event}" + (f":{self.slot}" if self.slot else "")

    @property
    def channel(self) -> str:
        return CHANNEL_OF[self.audience]

    def attributes(self) -> dict[str, str]:
        """SNS message attributes subscriptions filter on."""
        return {
            "agency_id": self.agency_id,
            "event": self.event,
            "category": self.category,
            "urgent": "true" if self.urgent else "false",
        }


# -- the rule ------------------------------------------------------------------
def is_transition(old: Report, new: Report) -> bool:
    """A write is a transition only if the state, the action, the level, the round or the agency moved."""
    fields = ("status", "last_action", "escalation_level", "round", "agency_id")
    return any(getattr(old, f) != getattr(new, f) for f in fields)


def event_of(old: Report | None, new: Report) -> str | None:
    """The event a new version of a report stands for; None for writes nobody needs to hear of."""
    if old is None:
        if new.status != "received":
            return None  # not a citizen's submission (e.g. an import)
        return "urgent_report" if new.urgent else "new_report"
    if not is_transition(old, new):
        return None
    moved = any(getattr(old, f) != getattr(new, f) for f in ("status", "last_action", "agency_id", "round"))
    if moved and new.last_action not in SLA_ACTIONS:
        # A workflow action: it is the news, even if it also moved the SLA level (forward, extension).
        if new.last_action in ACTION_EVENTS:
            return ACTION_EVENTS[new.last_action]
        return STATUS_EVENTS.get(new.status) if new.status != old.status else None
    if new.escalation_level > old.escalation_level:
        return LEVEL_EVENTS[min(new.escalation_level, max(LEVEL_EVENTS))]
    return None


# An agency's people in the staff directory (one query of its index; None: no directory, the profile only).
Contacts = Callable[[str], AgencyContacts]
NO_CONTACTS = AgencyContacts()


def notices_for(old: Report | None, new: Report, profile: ProvinceProfile, templates: Templates,
                contacts: Contacts | None = None) -> list[Notice]:
    """Every notice one change of a report calls for, at most one per audience and one per e-mail address.

    `contacts` is asked only when the event mails an agency (never for the IOC's own reports).
    """
    event = event_of(old, new)
    if event is None:
        return []
    values = safe_values(old, new, event, profile)
    notices: dict[str, Notice] = {}
    mailed: list[str] = []
    people: list[AgencyContacts] = []  # the agency's, asked once at most

    def directory() -> AgencyContacts:
        if not people:
            wanted = contacts is not None and new.agency_id != IOC_AGENCY_ID
            people.append(contacts(new.agency_id) if contacts is not None and wanted else NO_CONTACTS)
        return people[0]

    for audience in ROUTES[event]:
        notice = _notice(audience, event, new, profile, templates, values, directory, mailed)
        if notice is not None and notice.key not in notices:
            notices[notice.key] = notice
            if notice.channel == "email":
                mailed.extend(notice.to)
    return list(notices.values())


def email_recipients(audience: str, report: Report, profile: ProvinceProfile,
                     directory: Callable[[], AgencyContacts]) -> tuple[str, ...]:
    """Who an e-mail audience is for this report (sorted, each once)."""
    if audience == AGENCY_EMAIL:
        agency = profile.agency(report.agency_id)
        focal = agency.focal_emails if agency else ()
        people = directory()
        return tuple(sorted(unique_addresses([*people.officers, *people.leads, *focal])))
    if audience == AGENCY_LEADS_EMAIL:
        return tuple(sorted(lead_recipients(profile, report.agency_id, directory().leads)))
    if audience == LEADERSHIP_EMAIL:
        return tuple(sorted(set(profile.sla.leadership_emails)))
    return ()


def wants_supporters(old: Report | None, new: Report) -> bool:
    """Whether this change is news for the report's supporters (so the notifier reads them: only then)."""
    return new.support_count > 0 and event_of(old, new) in SUPPORTER_EVENTS


def supporter_notices(old: Report | None, new: Report, profile: ProvinceProfile, templates: Templates,
                      supporters: list[tuple[str, str]]) -> list[Notice]:
    """One SMS per supporter (key, phone) with the reporter's text: each to one phone, naming nobody."""
    event = event_of(old, new)
    if event not in SUPPORTER_EVENTS:
        return []
    text = templates.sms[event].format_map(safe_values(old, new, event, profile))
    return [Notice(audience=SUPPORTER_SMS, event=event, report_id=new.id, agency_id=new.agency_id,
                   category=new.category, urgent=new.urgent, subject="", text=text, to=(phone,), slot=key[:16])
            for key, phone in sorted(supporters) if sms_reachable(phone) and phone != new.reporter.phone]


def _notice(audience: str, event: str, report: Report, profile: ProvinceProfile, templates: Templates,
            values: Mapping[str, str], directory: Callable[[], AgencyContacts] = lambda: NO_CONTACTS,
            mailed: Sequence[str] = ()) -> Notice | None:
    if audience == AGENCY_TOPIC and report.agency_id == IOC_AGENCY_ID:
        audience = IOC_TOPIC  # the IOC hears on its own topic
    to: tuple[str, ...] = ()
    if CHANNEL_OF[audience] == "email":
        to = unique_addresses(email_recipients(audience, report, profile, directory), leaving_out=mailed)
    elif audience == REPORTER_SMS:
        wanted = SMS_ONLY_IF.get(event, lambda _r: True)(report)
        to = (report.reporter.phone,) if wanted and sms_reachable(report.reporter.phone) else ()
    if audience in (AGENCY_EMAIL, AGENCY_LEADS_EMAIL, LEADERSHIP_EMAIL, REPORTER_SMS) and not to:
        return None
    if audience == REPORTER_SMS:
        subject, text = "", templates.sms[event].format_map(values)
    else:
        t = templates.staff[event]
        subject = f"{t.subject_vi.format_map(values)} / {t.subject_en.format_map(values)}"
        text = f"{t.body_vi.format_map(values)}\n\n---\n\n{t.body_en.format_map(values)}"
    return Notice(audience=audience, event=event, report_id=report.id, agency_id=report.agency_id,
                  category=report.category, urgent=report.urgent, subject=subject, text=text, to=to)


def safe_values(old: Report | None, new: Report, event: str, profile: ProvinceProfile) -> dict[str, str]:
    """The values a template may use: nothing typed by a citizen or an officer, nothing about the reporter."""
    category = profile.any_category(new.category)
    ward = profile.ward(new.ward_code) if new.ward_code else None
    # A return names the agency that returned it, whatever the workflow did with agency_id.
    acting_agency = new.agency_id
    if event == "returned":
        returned_by = (new.return_request or {}).get("agency_id")
        acting_agency = returned_by if isinstance(returned_by, str) else old.agency_id if old else new.agency_id
    agency_vi, agency_en = _agency_names(profile, acting_agency)
    suggested_id = (new.return_request or {}).get("suggested_agency_id")
    suggested = profile.agency(suggested_id) if isinstance(suggested_id, str) else None
    due = new.due_at.astimezone(VN_TZ)
    approved = new.last_action == "approve_extension"
    # A merged report's SMS links the surviving report's page too: that is where the case goes on.
    merged_into = str((new.extra.get("merge") or {}).get("into") or new.id) if event == "merged" else new.id
    decision_vi, decision_en = NOTICE_FILLERS["extension_approved" if approved else "extension_denied"]
    return {
        "id": new.id,
        "category": category.name_vi if category else new.category,
        "category_en": category.name_en if category else new.category,
        "ward": ward.name if ward else NOTICE_FILLERS["unknown_ward"][0],
        "ward_en": ward.name if ward else NOTICE_FILLERS["unknown_ward"][1],
        "agency": agency_vi,
        "agency_en": agency_en,
        "suggested_agency": suggested.name_vi if suggested else NOTICE_FILLERS["no_suggested_agency"][0],
        "suggested_agency_en": suggested.name_en if suggested else NOTICE_FILLERS["no_suggested_agency"][1],
        "due": due.strftime("%H:%M %d/%m/%Y (UTC+07:00)"),
        "due_date": due.strftime("%d/%m/%Y"),
        "link": profile.console_case_url(new.id),
        "tracking_link": tracking_link(profile, new.id),
        "merged_into_link": tracking_link(profile, merged_into),
        "round": str(int(new.round)),
        "level": str(int(new.escalation_level)),
        "rating": _small_int((new.feedback or {}).get("rating")),
        "extension_days": _small_int((new.extension_request or {}).get("working_days")),
        "decision": decision_vi,
        "decision_en": decision_en,
        "province": profile.name_vi,
        "province_en": profile.name_en,
        "hotline": profile.hotline,
        "police": profile.emergency_numbers.police,
        "fire": profile.emergency_numbers.fire,
        "ambulance": profile.emergency_numbers.ambulance,
    }


def tracking_link(profile: ProvinceProfile, report_id: str) -> str:
    """The portal's tracking page for a report: the province's public base URL + TRACKING_PATH."""
    return profile.public_base_url.rstrip("/") + TRACKING_PATH.format(id=report_id)


def sms_reachable(phone: str | None) -> bool:
    """A number an SMS can reach: a Vietnamese mobile (or a number the plan does not tell from one).

    A landline ('0234 3822 123', +842343822123) cannot receive SMS: the reporter is told at intake.
    """
    if not phone:
        return False
    import phonenumbers  # on first use: the library's metadata is not needed to import the app

    try:
        number = phonenumbers.parse(phone, "VN")
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _agency_names(profile: ProvinceProfile, agency_id: str) -> tuple[str, str]:
    agency = profile.agency(agency_id)
    if agency is not None:
        return agency.name_vi, agency.name_en
    shown = agency_id if _AGENCY_ID.match(agency_id or "") else "?"
    return shown, shown


def _small_int(value: Any) -> str:
    """A count or a rating as digits; anything else (free text that slipped in) as '?'."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        return "?"
    return str(int(value))
