"""The seams between use cases and the outside world: Protocols, the values that cross them, and their errors.

Services depend on these names only; storage/ and adapters/ implement them
(structurally: nothing here is subclassed) and raise the errors below, so a
service catches `StaleVersion` by name and never learns which library sits
behind a port. Unit tests pass in-memory fakes of the same Protocols.
Nothing in this module imports AWS, a service or a handler.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict

if TYPE_CHECKING:  # annotations only: importing a port costs no rule module at cold start
    from chalicelib.rules.directory import AgencyContacts, DirectoryAudit, StaffEntry
    from chalicelib.rules.geo import CellRange
    from chalicelib.rules.limits import Quota
    from chalicelib.rules.listing import PublicFilters, StaffFilters, StaffScope
    from chalicelib.rules.report import AuditEntry, Report
    from chalicelib.rules.stats import Cell, Figures

# -- values that cross the ports ------------------------------------------------------------


@dataclass(frozen=True)
class Email:
    """One plain-text message (SES sends it as one call)."""

    to: tuple[str, ...]
    subject: str
    text: str


@dataclass(frozen=True)
class TopicEntry:
    """One PublishBatch entry: `id` is unique within its call."""

    id: str
    subject: str
    text: str
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class Upload:
    """One object an S3 event says was created."""

    bucket: str
    key: str
    version_id: str | None = None


@dataclass(frozen=True)
class Reference:
    """Something a transition names: evidence of a report, or a report.

    Read before the transaction (`ReferencesPort.unresolved`: a refused
    action writes nothing, so no stream record and no notice) and checked
    again inside it (the race guard: deleted or rejected in between).
    """

    kind: Literal["evidence", "report"]
    field: str
    value: str
    report_id: str = ""


class MediaRecord(TypedDict, total=False):
    """One upload of a report as the media table holds it (`status`: pending | ready | rejected)."""

    report_id: str
    media_id: str
    kind: str  # photo | video
    purpose: str  # report | evidence
    status: str
    declared_type: str
    declared_size: int | None  # bytes the client declared when asking (None: not declared)
    key: str
    created_at: datetime
    expires_at: datetime  # when the upload's signature lapses: an unused pending slot is free after it
    updated_at: datetime
    reason: str | None
    detected_type: str
    size: int
    source_version: str | None
    width: int
    height: int
    renditions: list[dict[str, Any]]
    exif: dict[str, Any]
    original_removed_at: datetime  # every stored version deleted under the retention rule (renditions stay)


@dataclass(frozen=True)
class PresignedPost:
    """Where and how a client uploads one object, and how long the signature holds."""

    url: str
    fields: dict[str, str]
    expires_in: int


@dataclass(frozen=True)
class Supporter:
    """One "me too" of a report: `key` is a keyed hash of the phone (rules/limits.keyed_hash), one per report.

    The phone is for the published result's SMS only (services/notify.py).
    """

    report_id: str
    key: str
    phone: str
    name: str | None
    via: Literal["phone", "report", "merge"]
    at: datetime
    source_report: str | None = None


# -- errors the ports raise -----------------------------------------------------------------


class DuplicateId(Exception):
    """The generated id is taken (40 random bits: rare; the caller draws again)."""


class StaleVersion(Exception):
    """Someone changed the report since it was read."""


class MissingReference(Exception):
    """A transition refers to something that does not exist (or cannot be used there)."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{field}={value}")
        self.field = field
        self.value = value


class SlotsFull(Exception):
    """The report already holds its limit of this kind for this purpose (ready, or pending and unexpired)."""


class SlotBusy(Exception):
    """A concurrent write touched the slots, or an upload to reclaim is no longer pending and expired: read again."""
class QuotaExceeded(Exception):
    """A write's quota (an abuse limit's counter) is used up for its window; nothing was written."""

    def __init__(self, quota: Quota) -> None:
        super().__init__(f"{quota.kind} limit {quota.limit} reached in {quota.window}")
        self.quota = quota


