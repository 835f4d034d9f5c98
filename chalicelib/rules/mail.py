"""An e-mailed report: read a raw MIME message safely, and decide what becomes of it.

Pure Python (the stdlib `email` package, policy=default): the inbox service (services/inbox.py) reads the
stored message and hands its bytes here. What is read: the sender (a display name in RFC 2047 encoded words,
"=?utf-8?b?...?="), the subject (encoded words too), the text body (text/plain, else text/html made text
by `rules.text.clean_text`, which drops tags, scripts and styles), and image attachments as media.

Refused with a polite answer (`MailRefused`, its code a key of `rules.messages.INBOX_REPLIES`): a message
over MAX_MESSAGE_BYTES, MIME nested deeper than MAX_DEPTH or with more than MAX_PARTS parts, an archive
attached (zip, gz, rar, 7z: nothing inside is ever opened), a message that cannot be parsed. Dropped
without an answer (`MailDropped`): what an answer would only feed, an auto-reply, a mailing list's bulk,
a loop from our own sender, a spam or virus verdict of FAIL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.rules.media import MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_TYPES
from chalicelib.rules.text import clean_text

MB = 1024 * 1024
MAX_MESSAGE_BYTES = 10 * MB  # SES accepts up to 40 MB; five phone photos fit well within this
MAX_DEPTH = 6  # a reply-with-forward nests 3 or 4 deep
MAX_PARTS = 60
MAX_BOUNDARIES = 2 * MAX_DEPTH + MAX_PARTS  # counted in the raw bytes before the parser recurses into them
MAX_ATTACHMENTS = MAX_PHOTOS
ARCHIVE_TYPES = frozenset({
    "application/zip", "application/x-zip-compressed", "application/gzip", "application/x-gzip",
    "application/x-7z-compressed", "application/x-rar-compressed", "application/vnd.rar", "application/x-tar",
    "application/x-bzip2", "application/x-xz", "application/java-archive",
})
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".rar", ".7z", ".tar", ".bz2", ".xz", ".jar")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh", b"\xfd7zXZ")
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress", "list-id", "list-unsubscribe")
_CATEGORY_TAG = re.compile(r"\[([a-z0-9-]{2,64})\]")
_ADDRESS_LINE = re.compile(r"^\s*(?:địa chỉ|dia chi|địa điểm|dia diem|address|place)\s*[:：]\s*(?P<address>.{3,500})$",
                           re.IGNORECASE | re.MULTILINE)


class MailRefused(Exception):
    """The message cannot become a report; the sender is told why (`code`: rules.messages.INBOX_REPLIES)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class MailDropped(Exception):
    """The message gets no answer at all (`reason` is logged): answering would feed a loop or a spammer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # as declared; the media path sniffs the bytes again
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    sender_address: str
    sender_name: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    ignored: tuple[str, ...] = field(default=())  # attachment types left out (a PDF, a document), for the log


def check_verdicts(spam: str | None, virus: str | None) -> None:
    """SES's verdicts: a FAIL is dropped (no answer to a spammer; nothing of a virus is read)."""
    if (virus or "").upper() == "FAIL":
        raise MailDropped("virus_verdict_fail")
    if (spam or "").upper() == "FAIL":
        raise MailDropped("spam_verdict_fail")


