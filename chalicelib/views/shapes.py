"""The shape of every response body the views build, as pydantic models: the source of the OpenAPI
document's response schemas (handlers/openapi_doc.py).

One model per view function (`VIEW_SHAPES` says which); `tests/unit/test_view_shapes.py` runs every view
function and validates its output against the document's JSON Schema, so the two cannot drift. Response
models forbid unknown keys: a key a view starts sending must be declared here first (and a private key
such as an actor's name in a public history row is refused by the schema).

Loaded only by the OpenAPI handler and the tests, never on `import app`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Shape(BaseModel):
    """A response body: every key declared."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Moment = str  # ISO 8601 with Vietnam's offset (+07:00), see rules/calendar.iso_local


class ErrorBody(BaseModel):
    """Every refusal (4xx) and the logged 500: a machine code, Vietnamese and English texts, the field at fault.

    Some errors add context: a workflow refusal names the `state` and the `allowed_actions`; an error Chalice
    raised itself (wrong content type) carries its `detail`.
    """

    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    message_en: str
    field: str | None = None
    state: str | None = None
    allowed_actions: list[str] | None = None
    detail: str | None = None


# -- what a client reads first (views/catalogue.py) ----------------------------------------------------------


class Health(Shape):
    status: Literal["ok"]
    province: str
    province_code: int


class ProvinceName(Shape):
    code: int
    name: str
    name_en: str


class CategoryEntry(Shape):
    code: str
    name: str
    name_en: str
    sla_working_days: dict[str, int]


class Categories(Shape):
    province: ProvinceName
    categories: list[CategoryEntry]


# -- pieces every audience shares (views/common.py) ----------------------------------------------------------


class Place(Shape):
    lat: float | None  # None: an operator's address-only report, not placed yet
    lng: float | None
    address: str | None
    ward_code: str | None
    ward_name: str | None


class AgencyRef(Shape):
    id: str
    name: str
    name_en: str


class CategoryRef(Shape):
    code: str
    name: str
    name_en: str


class HistoryRow(Shape):
    """One audit row as the reporter and the public see it: no actor."""

    at: Moment
    action: str
    from_: str | None = Field(alias="from")
    to: str
    round: int


class StaffHistoryRow(HistoryRow):
    actor: str
    role: str
    note: str | None


class PublicMeasure(Shape):
    type: str
    amount_vnd: int | None = None


class PublicResult(Shape):
    text: str
    enforcement: list[PublicMeasure]
    submitted_at: Moment | None


class PublicRejection(Shape):
    reason_code: str | None
    public_reason: str
    duplicate_of: str | None


class PublicMerge(Shape):
    """A merged report's end: the surviving report and the public reason that links it."""

    into: str | None
    public_reason: str
    public_reason_en: str


class Page(Shape):
    items: list[dict[str, Any]]
    next_cursor: str | None


# -- media (views/media.py) ----------------------------------------------------------------------------------


class UploadOffer(Shape):
    """An S3 presigned POST for one file."""

    media_id: str
    kind: Literal["photo", "video"]
    purpose: Literal["report", "evidence"]
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_in: int


class ReporterMedia(Shape):
    media_id: str
    kind: str
    status: str
    reason: str | None


class Rendition(Shape):
    name: str
    width: int
    height: int
    content_type: str
    url: str


class StaffMedia(Shape):
    media_id: str | None
    kind: str | None
    purpose: str | None
    status: str | None
    declared_type: str | None
    detected_type: str | None
    size: int | None
    width: int | None
    height: int | None
    created_at: Moment | None
    updated_at: Moment | None
    # a rejected upload: why, in both languages
    reason: str | None = None
    message: str | None = None
    message_en: str | None = None
    # a ready upload: EXIF facts and links
    exif: dict[str, Any] | None = None
    original_url: str | None = None  # null once the retention rule deleted the original
    original_removed_at: Moment | None = None  # when it did (the EXIF facts and renditions stay)
    renditions: list[Rendition] | None = None


class PublicPhoto(Shape):
    media_id: str
    purpose: str
    renditions: list[Rendition]


