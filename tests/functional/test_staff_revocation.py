"""A disabled or regrouped staff user is refused at once, and the cursor key comes from the stage secret.

Through the app under chalice.test.Client on moto: an administrator's change
(services/staff_admin.py) signs the user out and writes `revoked#<sub>`; the
user's ID token, still unexpired, is then a 401 `token_revoked` on the next
request (the per-user cache lasts a few seconds at most: here the container
is rebuilt, as a new request after the cache window would see it).
"""

from __future__ import annotations

import json

import boto3
import pytest
from staff_helpers import body_of

from chalicelib import container
from chalicelib.ports import UnknownStaff

pytest_plugins = ["staff_fixtures"]


def me(client, staff, user):
    response = client.http.get("/staff/me", headers=staff.headers(user))
    return response.status_code, body_of(response)


def _later_request() -> None:
    """What the next request after the revocation cache's few seconds sees: a fresh read of the marker."""
    container.services().staff_auth._revocations.clear()


def test_a_disabled_user_is_refused_at_once_and_signs_in_again_once_enabled(client, staff):
    assert me(client, staff, "officer")[0] == 200
    done = container.staff_admin().disable("officer")
    assert done.subject and done.groups == ("agency_officer",)
    _later_request()
    status, body = me(client, staff, "officer")
    assert status == 401 and body["code"] == "token_revoked" and body["message"] and body["message_en"]
    assert me(client, staff, "ioc")[0] == 200  # nobody else is affected
    user = staff.idp.admin_get_user(UserPoolId=staff.pool_id, Username="officer")
    assert user["Enabled"] is False


def test_a_regrouped_user_keeps_no_old_role_and_a_new_sign_in_carries_the_new_one(client, staff):
    import time

    assert me(client, staff, "officer")[1]["role"] == "agency_officer"
    container.staff_admin().set_role("officer", "agency_lead")
    _later_request()
    assert me(client, staff, "officer")[1]["code"] == "token_revoked"
    groups = [g["GroupName"] for g in staff.idp.admin_list_groups_for_user(
        UserPoolId=staff.pool_id, Username="officer")["Groups"]]
    assert groups == ["agency_lead"]
    time.sleep(1.1)  # a sign-in after the marker (auth_time has whole seconds)
    staff.tokens.clear()
    status, body = me(client, staff, "officer")
    assert status == 200 and body["role"] == "agency_lead"


def test_the_marker_lives_in_the_stats_table_and_expires_after_every_token_it_refuses(client, staff):
    from chalicelib.storage.revocations import MARKER_TTL, marker_key

    done = container.staff_admin().revoke("lead")
    table = boto3.resource("dynamodb").Table(container.services().settings.stats_table)
    item = table.get_item(Key={"pk": marker_key(done.subject), "sk": "staff"})["Item"]
    assert int(item["expires_at"]) == int((done.at + MARKER_TTL).timestamp())
    assert MARKER_TTL.total_seconds() > 12 * 3600 + 15 * 60  # the refresh token's 12 h + one ID token's 15 min


def test_an_unknown_user_or_role_changes_nothing(client, staff):
    from chalicelib.rules.errors import InvalidInput

    with pytest.raises(UnknownStaff):
        container.staff_admin().disable("nobody")
    with pytest.raises(InvalidInput):
        container.staff_admin().set_role("officer", "superuser")
    assert me(client, staff, "officer")[0] == 200


def test_the_cursor_key_is_the_stage_secrets_read_once(province, monkeypatch, aws_calls):
    from chalicelib.config import Settings

    sm = boto3.client("secretsmanager")
    arn = sm.create_secret(Name="phananh/dev/stage-secrets",
                           SecretString=json.dumps({"cursor_key": "k" * 64}))["ARN"]
    monkeypatch.setenv("STAGE_SECRETS_ARN", arn)
    container.reset()
    store = container.services().reports
    assert aws_calls.calls["GetSecretValue"] == 0  # nothing is fetched before a cursor is signed
    derived = container.cursor_key(Settings.from_env({"STAGE": "dev"}))
    assert store._secret == container.cursor_key(Settings.from_env({"STAGE_SECRETS_ARN": arn}),
                                                 container.services().stage_secrets)
    assert store._secret != derived
    assert aws_calls.calls["GetSecretValue"] == 1
    assert store._secret and aws_calls.calls["GetSecretValue"] == 1



def test_when_the_revocation_markers_cannot_be_read_a_staff_request_is_a_bilingual_503_not_a_500(client, staff):
    assert me(client, staff, "officer")[0] == 200
    dynamodb, table = boto3.client("dynamodb"), container.services().settings.stats_table
    dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
    dynamodb.delete_table(TableName=table)  # the markers' table gone: every read of it fails
    _later_request()
    status, body = me(client, staff, "officer")
    assert status == 503 and body["code"] == "sign_in_check_unavailable"
    assert "thử lại" in body["message"] and "try again" in body["message_en"]
