"""PynamoDB models: the only place that knows the tables' shapes.

Table names, region and endpoint are bound at run time from the stage's
settings (`bind`), so nothing reads the environment or opens a connection at
import time.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.config import Settings
from chalicelib.storage.dynamo import forget_clients

SLA_OPEN_SHARD = "open"
RETENTION_SHARD = "held"  # retention-due's one key: ended reports whose contact is still held
ORIGINALS_SHARD = "stored"  # originals-due's one key: published reports whose media originals are still stored
OPEN_SHARD = "open"  # `open_shard` of every open report (staff "due before" lists)
PUBLIC_SHARD = "public"  # `public_shard` of every published, closed or rejected report


class _Meta:
    table_name = "unbound"
    region = "ap-southeast-1"
    host: str | None = None
    max_retry_attempts = 3


class AgencyIndex(GlobalSecondaryIndex):
    """An agency's queue, newest first."""

    class Meta:
        index_name = "agency-received"
        projection = AllProjection()

    agency_id = UnicodeAttribute(hash_key=True)
    received_at = UTCDateTimeAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex):
    """The IOC's queues by state, and the public list of published reports."""

    class Meta:
        index_name = "status-received"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    received_at = UTCDateTimeAttribute(range_key=True)


class SlaDueIndex(GlobalSecondaryIndex):
    """Sparse: only reports with a next SLA check carry `sla_shard`, so a sweep reads what is due."""

    class Meta:
        index_name = "sla-due"
        projection = AllProjection()

    sla_shard = UnicodeAttribute(hash_key=True)
    sla_next_at = UTCDateTimeAttribute(range_key=True)


class RetentionDueIndex(GlobalSecondaryIndex):
    """Sparse: only ended reports whose contact is still held carry `retention_shard`, by when the case ended,
    so the anonymiser reads what is due (rules/retention.py) and an anonymised report leaves the index."""

    class Meta:
        index_name = "retention-due"
        projection = AllProjection()

    retention_shard = UnicodeAttribute(hash_key=True)
    retention_end_at = UTCDateTimeAttribute(range_key=True)


class OriginalsDueIndex(GlobalSecondaryIndex):
    """Sparse: only published reports whose media originals are still stored carry `originals_shard`, by when
    they were published, so the retention rule reads what is due (rules/retention.py); removing them leaves it."""

    class Meta:
        index_name = "originals-due"
        projection = AllProjection()

    originals_shard = UnicodeAttribute(hash_key=True)
    published_at = UTCDateTimeAttribute(range_key=True)


class ProvinceIndex(GlobalSecondaryIndex):
    """The whole province's reports, newest first: the IOC's unfiltered list."""

    class Meta:
        index_name = "province-received"
        projection = AllProjection()

    province_code = NumberAttribute(hash_key=True)
    received_at = UTCDateTimeAttribute(range_key=True)


class OpenDueIndex(GlobalSecondaryIndex):
    """Sparse: open reports by due date, for "due before" lists (unlike sla-due, it keeps every open report)."""

    class Meta:
        index_name = "open-due"
        projection = AllProjection()

    open_shard = UnicodeAttribute(hash_key=True)
    due_at = UTCDateTimeAttribute(range_key=True)


class PublicIndex(GlobalSecondaryIndex):
    """Sparse: what the public portal lists (published, closed, rejected), newest first."""

    class Meta:
        index_name = "public-received"
        projection = AllProjection()

    public_shard = UnicodeAttribute(hash_key=True)
    received_at = UTCDateTimeAttribute(range_key=True)


def near_cell(category: str, cell: str) -> str:
    """The nearby-cell partition key: a category's reports in one geohash cell."""
    return f"{category}#{cell}"


class NearbyIndex(GlobalSecondaryIndex):
    """Sparse: open and published reports with a point, by category and geohash cell (rules/geo.py).

    `near_cell` is "<category>#<6-character geohash>", `near_hash` the point's
    9-character geohash: a nearby query reads each covered cell's range of it.
    """

    class Meta:
        index_name = "nearby-cell"
        projection = AllProjection()

    near_cell = UnicodeAttribute(hash_key=True)
    near_hash = UnicodeAttribute(range_key=True)


