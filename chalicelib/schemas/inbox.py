"""The notification SES publishes for a received message whose receipt rule stored it in S3.

Only what the inbox reads is declared; SES sends more (every header, timestamps, the rule's processing
time), which is ignored. The shape: `{"notificationType": "Received", "mail": {"messageId", "source",
"commonHeaders": {...}}, "receipt": {"spamVerdict": {"status"}, "virusVerdict": {"status"}, "action":
{"type": "S3", "bucketName", "objectKey", "topicArn"}}}`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class _Ses(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Verdict(_Ses):
    status: StrictStr = "GRAY"  # PASS | FAIL | GRAY | PROCESSING_FAILED


class S3Action(_Ses):
    type: StrictStr
    bucket_name: StrictStr = Field(default="", alias="bucketName")
    object_key: Annotated[StrictStr, Field(max_length=1024)] = Field(default="", alias="objectKey")


class Receipt(_Ses):
    action: S3Action
    spam_verdict: Verdict = Field(default_factory=Verdict, alias="spamVerdict")
    virus_verdict: Verdict = Field(default_factory=Verdict, alias="virusVerdict")


class Mail(_Ses):
    message_id: Annotated[StrictStr, Field(min_length=1, max_length=256)] = Field(alias="messageId")
    source: StrictStr = ""  # the envelope sender (empty for a bounce)


class SesReceived(_Ses):
    notification_type: StrictStr = Field(alias="notificationType")
    mail: Mail
    receipt: Receipt
