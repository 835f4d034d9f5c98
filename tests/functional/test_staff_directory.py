"""The staff directory under moto: the province admin invites, disables and moves staff over the API, and the
next notice of an agency reaches exactly the addresses the directory then holds.

Mail is read where it lands: moto's SES. Notices are produced the way Lambda
produces them: the reports stream read from moto, handed to
`notify_report_changes` (tests/functional/test_notify_fanout.py's tap).
"""

from __future__ import annotations

import json

import pytest
from staff_helpers import AGENCY, JSON, OTHER_AGENCY, body_of, submit
from test_notify_fanout import StreamTap, emails, invoke

from chalicelib import container

pytest_plugins = ["staff_fixtures"]

NEW = {"username": "nguyen.van.an", "email": "an.nv@bmt.example.gov.vn", "name": "Nguyễn Văn An",
       "role": "agency_officer", "agency_id": AGENCY}
ROUTES = [("GET", "/staff/directory/users", None), ("POST", "/staff/directory/users", NEW),
          ("POST", "/staff/directory/users/officer/disable", None),
          ("POST", "/staff/directory/users/officer/enable", None),
          ("POST", "/staff/directory/users/officer/move", {"agency_id": OTHER_AGENCY}),
          ("GET", "/staff/directory/audit", None), ("POST", "/staff/directory/reconcile", None)]


def call(client, staff, user, method, path, body=None):
    headers = staff.headers(user) if user else JSON
    kwargs = {"body": json.dumps(body)} if body is not None else {}
    response = getattr(client.http, method.lower())(path, headers=headers, **kwargs)
    return response.status_code, body_of(response)


def invite(client, staff, **over):
    return call(client, staff, "admin", "POST", "/staff/directory/users", {**NEW, **over})


def assigned_mail(client, staff, tap, agency: str) -> set[str]:
    """Submit a report, the IOC assigns it to `agency`; the addresses of the assignment e-mail sent for it."""
    report_id, _ = submit(client, phone=None)
    status, body = call(client, staff, "ioc", "POST", f"/staff/reports/{report_id}/actions",
                        {"action": "assign", "agency_id": agency})
    assert status == 200, body
    before = len(emails())
    payload = invoke(client, {"Records": tap.take()})
    assert payload == {"batchItemFailures": []}
    sent = [m for m in emails()[before:] if report_id in m.subject]
    assert len(sent) == 1, [m.subject for m in sent]  # one assignment e-mail per report
    return set(sent[0].destinations["ToAddresses"])


@pytest.fixture
def tap(province):
    return StreamTap(province)


# -- who may manage the directory ---------------------------------------------------------------------------


def test_only_the_province_admin_manages_the_directory(client, staff):
    for method, path, body in ROUTES:
        for user in ("ioc", "officer", "lead", "other.lead"):
            status, answer = call(client, staff, user, method, path, body)
            assert status == 403 and answer["code"] == "directory_admin_only", (user, method, path)
            assert answer["message"] and answer["message_en"] and answer["message"] != answer["message_en"]
        assert call(client, staff, None, method, path, body)[0] == 401
    from app import app

    directory_routes = {(m, p) for p, methods in app.routes.items() if p.startswith("/staff/directory")
                        for m in methods}
    assert directory_routes == {(m, p.replace("officer", "{username}")) for m, p, _ in ROUTES}  # every one tried


def test_a_refused_caller_changes_nothing(client, staff):
    assert call(client, staff, "ioc", "POST", "/staff/directory/users", NEW)[0] == 403
    assert call(client, staff, "lead", "POST", "/staff/directory/users/officer/disable")[0] == 403
    assert staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username="officer")["Enabled"] is True
    with pytest.raises(staff.idp.exceptions.UserNotFoundException):
        staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username=NEW["username"])
    assert call(client, staff, "officer", "GET", "/staff/me")[0] == 200


# -- invitations --------------------------------------------------------------------------------------------


