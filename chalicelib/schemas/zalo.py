"""The Zalo OA webhook's event, as public integrations agree on it (the OpenAPI document's request body).

Zalo's events carry more fields than these and add new ones, so unknown keys are allowed; the webhook
reads the event defensively (rules/zalo.message_of) after checking its signature, since the signature
covers the raw bytes, not a re-serialised model.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ZaloParty(_Open):
    id: str


class ZaloCoordinates(_Open):
    latitude: str | float
    longitude: str | float


class ZaloPayload(_Open):
    url: str | None = None
    thumbnail: str | None = None
    coordinates: ZaloCoordinates | None = None


class ZaloAttachment(_Open):
    type: str
    payload: ZaloPayload


class ZaloMessage(_Open):
    msg_id: str
    text: str | None = None
    attachments: list[ZaloAttachment] | None = None


class ZaloEvent(_Open):
    """One webhook call: `user_send_text`, `user_send_image` and `user_send_location` are handled."""

    app_id: str
    user_id_by_app: str | None = None
    event_name: str
    timestamp: str
    sender: ZaloParty
    recipient: ZaloParty
    message: ZaloMessage | None = None
