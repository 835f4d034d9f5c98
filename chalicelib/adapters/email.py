"""E-mail through SES (plain text and optional HTML), one call per message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.config import Settings


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None


class Mailer:
    """Sends from the stage's verified sender; the SES client is built on first use."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            s = self._settings
            self._client = boto3.client("ses", region_name=s.region, endpoint_url=s.endpoint_url)
        return self._client

    def send(self, email: Email) -> str:
        """Send one message; returns SES's message id."""
        body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        if email.html:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        answer = self.client.send_email(
            Source=self._settings.ses_sender,
            Destination={"ToAddresses": list(email.to)},
            Message={"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body},
        )
        return answer["MessageId"]
