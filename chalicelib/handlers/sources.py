"""Where the event handlers listen: names Chalice needs at decoration time.

Chalice reads event-source names when the decorators run, so they are read
here once, from the settings module (config.EventSources); the local event
runner matches handlers by these names.
"""

from __future__ import annotations

from chalicelib.config import (
    API_FUNCTION,
    CLOSE_FUNCTION,
    DIGEST_FUNCTION,
    INBOX_FUNCTION,
    NOTIFY_FUNCTION,
    RETENTION_FUNCTION,
    STATS_FUNCTION,
    SWEEP_FUNCTION,
    THUMBNAIL_FUNCTION,
    ZALO_FUNCTION,
    EventSources,
)

_SOURCES = EventSources.from_env()
STAGE = _SOURCES.stage
THUMBNAIL_QUEUE = _SOURCES.thumbnail_queue
REPORTS_STREAM_ARN = _SOURCES.reports_stream_arn
SLA_SWEEP_MINUTES = _SOURCES.sla_sweep_minutes
INBOUND_MAIL_TOPIC = _SOURCES.inbound_mail_topic
ZALO_QUEUE = _SOURCES.zalo_queue

__all__ = [
    "API_FUNCTION", "CLOSE_FUNCTION", "DIGEST_FUNCTION", "INBOUND_MAIL_TOPIC", "INBOX_FUNCTION", "NOTIFY_FUNCTION",
    "REPORTS_STREAM_ARN", "RETENTION_FUNCTION",
    "SLA_SWEEP_MINUTES", "STAGE", "STATS_FUNCTION", "SWEEP_FUNCTION", "THUMBNAIL_FUNCTION", "THUMBNAIL_QUEUE",
    "ZALO_FUNCTION", "ZALO_QUEUE",
]