class ReportModel(Model):
    """One citizen report; `version` makes every write an optimistic compare-and-set."""

    class Meta(_Meta):
        pass

    id = UnicodeAttribute(hash_key=True)
    version = VersionAttribute()
    province_code = NumberAttribute()
    status = UnicodeAttribute()
    round = NumberAttribute(default=1)
    channel = UnicodeAttribute()
    category = UnicodeAttribute()
    description = UnicodeAttribute()
    urgent = BooleanAttribute(default=False)
    lat = NumberAttribute(null=True)  # None: an operator's address-only report, placed by the IOC
    lng = NumberAttribute(null=True)
    address = UnicodeAttribute(null=True)
    ward_code = UnicodeAttribute(null=True)
    agency_id = UnicodeAttribute()
    reporter_name = UnicodeAttribute()
    reporter_phone = UnicodeAttribute(null=True)  # None: an e-mailed report whose sender gave no phone
    reporter_email = UnicodeAttribute(null=True)  # the sender of an e-mailed report
    tracking_token_digest = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
    occurred_at = UTCDateTimeAttribute(null=True)
    due_at = UTCDateTimeAttribute()
    original_due_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    last_action = UnicodeAttribute()
    last_actor_role = UnicodeAttribute()
    escalation_level = NumberAttribute(default=0)
    sla_shard = UnicodeAttribute(null=True)
    sla_next_at = UTCDateTimeAttribute(null=True)
    result: MapAttribute[str, Any] = MapAttribute(null=True)
    return_request: MapAttribute[str, Any] = MapAttribute(null=True)
    extension_request: MapAttribute[str, Any] = MapAttribute(null=True)
    extensions: ListAttribute[Any] = ListAttribute(null=True)
    rejection: MapAttribute[str, Any] = MapAttribute(null=True)
    feedback: MapAttribute[str, Any] = MapAttribute(null=True)
    published_at = UTCDateTimeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    extra: MapAttribute[str, Any] = MapAttribute(null=True)
    assigned_at = UTCDateTimeAttribute(null=True)
    open_shard = UnicodeAttribute(null=True)
    public_shard = UnicodeAttribute(null=True)
    near_cell = UnicodeAttribute(null=True)
    near_hash = UnicodeAttribute(null=True)
    support_count = NumberAttribute(null=True)  # "me too" supports, changed only by atomic ADDs
    retention_shard = UnicodeAttribute(null=True)
    retention_end_at = UTCDateTimeAttribute(null=True)
    originals_removed_at = UTCDateTimeAttribute(null=True)  # the retention rule deleted the media originals
    originals_shard = UnicodeAttribute(null=True)

    agency_index = AgencyIndex()
    status_index = StatusIndex()
    sla_due_index = SlaDueIndex()
    province_index = ProvinceIndex()
    open_due_index = OpenDueIndex()
    public_index = PublicIndex()
    nearby_index = NearbyIndex()
    retention_due_index = RetentionDueIndex()
    originals_due_index = OriginalsDueIndex()


class AuditModel(Model):
    """One state change of a report: who, which role, when, from, to, why."""

    class Meta(_Meta):
        pass

    report_id = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    round = NumberAttribute(default=1)
    note = UnicodeAttribute(null=True)


class MediaModel(Model):
    """A photo or video attached to a report; moves pending -> ready | rejected."""

    class Meta(_Meta):
        pass

    report_id = UnicodeAttribute(hash_key=True)
    media_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    purpose = UnicodeAttribute(default="report")
    declared_type = UnicodeAttribute()
    declared_size = NumberAttribute(null=True)  # what the client declared; the stored object may not exceed it
    key = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)  # the signature's end: an unused pending slot is free after it
    updated_at = UTCDateTimeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    detected_type = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    renditions: ListAttribute[Any] = ListAttribute(null=True)
    # Staff only: GPS position and capture time, read before stripping.
    exif: MapAttribute[str, Any] = MapAttribute(null=True)
    source_version = UnicodeAttribute(null=True)  # the S3 version that was vetted; links pin it
    original_removed_at = UTCDateTimeAttribute(null=True)  # every stored version deleted under the retention rule


# Range keys of the slot counters, beside a report's media in the media table. "~" sorts after every media
# id (letters, digits, "-", "_"), so a report's media are the range keys below SLOTS_PREFIX.
SLOTS_PREFIX = "~slots#"


def slots_key(purpose: str, kind: str) -> str:
    return f"{SLOTS_PREFIX}{purpose}#{kind}"