class KeyNameTaken(Exception):
    """An Open311 API key with this name exists already (names are the channel's client: unique)."""


class RecordBusy(Exception):
    """Another invocation holds this stream record; it will be redelivered."""


# -- reports --------------------------------------------------------------------------------


class ReportsPort(Protocol):
    """The reports table and its audit trail: every write carries its audit row in one transaction."""

    def create(self, report: Report, token_digest: str, audit: AuditEntry,
               quotas: Sequence[Quota] = ()) -> Report:
        """Insert the report and its audit row, taking each quota in the same transaction: all or nothing.

        Raises DuplicateId if the id is taken, QuotaExceeded (naming the first
        quota used up) if a limit is reached.
        """
        ...
    def get(self, report_id: str) -> tuple[Report, str] | None: ...
    def history(self, report_id: str) -> list[AuditEntry]: ...
    def apply(self, before: Report, after: Report, audit: AuditEntry,
              references: Sequence[Reference] = ()) -> Report: ...


class ErasurePort(Protocol):
    """Anonymising a report's contact (rules/retention.py): storage/erasure.py."""

    def anonymise(self, before: Report, after: Report, audit: AuditEntry,
                  supporters: Sequence[tuple[str, str]] = (), *, forget_token: bool = False) -> Report:
        """`after` and its audit row if the report is still at `before.version` (else StaleVersion), and the
        phone and name stripped from each (report id, supporter key) record: one transaction."""
        ...

    def due(self, ended_by: datetime, part: int | None = None) -> Iterator[Report]:
        """Ended reports whose contact is still held and that ended at or before `ended_by`, oldest first
        (read `part` at a time)."""
        ...


class OriginalsPort(Protocol):
    """The media originals the retention rule deletes (rules/retention.py): storage/originals.py."""

    def due(self, published_by: datetime, part: int | None = None) -> Iterator[Report]:
        """Published reports whose media originals are still stored, published at or before `published_by`,
        oldest first (the sparse originals-due index, read `part` at a time; never a scan)."""
        ...

    def current(self, report_id: str) -> Report | None:
        """The report as it is now (a consistent read; the index can lag behind a reopen), or None."""
        ...

    def removed(self, before: Report, after: Report, audit: AuditEntry, media_ids: Sequence[str]) -> Report:
        """`after` (originals removed) and its audit row if the report is still at `before.version` (else
        StaleVersion), and each of its media records marked "original removed": one transaction."""
        ...


class NearbyPort(Protocol):
    """The nearby-cell index (rules/geo.py): one query per covered cell, never a scan."""

    def nearby(self, category: str, ranges: Sequence[CellRange]) -> list[Report]:
        """The open and published reports of `category` whose point falls in one of the ranges."""
        ...


class SupportPort(Protocol):
    """"Me too" supporters: one per (report, hashed phone), counted on the report by an atomic ADD."""

    def add(self, supporter: Supporter) -> bool:
        """Record the supporter and count it on the report, in one transaction; False (nothing written) if this
        phone already supports it. Raises MissingReference if the report does not exist."""
        ...

    def contacts(self, report_id: str) -> list[Supporter]:
        """Every supporter of a report (one paginated query): for the published result's SMS."""
        ...

    def has(self, report_id: str, key: str) -> bool:
        """Whether the phone hashed as `key` supports the report already (one consistent read)."""
        ...

    def given_by(self, key: str) -> list[tuple[str, str]]:
        """(report id, key) of every support the phone hashed as `key` gave (a paginated query of the
        by-supporter index, eventually consistent): for an erase request."""
        ...


class MergePort(Protocol):
    def merge(self, before: Report, after: Report, audit: AuditEntry, survivor: Report, survivor_audit: AuditEntry,
              supporter: Supporter | None) -> Report:
        """Close `before` as merged (at its version) and note it on the survivor (at its version, still
        supportable), with both audit rows and, unless None, the merged reporter as a new supporter of the
        survivor: all in one transaction. Raises StaleVersion if either report moved meanwhile."""
        ...


