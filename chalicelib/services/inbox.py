"""The e-mail inbox: a message SES stored in the bucket becomes a report with channel `email`, and an answer.

SES's receipt rule writes each message to the media bucket under `inbound/` and publishes a notification
(`notificationType: Received`, `receipt.action.type: S3`, the bucket and key, the spam and virus verdicts)
to the inbound-mail topic; handlers/inbox.py hands it here. One message is handled once, keyed on SES's
message id (the idempotency runner): a re-delivered notification makes no second report and no second answer.

What becomes of a message (`rules/mail.py` reads it):
- a report: the sender's address is the contact (the profile lets e-mail go without a phone), the subject's
  "[category-code]" tag or the profile's `fallback_category` files it, an "Địa chỉ: ..." line gives the
  address, else the IOC places it; each photo is vetted (a decompression bomb is refused before anything is
  stored), then stored under `raw/` through the media path, so the thumbnailer makes its renditions as for any
  upload; the answer carries the tracking code, its link and token;
- a refusal with a polite answer (nothing stored): no description, too large, nested too deeply, an archive
  or a hostile image attached;
- dropped without an answer: a FAIL verdict, an automatic message, a loop from our own sender, and the
  sender's daily limit reached (an auto-responder that marks nothing would otherwise trade mail with us).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import Email, ImagingPort, MailPort, ObjectsPort, OncePort
from chalicelib.rules.actors import channel_actor
from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.errors import DomainError, TooManyRequests
from chalicelib.rules.mail import (
    InboundMail,
    MailDropped,
    MailRefused,
    address_of,
    category_hint,
    check_size,
    check_verdicts,
    description_of,
    read_mail,
)
from chalicelib.rules.media import MediaRejected, rejection_text
from chalicelib.rules.messages import INBOX_REPLIES
from chalicelib.rules.notices import tracking_link
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.schemas.inbox import SesReceived

if TYPE_CHECKING:
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.media import MediaService

CHANNEL = "email"
INBOUND_PREFIX = "inbound/"
_NO_REPLY_SENDERS = ("mailer-daemon@", "postmaster@", "no-reply@", "noreply@")


class InboxService:
    """Turns stored inbound mail into reports (or polite refusals)."""

    def __init__(self, profile: ProvinceProfile, intake: IntakeService, media: MediaService, objects: ObjectsPort,
                 imaging: ImagingPort, mail: MailPort, once: OncePort | None, *, bucket_name: str,
                 own_addresses: frozenset[str]) -> None:
        self.profile = profile
        self._intake = intake
        self._media = media
        self._objects = objects
        self._imaging = imaging
        self._mail = mail
        self._once = once
        self._bucket = bucket_name
        self._own = frozenset(a.lower() for a in own_addresses)

    @trace_use_case
    def receive(self, notification: SesReceived, lambda_context: Any = None) -> dict[str, Any]:
        """One SES notification: {"outcome": report | refused | dropped | ignored, ...}, once per message id."""
        action = notification.receipt.action
        if action.type != "S3" or action.bucket_name != self._bucket or not action.object_key.startswith(
                INBOUND_PREFIX):
            logger.warning("inbound mail: not an S3 action on our inbound prefix; ignored",
                           extra={"action": action.type, "bucket": action.bucket_name})
            return {"outcome": "ignored", "reason": "not_our_bucket"}
        message_id = notification.mail.message_id

        def handle() -> dict[str, Any]:
            return self._handle(notification)

        if self._once is None:
            outcome = handle()
        else:
            outcome, replayed = self._once.once(f"{CHANNEL}:{message_id}", {"key": action.object_key}, handle,
                                                lambda_context)
            if replayed:
                logger.info("inbound mail seen before; nothing is done again", extra={"outcome": outcome["outcome"]})
        return outcome

    def _handle(self, n: SesReceived) -> dict[str, Any]:
        try:
            check_verdicts(n.receipt.spam_verdict.status, n.receipt.virus_verdict.status)
            mail = self._read(n)
            return self._make_report(mail)
        except MailDropped as dropped:
            emit("InboundMail", province=self.profile.slug, outcome="dropped")
            logger.info("inbound mail dropped without an answer", extra={"reason": dropped.reason})
            return {"outcome": "dropped", "reason": dropped.reason}
        except MailRefused as refused:
            emit("InboundMail", province=self.profile.slug, outcome="refused")
            logger.info("inbound mail refused", extra={"code": refused.code})
            to = refused.params.pop("_to", None) or n.mail.source
            self._answer(str(to), "subject_refused", refused.code, refused.params)
            return {"outcome": "refused", "code": refused.code}

    def _read(self, n: SesReceived) -> InboundMail:
        key = n.receipt.action.object_key
        info = self._objects.stat(key)
        if info is None:
            raise MailDropped("object_missing")
        try:
            check_size(int(info["size"]))
        except MailRefused:  # the envelope sender is all we know without reading it
            if self._no_reply(n.mail.source):
                raise MailDropped("too_large_from_no_reply") from None
            raise
        return read_mail(self._objects.read(key), self._own)

    def _make_report(self, mail: InboundMail) -> dict[str, Any]:
        from chalicelib.schemas.intake import ContactIn, Location, Submission

        if self._no_reply(mail.sender_address):
            raise MailDropped("no_reply_sender")
        description = description_of(mail)
        if description is None:
            raise MailRefused("no_description", min=10, _to=mail.sender_address)
        for photo in mail.attachments:
            try:
                self._imaging.make_renditions(photo.data)  # vetted before anything is stored
            except MediaRejected as rejected:
                raise MailRefused("attachment_refused", name=photo.filename, reason=rejected.code,
                                  _to=mail.sender_address) from None
        hint = category_hint(mail)
        category = hint if hint and self.profile.category(hint) else self.profile.fallback_category
        try:
            submission = Submission(
                category=category, description=description, location=Location(address=address_of(mail)),
                reporter=ContactIn(name=mail.sender_name or mail.sender_address.split("@")[0][:100] or "?",
                                   email=mail.sender_address))
            receipt, _ = self._intake.submit_from(CHANNEL, channel_actor(CHANNEL), submission)
        except TooManyRequests:
            # No answer: an auto-responder without Auto-Submitted would otherwise trade answers with us for ever.
            raise MailDropped("limit_reached") from None
        except (DomainError, ValueError) as bad:  # pydantic's ValidationError is a ValueError
            logger.info("inbound mail could not be filed", extra={"error": type(bad).__name__})
            raise MailRefused("unreadable", _to=mail.sender_address) from None
        stored = [self._media.ingest(receipt["id"], "report", p.content_type, p.data) for p in mail.attachments]
        emit("InboundMail", province=self.profile.slug, outcome="report")
        logger.info("inbound mail became a report", extra={"report_id": receipt["id"], "photos": len(stored),
                                                            "ignored_attachments": list(mail.ignored)})
        values = {"id": receipt["id"], "due": _local(receipt["due_at"]),
                  "tracking_link": tracking_link(self.profile, receipt["id"]),
                  "tracking_token": receipt["tracking_token"]}
        self._answer(mail.sender_address, "subject_received", "received", values)
        return {"outcome": "report", "report_id": receipt["id"], "photos": len(stored)}

    def _no_reply(self, address: str | None) -> bool:
        low = (address or "").strip().lower()
        return not low or low in self._own or low.startswith(_NO_REPLY_SENDERS)

    def _answer(self, to: str, subject_key: str, body_key: str, params: dict[str, Any]) -> None:
        """A bilingual answer; a failure to send is logged, never retried into a second report."""
        if self._no_reply(to):
            return
        texts = _filled(body_key, params)
        signature = _filled("signature", {"province": self.profile.name_vi, "hotline": self.profile.hotline})
        subject = _filled(subject_key, params)
        email = Email(to=(to,), subject=f"{subject[0]} / {subject[1]}",
                      text=f"{texts[0]}\n\n{signature[0]}\n\n---\n\n{texts[1]}\n\n{signature[1]}")
        try:
            self._mail.send(email)
        except Exception:
            logger.exception("inbound mail: the answer could not be sent", extra={"answer": body_key})


def _filled(key: str, params: dict[str, Any]) -> tuple[str, str]:
    vi, en = INBOX_REPLIES[key]
    values_vi, values_en = dict(params), dict(params)
    if key == "attachment_refused":
        reason = str(params.get("reason", ""))
        if reason == "archive":
            values_vi["reason"], values_en["reason"] = INBOX_REPLIES["archive"]
        else:
            text = rejection_text(reason)
            values_vi["reason"], values_en["reason"] = text["message"], text["message_en"]
    return vi.format_map(_Missing(values_vi)), en.format_map(_Missing(values_en))


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso
