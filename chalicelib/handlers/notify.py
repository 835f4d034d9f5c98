"""The reports stream's fan-out: each change of state becomes notices, sent once (services/notify.py).

Partial batch response (Powertools BatchProcessor): a record that cannot be
read, or whose notices were refused, is listed in `batchItemFailures` alone.
Lambda then redelivers from the first failed record on; the records after it
that were already sent are recognised by their eventID and send nothing again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import container
from chalicelib.handlers.sources import NOTIFY_FUNCTION, REPORTS_STREAM_ARN

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from chalice.app import DynamoDBEvent

bp = Blueprint(__name__)


@bp.on_dynamodb_record(stream_arn=REPORTS_STREAM_ARN, batch_size=100, starting_position="LATEST", name=NOTIFY_FUNCTION)
def notify_report_changes(event: DynamoDBEvent) -> dict[str, Any]:
    """Stage every record (a bad one fails alone), send all notices together, report what must be retried."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType  # not on the API's cold start

    fanout = container.notifier().batch(event.context)

    def stage(record: DynamoDBRecord) -> int:
        raw = record.raw_event
        return fanout.stage(raw["eventID"], raw["dynamodb"].get("OldImage"), raw["dynamodb"].get("NewImage"), record)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    with processor(event.to_dict()["Records"], handler=stage):
        processor.process()
        for record, error in fanout.flush():
            processor.failure_handler(record, (type(error), error, error.__traceback__))
    return processor.response()
