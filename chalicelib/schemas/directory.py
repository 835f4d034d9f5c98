"""Request shapes of the staff directory (`/staff/directory/...`): shape and closed sets only.

Whether a role may sit in an agency is rules/directory.placement's business.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr

from chalicelib.rules.actors import STAFF_ROLES
from chalicelib.schemas.common import Body, CleanText, Code

# Cognito usernames are wider; ours are what a person can read out: "ward1.officer", "nguyen.van.an".
Username = Annotated[StrictStr, Field(min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
EmailAddress = Annotated[StrictStr, Field(min_length=6, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
StaffRole = Literal[STAFF_ROLES]  # type: ignore[valid-type]


class InviteBody(Body):
    """A new staff user; Cognito e-mails them a temporary password."""

    username: Username
    email: EmailAddress
    name: Annotated[CleanText, Field(min_length=1, max_length=100)]
    role: StaffRole
    agency_id: Code | None = None


class MoveBody(Body):
    """Another role and/or another agency (at least one)."""

    role: StaffRole | None = None
    agency_id: Code | None = None


class DirectoryQuery(Body):
    agency: Code | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[StrictStr, Field(max_length=2000)] | None = None


class AuditQuery(Body):
    month: Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 100