# -- the reporter (views/citizen.py) -------------------------------------------------------------------------


class Advice(Shape):
    vi: str
    en: str


class SavedReceipt(Shape):
    """The receipt as the idempotency record keeps it for a replay: never the tracking token."""

    id: str
    status: str
    ward_code: str | None
    ward_name: str | None
    agency_id: str
    agency_name: str
    received_at: Moment
    due_at: Moment
    sla_working_days: int
    urgent: bool
    sms: bool  # false: the reporter's phone cannot receive SMS (a landline); sms_notice says so
    nearby: list[NearbyItem]  # open and recent reports of the category nearby: "support this one instead"
    advice: Advice | None = None
    sms_notice: Advice | None = None


class Receipt(SavedReceipt):
    """The answer to a submission: the saved receipt and its tracking token, derived again every time."""

    tracking_token: str


class _ReportCore(Shape):
    """What the reporter and staff both read of a report (each view adds its own part)."""

    id: str
    status: str
    round: int
    urgent: bool
    channel: str
    category: CategoryRef
    description: str
    location: Place
    agency: AgencyRef
    occurred_at: Moment | None  # when the reporter says it happened (None: not given)
    received_at: Moment
    due_at: Moment
    original_due_at: Moment | None


class ReporterView(_ReportCore):
    result: PublicResult | None
    rejection: PublicRejection | None  # a refused report: the public reason (and the report it repeats)
    history: list[HistoryRow]
    support_count: int  # "me too" supports of this report; never who
    merge: PublicMerge | None  # merged: the surviving report the tracking page links


class Tracked(ReporterView):
    media: list[ReporterMedia]


class CitizenAction(Shape):
    id: str
    status: str
    round: int
    round_label: str
    due_at: Moment
    feedback: dict[str, Any] | None
    reopen_until: Moment | None


# -- staff (views/staff.py, handlers/staff.whoami) -----------------------------------------------------------


class StaffMe(Shape):
    username: str
    role: str
    roles: list[str]
    agency_id: str | None


class AgencyEntry(Shape):
    id: str
    name: str
    name_en: str
    kind: Literal["ioc", "ward_people_committee", "department", "police"]
    ward_code: str | None  # the ward a People's Committee answers for; null for the others


class AgencyList(Shape):
    agencies: list[AgencyEntry]


class ReporterContact(Shape):
    name: str  # "anonymised" once the retention rule or the reporter's erase request removed it
    phone: str  # "" when an e-mailed report's sender gave none, or once anonymised
    email: str | None = None  # the sender of an e-mailed report
    anonymised: bool | None = None  # true once the contact was anonymised (absent before)


# -- the reporter's data rights (views/retention.py) --------------------------------------------------------


class HeldContact(Shape):
    name: str | None
    phone: str | None
    email: str | None
    anonymised: bool


class MyData(Shape):
    id: str
    status: str
    held: HeldContact
    purpose: Advice  # why it is held
    kept_until: Moment | None  # when the retention rule anonymises it (None: the case still runs, or done)
    retention: Advice


class Erased(Shape):
    id: str
    status: str
    erased: bool  # false: it was already anonymised, nothing changed
    note: Advice | None
    removed: list[Advice]
    kept: list[Advice]  # and why
    supports_anonymised: int  # supporter records of the reporter's phone stripped by this request (0: none, or done)
    held: HeldContact


class _StaffReport(_ReportCore):
    """The report as staff see it (the reporter's view, widened), without its history."""

    reporter: ReporterContact | None
    escalation_level: int
    version: int | None
    result: dict[str, Any] | None
    return_request: dict[str, Any] | None
    extension_request: dict[str, Any] | None
    extensions: list[dict[str, Any]]
    rejection: dict[str, Any] | None
    feedback: dict[str, Any] | None
    published_at: Moment | None
    closed_at: Moment | None
    assigned_at: Moment | None
    support_count: int  # "me too" supports (one per phone)
    merge: dict[str, Any] | None  # into, public_reason(_en), at, by: set by the IOC's merge
    previous_rounds: list[dict[str, Any]]
    channel_client: str | None = None  # who filed it on the channel: an Open311 API key's name
    client_media_urls: list[str] = []  # the media_url links an Open311 client sent (never fetched)


