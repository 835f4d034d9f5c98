"""E-mail through SES (plain text), one call per message."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.aws import AwsAdapter
from chalicelib.ports import Email


class Mailer(AwsAdapter):
    """Sends from the stage's verified sender; the SES client is built on first use."""

    service = "ses"

    def send(self, email: Email) -> str:
        """Send one message; returns SES's message id."""
        body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        answer = self.client.send_email(
            Source=self._settings.ses_sender,
            Destination={"ToAddresses": list(email.to)},
            Message={"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body},
        )
        return answer["MessageId"]