def test_an_invitation_creates_the_user_with_an_email_their_role_and_agency_and_an_audit_row(client, staff):
    status, body = invite(client, staff)
    assert status == 201 and body["created"] is True and body["action"] == "invite"
    assert body["user"] | {"updated_at": None} == {
        "username": NEW["username"], "email": NEW["email"], "name": NEW["name"], "role": "agency_officer",
        "agency_id": AGENCY, "enabled": True, "status": "FORCE_CHANGE_PASSWORD", "updated_at": None}
    user = staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username=NEW["username"])
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == NEW["email"] and attributes["custom:agency_id"] == AGENCY
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # the invitation's temporary password
    groups = staff.idp.admin_list_groups_for_user(UserPoolId=staff.pool_id, Username=NEW["username"])["Groups"]
    assert [g["GroupName"] for g in groups] == ["agency_officer"]
    status, audit = call(client, staff, "admin", "GET", "/staff/directory/audit")
    assert status == 200
    [row] = audit["items"]
    assert (row["actor"], row["action"], row["username"], row["agency_id"]) == ("admin", "invite", NEW["username"],
                                                                              AGENCY)


def test_the_same_invitation_again_creates_nothing_and_another_one_for_the_name_is_a_409(client, staff):
    assert invite(client, staff)[0] == 201
    status, body = invite(client, staff)
    assert status == 200 and body["created"] is False
    status, body = invite(client, staff, email="someone.else@example.gov.vn")
    assert status == 409 and body["code"] == "staff_exists" and body["field"] == "username"
    audit = call(client, staff, "admin", "GET", "/staff/directory/audit")[1]["items"]
    assert [r["action"] for r in audit] == ["invite"]  # one row: nothing else was changed


@pytest.mark.parametrize(("over", "code", "field"), [
    ({"agency_id": None}, "agency_required", "agency_id"),
    ({"agency_id": "ubnd-00000"}, "unknown_agency", "agency_id"),
    ({"agency_id": "ioc"}, "unknown_agency", "agency_id"),
    ({"role": "province_admin"}, "agency_not_for_role", "agency_id"),
    ({"role": "ioc_operator"}, "agency_not_for_role", "agency_id"),
    ({"role": "superuser"}, "invalid_choice", "role"),
    ({"email": "not-an-address"}, "invalid_value", "email"),
    ({"username": "Has Spaces"}, "invalid_value", "username"),
])
def test_a_bad_invitation_is_a_bilingual_400_naming_the_field_and_creates_nobody(client, staff, over, code, field):
    status, body = invite(client, staff, **over)
    assert status == 400 and (body["code"], body.get("field")) == (code, field), body
    assert body["message"] != body["message_en"]
    with pytest.raises(staff.idp.exceptions.UserNotFoundException):
        staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username=NEW["username"])


def test_an_ioc_operator_sits_in_the_ioc_and_the_admin_in_no_agency(client, staff):
    status, body = invite(client, staff, username="ioc.two", role="ioc_operator", agency_id=None)
    assert status == 201 and body["user"]["agency_id"] == "ioc"
    status, body = invite(client, staff, username="admin.two", role="province_admin", agency_id=None)
    assert status == 201 and body["user"]["agency_id"] is None


# -- the mail of an agency follows the directory --------------------------------------------------------------


def test_an_invited_officer_gets_the_next_assignment_and_a_disabled_one_no_longer(client, staff, tap):
    focal_before = assigned_mail(client, staff, tap, "so-y-te")  # an agency with profile focal e-mails
    assert invite(client, staff)[0] == 201
    assert NEW["email"] in assigned_mail(client, staff, tap, AGENCY)
    assert assigned_mail(client, staff, tap, "so-y-te") == focal_before  # another agency's mail is unchanged

    status, body = call(client, staff, "admin", "POST", f"/staff/directory/users/{NEW['username']}/disable")
    assert status == 200 and body["user"]["enabled"] is False and body["tokens_refused_before"]
    report_id, _ = submit(client)
    assert call(client, staff, "ioc", "POST", f"/staff/reports/{report_id}/actions",
                {"action": "assign", "agency_id": AGENCY})[0] == 200
    before = len(emails())
    invoke(client, {"Records": tap.take()})
    assert not [m for m in emails()[before:] if NEW["email"] in m.destinations["ToAddresses"]]

    assert call(client, staff, "admin", "POST", f"/staff/directory/users/{NEW['username']}/enable")[0] == 200
    assert NEW["email"] in assigned_mail(client, staff, tap, AGENCY)