class StaffView(_StaffReport):
    history: list[StaffHistoryRow]


class CaseFile(StaffView):
    round_label: str
    allowed_actions: list[str]
    allowed_corrections: list[str]  # corrections the caller may make now (relocate: POST .../location)
    media: list[StaffMedia]


class Transition(Shape):
    action: str
    from_: str | None = Field(alias="from")
    to: str
    round: int
    at: Moment
    version: int | None


class ActionTaken(_StaffReport):
    round_label: str
    allowed_actions: list[str]
    transition: Transition


class QueueRow(Shape):
    id: str
    status: str
    round: int
    urgent: bool
    channel: str
    category: str
    ward_code: str | None
    agency_id: str
    lat: float | None  # None: an operator's address-only report, not placed yet
    lng: float | None
    assigned: bool
    received_at: Moment
    due_at: Moment
    overdue: bool
    escalation_level: int
    extension_requested: bool
    version: int | None
    description: str
    support_count: int  # more supporters, more attention


class QueuePage(Shape):
    items: list[QueueRow]
    next_cursor: str | None


# -- the public (views/public.py) ----------------------------------------------------------------------------


class PublicView(Shape):
    """A reopened report keeps its last published round's result, agency, due dates and rating."""

    id: str
    status: str
    round: int  # the current round
    reopened: bool  # the result shown is an earlier round's: the citizen reopened it, the new round is not out
    result_round: int | None  # the round the result is from
    category: CategoryRef
    description: str
    location: Place
    agency: AgencyRef
    occurred_at: Moment | None  # when the reporter says it happened (None: not given)
    received_at: Moment
    due_at: Moment
    original_due_at: Moment | None
    result: PublicResult | None
    rejection: PublicRejection | None
    rating: int | None
    support_count: int  # "me too" supports (one per phone); never who
    merge: PublicMerge | None  # a merged report: the survivor and the public reason linking it


class NearbyItem(PublicView):
    distance_m: int  # from the asked point, whole metres


class NearbyList(Shape):
    radius_m: int
    limit: int
    items: list[NearbyItem]  # nearest first, at most `limit`


class SupportTaken(Shape):
    id: str
    status: str
    support_count: int
    counted: bool  # false: this phone already supported the report (nothing changed)


class PublicItem(PublicView):
    round_label: str
    published_at: Moment | None
    closed_at: Moment | None


class PublicReport(PublicItem):
    evidence: list[PublicPhoto]
    history: list[HistoryRow]


class PublicPage(Shape):
    items: list[PublicItem]
    next_cursor: str | None


class Point(Shape):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2)


class Feature(Shape):
    type: Literal["Feature"]
    id: str
    geometry: Point | None  # null for a report without a point (RFC 7946 §3.2)
    properties: dict[str, Any]


class FeatureCollection(Shape):
    """RFC 7946 (coordinates are [lng, lat]); the cursor rides along."""

    type: Literal["FeatureCollection"]
    features: list[Feature]
    next_cursor: str | None


# -- the province's map (views/wards.py) ----------------------------------------------------------------------


class WardFound(Shape):
    ward_code: str
    ward_name: str
    ward_type: str
    province_code: int
    province_name: str
    province_name_en: str
    distance_m: int | None  # set when the point is in a border gap or off the coast (nearest ward <= 300 m)


class WardEntry(Shape):
    code: str
    name: str
    type: str


class WardList(Shape):
    province_code: int
    province_name: str
    wards: list[WardEntry]


