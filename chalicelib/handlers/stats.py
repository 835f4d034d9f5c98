"""Agency statistics: kept from the reports' stream, shown on the public portal."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import container
from chalicelib.handlers.http import CORS, guarded, json_response
from chalicelib.handlers.sources import REPORTS_STREAM_ARN, STATS_FUNCTION

bp = Blueprint(__name__)


@bp.route("/public/stats", methods=["GET"], cors=CORS)
@guarded(bp)
def public_stats() -> Response:
    month = (bp.current_request.query_params or {}).get("month")
    return json_response(container.statistics().month_view(month), headers={"Cache-Control": "public, max-age=300"})


@bp.on_dynamodb_record(stream_arn=REPORTS_STREAM_ARN, name=STATS_FUNCTION)
def update_statistics(event: Any) -> dict[str, Any]:
    """Each record once (by event id); a failing record is reported back, the rest of the batch is kept."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    from chalicelib.storage.stats import stream_change

    service = container.statistics()
    return process_partial_response(
        event=event.to_dict(),
        record_handler=lambda record: service.record(*stream_change(record.raw_event)),
        processor=BatchProcessor(event_type=EventType.DynamoDBStreams),
        context=event.context,
    )