def test_a_moved_officer_gets_the_new_agencys_mail_and_not_the_old_ones(client, staff, tap):
    assert invite(client, staff)[0] == 201
    invite(client, staff, username="le.thi.binh", email="binh.lt@bmt.example.gov.vn", role="agency_lead")
    status, body = call(client, staff, "admin", "POST", f"/staff/directory/users/{NEW['username']}/move",
                        {"agency_id": OTHER_AGENCY})
    assert status == 200 and body["user"]["agency_id"] == OTHER_AGENCY and body["user"]["role"] == "agency_officer"
    assert assigned_mail(client, staff, tap, OTHER_AGENCY) == {NEW["email"]}
    assert assigned_mail(client, staff, tap, AGENCY) == {"binh.lt@bmt.example.gov.vn"}  # the lead stayed
    entries = call(client, staff, "admin", "GET", f"/staff/directory/users?agency={AGENCY}")[1]["items"]
    assert [e["username"] for e in entries] == ["le.thi.binh"]  # one entry per user: the old one is gone


def test_escalations_go_to_the_agencys_leads_and_officers_hear_of_them_once(client, staff):
    from chalicelib.rules.notices import AGENCY_EMAIL, AGENCY_LEADS_EMAIL, notices_for
    from chalicelib.rules.report import Report

    invite(client, staff)
    invite(client, staff, username="le.thi.binh", email="binh.lt@bmt.example.gov.vn", role="agency_lead")
    report_id, _ = submit(client)
    report: Report = container.services().reports.get(report_id)[0]
    before = report.evolve(status="in_progress", escalation_level=2)
    after = before.evolve(escalation_level=3, last_action="sla_escalation")
    notifier = container.notifier()
    by_audience = {n.audience: n.to for n in notices_for(before, after, notifier.profile, notifier.templates,
                                                            notifier.contacts.contacts)}
    assert "binh.lt@bmt.example.gov.vn" in by_audience[AGENCY_LEADS_EMAIL]
    assert by_audience[AGENCY_EMAIL] == (NEW["email"],)  # the lead is not mailed twice


# -- moves and revocation -----------------------------------------------------------------------------------------


def test_a_moved_or_disabled_users_tokens_stop_working_at_once(client, staff):
    assert call(client, staff, "officer", "GET", "/staff/me")[1]["agency_id"] == AGENCY
    assert call(client, staff, "lead", "GET", "/staff/me")[0] == 200
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/officer/move",
                        {"role": "agency_lead", "agency_id": OTHER_AGENCY})
    assert status == 200 and (body["user"]["role"], body["user"]["agency_id"]) == ("agency_lead", OTHER_AGENCY)
    container.services().staff_auth._revocations.clear()  # the next request after the few seconds' cache
    status, body = call(client, staff, "officer", "GET", "/staff/me")
    assert status == 401 and body["code"] == "token_revoked"
    assert call(client, staff, "admin", "POST", "/staff/directory/users/lead/disable")[0] == 200
    container.services().staff_auth._revocations.clear()
    assert call(client, staff, "lead", "GET", "/staff/me")[1]["code"] == "token_revoked"
    assert call(client, staff, "ioc", "GET", "/staff/me")[0] == 200  # nobody else is affected


