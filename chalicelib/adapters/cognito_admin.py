"""The staff user pool as an administrator changes it (Cognito's Admin* calls), for services/staff_admin.py."""

from __future__ import annotations

from chalicelib.adapters.aws import AwsAdapter
from chalicelib.ports import UnknownStaff


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
