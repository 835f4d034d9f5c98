"""The staff user pool as an administrator changes it (Cognito's Admin* calls), for services/staff_admin.py."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.adapters.aws import AwsAdapter
from chalicelib.ports import StaffExists, UnknownStaff
from chalicelib.rules.actors import STAFF_ROLES
from chalicelib.rules.directory import StaffEntry, staff_role


class CognitoDirectory(AwsAdapter):
    """The StaffDirectoryPort over boto3's cognito-idp client, for the stage's staff pool."""

    service = "cognito-idp"

    @property
    def pool_id(self) -> str:
        return self._settings.staff_user_pool_id

    def subject_of(self, username: str) -> str:
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool_id, Username=username)
        except self.client.exceptions.UserNotFoundException as exc:
            raise UnknownStaff(username) from exc
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return str(attributes.get("sub") or user["Username"])

    def disable(self, username: str) -> None:
        self.client.admin_disable_user(UserPoolId=self.pool_id, Username=username)

    def enable(self, username: str) -> None:
        self.client.admin_enable_user(UserPoolId=self.pool_id, Username=username)

    def groups_of(self, username: str) -> list[str]:
        answer = self.client.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=username, Limit=60)
        return [g["GroupName"] for g in answer.get("Groups", [])]

    def add_to_group(self, username: str, group: str) -> None:
        self.client.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=group)

    def remove_from_group(self, username: str, group: str) -> None:
        self.client.admin_remove_user_from_group(UserPoolId=self.pool_id, Username=username, GroupName=group)

    def sign_out_everywhere(self, username: str) -> None:
        self.client.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=username)

    # -- the directory: who a user is, all users, invitations, agencies --------------------------------

    def user(self, username: str) -> StaffEntry:
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool_id, Username=username)
        except self.client.exceptions.UserNotFoundException as exc:
            raise UnknownStaff(username) from exc
        return _entry(user["Username"], user.get("UserAttributes", []), bool(user.get("Enabled", True)),
                      user.get("UserStatus"), staff_role(self.groups_of(username)))

    def users(self) -> Iterator[StaffEntry]:
        """Every user of the pool: ListUsers (60 a page), and one ListUsersInGroup per staff role for the roles."""
        roles: dict[str, str] = {}
        for role in reversed(STAFF_ROLES):  # highest precedence last: it wins
            for page in self.client.get_paginator("list_users_in_group").paginate(
                    UserPoolId=self.pool_id, GroupName=role, PaginationConfig={"PageSize": 60}):
                roles.update({u["Username"]: role for u in page.get("Users", [])})
        for page in self.client.get_paginator("list_users").paginate(
                UserPoolId=self.pool_id, PaginationConfig={"PageSize": 60}):
            for u in page.get("Users", []):
                yield _entry(u["Username"], u.get("Attributes", []), bool(u.get("Enabled", True)),
                             u.get("UserStatus"), roles.get(u["Username"]))

    def create(self, entry: StaffEntry) -> None:
        attributes = [{"Name": "email", "Value": entry.email or ""}, {"Name": "email_verified", "Value": "true"}]
        if entry.name:
            attributes.append({"Name": "name", "Value": entry.name})
        if entry.agency_id:
            attributes.append({"Name": AGENCY_ATTRIBUTE, "Value": entry.agency_id})
        try:
            self.client.admin_create_user(UserPoolId=self.pool_id, Username=entry.username,
                                          UserAttributes=attributes, DesiredDeliveryMediums=["EMAIL"])
        except self.client.exceptions.UsernameExistsException as exc:
            raise StaffExists(entry.username) from exc
        if entry.role:
            self.add_to_group(entry.username, entry.role)

    def set_agency(self, username: str, agency_id: str | None) -> None:
        if agency_id:
            self.client.admin_update_user_attributes(
                UserPoolId=self.pool_id, Username=username,
                UserAttributes=[{"Name": AGENCY_ATTRIBUTE, "Value": agency_id}])
        else:
            self.client.admin_delete_user_attributes(UserPoolId=self.pool_id, Username=username,
                                                     UserAttributeNames=[AGENCY_ATTRIBUTE])


AGENCY_ATTRIBUTE = "custom:agency_id"


def _entry(username: str, attributes: list[dict[str, str]], enabled: bool, status: str | None,
           role: str | None) -> StaffEntry:
    values = {a["Name"]: a["Value"] for a in attributes}
    return StaffEntry(username=username, email=values.get("email") or None, name=values.get("name") or None,
                      role=role, agency_id=values.get(AGENCY_ATTRIBUTE) or None, enabled=enabled, status=status)
