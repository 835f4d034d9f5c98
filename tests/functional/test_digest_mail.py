"""The morning digest on moto: one e-mail per agency lead on a working day, none on a holiday."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from aws_counting import counting_aws_calls
from log_capture import logged_lines

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.rules.sla import next_check_at

REPORTER = Reporter("Hoàng Thị Riêng Tư", "+84911222333")
DESCRIPTION = "Quán ăn xả nước thải ra mương thoát nước chung"


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)




def sent_mail() -> list:
    """What moto's SES accepted, in order."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"].sent_messages)


@pytest.fixture
def profile(province):
    from chalicelib import container

    container._bound_storage()
    return container.profile()


@pytest.fixture
def seed(profile):
    from chalicelib.storage.reports import ReportStore

    store = ReportStore()
    cal = profile.working_calendar

    def make(rid: str, received: datetime, agency: str, channel: str = "hotline", status: str = "in_progress",
             category: str = "moi-truong") -> Report:
        due = cal.due_after(received, profile.sla_days(channel))
        report = Report(
            id=rid, province_code=profile.province_code, status=status, channel=channel, category=category,
            description=DESCRIPTION, lat=12.68, lng=108.04, address=None, ward_code=profile.wards[0].code,
            agency_id=agency, reporter=REPORTER, received_at=received, due_at=due, original_due_at=due,
            updated_at=received, last_action="accept", last_actor_role="agency",
            sla_next_at=next_check_at(due, 0, cal, profile.sla))
        return store.create(report, "digest", AuditEntry(rid, received, "citizen", "citizen", "submit", None,
                                                         status))

    return make


@pytest.fixture
def week(profile, seed):
    """A province's open reports seen on Monday 23/11/2026 at 07:30."""
    ward_agency = profile.ward_agency_id(profile.wards[0].code)
    seed("DLK-OLD0001", vn(2026, 11, 2, 9), "so-y-te", category="an-toan-thuc-pham")  # due 05/11: long overdue
    seed("DLK-FRI0001", vn(2026, 11, 17, 9), "so-y-te", category="an-toan-thuc-pham")  # due Fri 20/11 09:00
    seed("DLK-TOD0001", vn(2026, 11, 18, 10), "so-xay-dung", category="dat-dai-xay-dung")  # due Mon 23/11 10:00
    seed("DLK-SOO0001", vn(2026, 11, 19, 14), "so-xay-dung", category="dat-dai-xay-dung")  # due Wed 25/11 14:00
    seed("DLK-WRD0001", vn(2026, 11, 12, 9), ward_agency)  # due Tue 17/11: overdue, ward committee
    seed("DLK-FAR0001", vn(2026, 11, 20, 9), "so-nn-mt", channel="app")  # due 02/12: not listed
    seed("DLK-DON0001", vn(2026, 11, 2, 9), "so-nn-mt", status="published")  # closed: not listed
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.storage.sla import SlaStore

    SlaSweeper(profile, SlaStore()).sweep(vn(2026, 11, 23, 7, 0))  # the oldest reach level 3 and leave sla-due
    return ward_agency


def digest_service(profile):
    from chalicelib import container
    from chalicelib.services.digest import DigestService
    from chalicelib.storage.sla import SlaStore
    from chalicelib.storage.stats import StatsStore

    return DigestService(profile, SlaStore(), container.mailer(), claims=StatsStore())


