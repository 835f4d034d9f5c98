"""The thumbnailer's entry point: S3 `raw/` uploads arrive as SQS messages (services/media.py does the work).

Partial batch response (Powertools BatchProcessor): a message whose processing raised (S3 or DynamoDB
trouble) is listed alone in `batchItemFailures` and comes back after the visibility timeout; the others are
deleted. Hostile files never raise, they end `rejected`. The event source mapping's ReportBatchItemFailures
is set in infra/, since Chalice does not package it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from chalice import Blueprint

from chalicelib import container
from chalicelib.handlers.sources import THUMBNAIL_FUNCTION, THUMBNAIL_QUEUE
from chalicelib.observability import lambda_context, logged_event, logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from chalice.app import SQSEvent

    from chalicelib.ports import Upload

bp = Blueprint(__name__)


def uploads_in(body: str) -> list[Upload]:
    """The created objects an SQS message from S3 names; S3's test event and other events name none."""
    from chalicelib.ports import Upload

    try:
        message = json.loads(body)
    except ValueError:
        logger.warning("thumbnail queue: message is not JSON; ignored")
        return []
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return []
    uploads = []
    for record in message.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        obj = s3.get("object") or {}
        if obj.get("key"):
            uploads.append(Upload(s3.get("bucket", {}).get("name", ""), unquote_plus(obj["key"]),
                                  obj.get("versionId") or None))
    return uploads


@bp.on_sqs_message(queue=THUMBNAIL_QUEUE, batch_size=5, name=THUMBNAIL_FUNCTION)
@logged_event("sqs")
def make_thumbnails(event: SQSEvent) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    service = container.media()

    def handle(record: SQSRecord) -> list[str]:
        attempt = int(record.attributes.approximate_receive_count or 1)
        return service.handle_uploads(uploads_in(record.body), attempt)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event.to_dict(), record_handler=handle, processor=processor,
                                    context=lambda_context(event))
