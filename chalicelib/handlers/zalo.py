"""The Zalo OA channel's entry points: the webhook Zalo calls, and the queue's handler that does the work.

The webhook answers within Zalo's ~2 s: it checks the signature and queues the event (services/zalo.py).
`handle_zalo_messages` takes the FIFO queue's messages with a partial batch response (Powertools
BatchProcessor): a message whose handling raised is listed in `batchItemFailures` and comes back; the
queue moves it to its dead-letter queue after 5 receives. The mapping's ReportBatchItemFailures is set in
infra/, since Chalice does not package it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import header, json_response, read_json, route
from chalicelib.handlers.sources import ZALO_FUNCTION, ZALO_QUEUE
from chalicelib.observability import lambda_context, logged_event

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from chalice.app import SQSEvent

bp = Blueprint(__name__)


@route(bp, "/channels/zalo/webhook", ["POST"])
def zalo_webhook() -> Response:
    request = bp.current_request
    raw = request.raw_body or b""
    body = read_json(raw)
    answer = container.zalo_webhook().receive(raw, body, header(request, "x-zevent-signature"))
    return json_response(answer)


@bp.on_sqs_message(queue=ZALO_QUEUE, batch_size=10, name=ZALO_FUNCTION)
@logged_event("sqs")
def handle_zalo_messages(event: SQSEvent) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    service = container.zalo_conversations()
    context = lambda_context(event)

    def handle(record: SQSRecord) -> str:
        return service.handle(record.body, context).status

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event.to_dict(), record_handler=handle, processor=processor,
                                    context=context)