class ReferencesPort(Protocol):
    """What a transition names, read before its transaction so a refused one writes nothing."""

    def unresolved(self, references: Sequence[Reference]) -> Reference | None:
        """The first of `references` that does not hold now (consistent reads); None if every one does."""
        ...


class ReportListPort(Protocol):
    """Pages of reports, each one index query behind a signed cursor (storage/queries.py plans them)."""

    def staff_page(self, scope: StaffScope, filters: StaffFilters, province_code: int, limit: int,
                   cursor: str | None = None) -> tuple[list[Report], str | None]: ...
    def public_page(self, filters: PublicFilters, limit: int,
                    cursor: str | None = None) -> tuple[list[Report], str | None]: ...
    def published_before(self, cutoff: datetime, limit: int) -> list[Report]: ...


class SlaPort(Protocol):
    def due(self, now: datetime) -> Iterable[Report]: ...
    def raise_level(self, report: Report, level: int, next_check: datetime | None, action: str,
                    now: datetime, audit: AuditEntry) -> bool: ...
    def reschedule(self, report: Report, next_check: datetime | None) -> bool: ...
    def drop(self, report: Report) -> bool: ...


class OpenDuePort(Protocol):
    def open_due_by(self, until: datetime) -> Iterable[Report]: ...


class ClaimPort(Protocol):
    """Once-a-day markers (the digest's): claim before sending, release if sending failed."""

    def claim(self, kind: str, day: str, key: str, now: datetime) -> bool: ...
    def release(self, kind: str, day: str, key: str) -> None: ...


class StatsPort(Protocol):
    def apply(self, event_id: str, changes: dict[Cell, dict[str, int]], now: datetime) -> bool: ...
    def month(self, month: str) -> list[Figures]: ...
    def gauges(self) -> tuple[int, int]: ...


class LimitsPort(Protocol):
    """Abuse-limit counters (rules/limits.py), one conditional atomic counter per (kind, hashed key, window)."""

    def take(self, quota: Quota) -> bool:
        """Count one against the quota; False (and nothing counted) if its limit is reached."""
        ...


@dataclass(frozen=True)
class ApiKey:
    """An Open311 API key as stored: its digest and public id, never the key itself."""

    digest: str
    key_id: str
    name: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    report_ids: frozenset[str] = frozenset()


class ApiKeysPort(Protocol):
    """Open311 API keys (storage/open311_keys.py)."""

    def add(self, key: ApiKey) -> None:
        """Store a new key; KeyNameTaken if a key (live or revoked) has its name."""
        ...

    def by_digest(self, digest: str) -> ApiKey | None: ...
    def all(self) -> list[ApiKey]: ...
    def revoke(self, key_id: str, by: str, at: datetime) -> ApiKey | None:
        """Mark the key revoked (a POST with it is then a 403); None if no key has this id."""
        ...

    def record_report(self, digest: str, report_id: str) -> None:
        """Add a report to the key's reports (an idempotent set ADD: a replay adds nothing)."""
        ...


class RequestWindowPort(Protocol):
    """Open311's GET requests: a province's reports received in a window, newest first (one index query)."""

    def received_between(self, province_code: int, start: datetime, end: datetime, *, categories: Sequence[str],
                         statuses: Collection[str], limit: int) -> list[Report]: ...


# -- media ----------------------------------------------------------------------------------