class MediaSlotsModel(Model):
    """How many uploads of one kind a report holds for one purpose (ready, or pending and unexpired).

    Changed only inside the transactions that change a media record's state: +1 with the pending record
    (if below the limit), -1 with pending -> rejected (a refused upload, an expired unused slot).
    """

    class Meta(_Meta):
        pass

    report_id = UnicodeAttribute(hash_key=True)
    media_id = UnicodeAttribute(range_key=True)  # slots_key(purpose, kind)
    taken = NumberAttribute(default=0)


class AgencyMonthStatsModel(Model):
    """One agency's counters for one month (pk "stats#YYYY-MM", sk agency id): one query reads a month.

    Every counter is changed only by atomic ADDs from the reports' stream
    (services/stats.py); `ttr_NN` is the time-to-result histogram whose
    buckets rules/stats.py defines, `ttrh_NN` the half-hour one of results within one working day.
    """

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    received = NumberAttribute(null=True)
    resolved_on_time = NumberAttribute(null=True)
    resolved_late = NumberAttribute(null=True)
    open_overdue = NumberAttribute(null=True)
    open_now = NumberAttribute(null=True)  # the NOW_CELL gauge only (rules/stats.py)
    rating_sum = NumberAttribute(null=True)
    rating_count = NumberAttribute(null=True)
    merged = NumberAttribute(null=True)
    ttr_00 = NumberAttribute(null=True)
    ttr_01 = NumberAttribute(null=True)
    ttr_02 = NumberAttribute(null=True)
    ttr_03 = NumberAttribute(null=True)
    ttr_04 = NumberAttribute(null=True)
    ttr_05 = NumberAttribute(null=True)
    ttr_06 = NumberAttribute(null=True)
    ttr_07 = NumberAttribute(null=True)
    ttr_08 = NumberAttribute(null=True)
    ttr_09 = NumberAttribute(null=True)
    ttr_10 = NumberAttribute(null=True)
    ttr_11 = NumberAttribute(null=True)
    ttr_12 = NumberAttribute(null=True)
    ttr_13 = NumberAttribute(null=True)
    ttr_14 = NumberAttribute(null=True)
    ttr_15 = NumberAttribute(null=True)
    ttrh_00 = NumberAttribute(null=True)
    ttrh_01 = NumberAttribute(null=True)
    ttrh_02 = NumberAttribute(null=True)
    ttrh_03 = NumberAttribute(null=True)
    ttrh_04 = NumberAttribute(null=True)
    ttrh_05 = NumberAttribute(null=True)
    ttrh_06 = NumberAttribute(null=True)
    ttrh_07 = NumberAttribute(null=True)
    ttrh_08 = NumberAttribute(null=True)
    ttrh_09 = NumberAttribute(null=True)
    ttrh_10 = NumberAttribute(null=True)
    ttrh_11 = NumberAttribute(null=True)
    ttrh_12 = NumberAttribute(null=True)
    ttrh_13 = NumberAttribute(null=True)
    ttrh_14 = NumberAttribute(null=True)
    ttrh_15 = NumberAttribute(null=True)
    ttrh_16 = NumberAttribute(null=True)
    ttrh_17 = NumberAttribute(null=True)
    ttrh_18 = NumberAttribute(null=True)
    ttrh_19 = NumberAttribute(null=True)
    ttrh_20 = NumberAttribute(null=True)
    ttrh_21 = NumberAttribute(null=True)
    ttrh_22 = NumberAttribute(null=True)
    ttrh_23 = NumberAttribute(null=True)


class MarkerModel(Model):
    """A once-only marker in the stats table (a stream event applied, a digest sent), expiring by TTL."""

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class LimitCounterModel(Model):
    """One abuse-limit counter (rules/limits.py): id "<kind>#<window>#<keyed hash>", never a phone or an IP.

    Changed only by a conditional ADD (at most the limit); it expires by TTL
    a day after its window ends.
    """

    class Meta(_Meta):
        pass

    id = UnicodeAttribute(hash_key=True)
    taken = NumberAttribute(null=True)  # how many the window has counted
    expires_at = TTLAttribute(null=True)


DIRECTORY_PARTITION = "staff#directory"  # every directory entry: one partition, sort key "<agency>#<username>"
DIRECTORY_NO_AGENCY = "~"  # the sort key's agency part for a user of no agency (the province admin)
DIRECTORY_AUDIT_PREFIX = "~directory#"  # audit-table partition of a month's directory changes: "~directory#YYYY-MM"


