"""PynamoDB plumbing every store shares: its connection, "did a condition fail?", plain values.

One answer per question, so a store never decides in its own way whether a
write lost a race or what a DynamoDB number becomes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import pynamodb.connection.base
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model

from chalicelib.adapters.aws import botocore_session

CONDITION_FAILED = "ConditionalCheckFailedException"
MAX_PARTITION_KEY_BYTES = 2048  # DynamoDB refuses a longer partition key value, and an empty one


def storable_key(value: str) -> bool:
    """Whether DynamoDB can hold `value` as a partition key. A key it cannot hold names nothing stored, so a
    lookup by a person's id (a path segment: empty once trimmed, or very long) answers "not found" without the
    call, which DynamoDB would refuse with a ValidationException."""
    return 0 < len(value.encode("utf-8", "surrogatepass")) <= MAX_PARTITION_KEY_BYTES


class _PynamoSession:
    """The botocore session PynamoDB's connections get: the shared one, except that every connection is handed
    the same client for the same endpoint (PynamoDB opens a session and a client per model's connection, each
    client ~40 ms on a cold start). `forget_clients()` (storage/models.bind) starts afresh."""

    clients: ClassVar[dict[tuple[Any, ...], Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(botocore_session(), name)

    def create_client(self, service: str, region: str | None = None, endpoint_url: str | None = None,
                      config: Any = None) -> Any:
        key = (service, region, endpoint_url, repr(getattr(config, "_user_provided_options", None)))
        client = self.clients.get(key)
        if client is None:
            client = self.clients[key] = botocore_session().create_client(service, region, endpoint_url=endpoint_url,
                                                                          config=config)
        return client


def forget_clients() -> None:
    """The next PynamoDB call builds a new client (tests rebuild the container inside a new mock)."""
    _PynamoSession.clients.clear()


_PYNAMO_SESSION = _PynamoSession()
# PynamoDB has no setting for a session: its module-level factory is pointed at ours.
pynamodb.connection.base.get_session = lambda: _PYNAMO_SESSION


class ConnectionOf:
    """A store's transaction connection, opened on first use from its model's bound region and host."""

    def __init__(self, model: type[Model], connection: Connection | None = None) -> None:
        self._model = model
        self._connection = connection

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            meta = self._model.Meta
            self._connection = Connection(region=meta.region, host=meta.host)
        return self._connection


def condition_failed(exc: PynamoDBException) -> bool:
    """A single-item write refused because its condition no longer held."""
    return exc.cause_response_code == CONDITION_FAILED


def cancellation_codes(exc: TransactWriteError) -> list[str | None]:
    """Why each item of a cancelled transaction was refused, in the order PynamoDB sent them."""
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return [getattr(r, "code", None) if r is not None else None for r in reasons]


def transaction_lost(exc: TransactWriteError) -> bool:
    """Cancelled because a condition no longer held or a concurrent transaction won: a lost race, not an error."""
    return bool(set(cancellation_codes(exc)) & {"ConditionalCheckFailed", "TransactionConflict"})


def cancelled_by_condition(exc: TransactWriteError) -> bool:
    """Cancelled because one of its conditions failed (not because of a concurrent transaction)."""
    return "ConditionalCheckFailed" in cancellation_codes(exc)


def to_plain(value: Any) -> Any:
    """MapAttribute values (raw or nested) as plain Python values (DynamoDB numbers as int/float)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