class MediaRecordsPort(Protocol):
    def reserve(self, record: MediaRecord, limit: int, reclaim: Sequence[str] = (), now: datetime | None = None
                ) -> None:
        """Write `record` (pending) and take one of its report's (purpose, kind) slots, in one conditional write.

        It holds only while fewer than `limit` slots are taken after the pending uploads `reclaim` (expired,
        never uploaded) are rejected as `upload_expired` and give theirs back, in that same write. Raises
        SlotsFull, or SlotBusy when a concurrent write won or an upload to reclaim moved on meanwhile.
        """
        ...

    def get(self, report_id: str, media_id: str) -> MediaRecord | None: ...
    def records(self, report_id: str) -> list[MediaRecord]: ...
    def mark_ready(self, report_id: str, media_id: str, *, detected_type: str, size: int, source_version: str | None,
                   now: datetime, width: int | None = None, height: int | None = None,
                   renditions: list[dict[str, Any]] | None = None, exif: dict[str, Any] | None = None) -> bool: ...
    def mark_rejected(self, report_id: str, media_id: str, *, reason: str, now: datetime,
                      source_version: str | None = None, size: int | None = None,
                      slot: tuple[str, str] | None = None) -> bool:
        """pending -> rejected; with `slot` (purpose, kind) the upload's slot is given back in the same write."""
        ...


class UploadsPort(Protocol):
    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> PresignedPost: ...


class ObjectsPort(Protocol):
    def stat(self, key: str, version_id: str | None = None) -> dict[str, Any] | None: ...
    def read(self, key: str, version_id: str | None = None) -> bytes: ...
    def read_range(self, key: str, start: int, length: int, version_id: str | None = None) -> bytes: ...
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def delete(self, key: str, version_id: str | None = None) -> None: ...
    def presigned_get(self, key: str, ttl_seconds: int = 300, version_id: str | None = None,
                      content_type: str | None = None) -> str: ...


class StoredVersionsPort(Protocol):
    """Every stored version of the objects under a prefix of the (versioned) media bucket, to delete for good."""

    def versions(self, prefix: str) -> list[tuple[str, str]]:
        """(key, version id) of each version and delete marker under `prefix`."""
        ...

    def delete_versions(self, versions: Sequence[tuple[str, str]]) -> None:
        """Delete those versions for good (one already gone is no error)."""
        ...


class ImagingPort(Protocol):
    def make_renditions(self, data: bytes) -> Any: ...
    def check_video(self, size: int, read_at: Callable[[int, int], bytes]) -> str: ...


# -- once-only ------------------------------------------------------------------------------


class OncePort(Protocol):
    def once(self, key: str, payload: dict[str, Any], action: Callable[[], dict[str, Any]],
             lambda_context: Any = None) -> tuple[dict[str, Any], bool]: ...


class LedgerPort(Protocol):
    def claim(self, event_id: str, remaining_ms: int) -> frozenset[str] | None:
        """None: first time, send everything; else the keys an earlier attempt left undelivered."""
        ...

    def settle(self, event_id: str, pending: Collection[str]) -> None: ...


# -- messages -------------------------------------------------------------------------------


class TopicsPort(Protocol):
    def publish_batch(self, topic_arn: str, entries: Sequence[TopicEntry]) -> list[dict[str, Any]]:
        """Up to 10 entries in one call; answers SNS's `Failed` list (Id, Code, SenderFault)."""
        ...

    def send_sms(self, phone: str, text: str) -> str: ...


class MailPort(Protocol):
    def send(self, email: Email) -> str: ...


# -- staff accounts -------------------------------------------------------------------------


class StaffDirectoryPort(Protocol):
    """The staff user pool, as an administrator changes it."""

    def subject_of(self, username: str) -> str:
        """The user's `sub` (what ID tokens name); raises UnknownStaff for no such user."""
        ...

    def disable(self, username: str) -> None: ...
    def enable(self, username: str) -> None: ...
    def groups_of(self, username: str) -> list[str]: ...
    def add_to_group(self, username: str, group: str) -> None: ...
    def remove_from_group(self, username: str, group: str) -> None: ...

    def sign_out_everywhere(self, username: str) -> None:
        """Revoke the user's refresh tokens (no new ID token from them)."""
        ...

    def user(self, username: str) -> StaffEntry:
        """The user as the pool has them (attributes, enabled, staff role); raises UnknownStaff."""
        ...

    def users(self) -> Iterable[StaffEntry]:
        """Every user of the pool with their staff role (paged ListUsers and ListUsersInGroup, for reconciling)."""
        ...

    def create(self, entry: StaffEntry) -> None:
        """AdminCreateUser with an e-mail invitation (a temporary password), then the role's group.

        Raises StaffExists if the username is taken.
        """
        ...

    def set_agency(self, username: str, agency_id: str | None) -> None:
        """Set (or, for None, remove) the user's `custom:agency_id`."""
        ...


