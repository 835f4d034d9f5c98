"""Exactly-once intake: Powertools idempotency on a DynamoDB table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.adapters.aws import aws_client
from chalicelib.config import Settings
from chalicelib.rules.errors import Conflict, Unprocessable

REPLAYED = "__replayed__"


class IdempotentRunner:
    """Runs a function once per key; a retry with the same key gets the stored answer.

    The same key with a different payload is refused (422) rather than
    silently answered with another report.
    """

    def __init__(self, settings: Settings, persistence: Any = None) -> None:
        self._settings = settings
        self._persistence = persistence
        self._run: Callable[..., dict[str, Any]] | None = None
        self._config: Any = None

    def _build(self) -> Callable[..., dict[str, Any]]:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        s = self._settings
        persistence = self._persistence or DynamoDBPersistenceLayer(
            table_name=s.idempotency_table,
            boto3_client=aws_client("dynamodb", s),
        )
        self._config = config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            expires_after_seconds=s.idempotency_ttl_seconds,
            raise_on_no_idempotency_key=True,
            response_hook=lambda response, _record: {**response, REPLAYED: True},
        )

        @idempotent_function(data_keyword_argument="envelope", persistence_store=persistence, config=config)
        def run(envelope: dict[str, Any], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
            return action()

        return run

    def once(
        self, key: str, payload: dict[str, Any], action: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict, bool]:
        """(answer, replayed): the action's answer, run at most once for this key.

        With the Lambda context, an in-progress record expires with the
        invocation, so a timed-out attempt can be retried at once.
        """
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        if self._run is None:
            self._run = self._build()
        if lambda_context is not None:
            self._config.register_lambda_context(lambda_context)
        try:
            answer = self._run(envelope={"key": key, "payload": payload}, action=action)
        except IdempotencyValidationError as exc:
            raise Unprocessable("idempotency_key_reused", "Idempotency-Key") from exc
        except IdempotencyAlreadyInProgressError as exc:
            raise Conflict("request_in_progress", "Idempotency-Key") from exc
        replayed = bool(answer.pop(REPLAYED, False))
        return answer, replayed