def check_size(size: int) -> None:
    if size > MAX_MESSAGE_BYTES:
        raise MailRefused("too_large", max_mb=MAX_MESSAGE_BYTES // MB)


def read_mail(raw: bytes, own_addresses: frozenset[str]) -> InboundMail:
    """The parts of a message a report is made of; MailRefused / MailDropped for anything else."""
    check_size(len(raw))
    if len(_BOUNDARY.findall(raw)) > MAX_BOUNDARIES:
        raise MailRefused("too_nested")
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        sender_address, sender_name = _sender(message)
    except (RecursionError, MemoryError):
        raise MailRefused("too_nested") from None
    except Exception:  # a hostile header may trip any error in the parser: it is the message's fault
        raise MailRefused("unreadable") from None
    if not sender_address:
        raise MailDropped("no_sender")
    if sender_address.lower() in own_addresses:
        raise MailDropped("own_sender_loop")
    _check_not_automatic(message)
    try:
        parts = _parts(message)
        text = _body_text(parts)
        attachments, ignored = _attachments(parts)
    except (MailRefused, MailDropped):
        raise
    except (RecursionError, MemoryError):
        raise MailRefused("too_nested") from None
    except Exception:  # a lying header (charset, encoding, RFC 2231 name) is the message's fault, never a crash
        raise MailRefused("unreadable") from None
    return InboundMail(sender_address=sender_address, sender_name=sender_name, subject=_header(message, "subject"),
                       text=text, attachments=attachments, ignored=ignored)


def _header(message: object, name: str) -> str:
    """A header decoded (encoded words included), control characters and extra spaces removed."""
    try:
        value = message[name]  # type: ignore[index]
    except Exception:
        return ""
    return clean_text(str(value)) if value is not None else ""


def _sender(message: object) -> tuple[str, str]:
    header = message["from"]  # type: ignore[index]
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses:
        return "", ""
    first = addresses[0]
    return str(first.addr_spec or "").strip(), clean_text(str(first.display_name or ""))[:100]


def _check_not_automatic(message: object) -> None:
    """RFC 3834: an Auto-Submitted other than 'no', a bulk Precedence or a list header gets no answer."""
    auto = _header(message, "auto-submitted").lower()
    if auto and auto != "no":
        raise MailDropped("auto_submitted")
    if _header(message, "precedence").lower() in {"bulk", "junk", "list", "auto_reply"}:
        raise MailDropped("bulk_precedence")
    for name in _AUTO_HEADERS:
        if message.get(name) is not None:  # type: ignore[attr-defined]  # present at all (its value may be <...>)
            raise MailDropped(f"automatic:{name}")


def _parts(message: object) -> list[object]:
    """Every leaf part, walked without recursion; MailRefused when nested too deeply or too many."""
    leaves: list[object] = []
    stack: list[tuple[object, int]] = [(message, 1)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_PARTS:
            raise MailRefused("too_nested")
        if part.is_multipart():  # type: ignore[attr-defined]
            children = part.get_payload()  # type: ignore[attr-defined]
            stack.extend((child, depth + 1) for child in reversed(children if isinstance(children, list) else []))
        else:
            leaves.append(part)
    return leaves


def _is_attachment(part: object) -> bool:
    disposition = part.get_content_disposition()  # type: ignore[attr-defined]
    return disposition == "attachment" or bool(part.get_filename()) or (  # type: ignore[attr-defined]
        part.get_content_maintype() not in ("text", "multipart"))  # type: ignore[attr-defined]


def _decoded_text(part: object) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""  # type: ignore[attr-defined]
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)


def _body_text(parts: list[object]) -> str:
    """The first text/plain body, else the first text/html one as text."""
    bodies = [p for p in parts if not _is_attachment(p)]
    for subtype in ("plain", "html"):
        for part in bodies:
            if part.get_content_type() == f"text/{subtype}":  # type: ignore[attr-defined]
                return clean_text(_decoded_text(part))
    return ""


def _is_archive(filename: str, content_type: str, data: bytes) -> bool:
    return (content_type in ARCHIVE_TYPES or filename.lower().endswith(ARCHIVE_SUFFIXES)
            or data.startswith(ARCHIVE_MAGIC))


def _attachments(parts: list[object]) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    photos: list[Attachment] = []
    ignored: list[str] = []
    for part in parts:
        if not _is_attachment(part):
            continue
        filename = clean_text(str(part.get_filename() or ""))[:100] or "(no name)"  # type: ignore[attr-defined]
        content_type = part.get_content_type()  # type: ignore[attr-defined]
        data = part.get_payload(decode=True) or b""  # type: ignore[attr-defined]
        if not isinstance(data, bytes):
            data = b""
        if _is_archive(filename, content_type, data[:8]):
            raise MailRefused("attachment_refused", name=filename, reason="archive")
        if content_type not in PHOTO_TYPES:
            ignored.append(content_type)
            continue
        if len(data) > MAX_PHOTO_BYTES:
            raise MailRefused("too_large", max_mb=MAX_MESSAGE_BYTES // MB)
        photos.append(Attachment(filename, content_type, data))
    return tuple(photos[:MAX_ATTACHMENTS]), tuple(ignored)


def description_of(mail: InboundMail, min_chars: int = 10) -> str | None:
    """What happened, as the sender wrote it: the subject (its "[code]" tag left out), then the body;
    None when the two hold fewer than `min_chars` characters, too little to act on."""
    body = mail.text.strip()
    subject = _CATEGORY_TAG.sub("", mail.subject).strip()
    text = f"{subject}\n\n{body}" if subject and subject.lower() not in body.lower() else (body or subject)
    text = text.strip()
    return text[:4000] if len(text) >= min_chars else None


def category_hint(mail: InboundMail) -> str | None:
    """A category code the sender named in the subject as "[code]", e.g. "[moi-truong] Rác ...", if any."""
    match = _CATEGORY_TAG.search(mail.subject.lower())
    return match.group(1) if match else None


def address_of(mail: InboundMail) -> str | None:
    """A line "Địa chỉ: ..." (or "Address: ...") in the body: where it happened, for the IOC to place."""
    match = _ADDRESS_LINE.search(mail.text)
    return match.group("address").strip()[:500] if match else None
