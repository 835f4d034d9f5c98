"""The Zalo OA channel: the webhook's check-and-queue, and each queued message applied to its conversation.

The webhook (`ZaloWebhook.receive`) answers at once: it checks the signature and the call's age, and queues
the user events the channel handles on a FIFO queue, grouped by (a keyed hash of) the user so one person's
messages are applied in order, deduplicated by the message id for SQS's five minutes.

The queue's handler (`ZaloConversations.handle`) applies one message to the user's draft: a photo is
fetched (public addresses only, a photo type, 15 MB at most) and held under `zalo/` in the media bucket;
the draft and the message's marker are one conditional write, so a replayed or re-delivered message
changes nothing. When the draft lacks nothing, it becomes a report through the intake service (channel
`zalo`, the system actor `zalo-oa`, idempotent per draft), its photos are adopted as the report's uploads
(the thumbnailer takes them from there), and the OA sends the tracking code. A failure after the marker
is written is finished by the re-delivery: the report, the photos and the code are each once-only or
idempotent. Drafts never finished expire by TTL.

The Zalo user id is personal data: it is stored only as a keyed hash and never logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import (
    AlreadySeen,
    AttachmentRefused,
    AttachmentsPort,
    ObjectsPort,
    QueuePort,
    ZaloDraftsPort,
    ZaloOaPort,
)
from chalicelib.rules import zalo
from chalicelib.rules.actors import SYSTEM, Actor
from chalicelib.rules.errors import DomainError, NotFound
from chalicelib.rules.media import MAX_PHOTO_BYTES, MB, PHOTO_TYPES
from chalicelib.rules.messages import ZALO
from chalicelib.rules.notices import tracking_link
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.schemas.intake import Submission
from chalicelib.services.clock import Clock, utc_now
from chalicelib.views import zalo as views

if TYPE_CHECKING:
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.media import MediaService

# The channel's system actor: the audit trail records a Zalo report under it.
ZALO_ACTOR = Actor("zalo-oa", frozenset({SYSTEM}))
STAGING_PREFIX = "zalo/"
REFUSED = "refused"  # a draft's report_id when intake refused it: done, the next message starts anew
MESSAGE_MARKER_DAYS = 2  # a marker outlives every replay the signature's age window and SQS retries allow



class ZaloWebhook:
    """`POST /channels/zalo/webhook`: verify, queue, answer."""

    def __init__(self, secret_key: Callable[[], str] | None, queue: QueuePort, key: bytes,
                 clock: Clock = utc_now, max_age_ms: int = zalo.SIGNATURE_MAX_AGE_MS, province: str = "-") -> None:
        """`secret_key` gives the OA secret key (None: the channel is not set up on this stage)."""
        self._province = province
        self._secret_key = secret_key
        self._queue = queue
        self._key = key
        self._clock = clock
        self._max_age_ms = max_age_ms

    @trace_use_case
    def receive(self, raw_body: bytes, body: dict[str, Any], signature: str | None) -> dict[str, Any]:
        if self._secret_key is None:
            raise NotFound("zalo_not_configured")
        now_ms = int(self._clock().timestamp() * 1000)
        zalo.check_signature(signature, raw_body, body, self._secret_key(), now_ms, self._max_age_ms)
        message = zalo.message_of(body)
        if message is None:
            logger.info("zalo event not handled; acknowledged", extra={"event": str(body.get("event_name"))[:40]})
            return views.ack(queued=False)
        self._queue.send(json.dumps(body, ensure_ascii=False), group=zalo.keyed(self._key, message.user_id),
                         dedup_id=zalo.keyed(self._key, message.msg_id))
        emit("ZaloEventsQueued", province=self._province, event=message.event)
        return views.ack(queued=True)


class ZaloConversations:
    """The queue's handler: one message at a time into its user's draft, and a complete draft into a report."""

    def __init__(self, profile: ProvinceProfile, drafts: ZaloDraftsPort, oa: ZaloOaPort,
                 attachments: AttachmentsPort, objects: ObjectsPort, media: MediaService, intake: IntakeService,
                 key: bytes, clock: Clock = utc_now, draft_ttl_seconds: int = 86_400) -> None:
        self.profile = profile
        self._drafts = drafts
        self._oa = oa
        self._attachments = attachments
        self._objects = objects
        self._media = media
        self._intake = intake
        self._key = key
        self._clock = clock
        self._ttl = timedelta(seconds=draft_ttl_seconds)
        self._lambda_context: Any = None

    @trace_use_case
    def handle(self, body: str, lambda_context: Any = None) -> zalo.Outcome:
        """Apply one queued event; `lambda_context` bounds the report's idempotency record to the invocation."""
        self._lambda_context = lambda_context
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        message = zalo.message_of(event) if isinstance(event, dict) else None
        if message is None:
            logger.warning("zalo queue: not a user message; dropped")
            return zalo.Outcome("ignored")
        user_key, msg_key = zalo.keyed(self._key, message.user_id), zalo.keyed(self._key, message.msg_id)
        now = self._clock()
        draft = self._drafts.get(user_key)
        if self._drafts.seen(msg_key):
            # Applied before: finish what a failed attempt may have left undone, change nothing else.
            if draft is not None and draft.report_id is None and draft.missing() is None:
                return self._report(user_key, message.user_id, draft)
            logger.info("zalo message seen before; nothing changes", extra={"event": message.event})
            return zalo.Outcome("replayed")
        if draft is None or draft.report_id is not None:  # a first message, or one after a finished report
            draft = zalo.Draft(started_at=now, version=draft.version if draft is not None else None)
        photos, refusals = self._fetch_photos(user_key, message, draft)
        after, replies = zalo.apply(draft, message, self.profile, photos)
        try:
            self._drafts.save(user_key, msg_key, after, now + self._ttl, now + timedelta(days=MESSAGE_MARKER_DAYS))
        except AlreadySeen:
            logger.info("zalo message applied meanwhile; nothing changes", extra={"event": message.event})
            return zalo.Outcome("replayed")
        after = replace(after, version=(draft.version or 0) + 1)
        emit("ZaloMessagesApplied", province=self.profile.slug, event=message.event)
        if after.missing() is None:
            self._say(message.user_id, refusals)
            return self._report(user_key, message.user_id, after)
        self._say(message.user_id, refusals + replies)
        return zalo.Outcome("updated", replies=refusals + replies)

    def _fetch_photos(self, user_key: str, message: zalo.Message,
                      draft: zalo.Draft) -> tuple[tuple[zalo.Photo, ...], list[str]]:
        """The message's images fetched into the bucket's staging area (at most the slots left)."""
        photos: list[zalo.Photo] = []
        refusals: list[str] = []
        room = zalo.MAX_PHOTOS - len(draft.photos)
        for n, url in enumerate(message.image_urls[:max(room, 0)]):
            media_id = zalo.keyed(self._key, f"{message.msg_id}#{n}")[:32]
            try:
                got = self._attachments.fetch(url, MAX_PHOTO_BYTES, tuple(PHOTO_TYPES))
            except AttachmentRefused as refused:
                logger.info("zalo photo refused", extra={"reason": refused.reason})
                emit("ZaloPhotosRefused", province=self.profile.slug, reason=refused.reason)
                refusals.append(ZALO["photo_refused"][0].format(max_mb=MAX_PHOTO_BYTES // MB))
                continue
            key = f"{STAGING_PREFIX}{user_key}/{media_id}"
            self._objects.put(key, got.data, got.content_type)
            photos.append(zalo.Photo(media_id, key, got.content_type, len(got.data)))
        return tuple(photos), refusals

    def _report(self, user_key: str, user_id: str, draft: zalo.Draft) -> zalo.Outcome:
        """The complete draft as a report (once), its photos as uploads, the tracking code to the user."""
        idempotency_key = f"zalo-{user_key[:32]}-{int(draft.started_at.timestamp())}"
        try:
            request = Submission.model_validate(zalo.report_body(draft))
            receipt = self._submit(request, idempotency_key)
        except (DomainError, ValidationError) as err:
            reason = err.message if isinstance(err, DomainError) else ZALO["bad_location"][0]
            code = err.code if isinstance(err, DomainError) else "invalid_request"
            logger.info("zalo draft refused by intake", extra={"code": code})
            self._drafts.finish(user_key, draft, REFUSED, self._clock() + self._ttl)
            self._say(user_id, [ZALO["refused"][0].format(reason=reason)])
            return zalo.Outcome("refused")
        report_id = receipt["id"]
        for photo in draft.photos:
            try:
                data = self._objects.read(photo.key)
            except Exception:
                logger.info("zalo staged photo already taken", extra={"report_id": report_id})
                continue
            try:
                self._media.adopt(report_id, photo.media_id, data, photo.content_type)
            except DomainError as err:
                logger.info("zalo photo not adopted", extra={"report_id": report_id, "code": err.code})
            self._objects.delete(photo.key)
        due = datetime.fromisoformat(receipt["due_at"]) if isinstance(receipt.get("due_at"), str) else None
        text = ZALO["received"][0].format(id=report_id, token=receipt["tracking_token"],
                                          due=due.strftime("%H:%M %d/%m/%Y") if due else receipt.get("due_at"),
                                          link=tracking_link(self.profile, report_id))
        self._oa.send_text(user_id, text)  # raises to retry: the report and photos are once-only, so is this
        self._drafts.finish(user_key, draft, report_id, self._clock() + self._ttl)
        emit("ZaloReportsMade", province=self.profile.slug)
        logger.info("zalo conversation became a report", extra={"report_id": report_id,
                                                                "photos": len(draft.photos)})
        return zalo.Outcome("reported", report_id=report_id, replies=[text])

    def _submit(self, request: Submission, idempotency_key: str) -> dict[str, Any]:
        """The one call into intake: the trusted channel `zalo`, the channel's system actor, once per draft."""
        receipt, _ = self._intake.submit_from("zalo", ZALO_ACTOR, request, idempotency_key=idempotency_key,
                                              lambda_context=self._lambda_context)
        return receipt

    def _say(self, user_id: str, texts: list[str]) -> None:
        """The OA's questions and notes: best effort (the draft is saved; the next message asks again)."""
        for text in texts:
            try:
                self._oa.send_text(user_id, text)
            except Exception as exc:
                logger.warning("zalo reply not sent", extra={"error": type(exc).__name__})
                emit("ZaloRepliesFailed", province=self.profile.slug)
                return