class StaffEntryModel(Model):
    """One staff user in the directory index (stats table): pk DIRECTORY_PARTITION, sk "<agency>#<username>".

    A copy of the pool (services/staff_admin.py writes the pool first, then this); one query with
    begins_with(sk, "<agency>#") is an agency's people, one query of the partition the whole directory.
    """

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    agency_id = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    user_status = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class StaffAuditModel(Model):
    """One change to the staff directory (audit table): pk "~directory#YYYY-MM", seq "<iso time>#<username>#<n>"."""

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="report_id")
    seq = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    username = UnicodeAttribute()
    role = UnicodeAttribute(null=True)
    agency_id = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(null=True)
    note = UnicodeAttribute(null=True)


class ZaloDraftModel(Model):
    """A Zalo conversation on its way to a report, in the limits table: id "zalo-draft#<keyed hash of the user>".

    Short-lived and keyed by a hash like the counters beside it, so it shares their table and TTL: the
    Zalo user id itself is never stored. It holds the phone the citizen typed until the report is made
    (then only `report_id` matters) or until it expires unfinished.
    """

    class Meta(_Meta):
        pass

    id = UnicodeAttribute(hash_key=True)
    rev = NumberAttribute(default=0)  # compare-and-set: each message's write expects the revision it read
    started_at = UTCDateTimeAttribute()
    description = UnicodeAttribute(null=True)
    photos = UnicodeAttribute(null=True)  # JSON list of rules.zalo.Photo fields
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    category = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    asked = UnicodeAttribute(null=True)
    report_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class ZaloMessageModel(Model):
    """A Zalo message applied to a draft, in the limits table: id "zalo-msg#<keyed hash of msg_id>"."""

    class Meta(_Meta):
        pass

    id = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute(null=True)


ZALO_DRAFT_PREFIX = "zalo-draft#"
ZALO_MESSAGE_PREFIX = "zalo-msg#"

OPEN311_KEYS_PK = "open311-keys"  # the stats table's partition of Open311 API keys (sk: the key's digest)


class Open311KeyModel(Model):
    """One Open311 API key in the stats table: its keyed digest (never the key), name, and the reports it made.

    pk OPEN311_KEYS_PK, sk the digest (rules/open311.key_digest): a POST reads its key with one GetItem,
    the admin's list is one Query. `report_ids` grows by an idempotent ADD after each report it creates.
    """

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    key_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    report_ids = UnicodeSetAttribute(null=True)


class BySupporterIndex(GlobalSecondaryIndex):
    """Every support one phone gave (keys only: the report id and the phone's key), so an erase finds them all."""

    class Meta:
        index_name = "by-supporter"
        projection = KeysOnlyProjection()

    supporter_key = UnicodeAttribute(hash_key=True)


class SupporterModel(Model):
    """One "me too" of a report (pk the report id, sk a keyed hash of the supporter's phone): one per phone.

    Written by a conditional put (the hash must be new), so a repeated support
    counts once. The phone is kept for the published result's SMS only; it is
    never in a response, a log line or another person's notice.
    """

    class Meta(_Meta):
        pass

    report_id = UnicodeAttribute(hash_key=True)
    supporter_key = UnicodeAttribute(range_key=True)
    phone = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    via = UnicodeAttribute()  # phone | report (the supporter's own report's token) | merge
    source_report = UnicodeAttribute(null=True)  # the supporter's own report (via report or merge)
    at = UTCDateTimeAttribute()

    by_supporter_index = BySupporterIndex()


ALL_MODELS: tuple[type[Model], ...] = (ReportModel, AuditModel, MediaModel, AgencyMonthStatsModel, MarkerModel,
                                       LimitCounterModel, SupporterModel)


def bind(settings: Settings) -> None:
    """Point the models at this stage's tables; the next call opens a fresh connection."""
    names = {
        ReportModel: settings.reports_table,
        AuditModel: settings.audit_table,
        MediaModel: settings.media_table,
        MediaSlotsModel: settings.media_table,
        AgencyMonthStatsModel: settings.stats_table,
        MarkerModel: settings.stats_table,
        Open311KeyModel: settings.stats_table,
        SupporterModel: settings.supporters_table,
        LimitCounterModel: settings.limits_table,
        ZaloDraftModel: settings.limits_table,
        ZaloMessageModel: settings.limits_table,
        StaffEntryModel: settings.stats_table,
        StaffAuditModel: settings.audit_table,
    }
    forget_clients()
    for model, table in names.items():
        model.Meta.table_name = table
        model.Meta.region = settings.region
        model.Meta.host = settings.endpoint_url
        model._connection = None
