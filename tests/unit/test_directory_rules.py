"""rules/directory.py and the directory's part in rules/notices.py and rules/digest.py (pure, no AWS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.notices import load_templates
from chalicelib.provinces import load_profile
from chalicelib.rules.digest import lead_recipients, unique_addresses
from chalicelib.rules.directory import AgencyContacts, StaffEntry, contacts_of, placement, staff_role
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.notices import AGENCY_EMAIL, AGENCY_LEADS_EMAIL, LEADERSHIP_EMAIL, notices_for
from chalicelib.rules.report import Report, Reporter

PROFILE = load_profile("daklak")
TEMPLATES = load_templates()
WARD_AGENCY = "ubnd-24133"  # a ward committee: no focal e-mail in the profile
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def entry(username: str, role: str | None, email: str | None = None, enabled: bool = True,
          agency: str | None = WARD_AGENCY) -> StaffEntry:
    return StaffEntry(username, email, None, role, agency, enabled=enabled)


@pytest.mark.parametrize(("role", "agency", "placed"), [
    ("agency_officer", WARD_AGENCY, WARD_AGENCY),
    ("agency_lead", "so-y-te", "so-y-te"),
    ("ioc_operator", None, "ioc"),
    ("ioc_operator", "ioc", "ioc"),
    ("province_admin", None, None),
])
def test_each_role_sits_where_it_belongs(role, agency, placed):
    assert placement(PROFILE, role, agency) == placed


@pytest.mark.parametrize(("role", "agency", "code"), [
    ("agency_officer", None, "agency_required"),
    ("agency_officer", "ioc", "unknown_agency"),
    ("agency_lead", "ubnd-00000", "unknown_agency"),
    ("ioc_operator", WARD_AGENCY, "agency_not_for_role"),
    ("province_admin", "ioc", "agency_not_for_role"),
    ("mayor", None, "invalid_staff_role"),
])
def test_a_role_out_of_place_is_refused_with_the_field_named(role, agency, code):
    with pytest.raises(InvalidInput) as refused:
        placement(PROFILE, role, agency)
    assert refused.value.code == code and refused.value.field in ("role", "agency_id")
    assert refused.value.message != refused.value.message_en


def test_an_agencys_mail_reaches_its_enabled_officers_and_leads_with_an_address_only():
    people = contacts_of([
        entry("a", "agency_officer", "A@Ward.example.vn"), entry("b", "agency_lead", "lead@ward.example.vn"),
        entry("c", "agency_officer", "off@ward.example.vn", enabled=False), entry("d", "agency_officer"),
        entry("e", None, "nobody@ward.example.vn"), entry("f", "agency_officer", "a@ward.example.vn"),
    ])
    assert people == AgencyContacts(officers=("a@ward.example.vn",), leads=("lead@ward.example.vn",))


def test_the_highest_staff_role_wins_and_other_groups_are_no_role():
    assert staff_role(["agency_officer", "agency_lead", "testers"]) == "agency_lead"
    assert staff_role(["testers"]) is None


def test_addresses_are_kept_once_without_case_and_without_those_already_mailed():
    assert unique_addresses(["a@x.vn", "A@x.vn", "b@x.vn"], leaving_out=["B@X.VN"]) == ("a@x.vn",)


def test_the_digest_goes_to_the_directorys_leads_and_the_profiles_before_the_ward_pattern():
    assert lead_recipients(PROFILE, WARD_AGENCY, ["chutich@bmt.example.vn"]) == ("chutich@bmt.example.vn",)
    assert lead_recipients(PROFILE, WARD_AGENCY)[0].startswith("lanhdao.")  # nobody in the directory: the pattern
    assert lead_recipients(PROFILE, "so-y-te", ["gd@soyte.example.vn"]) == ("gd@soyte.example.vn",
                                                                             "lanhdao.soyte@daklak.example.gov.vn")


def ward_report(**over) -> Report:
    base = Report(
        id="DLK-7KQ3-M9XD", province_code=66, status="assigned", channel="app", category="ha-tang-do-thi",
        description="Ổ gà", lat=12.68, lng=108.04, address=None, ward_code="24133", agency_id=WARD_AGENCY,
        reporter=Reporter("Nguyễn Văn An", "+84912345678"), received_at=NOW, due_at=NOW + timedelta(days=5),
        original_due_at=NOW + timedelta(days=5), updated_at=NOW, last_action="assign", last_actor_role="ioc_operator",
        assigned_at=NOW,
    )
    return replace(base, **over)


PEOPLE = AgencyContacts(officers=("an@bmt.example.vn",), leads=("binh@bmt.example.vn",))


def test_a_ward_committee_with_nobody_in_the_profile_is_mailed_through_the_directory():
    received = ward_report(status="received", last_action="submit", assigned_at=None)
    assert [n for n in notices_for(received, ward_report(), PROFILE, TEMPLATES) if n.channel == "email"] == []
    asked: list[str] = []
    mail = [n for n in notices_for(received, ward_report(), PROFILE, TEMPLATES,
                                   lambda agency: asked.append(agency) or PEOPLE) if n.channel == "email"]
    assert [(n.audience, n.to) for n in mail] == [(AGENCY_EMAIL, ("an@bmt.example.vn", "binh@bmt.example.vn"))]
    assert asked == [WARD_AGENCY]


def test_an_escalation_reaches_the_leads_once_the_officers_once_and_the_leadership():
    before = ward_report(status="in_progress", escalation_level=2)
    after = replace(before, escalation_level=3, last_action="sla_escalation")
    asked: list[str] = []
    by_audience = {n.audience: n.to for n in notices_for(before, after, PROFILE, TEMPLATES,
                                                         lambda agency: asked.append(agency) or PEOPLE)}
    assert by_audience[AGENCY_LEADS_EMAIL] == ("binh@bmt.example.vn",)
    assert by_audience[AGENCY_EMAIL] == ("an@bmt.example.vn",)  # the lead is not mailed twice
    assert by_audience[LEADERSHIP_EMAIL] == tuple(PROFILE.sla.leadership_emails)
    assert asked == [WARD_AGENCY]  # one directory read for the three e-mails


def test_the_iocs_own_reports_never_ask_the_directory():
    received = ward_report(status="received", last_action="submit", assigned_at=None, agency_id="ioc")
    before = replace(received, status="in_progress", escalation_level=2)
    after = replace(before, escalation_level=3, last_action="sla_escalation")

    def refuse(agency: str) -> AgencyContacts:
        raise AssertionError(f"asked the directory for {agency}")

    assert notices_for(before, after, PROFILE, TEMPLATES, refuse)