def test_a_move_to_the_admin_role_drops_the_agency_and_a_move_needs_something_to_change(client, staff):
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/lead/move",
                        {"role": "province_admin"})
    assert status == 200 and body["user"]["agency_id"] is None and body["user"]["role"] == "province_admin"
    attributes = staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username="lead")["UserAttributes"]
    assert "custom:agency_id" not in {a["Name"] for a in attributes}
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/officer/move", {})
    assert status == 400 and body["code"] == "nothing_to_move"
    assert call(client, staff, "ioc", "POST", "/staff/directory/users/officer/move", {})[0] == 403  # who, first
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/officer/move",
                        {"agency_id": "ubnd-00000"})
    assert status == 400 and body["code"] == "unknown_agency"


def test_an_unknown_user_is_a_404_and_the_admin_cannot_lock_themselves_out(client, staff):
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/nobody/disable")
    assert status == 404 and body["code"] == "unknown_staff"
    status, body = call(client, staff, "admin", "POST", "/staff/directory/users/admin/disable")
    assert status == 409 and body["code"] == "own_account"
    assert call(client, staff, "admin", "GET", "/staff/me")[0] == 200


# -- the index: one query, paged, kept in step with the pool ------------------------------------------------------


def test_finding_an_agencys_addresses_is_one_query(client, staff):
    from aws_counting import counting_aws_calls

    invite(client, staff)
    invite(client, staff, username="le.thi.binh", email="binh.lt@bmt.example.gov.vn", role="agency_lead")
    with counting_aws_calls() as calls:
        people = container.services().directory_index.contacts(AGENCY)
    assert dict(calls) == {("dynamodb", "Query"): 1}
    assert (people.officers, people.leads) == ((NEW["email"],), ("binh.lt@bmt.example.gov.vn",))


def test_an_assignment_notice_reads_the_directory_once(client, staff, tap):
    from aws_counting import counting_aws_calls

    invite(client, staff)
    report_id, _ = submit(client)
    assert call(client, staff, "ioc", "POST", f"/staff/reports/{report_id}/actions",
                {"action": "assign", "agency_id": AGENCY})[0] == 200
    records = tap.take()
    with counting_aws_calls() as calls:
        invoke(client, {"Records": records})
    assert calls[("dynamodb", "Query")] == 1 and calls[("ses", "SendEmail")] == 1
    assert not any(service == "cognito-idp" for service, _ in calls)  # never the pool