class WardsMap(BaseModel):
    """The wards as a GeoJSON FeatureCollection of MultiPolygons (properties: code, name, type)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


# -- statistics (views/stats.py) -----------------------------------------------------------------------------


class Figures(Shape):
    received: int
    resolved: int
    resolved_on_time: int
    resolved_late: int
    on_time_rate: float | None
    open_overdue: int
    median_working_days_to_result: float | None
    median_hours_to_result: float | None
    resolution_rate: float | None
    mean_rating: float | None
    ratings: int
    merged: int  # merged into another report: counted once, never resolved or late


class ProvinceFigures(Figures):
    code: int
    name: str


class AgencyFigures(Figures):
    agency_id: str
    name: str
    name_en: str


class ScoreParts(Shape):
    on_time: float
    satisfaction: float
    resolution: float


class RankedAgency(AgencyFigures):
    rank: int
    score: float
    score_parts: ScoreParts


class Notes(Shape):
    vi: str
    en: str


class MonthStats(Shape):
    month: str
    province: ProvinceFigures
    agencies: list[AgencyFigures]
    ranking: list[RankedAgency]
    ranking_min_sample: int
    notes: Notes


class RankingRule(Shape):
    weights: ScoreParts
    confidence: float
    min_sample: int


class MonthRanking(Shape):
    month: str
    ranking: list[RankedAgency]
    ranking_min_sample: int
    rule: RankingRule
    notes: Notes


# -- scheduled runs (views/runs.py): Lambda results, not HTTP, checked by the same test --------------------------


class SweepRun(Shape):
    open: int
    overdue: int
    read: int
    raised: dict[str, int]
    lost: int


class DigestRun(Shape):
    working_day: bool
    sent: int
    already_sent: int


class CloseRun(Shape):
    closed: int


class OriginalsRun(Shape):
    read: int  # items read from the originals-due index
    removed: int  # cases whose media originals were deleted
    versions: int  # object versions (and delete markers) deleted under raw/
    lost: int  # changed since read: the next run records them
    moved: int  # due on the index but not once read again (reopened since): their originals were kept
    stopped_early: bool  # out of time (or at the run's ceiling) with due cases left: the next run starts with them


class RetentionRun(Shape):
    read: int  # items read from the retention-due index
    anonymised: int
    lost: int  # changed since read: the next run takes them
    supporters: int  # supporter records stripped with their cases
    stopped_early: bool  # out of time (or at the run's ceiling) with due contacts left: the next run starts with them
    originals: OriginalsRun


# -- Open311 GeoReport v2 (views/open311.py): ids, codes and keys are strings -------------------------------


class Open311Endpoint(Shape):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Open311Discovery(Shape):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Open311Endpoint]


class Open311Service(Shape):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class Open311Services(RootModel[list[Open311Service]]):
    """services.json: every active category."""


class Open311Value(Shape):
    key: str
    name: str


class Open311Attribute(Shape):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[Open311Value]


class Open311Definition(Shape):
    service_code: str
    attributes: list[Open311Attribute]


class Open311Request(Shape):
    """A request as anyone may read it: never the reporter's name, phone or e-mail."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str | None
    requested_datetime: Moment | None
    updated_datetime: Moment | None
    expected_datetime: Moment | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class Open311Requests(RootModel[list[Open311Request]]):
    """requests.json, requests/{id}.json (one element)."""


class Open311Posted(Shape):
    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None


class Open311PostAnswer(RootModel[list[Open311Posted]]):
    """The answer to POST requests.json: one element."""


class Open311Token(Shape):
    service_request_id: str
    token: str


class Open311Tokens(RootModel[list[Open311Token]]):
    """tokens/{token}.json: one element."""


class Open311Error(Shape):
    code: str
    description: str


class Open311Errors(RootModel[list[Open311Error]]):
    """Every refusal of /open311/v2/: each problem one element, `code` the HTTP status."""


class Open311XmlDocument(RootModel[str]):
    """A GeoReport v2 XML document (UTF-8, no namespace); its elements are those of the JSON answer's shape."""


class Open311KeyIssued(Shape):
    key_id: str
    name: str
    api_key: str = Field(description="Shown this once; only a keyed digest is kept")
    created_at: Moment | None


class Open311KeyEntry(Shape):
    key_id: str
    name: str
    created_at: Moment | None
    created_by: str
    revoked_at: Moment | None
    report_count: int
    report_ids: list[str]


