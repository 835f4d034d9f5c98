"""Which notices of a stream record are still owed: Powertools idempotency records keyed on the eventID.

The notifier claims a record before sending (an in-progress record that
expires with the invocation), and settles it after with the keys of the
notices still undelivered (usually none). The record holds notice keys only
(e.g. "reporter_sms:published"), never a message or a phone number.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from chalicelib.adapters.aws import aws_client
from chalicelib.config import Settings
from chalicelib.ports import RecordBusy


class NoticeLedger:
    """The notifier's LedgerPort over Powertools' DynamoDB persistence layer (the stage's idempotency table)."""

    def __init__(self, settings: Settings, key_prefix: str, persistence: Any = None) -> None:
        self._settings = settings
        self._key_prefix = key_prefix  # the notifier function's name: its records never meet another's
        self._persistence = persistence
        self._configured = False

    @property
    def store(self) -> Any:
        if not self._configured:
            from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

            s = self._settings
            if self._persistence is None:

                self._persistence = DynamoDBPersistenceLayer(
                    table_name=s.idempotency_table,
                    boto3_client=aws_client("dynamodb", s),
                )
            config = IdempotencyConfig(
                event_key_jmespath="eventID",
                raise_on_no_idempotency_key=True,
                expires_after_seconds=s.idempotency_ttl_seconds,
            )
            self._persistence.configure(config, key_prefix=self._key_prefix)
            self._configured = True
        return self._persistence

    def claim(self, event_id: str, remaining_ms: int) -> frozenset[str] | None:
        """None if this is the record's first run; else the keys an earlier run left undelivered."""
        from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyItemAlreadyExistsError
        from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS

        data = {"eventID": event_id}
        try:
            self.store.save_inprogress(data=data, remaining_time_in_millis=remaining_ms)
            return None
        except IdempotencyItemAlreadyExistsError as exc:
            record = exc.old_data_record or self.store.get_record(data=data)
        if record.status != STATUS_CONSTANTS["COMPLETED"]:
            raise RecordBusy(event_id)
        return frozenset((record.response_json_as_dict() or {}).get("pending") or ())

    def settle(self, event_id: str, pending: Collection[str]) -> None:
        """Record what is still owed (nothing: the record is done; replays send nothing)."""
        self.store.save_success(data={"eventID": event_id}, result={"pending": sorted(pending)})