def test_the_directory_lists_in_pages_behind_a_signed_cursor(client, staff):
    for n in range(3):
        invite(client, staff, username=f"officer.{n}", email=f"o{n}@example.gov.vn")
    seen, cursor = [], None
    while True:
        path = f"/staff/directory/users?agency={AGENCY}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, page = call(client, staff, "admin", "GET", path)
        assert status == 200 and len(page["items"]) <= 2
        seen += [e["username"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["officer.0", "officer.1", "officer.2"]
    first = call(client, staff, "admin", "GET", f"/staff/directory/users?agency={AGENCY}&limit=1")[1]
    for bad in (first["next_cursor"][:-2] + "xx", first["next_cursor"]):
        status, body = call(client, staff, "admin", "GET",
                            f"/staff/directory/users?agency={OTHER_AGENCY}&limit=1&cursor={bad}")
        assert status == 400 and body["code"] == "invalid_cursor"  # tampered, or another agency's query


def test_a_failed_index_write_is_a_503_and_the_same_request_again_finishes_it(client, staff, monkeypatch):
    from chalicelib.storage.directory import DirectoryIndex

    record = DirectoryIndex.record

    def unavailable(*args, **kwargs):
        raise RuntimeError("the table refused the write")

    monkeypatch.setattr(DirectoryIndex, "record", unavailable)
    status, body = invite(client, staff)
    assert status == 503 and body["code"] == "directory_index_behind"
    assert staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username=NEW["username"])  # the pool has it
    assert container.services().directory_index.contacts(AGENCY).officers == ()
    monkeypatch.setattr(DirectoryIndex, "record", record)
    status, body = invite(client, staff)
    assert status == 200 and body["created"] is False
    assert container.services().directory_index.contacts(AGENCY).officers == (NEW["email"],)


def test_reconcile_rebuilds_the_index_from_the_pool_and_a_second_run_finds_nothing(client, staff):
    from chalicelib.rules.directory import StaffEntry

    invite(client, staff)
    index = container.services().directory_index
    index.drop(next(e for e in index.entries() if e.username == NEW["username"]))  # an entry lost
    index.record(StaffEntry("gone.user", "gone@example.gov.vn", None, "agency_officer", AGENCY), None)  # a stray
    assert index.contacts(AGENCY).officers == ("gone@example.gov.vn",)
    status, body = call(client, staff, "admin", "POST", "/staff/directory/reconcile")
    assert status == 200 and NEW["username"] in body["written"] and body["dropped"] == ["gone.user"]
    assert index.contacts(AGENCY).officers == (NEW["email"],)
    status, body = call(client, staff, "admin", "POST", "/staff/directory/reconcile")
    assert status == 200 and body["written"] == [] and body["dropped"] == [] and body["unchanged"] >= 7
    audit = call(client, staff, "admin", "GET", "/staff/directory/audit")[1]["items"]
    assert {r["action"] for r in audit} == {"invite", "reconcile"}


# -- the command line: make staff-admin ARGS="invite|move|sync-directory ..." --------------------------------------


def test_the_command_line_invites_moves_and_rebuilds_the_index_on_a_moto_server(jwks_server, capsys, monkeypatch):
    """scripts/staff_admin.py against a moto server over HTTP, as `make staff-admin ARGS=--local ...` runs it."""
    import importlib.util
    from pathlib import Path

    import boto3

    from chalicelib.config import Settings
    from devstack.provision import provision

    spec = importlib.util.spec_from_file_location(
        "staff_admin_script", Path(__file__).resolve().parents[2] / "scripts" / "staff_admin.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    stack = provision("clidir", endpoint_url=jwks_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL", jwks_server)  # the Settings the check below builds
    run = ["--stage", "clidir", "--province", "daklak", "--endpoint-url", jwks_server]
    assert script.main([*run, "invite", "tran.thi.cuc", "agency_officer", "--email", "cuc@bmt.example.gov.vn",
                        "--name", "Trần Thị Cúc", "--agency", AGENCY]) == 0
    assert "invited tran.thi.cuc" in capsys.readouterr().out
    assert script.main([*run, "move", "tran.thi.cuc", "--agency", OTHER_AGENCY]) == 0
    idp = boto3.client("cognito-idp", endpoint_url=jwks_server)
    pool = stack.environment["STAFF_USER_POOL_ID"]
    idp.admin_update_user_attributes(UserPoolId=pool, Username="tran.thi.cuc",  # by hand, in the console
                                     UserAttributes=[{"Name": "email", "Value": "cuc.tt@bmt.example.gov.vn"}])
    capsys.readouterr()
    assert script.main([*run, "sync-directory"]) == 0
    assert "1 written (tran.thi.cuc)" in capsys.readouterr().out
    assert script.main([*run, "invite", "x.y", "agency_officer", "--email", "x@y.vn", "--name", "X"]) == 2
    assert "agency" in capsys.readouterr().err  # the bilingual error's English text: the agency is required

    services = container.build(Settings.from_env({**stack.environment, "PROVINCE": "daklak",
                                                  "AWS_ENDPOINT_URL": jwks_server}))
    assert services.directory_index.contacts(OTHER_AGENCY).officers == ("cuc.tt@bmt.example.gov.vn",)
    assert services.directory_index.contacts(AGENCY).officers == ()
    from chalicelib.rules.calendar import VN_TZ

    month = services.clock().astimezone(VN_TZ).strftime("%Y-%m")
    actions = [r.action for r in services.directory_index.audit_month(month, 10)]
    assert sorted(actions) == ["invite", "move", "reconcile"]
