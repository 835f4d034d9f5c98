"""SQS: one message onto the Zalo channel's FIFO queue; the client is built on first use."""

from __future__ import annotations

from chalicelib.adapters.aws import AwsAdapter


class ZaloQueue(AwsAdapter):
    """The QueuePort over boto3's SQS client, on ZALO_QUEUE_URL."""

    service = "sqs"

    def send(self, body: str, group: str, dedup_id: str) -> None:
        self.client.send_message(QueueUrl=self._settings.zalo_queue_url, MessageBody=body,
                                 MessageGroupId=group, MessageDeduplicationId=dedup_id)
