"""Staff directory API (the province admin only): list, invite, disable, enable, move, audit, reconcile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, query, read_json, route

if TYPE_CHECKING:
    from chalicelib.rules.actors import Actor
    from chalicelib.services.staff_admin import Revoked

bp = Blueprint(__name__)


def _actor() -> Actor:
    return container.staff_auth().authenticate(header(bp.current_request, "authorization"))


@route(bp, "/staff/directory/users", ["GET"])
def list_staff() -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.directory import DirectoryQuery
    from chalicelib.views.directory import directory_page

    actor = _actor()
    q = parse_body(query(bp.current_request), DirectoryQuery)
    entries, cursor = container.staff_admin().directory_page(actor, q.agency, q.limit, q.cursor)
    return json_response(directory_page(entries, cursor))


@route(bp, "/staff/directory/users", ["POST"])
def invite_staff() -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.directory import InviteBody
    from chalicelib.views.directory import directory_change

    actor = _actor()
    body = parse_body(read_json(bp.current_request.raw_body), InviteBody)
    entry, created = container.staff_admin().invite(actor, body.username, body.email, body.name, body.role,
                                                    body.agency_id)
    return json_response(directory_change("invite", entry, created=created), 201 if created else 200)


@route(bp, "/staff/directory/users/{username}/disable", ["POST"])
def disable_staff(username: str) -> Response:
    actor = _actor()
    return _changed("disable", container.staff_admin().disable(username, by=actor))


@route(bp, "/staff/directory/users/{username}/enable", ["POST"])
def enable_staff(username: str) -> Response:
    actor = _actor()
    return _changed("enable", container.staff_admin().enable(username, by=actor))


@route(bp, "/staff/directory/users/{username}/move", ["POST"])
def move_staff(username: str) -> Response:
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.directory import MoveBody

    actor = _actor()
    body = parse_body(read_json(bp.current_request.raw_body), MoveBody)
    return _changed("move", container.staff_admin().move(username, body.role, body.agency_id, by=actor))


def _changed(action: str, done: Revoked) -> Response:
    """A change to an existing account: the user now, and since when their older sign-ins are refused."""
    from chalicelib.views.directory import directory_change

    assert done.entry is not None  # the container's service keeps the index, so it answers the entry
    return json_response(directory_change(action, done.entry, created=False, tokens_refused_before=done.at))


@route(bp, "/staff/directory/audit", ["GET"])
def directory_audit() -> Response:
    from chalicelib.rules.calendar import VN_TZ
    from chalicelib.schemas.common import parse_body
    from chalicelib.schemas.directory import AuditQuery
    from chalicelib.views.directory import audit_month

    actor = _actor()
    q = parse_body(query(bp.current_request), AuditQuery)
    month = q.month or container.services().clock().astimezone(VN_TZ).strftime("%Y-%m")
    return json_response(audit_month(month, container.staff_admin().audit(actor, month, q.limit)))


@route(bp, "/staff/directory/reconcile", ["POST"])
def reconcile_directory() -> Response:
    from chalicelib.views.directory import reconciled

    actor = _actor()
    done = container.staff_admin().reconcile(by=actor)
    return json_response(reconciled(done.written, done.dropped, done.unchanged))
