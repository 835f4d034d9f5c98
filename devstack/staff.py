"""Demo staff for the local stack: one of each role, in moto's Cognito, with known passwords.

`make run` calls `seed_demo_staff` after provisioning a stage and prints the
log-ins (with each user's e-mail address: the staff directory routes their
agency's notices there, and the local inbox reader shows them);
`make token USER=<name>` (devstack/token.py) signs one of them in.
The officers and leads belong to two different ward People's Committees, so
what one agency may not see of the other's reports can be tried by hand.
The tests reuse `create_staff_user` and `sign_in` to make users under moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "PhanAnh-Demo-2026"  # 12+ characters, upper, lower, digits: the pool's policy
POOL_LOGICAL_ID = "StaffUserPool"
CLIENT_LOGICAL_ID = "StaffConsoleClient"
IOC_AGENCY = "ioc"


def create_staff_user(idp: Any, pool_id: str, username: str, password: str, role: str,
                      agency_id: str | None = None, email: str | None = None) -> None:
    """A confirmed user with a permanent password, in `role`'s group; safe to repeat."""
    attributes = [{"Name": "custom:agency_id", "Value": agency_id}] if agency_id else []
    if email:
        attributes += [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    try:
        idp.admin_create_user(UserPoolId=pool_id, Username=username, UserAttributes=attributes,
                              TemporaryPassword=password, MessageAction="SUPPRESS")
    except idp.exceptions.UsernameExistsException:
        if attributes:
            idp.admin_update_user_attributes(UserPoolId=pool_id, Username=username, UserAttributes=attributes)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=role)


def sign_in(idp: Any, pool_id: str, client_id: str, username: str, password: str) -> dict[str, Any]:
    """Cognito's AuthenticationResult (IdToken, AccessToken, RefreshToken, ExpiresIn) for a user."""
    answer = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return answer["AuthenticationResult"]


def province_of_stage(stage: str) -> str:
    """The province a stage serves, as .chalice/config.json sets it (the stage name otherwise)."""
    try:
        config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
        return config["stages"][stage]["environment_variables"]["PROVINCE"]
    except (OSError, KeyError, ValueError):
        return stage


def example_ward_agency(profile: Any, province: str) -> Any:
    """The ward committee of the banner's example report, if the profile has one."""
    from devstack.stack import example_report

    ward = example_report(province)["ward_code"]
    return next((a for a in profile.agencies if a.kind == "ward_people_committee" and a.id == f"ubnd-{ward}"), None)


def demo_users(province: str) -> list[dict[str, Any]]:
    """Who the demo has: the IOC, an officer and a lead for each of two wards, the admin and a hotline operator."""
    from chalicelib.provinces import load_profile

    profile = load_profile(province)
    wards = [a for a in profile.agencies if a.kind == "ward_people_committee"][:2]
    users: list[dict[str, Any]] = [{"username": "ioc.operator", "role": "ioc_operator", "agency": IOC_AGENCY}]
    for n, agency in enumerate(wards, start=1):
        users += [
            {"username": f"ward{n}.officer", "role": "agency_officer", "agency": agency.id, "name": agency.name_vi},
            {"username": f"ward{n}.lead", "role": "agency_lead", "agency": agency.id, "name": agency.name_vi},
        ]
    example = example_ward_agency(profile, province)
    if example is not None and example.id not in {a.id for a in wards}:  # someone can see the banner's report
        users.append({"username": "example.officer", "role": "agency_officer", "agency": example.id,
                      "name": example.name_vi})
    users.append({"username": "province.admin", "role": "province_admin", "agency": None})
    users.append({"username": "hotline.operator", "role": "hotline_operator", "agency": None})
    return users


def demo_email(username: str, province: str) -> str:
    """A demo user's address: the local stack's SES keeps what is sent to it (`make inbox` shows it)."""
    return f"{username}@{province}.example.gov.vn"


def seed_demo_staff(stack: Any, endpoint_url: str, province: str | None = None) -> list[dict[str, Any]]:
    """Create the demo users in the stage's pool and the directory index; their log-ins to print.

    Each has an e-mail address, so the assignment and overdue notices of their agency reach them
    (the index is rebuilt from the pool, as `make staff-admin ARGS=sync-directory` does).
    """
    import boto3

    province = province or province_of_stage(stack.stage)
    idp = boto3.client("cognito-idp", region_name=stack.region, endpoint_url=endpoint_url)
    pool_id = stack.names[POOL_LOGICAL_ID]
    logins = []
    for user in demo_users(province):
        email = demo_email(user["username"], province)
        create_staff_user(idp, pool_id, user["username"], DEMO_PASSWORD, user["role"], user["agency"], email)
        login = {"username": user["username"], "password": DEMO_PASSWORD, "role": user["role"],
                 "agency": user["agency"] or "-", "email": email}
        if user.get("name"):
            login["agency_name"] = user["name"]
        logins.append(login)
    index_demo_staff(stack, endpoint_url, province)
    return logins


def index_demo_staff(stack: Any, endpoint_url: str, province: str) -> None:
    """Bring the stage's directory index in step with its pool (the same reconcile the API runs)."""
    from chalicelib import container
    from chalicelib.config import Settings

    env = {**stack.environment, "STAGE": stack.stage, "PROVINCE": province, "AWS_REGION": stack.region,
           "AWS_ENDPOINT_URL": endpoint_url}
    container.build(Settings.from_env(env)).staff_admin.reconcile()
