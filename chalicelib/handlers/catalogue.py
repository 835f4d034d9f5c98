"""What a client reads first: the service's health and the province's categories."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import json_response, route

bp = Blueprint(__name__)


@route(bp, "/health", ["GET"])
def health() -> Response:
    from chalicelib.views import catalogue as views

    return json_response(views.health(container.profile()))


@route(bp, "/categories", ["GET"])
def categories() -> Response:
    from chalicelib.views import catalogue as views

    return json_response(views.categories(container.profile()))
