"""The e-mail inbox's entry point: SES stored a message under `inbound/` and notified the inbound-mail topic.

SNS invokes the function asynchronously (Lambda retries a raised error twice): only a failure worth a retry
(S3 or DynamoDB trouble) raises; a message that cannot become a report is answered or dropped by
services/inbox.py, and a notification that is not SES's Received shape is logged and ignored.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import container
from chalicelib.handlers.sources import INBOUND_MAIL_TOPIC, INBOX_FUNCTION
from chalicelib.observability import lambda_context, logged_event, logger

if TYPE_CHECKING:
    from chalice.app import SNSEvent

bp = Blueprint(__name__)


@bp.on_sns_message(topic=INBOUND_MAIL_TOPIC, name=INBOX_FUNCTION)
@logged_event("sns")
def read_inbound_mail(event: SNSEvent) -> dict[str, Any]:
    from pydantic import ValidationError

    from chalicelib.schemas.inbox import SesReceived

    try:
        notification = SesReceived.model_validate(json.loads(event.message))
    except (ValueError, ValidationError, TypeError):
        logger.warning("inbound mail topic: not an SES notification; ignored")
        return {"outcome": "ignored", "reason": "not_ses"}
    if notification.notification_type != "Received":
        logger.info("inbound mail topic: not a received message; ignored",
                    extra={"type": notification.notification_type[:40]})
        return {"outcome": "ignored", "reason": "not_received"}
    return container.inbox().receive(notification, lambda_context(event))