def test_one_digest_per_agency_lead_on_a_working_day(profile, week, capfd):
    capfd.readouterr()
    with logged_lines() as logs:
        result = digest_service(profile).send(vn(2026, 11, 23, 7, 30))
    assert '"DigestsSent":[3.0]' in capfd.readouterr().out
    logged = "\n".join(logs)
    assert "digests done" in logged and REPORTER.name not in logged and "911222333" not in logged
    mail = sent_mail()
    assert len(mail) == 3 and sorted(result.sent) == sorted(["so-y-te", "so-xay-dung", week])
    by_to = {m.destinations["ToAddresses"][0]: m for m in mail}
    assert set(by_to) == {"lanhdao.soyte@daklak.example.gov.vn", "lanhdao.soxd@daklak.example.gov.vn",
                          f"lanhdao.ubnd{profile.wards[0].code}@daklak.example.gov.vn"}
    assert all(m.source == "no-reply@phananh.example.gov.vn" for m in mail)

    health = by_to["lanhdao.soyte@daklak.example.gov.vn"]
    assert health.subject.startswith("[Phản ánh hiện trường] Sở Y tế tỉnh Đắk Lắk – ngày 23/11/2026: 2 quá hạn")
    assert "DLK-OLD0001 – An toàn thực phẩm" in health.body  # level 3: no longer in sla-due, still listed
    assert "trễ 12 ngày làm việc" in health.body  # due Thu 05/11: Fri 06, two full weeks, Mon 23
    assert "DLK-FRI0001" in health.body and "trễ 1 ngày làm việc" in health.body
    assert "https://phananh.daklak.example.gov.vn/dieu-hanh#DLK-FRI0001" in health.body
    building = by_to["lanhdao.soxd@daklak.example.gov.vn"].body
    assert "ĐẾN HẠN HÔM NAY: 1 phản ánh\n1. DLK-TOD0001" in building
    assert "SẮP ĐẾN HẠN (trong 2 ngày làm việc tới): 1 phản ánh\n1. DLK-SOO0001" in building
    everything = "".join(m.subject + m.body for m in mail)
    assert "DLK-FAR0001" not in everything and "DLK-DON0001" not in everything
    for private in (REPORTER.name, REPORTER.phone, "911222333", DESCRIPTION):
        assert private not in everything


@pytest.mark.parametrize("holiday", [vn(2026, 11, 24, 7, 30), vn(2026, 9, 2, 7, 30), vn(2026, 11, 22, 7, 30)])
def test_no_digest_at_all_on_a_holiday_or_weekend(profile, week, holiday):
    result = digest_service(profile).send(holiday)
    assert (result.working_day, result.sent, sent_mail()) == (False, [], [])


def test_a_make_up_saturday_is_a_working_day_for_the_digest(profile, seed):
    seed("DLK-AUG0001", vn(2026, 8, 18, 9), "so-y-te")  # due Fri 21/08 09:00
    result = digest_service(profile).send(vn(2026, 8, 22, 7, 30))  # Saturday worked in exchange for 31/08
    assert result.sent == ["so-y-te"] and "DLK-AUG0001" in sent_mail()[0].body


def test_a_second_run_the_same_day_sends_nothing_more(profile, week):
    first = digest_service(profile).send(vn(2026, 11, 23, 7, 30))
    again = digest_service(profile).send(vn(2026, 11, 23, 7, 31))
    assert len(first.sent) == 3 and again.sent == [] and sorted(again.already_sent) == sorted(first.sent)
    assert len(sent_mail()) == 3


def test_a_failed_send_is_retried_alone(profile, week):
    from chalicelib import container
    from chalicelib.services.digest import DigestFailed, DigestService
    from chalicelib.storage.sla import SlaStore
    from chalicelib.storage.stats import StatsStore

    class FailsFor:
        def __init__(self, address):
            self.address, self.real = address, container.mailer()

        def send(self, email):
            if self.address in email.to:
                raise RuntimeError("SES throttled")
            return self.real.send(email)

    flaky = DigestService(profile, SlaStore(), FailsFor("lanhdao.soxd@daklak.example.gov.vn"), claims=StatsStore())
    with pytest.raises(DigestFailed):
        flaky.send(vn(2026, 11, 23, 7, 30))
    assert len(sent_mail()) == 2
    retry = digest_service(profile).send(vn(2026, 11, 23, 7, 45))
    assert retry.sent == ["so-xay-dung"] and len(sent_mail()) == 3


def test_the_digest_reads_one_index_query_and_never_scans(profile, week):
    with counting_aws_calls() as calls:
        digest_service(profile).send(vn(2026, 11, 23, 7, 30))
    assert calls == Counter({("dynamodb", "Query"): 1, ("dynamodb", "PutItem"): 3, ("ses", "SendEmail"): 3})


def test_the_scheduled_handler_uses_the_clock(province, week, monkeypatch):
    from chalice.test import Client

    from app import app
    from chalicelib import container

    with Client(app, stage_name="dev") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=["arn:aws:events:ap-southeast-1:123456789012:rule/d"])
        monkeypatch.setattr(container, "clock", lambda: lambda: vn(2026, 11, 24, 7, 30))
        container.reset()
        assert client.lambda_.invoke("daily_digest", event).payload == {
            "working_day": False, "sent": 0, "already_sent": 0}
        monkeypatch.setattr(container, "clock", lambda: lambda: vn(2026, 11, 25, 7, 30) + timedelta(minutes=1))
        container.reset()
        assert client.lambda_.invoke("daily_digest", event).payload["sent"] == 3
    assert len(sent_mail()) == 3