class Open311Keys(Shape):
    keys: list[Open311KeyEntry]


# Which shape each view function builds ("module.function" under chalicelib/views/).
# -- the staff directory (views/directory.py) ----------------------------------------------------------------


class StaffEntry(Shape):
    username: str
    email: str | None
    name: str | None
    role: str | None
    agency_id: str | None
    enabled: bool
    status: str | None
    updated_at: Moment | None


class DirectoryPage(Shape):
    items: list[StaffEntry]
    next_cursor: str | None


class DirectoryChange(Shape):
    action: Literal["invite", "disable", "enable", "move"]
    created: bool
    user: StaffEntry
    tokens_refused_before: Moment | None


class DirectoryAuditRow(Shape):
    at: Moment
    actor: str
    action: str
    username: str
    role: str | None
    agency_id: str | None
    enabled: bool | None
    note: str | None


class DirectoryAuditMonth(Shape):
    month: str
    items: list[DirectoryAuditRow]


class DirectoryReconciled(Shape):
    written: list[str]
    dropped: list[str]
    unchanged: int
# -- the Zalo OA webhook (views/zalo.py) ----------------------------------------------------------------


class ZaloAck(Shape):
    """The webhook's answer: the call is verified; `queued` when the event is one the channel handles."""

    received: Literal[True]
    queued: bool


VIEW_SHAPES: dict[str, type[BaseModel]] = {
    "open311.discovery": Open311Discovery,
    "open311.service": Open311Service,
    "open311.service_definition": Open311Definition,
    "open311.posted": Open311Posted,
    "open311.token_item": Open311Token,
    "open311.service_request": Open311Request,
    "open311.error_item": Open311Error,
    "open311.key_issued": Open311KeyIssued,
    "open311.key_entry": Open311KeyEntry,
    "catalogue.health": Health,
    "catalogue.categories": Categories,
    "common.place": Place,
    "common.agency": AgencyRef,
    "common.category": CategoryRef,
    "common.history_entry": HistoryRow,  # with_actor=True: StaffHistoryRow
    "common.public_result": PublicResult,
    "common.public_rejection": PublicRejection,
    "common.page": Page,
    "media.upload_offer": UploadOffer,
    "media.reporter_item": ReporterMedia,
    "media.rendition": Rendition,
    "media.staff_item": StaffMedia,
    "media.public_photo": PublicPhoto,
    "citizen.receipt": SavedReceipt,
    "citizen.with_token": Receipt,
    "citizen.reporter_view": ReporterView,
    "citizen.tracked": Tracked,
    "citizen.citizen_action": CitizenAction,
    "retention.my_data": MyData,
    "retention.erased": Erased,
    "staff.staff_view": StaffView,
    "staff.case_file": CaseFile,
    "staff.action_taken": ActionTaken,
    "staff.transition": Transition,
    "staff.queue_row": QueueRow,
    "staff.agency_list": AgencyList,
    "public.public_view": PublicView,
    "public.public_item": PublicItem,
    "public.public_report": PublicReport,
    "public.as_geojson": FeatureCollection,
    "public.nearby_item": NearbyItem,
    "public.nearby_list": NearbyList,
    "public.support_taken": SupportTaken,
    "common.public_merge": PublicMerge,
    "stats.figures": Figures,
    "stats.month": MonthStats,
    "stats.month_ranking": MonthRanking,
    "runs.sweep_run": SweepRun,
    "runs.digest_run": DigestRun,
    "runs.close_run": CloseRun,
    "runs.retention_run": RetentionRun,
    "wards.ward_found": WardFound,
    "wards.ward_list": WardList,
    "directory.staff_entry": StaffEntry,
    "directory.directory_page": DirectoryPage,
    "directory.directory_change": DirectoryChange,
    "directory.audit_row": DirectoryAuditRow,
    "directory.audit_month": DirectoryAuditMonth,
    "directory.reconciled": DirectoryReconciled,
    "zalo.ack": ZaloAck,
}