class DirectoryIndexPort(Protocol):
    """The directory index: one entry per staff user, keyed so an agency's people are one query."""

    def record(self, entry: StaffEntry, audit: DirectoryAudit | None, previous: StaffEntry | None = None) -> None:
        """Write the entry (dropping `previous`'s if it moved agency) and the audit row, all at once."""
        ...

    def drop(self, entry: StaffEntry) -> None: ...
    def entries(self) -> list[StaffEntry]: ...
    def page(self, agency_id: str | None, limit: int, cursor: str | None) -> tuple[list[StaffEntry], str | None]: ...
    def audit_month(self, month: str, limit: int) -> list[DirectoryAudit]: ...


class StaffContactsPort(Protocol):
    """Whom an agency's mail reaches, read from the directory index."""

    def contacts(self, agency_id: str) -> AgencyContacts:
        """The agency's enabled officers' and leads' addresses: one query."""
        ...

    def all_contacts(self) -> dict[str, AgencyContacts]:
        """Every agency's, by agency id: one (paged) query of the whole index."""
        ...


class RevocationsPort(Protocol):
    """Per-user revocation markers: a token signed in at or before the marker's time is refused."""

    def revoke(self, subject: str, at: datetime) -> None: ...
    def revoked_at(self, subject: str) -> datetime | None: ...


class UnknownStaff(LookupError):
    """No staff user of that name in the pool."""


class StaffExists(Exception):
    """A user of that name is already in the pool."""
# -- the Zalo OA channel (services/zalo.py) --------------------------------------------------


class AlreadySeen(Exception):
    """This message was applied before (a replay, or a re-delivered queue message): nothing more happens."""


class AttachmentRefused(Exception):
    """An attachment that may not be fetched or kept: `reason` is `address` | `type` | `size` | `fetch`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    """An attachment's bytes and the media type its server declared."""

    data: bytes
    content_type: str


class AttachmentsPort(Protocol):
    def fetch(self, url: str, max_bytes: int, content_types: Collection[str]) -> Fetched:
        """The body at `url`: a public http(s) address (or an allowed host), a declared type among
        `content_types`, at most `max_bytes`; else AttachmentRefused. Follows no redirect."""
        ...


class ZaloOaPort(Protocol):
    def send_text(self, user_id: str, text: str) -> None:
        """One customer-service text from the OA to a user who wrote to it."""
        ...


class QueuePort(Protocol):
    def send(self, body: str, group: str, dedup_id: str) -> None:
        """One message on a FIFO queue: in order within `group`, once per `dedup_id` for five minutes."""
        ...


class ZaloDraftsPort(Protocol):
    """Conversations on their way to a report, under a keyed hash of the user, and the messages applied."""

    def get(self, user_key: str) -> Any:
        """The user's draft (rules.zalo.Draft, with its version), or None."""
        ...

    def seen(self, msg_key: str) -> bool: ...

    def save(self, user_key: str, msg_key: str, draft: Any, expires_at: datetime, msg_expires_at: datetime) -> None:
        """The message's marker and the new draft in one write; raises AlreadySeen (marker there) or
        StaleVersion (the draft moved on meanwhile)."""
        ...

    def finish(self, user_key: str, draft: Any, report_id: str, expires_at: datetime) -> None:
        """Mark the draft done with its report (kept until it expires, so a redelivery changes nothing)."""
        ...
