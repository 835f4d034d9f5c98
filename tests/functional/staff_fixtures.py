"""Fixtures for staff tests: a JWKS over HTTP, users of every role, AWS call counting, atomic moto requests.

Load them in a test module with `pytest_plugins = ["staff_fixtures"]`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from staff_helpers import USERS, CallCounter, Staff


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[str]:
    """A moto server on a free port, serving Cognito's JWKS over real HTTP (the backend is shared in-process)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def staff(province, jwks_server, monkeypatch: pytest.MonkeyPatch) -> Staff:
    """Users of every role in the provisioned pool; the app verifies their tokens against the moto server's JWKS."""
    import boto3

    from chalicelib import container

    pool_id = province.environment["STAFF_USER_POOL_ID"]
    monkeypatch.setenv("STAFF_JWKS_URL", f"{jwks_server}/{pool_id}/.well-known/jwks.json")
    container.reset()
    people = Staff(pool_id, province.environment["STAFF_CLIENT_IDS"], boto3.client("cognito-idp"))
    for username, (role, agency) in USERS.items():
        people.add(username, role, agency)
    return people


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> CallCounter:
    """Counts botocore API calls (a wrapper of BaseClient._make_api_call; the calls still go to moto)."""
    from botocore.client import BaseClient

    counter = CallCounter()
    original = BaseClient._make_api_call

    def counted(self: Any, operation_name: str, api_params: dict) -> Any:
        counter(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return counter


@pytest.fixture
def serialised_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each in-process moto request atomic, as each DynamoDB request is on AWS.

    moto's in-memory DynamoDB is not thread-safe: a transaction checks its
    conditions and writes in separate steps, and a cancelled one restores a
    copy of the whole table, which can undo a concurrent winner. DynamoDB
    itself serialises conflicting requests; this lock gives moto the same
    guarantee, while the races our code must handle (read, decide, write)
    still happen between requests.
    """
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.RLock()
    original = BotocoreStubber.__call__

    def atomic(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", atomic)
