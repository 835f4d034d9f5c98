"""Staff sign-in: real Cognito ID tokens from moto, verified in the app against the pool's JWKS."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from staff_helpers import JSON, PASSWORD, body_of

from chalicelib.adapters.auth import JwksKeys, StaffAuthenticator, fetch_json, issuer_of, jwks_url_of
from chalicelib.config import Settings
from chalicelib.rules.errors import Unauthenticated

pytest_plugins = ["staff_fixtures"]  # the staff and jwks_server fixtures


def me(client, headers):
    response = client.http.get("/staff/me", headers=headers)
    return response.status_code, body_of(response)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def assert_401(status, body, code):
    assert status == 401
    assert body["code"] == code and body["message"] and body["message_en"]


@pytest.mark.parametrize(("user", "role", "agency"), [
    ("ioc", "ioc_operator", "ioc"),
    ("officer", "agency_officer", "ubnd-24133"),
    ("lead", "agency_lead", "ubnd-24133"),
    ("other.officer", "agency_officer", "ubnd-22015"),
    ("admin", "province_admin", None),
])
def test_a_staff_token_gives_the_group_as_role_and_the_custom_attribute_as_agency(client, staff, user, role, agency):
    status, body = me(client, staff.headers(user))
    assert status == 200
    assert body == {"username": user, "role": role, "roles": [role], "agency_id": agency}


def test_no_authorization_header_is_a_401_asking_to_sign_in(client, staff):
    status, body = me(client, JSON)
    assert_401(status, body, "auth_required")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "Bearer abc", "token"])
def test_malformed_authorization_is_a_401(client, staff, header):
    status, body = me(client, {"Authorization": header})
    assert_401(status, body, "invalid_token")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_token_whose_claims_were_changed_fails_its_signature(client, staff):
    header, payload, signature = staff.token("officer").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["custom:agency_id"] = "ubnd-22015"
    claims["cognito:groups"] = ["ioc_operator"]
    status, body = me(client, bearer(f"{header}.{_b64(claims)}.{signature}"))
    assert_401(status, body, "invalid_token")


def test_an_unsigned_token_is_refused(client, staff):
    _, payload, _ = staff.token("ioc").split(".")
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    status, body = me(client, bearer(forged))
    assert_401(status, body, "invalid_token")


def test_an_access_token_is_refused_because_only_id_tokens_carry_the_agency(client, staff):
    status, body = me(client, bearer(staff.token("officer", kind="AccessToken")))
    assert_401(status, body, "invalid_token")


def test_a_token_for_another_app_client_of_the_pool_is_refused(client, staff):
    other = staff.idp.create_user_pool_client(UserPoolId=staff.pool_id, ClientName="someone-elses-app")
    from devstack.staff import sign_in

    token = sign_in(staff.idp, staff.pool_id, other["UserPoolClient"]["ClientId"], "ioc", PASSWORD)["IdToken"]
    status, body = me(client, bearer(token))
    assert_401(status, body, "invalid_token")


def test_a_token_from_another_user_pool_is_refused_by_its_issuer(client, staff):
    from devstack.staff import create_staff_user, sign_in

    idp = boto3.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="another-province-staff")["UserPool"]["Id"]
    idp.create_group(UserPoolId=pool, GroupName="ioc_operator")
    app_client = idp.create_user_pool_client(UserPoolId=pool, ClientName="console")["UserPoolClient"]["ClientId"]
    create_staff_user(idp, pool, "intruder", PASSWORD, "ioc_operator", "ioc")
    token = sign_in(idp, pool, app_client, "intruder", PASSWORD)["IdToken"]
    status, body = me(client, bearer(token))
    assert_401(status, body, "invalid_token")


def test_a_user_in_no_staff_group_is_signed_in_but_forbidden(client, staff):
    staff.idp.admin_create_user(UserPoolId=staff.pool_id, Username="citizen.like", MessageAction="SUPPRESS",
                                TemporaryPassword=PASSWORD)
    staff.idp.admin_set_user_password(UserPoolId=staff.pool_id, Username="citizen.like", Password=PASSWORD,
                                      Permanent=True)
    status, body = me(client, staff.headers("citizen.like"))
    assert status == 403 and body["code"] == "not_staff"


def test_an_expired_token_is_refused_with_its_own_code(province, staff, jwks_server):
    settings = Settings.from_env()
    token = staff.token("ioc")
    keys = JwksKeys(jwks_url_of(settings))
    now = datetime.now(UTC)
    fresh = StaffAuthenticator(settings, keys=keys, clock=lambda: now)
    assert fresh.authenticate(f"Bearer {token}").id == "ioc"
    later = StaffAuthenticator(settings, keys=keys, clock=lambda: now + timedelta(hours=2))
    with pytest.raises(Unauthenticated) as err:
        later.authenticate(f"Bearer {token}")
    assert err.value.code == "token_expired"


def test_keys_are_fetched_once_per_process_and_again_only_for_an_unknown_key(province, staff, jwks_server):
    settings = Settings.from_env()
    fetched: list[str] = []
    ticks = iter([0.0, 1.0, 2.0, 120.0, 120.0])

    def counting_fetch(url):
        fetched.append(url)
        return fetch_json(url)

    keys = JwksKeys(jwks_url_of(settings), fetch=counting_fetch, monotonic=lambda: next(ticks))
    auth = StaffAuthenticator(settings, keys=keys)
    for user in ("ioc", "officer", "lead", "admin"):
        auth.authenticate(f"Bearer {staff.token(user)}")
    assert len(fetched) == 1 and fetched[0].endswith(f"/{staff.pool_id}/.well-known/jwks.json")
    assert keys.get("rotated-key") is None  # an unknown key id within a minute of the last fetch: no fetch
    assert keys.get("rotated-key") is None
    assert keys.get("rotated-key") is None  # two minutes on: one more fetch (rotation is picked up)
    assert len(fetched) == 2


def test_a_prefetch_fetches_the_keys_once_in_the_background_and_the_first_check_waits_for_it(
        province, staff, jwks_server):
    import threading

    settings = Settings.from_env()
    fetched: list[str] = []
    release = threading.Event()

    def slow_fetch(url):
        fetched.append(threading.current_thread().name)
        release.wait(5)  # the keys are still travelling when the check starts
        return fetch_json(url)

    keys = JwksKeys(jwks_url_of(settings), fetch=slow_fetch)
    keys.prefetch()
    keys.prefetch()  # a second request while the first fetch runs starts nothing
    auth = StaffAuthenticator(settings, keys=keys)
    threading.Timer(0.2, release.set).start()
    assert auth.authenticate(f"Bearer {staff.token('ioc')}").id == "ioc"
    keys.prefetch()  # fetched already: nothing
    assert fetched == ["jwks-prefetch"]


def test_a_failed_prefetch_is_logged_and_the_token_refused_not_a_500(province, staff, jwks_server):
    settings = Settings.from_env()
    keys = JwksKeys(jwks_url_of(settings), fetch=lambda url: (_ for _ in ()).throw(OSError("unreachable")))
    keys.prefetch()
    with pytest.raises(Unauthenticated):
        StaffAuthenticator(settings, keys=keys).authenticate(f"Bearer {staff.token('ioc')}")


def test_a_staff_request_prefetches_the_keys_and_a_citizen_request_does_not(client, staff):
    from chalicelib import container

    assert client.http.get("/categories").status_code == 200
    assert container.services().__dict__.get("staff_keys") is None  # not built for a public request
    status, _ = me(client, staff.headers("ioc"))
    assert status == 200
    assert container.staff_keys()._prefetch is not None


def test_the_jwks_address_follows_the_settings():
    pool = "ap-southeast-1_AbCdEf"
    aws = Settings.from_env({"STAFF_USER_POOL_ID": pool, "STAFF_CLIENT_IDS": "a, b"})
    assert aws.staff_client_ids == ("a", "b")
    assert issuer_of(aws) == f"https://cognito-idp.ap-southeast-1.amazonaws.com/{pool}"
    assert jwks_url_of(aws) == f"https://cognito-idp.ap-southeast-1.amazonaws.com/{pool}/.well-known/jwks.json"
    local = Settings.from_env({"STAFF_USER_POOL_ID": pool, "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})
    assert jwks_url_of(local) == f"http://127.0.0.1:5000/{pool}/.well-known/jwks.json"
    assert issuer_of(local) == issuer_of(aws)  # moto's tokens name the AWS host
    pinned = Settings.from_env({"STAFF_USER_POOL_ID": pool, "STAFF_JWKS_URL": "http://keys.local/jwks.json"})
    assert jwks_url_of(pinned) == "http://keys.local/jwks.json"


def test_without_a_configured_pool_every_token_is_refused(staff):
    auth = StaffAuthenticator(Settings.from_env({}))
    with pytest.raises(Unauthenticated):
        auth.authenticate(f"Bearer {staff.token('ioc')}")


def test_the_local_stack_seeds_demo_staff_and_make_token_signs_them_in(jwks_server, capsys):
    """Against a moto server over HTTP, as `make run` and `make token` use it (no in-process mock)."""
    from devstack.provision import provision
    from devstack.staff import seed_demo_staff
    from devstack.token import main as token_main

    stack = provision("tokendemo", endpoint_url=jwks_server)
    logins = seed_demo_staff(stack, jwks_server, province="daklak")
    roles = sorted(login["role"] for login in logins)
    # two wards with a lead and an officer each, plus an officer for the banner example's ward (ubnd-24133)
    assert roles == ["agency_lead", "agency_lead", "agency_officer", "agency_officer", "agency_officer",
                     "hotline_operator", "ioc_operator", "province_admin"]
    wards = {login["agency"] for login in logins if login["role"].startswith("agency_")}
    assert len(wards) == 3 and all(w.startswith("ubnd-") for w in wards) and "ubnd-24133" in wards
    assert seed_demo_staff(stack, jwks_server, province="daklak") == logins  # safe to run twice

    capsys.readouterr()
    assert token_main(["ward2.lead", "--stage", "tokendemo", "--endpoint-url", jwks_server]) == 0
    token = capsys.readouterr().out.strip()
    env = {**stack.environment, "AWS_ENDPOINT_URL": jwks_server}
    actor = StaffAuthenticator(Settings.from_env(env)).authenticate(f"Bearer {token}")
    ward2 = next(login for login in logins if login["username"] == "ward2.lead")
    assert actor.id == "ward2.lead" and actor.roles == {"agency_lead"} and actor.agency_id == ward2["agency"]
    assert token_main(["nobody", "--stage", "tokendemo", "--endpoint-url", jwks_server]) == 1
