"""The reports stream's two consumers: notices (services/notify.py) and agency statistics (services/stats.py).

Each record is decoded once (storage/stream.py, through the container) into
the report before and after the change. Partial batch responses (Powertools
BatchProcessor): a record that cannot be read, or whose notices were
refused, is listed in `batchItemFailures` alone; Lambda redelivers from the
first failed record on, and the records after it that were already handled
are recognised by their eventID and change nothing again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from chalice import Blueprint

from chalicelib import container
from chalicelib.handlers.sources import NOTIFY_FUNCTION, REPORTS_STREAM_ARN, STATS_FUNCTION
from chalicelib.observability import lambda_context, logged_event, logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from chalice.app import DynamoDBEvent

bp = Blueprint(__name__)
# A record that fails alone is logged (WARNING, with its traceback) by the batch processor: without a logger
# Powertools keeps the exception at DEBUG and the record only shows as an itemIdentifier in batchItemFailures.
_RECORD_ERRORS = cast(logging.Logger, logger)


@bp.on_dynamodb_record(stream_arn=REPORTS_STREAM_ARN, batch_size=100, starting_position="LATEST", name=NOTIFY_FUNCTION)
@logged_event("dynamodb")
def notify_report_changes(event: DynamoDBEvent) -> PartialItemFailureResponse:
    """Stage every record (a bad one fails alone), send all notices together, report what must be retried."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType  # not on the API's cold start

    from chalicelib.rules.nearby import carried_to  # with the province profile: not on every function's import

    fanout = container.notifier().batch(event.context)

    def stage(record: DynamoDBRecord) -> int:
        change = container.stream_change(record.raw_event)
        merged = change.new
        into = carried_to(change.old, merged) if merged is not None else None
        if merged is not None and into is not None:  # its supporters follow it (a retry redoes this, harmlessly)
            container.support().carry_over(merged, into)
        return fanout.stage(change.event_id, change.old, change.new, record)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False,
                               logger=_RECORD_ERRORS)
    with processor(event.to_dict()["Records"], handler=stage):
        processor.process()
        for record, error in fanout.flush():
            processor.failure_handler(record, (type(error), error, error.__traceback__))
    return processor.response()


@bp.on_dynamodb_record(stream_arn=REPORTS_STREAM_ARN, name=STATS_FUNCTION)
@logged_event("dynamodb")
def update_statistics(event: DynamoDBEvent) -> PartialItemFailureResponse:
    """Each record once (by event id); a failing record is reported back, the rest of the batch is kept."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    service = container.statistics()

    def count(record: DynamoDBRecord) -> bool:
        change = container.stream_change(record.raw_event)
        return service.record(change.event_id, change.old, change.new)

    return process_partial_response(event=event.to_dict(), record_handler=count,
                                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams,
                                                             logger=_RECORD_ERRORS),
                                    context=lambda_context(event))
