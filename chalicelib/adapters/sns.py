"""SNS: topic alerts in batches of ten, and SMS to one phone; the client is built on first use."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.aws import AwsAdapter
from chalicelib.ports import TopicEntry

# Transactional SMS are delivered with priority (and outside quiet-hours rules), as a receipt should be.
SMS_ATTRIBUTES = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


class SnsAlerts(AwsAdapter):
    """The notifier's TopicsPort over boto3's SNS client."""

    service = "sns"

    def publish_batch(self, topic_arn: str, entries: Sequence[TopicEntry]) -> list[dict[str, Any]]:
        """One PublishBatch call (at most 10 entries); answers SNS's per-entry `Failed` list."""
        answer = self.client.publish_batch(
            TopicArn=topic_arn,
            PublishBatchRequestEntries=[
                {
                    "Id": e.id,
                    "Subject": ascii_subject(e.subject),
                    "Message": e.text,
                    "MessageAttributes": {
                        k: {"DataType": "String", "StringValue": v} for k, v in e.attributes.items()
                    },
                }
                for e in entries
            ],
        )
        return list(answer.get("Failed", []))

    def send_sms(self, phone: str, text: str) -> str:
        """One SMS to an E.164 number; answers SNS's message id."""
        return self.client.publish(PhoneNumber=phone, Message=text, MessageAttributes=SMS_ATTRIBUTES)["MessageId"]


def ascii_subject(subject: str, limit: int = 99) -> str:
    """An SNS Subject: ASCII only, one line, under 100 characters ('Phản ánh' -> 'Phan anh')."""
    text = unicodedata.normalize("NFD", subject.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.encode("ascii", "ignore").decode("ascii").split())
    return text[:limit].rstrip()
