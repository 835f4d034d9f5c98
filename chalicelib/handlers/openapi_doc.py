"""The OpenAPI 3.1 document of the HTTP API, generated, never hand-written.

Paths and methods come from the app's route table (Chalice's `app.routes`: path -> method -> entry);
request shapes from the pydantic models of `schemas/` (bodies, query strings; the staff actions as a union
discriminated by `action`, from `schemas.actions.STAFF_BODIES`); response shapes from `views/shapes.py`.
What the route table cannot say (which models, which headers, the success status, the refusals) is
`OPERATIONS` below; a route without an entry there fails the build, so a new route cannot go undocumented.

Loaded on the first `GET /openapi.json` only (handlers/openapi.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.schemas.actions import STAFF_BODIES, FeedbackBody, RelocateBody, ReopenBody
from chalicelib.schemas.directory import AuditQuery, DirectoryQuery, InviteBody, MoveBody
from chalicelib.schemas.intake import DeskIntakeRequest, IntakeRequest, MediaRequest, SupportRequest
from chalicelib.schemas.open311 import KeyRequest
from chalicelib.schemas.queries import (
    NearbyQuery,
    PublicListQuery,
    StaffListQuery,
    WardListQuery,
    WardLookupQuery,
)
from chalicelib.schemas.zalo import ZaloEvent
from chalicelib.views import shapes

REF = "#/components/schemas/{model}"
STAFF_ACTION = "StaffAction"

ERROR_MEANINGS = {
    400: "The request is malformed or a value is not accepted (the field at fault is named)",
    401: "No valid staff sign-in (a missing, expired or foreign ID token), or a channel's call whose signature is "
         "missing, wrong or stale",
    403: "Signed in, but this is not the caller's to see or do",
    404: "Unknown, or not visible to this caller (deliberately the same answer)",
    409: "The report's state does not allow this now (the state and the allowed actions are named), "
         "a stale `version`, or a limit of uploads reached",
    413: "The request body is too large",
    415: "The body is not `application/json`",
    422: "The same `Idempotency-Key` was used with a different body",
    429: "Too many requests",
    500: "A bug on our side, logged with the correlation id (never an input problem)",
    503: "Not done for now through no fault of the request (the staff sign-in could not be checked, or done in "
         "part: the staff pool has the change); the same request again, a little later, does it",
}


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


IDEMPOTENCY_KEY = Header("Idempotency-Key", "Makes retries safe: the same key returns the same report, "
                         "writes nothing new", {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,128}$"})
TRACKING_TOKEN = Header("X-Tracking-Token", "The reporter's tracking token from the receipt (a wrong or missing "
                        "token is the same 404 as an unknown id)")

ZALO_SIGNATURE = Header("X-ZEvent-Signature", "`mac=` and the hex SHA-256 of app_id + the raw body + timestamp + "
                        "the OA secret key", {"type": "string", "pattern": "^mac=[0-9a-f]{64}$"})


@dataclass(frozen=True)
class Operation:
    """What the route table does not say about one route."""

    summary: str
    tag: str
    status: int
    response: str  # a model of views/shapes.py
    body: type[BaseModel] | str | None = None  # a model of schemas/, or STAFF_ACTION
    query: type[BaseModel] | dict[str, dict[str, Any]] | None = None
    headers: tuple[Header, ...] = ()
    staff: bool = False
    errors: tuple[int, ...] = ()
    alternatives: dict[str, str] = field(default_factory=dict)  # another media type -> its shape
    response_headers: dict[str, str] = field(default_factory=dict)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)  # request bodies by name
    media_type: str = "application/json"  # what the success answer is sent as
    error_shape: str | None = None  # refusals in their own shape (Open311's error list) instead of ErrorBody
    form: dict[str, dict[str, Any]] | None = None  # an application/x-www-form-urlencoded body: field -> schema


REPORT_EXAMPLE = {
    "category": "ha-tang-do-thi", "description": "Ổ gà lớn trên đường Lê Duẩn, xe máy dễ ngã",
    "location": {"lat": 12.68, "lng": 108.04, "address": "Lê Duẩn, Buôn Ma Thuột"}, "ward_code": "24133",
    "reporter": {"name": "Nguyễn Văn An", "phone": "0905 123 456"},
}
PHOTO_EXAMPLE = {"content_type": "image/jpeg", "size": 123456}
ACTION_EXAMPLES: dict[str, dict[str, Any]] = {
    "assign": {"action": "assign", "agency_id": "ubnd-24133", "version": 1},
    "forward": {"action": "forward", "note": "Chuyển tiếp theo đề xuất"},
    "reject": {"action": "reject", "reason_code": "duplicate", "public_reason": "Trùng với phản ánh đã tiếp nhận",
               "duplicate_of": "DLK-7KQ3-M9XD"},
    "accept": {"action": "accept"},
    "return_to_ioc": {"action": "return_to_ioc", "reason": "Không thuộc địa bàn phường",
                      "suggested_agency_id": "ubnd-22015"},
    "request_extension": {"action": "request_extension", "working_days": 3, "reason": "Chờ vật tư sửa chữa"},
    "approve_extension": {"action": "approve_extension"},
    "deny_extension": {"action": "deny_extension", "reason": "Cần xử lý đúng hạn"},
    "submit_result": {"action": "submit_result", "text": "Đã vá ổ gà, mặt đường đã thông",
                      "enforcement": [{"type": "fine", "amount_vnd": 1000000}]},
    "send_back_result": {"action": "send_back_result", "reason": "Cần ảnh sau khắc phục"},
    "approve_result": {"action": "approve_result", "note": "Đạt"},
    "merge": {"action": "merge", "into": "DLK-7KQ3-M9XD", "note": "Cùng ổ gà, cách 30 m"},
}


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/health"): Operation("The service's health and its province", "catalogue", 200, "Health"),
    ("GET", "/categories"): Operation("The province's categories and SLA days per channel", "catalogue", 200,
                                      "Categories"),
    ("GET", "/openapi.json"): Operation("This document", "catalogue", 200, "OpenApiDocument"),
    ("POST", "/reports"): Operation(
        "Submit a report", "citizen", 201, "Receipt", body=IntakeRequest, headers=(IDEMPOTENCY_KEY,),
        errors=(409, 422), examples={"report": REPORT_EXAMPLE},
        response_headers={"Location": "The report's tracking path",
                          "Idempotent-Replayed": "`true` when the key's first answer is replayed"}),
    ("GET", "/reports/{report_id}"): Operation("The reporter's own view of a report", "citizen", 200, "Tracked",
                                               headers=(TRACKING_TOKEN,)),
    ("POST", "/reports/{report_id}/media"): Operation(
        "An S3 presigned POST for one photo or video of the report", "citizen", 201, "UploadOffer",
        body=MediaRequest, headers=(TRACKING_TOKEN,), errors=(409,), examples={"photo": PHOTO_EXAMPLE}),
    ("POST", "/reports/{report_id}/feedback"): Operation(
        "Rate the published result (once per round)", "citizen", 201, "CitizenAction", body=FeedbackBody,
        headers=(TRACKING_TOKEN,), errors=(409,), examples={"rating": {"rating": 4, "comment": "Xử lý nhanh"}}),
    ("POST", "/reports/{report_id}/reopen"): Operation(
        "Reopen a published report within its window (round 2)", "citizen", 200, "CitizenAction", body=ReopenBody,
        headers=(TRACKING_TOKEN,), errors=(409,), examples={"reopen": {"reason": "Ổ gà xuất hiện lại sau mưa"}}),
    ("GET", "/reports/{report_id}/my-data"): Operation(
        "The personal data held about the reporter of this report, why, and until when", "citizen", 200, "MyData",
        headers=(TRACKING_TOKEN,)),
    ("POST", "/reports/{report_id}/erase"): Operation(
        "Anonymise the reporter's contact now (name, phone, e-mail; masked in the text; the phone and name of every "
        "\"me too\" the same phone gave, counted in `supports_anonymised`); the case stays public. "
        "The answer says what was removed and what is kept and why; asked again, `erased` is false",
        "citizen", 200, "Erased", headers=(TRACKING_TOKEN,)),
    ("GET", "/staff/me"): Operation("The signed-in staff member", "staff", 200, "StaffMe", staff=True),
    ("GET", "/staff/agencies"): Operation(
        "The province's agencies (codes and names) for assigning, forwarding and the directory", "staff", 200,
        "AgencyList", staff=True),
    ("GET", "/staff/reports"): Operation("The caller's queue (one index query)", "staff", 200, "QueuePage",
                                         query=StaffListQuery, staff=True),
    ("GET", "/staff/reports/{report_id}"): Operation("The case file", "staff", 200, "CaseFile", staff=True),
    ("POST", "/staff/reports/{report_id}/actions"): Operation(
        "A workflow action (rules/workflow.py's table)", "staff", 200, "ActionTaken", body=STAFF_ACTION, staff=True,
        errors=(409,), examples=ACTION_EXAMPLES),
    ("POST", "/staff/reports/{report_id}/media"): Operation(
        "An S3 presigned POST for one evidence photo or video of the agency's result", "staff", 201, "UploadOffer",
        body=MediaRequest, staff=True, errors=(409,), examples={"photo": PHOTO_EXAMPLE}),
    ("GET", "/public/reports"): Operation(
        "Published, closed and rejected reports", "public", 200, "PublicPage", query=PublicListQuery,
        alternatives={"application/geo+json": "FeatureCollection"}),
    ("GET", "/public/reports/{report_id}"): Operation("One public case, its evidence and timeline", "public", 200,
                                                      "PublicReport"),
    ("POST", "/staff/reports/{report_id}/location"): Operation(
        "The IOC corrects where it happened: a point (it decides the ward) and/or a ward code", "staff", 200,
        "ActionTaken", body=RelocateBody, staff=True, errors=(409,),
        examples={"point": {"lat": 13.09, "lng": 109.3, "note": "Người gọi đọc nhầm địa chỉ"},
                  "ward": {"ward_code": "22015"}}),
    ("POST", "/staff/intake"): Operation(
        "The hotline desk records a caller's report (channel hotline; a point, a ward or an address only, which "
        "the IOC places); the caller's SMS carries the code", "staff", 201, "Receipt", body=DeskIntakeRequest,
        headers=(IDEMPOTENCY_KEY,), staff=True, errors=(409, 422),
        examples={"address_only": {"category": "moi-truong", "description": "Rác thải đổ trộm ven đường nhiều ngày",
                                   "location": {"address": "Cuối đường Y Wang, Buôn Ma Thuột"},
                                   "reporter": {"name": "Trần Thị Bình", "phone": "0912 345 678"}}},
        response_headers={"Location": "The report's staff path",
                          "Idempotent-Replayed": "`true` when the key's first answer is replayed"}),
    ("GET", "/wards/lookup"): Operation(
        "The ward a point lies in, or a 400 naming the other province (or the sea)", "places", 200, "WardFound",
        query=WardLookupQuery),
    ("GET", "/wards"): Operation(
        "The province's wards for a picker (or the map with ?format=geojson)", "places", 200, "WardList",
        query=WardListQuery, alternatives={"application/geo+json": "WardsMap"}),
    ("GET", "/wards.geojson"): Operation("The province's wards as polygons for a map (ETag, 304)", "places", 200,
                                         "WardsMap"),
    ("GET", "/reports/nearby"): Operation(
        "Open and recently published reports of a category within the profile's radius, nearest first (at most "
        "the profile's limit): one index query per covered geohash cell", "public", 200, "NearbyList",
        query=NearbyQuery),
    ("POST", "/reports/{report_id}/support"): Operation(
        "\"Me too\": support an open or recently published report with a phone (and name), or with your own "
        "report's id and tracking token; once per phone (201 counted, 200 already counted). Supporters get the "
        "result's SMS; nobody sees who supports", "citizen", 201, "SupportTaken", body=SupportRequest,
        errors=(409,), examples={
            "phone": {"phone": "0905 123 456", "name": "Trần Thị Bình"},
            "own_report": {"own_report_id": "DLK-7KQ3-M9XD", "tracking_token": "k3J9x2Qm7Lw0Vb5N"}}),
    ("GET", "/public/stats"): Operation(
        "A month's figures per agency, the province's, and the ranking", "public", 200, "MonthStats",
        query={"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$",
                         "description": "YYYY-MM (default: this month)"}}),
    ("POST", "/channels/zalo/webhook"): Operation(
        "Zalo OA events (signed by Zalo: X-ZEvent-Signature); answered at once, handled from a queue", "channels",
        200, "ZaloAck", body=ZaloEvent, headers=(ZALO_SIGNATURE,), errors=(401,),
        examples={"text": {"app_id": "1234567890", "user_id_by_app": "552177279717587730",
                           "event_name": "user_send_text", "timestamp": "1764642600000",
                           "sender": {"id": "2512523625412515"}, "recipient": {"id": "579745863508352884"},
                           "message": {"msg_id": "96d3cdf3af150460909", "text": "Ổ gà lớn trên đường Lê Duẩn"}}}),
    ("GET", "/public/ranking"): Operation(
        "A month's agency ranking: each row's score and its parts, and the rule", "public", 200, "MonthRanking",
        query={"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$",
                         "description": "YYYY-MM (default: this month)"}}),
    # -- the staff directory (the province admin only) --
    ("GET", "/staff/directory/users"): Operation(
        "The staff directory, one agency's or everyone's (one index query a page)", "directory", 200,
        "DirectoryPage", query=DirectoryQuery, staff=True),
    ("POST", "/staff/directory/users"): Operation(
        "Invite a staff user: Cognito e-mails a temporary password (200 if the same invitation exists)",
        "directory", 201, "DirectoryChange", body=InviteBody, staff=True, errors=(409, 503),
        examples={"officer": {"username": "nguyen.van.an", "email": "an.nv@bmt.daklak.gov.vn",
                              "name": "Nguyễn Văn An", "role": "agency_officer", "agency_id": "ubnd-24133"}}),
    ("POST", "/staff/directory/users/{username}/disable"): Operation(
        "Disable a staff user; their tokens stop working at once", "directory", 200, "DirectoryChange",
        staff=True, errors=(409, 503)),
    ("POST", "/staff/directory/users/{username}/enable"): Operation(
        "Enable a staff user again", "directory", 200, "DirectoryChange", staff=True, errors=(409, 503)),
    ("POST", "/staff/directory/users/{username}/move"): Operation(
        "Move a staff user to another agency and/or role; their tokens stop working at once", "directory", 200,
        "DirectoryChange", body=MoveBody, staff=True, errors=(409, 503),
        examples={"agency": {"agency_id": "ubnd-22015"}, "role": {"role": "agency_lead"}}),
    ("GET", "/staff/directory/audit"): Operation(
        "A month's directory changes, newest first (who, what, when)", "directory", 200, "DirectoryAuditMonth",
        query=AuditQuery, staff=True),
    ("POST", "/staff/directory/reconcile"): Operation(
        "Rebuild the directory index from the staff pool (what differs, what is missing, what is extra)",
        "directory", 200, "DirectoryReconciled", staff=True),
}


# -- Open311 GeoReport v2: every document in JSON and in XML (the path's suffix says which) ----------------------
_TEXT: dict[str, Any] = {"type": "string"}
OPEN311_JURISDICTION = {"jurisdiction_id": {"type": "string", "description": "Optional: the province's slug"}}
OPEN311_REQUESTS_QUERY = {
    **OPEN311_JURISDICTION,
    "service_request_id": {"type": "string", "description": "Comma-separated ids; overrides every other filter"},
    "service_code": {"type": "string", "description": "Comma-separated service codes"},
    "start_date": {"type": "string", "description": "W3C datetime; with end_date at most 90 days apart"},
    "end_date": {"type": "string", "description": "W3C datetime (default: the last 90 days)"},
    "status": {"type": "string", "description": "open, closed or both, comma-separated"},
}
OPEN311_FORM: dict[str, dict[str, Any]] = {
    "api_key": _TEXT, "jurisdiction_id": _TEXT, "service_code": _TEXT,
    "lat": {"type": "number"}, "long": {"type": "number"}, "address_string": _TEXT,
    "address_id": {"type": "string", "description": "A ward code (instead of lat + long)"},
    "description": {"type": "string", "maxLength": 4000}, "first_name": _TEXT, "last_name": _TEXT,
    "phone": _TEXT, "email": _TEXT, "device_id": _TEXT, "account_id": _TEXT,
    "media_url": {"type": "array", "items": _TEXT, "maxItems": 5},
    "attribute[occurred_at]": {"type": "string", "description": "W3C datetime: when it happened"},
}
_OPEN311_DOCS = {
    "discovery": ("Open311 discovery: specification, endpoint, formats, whom to ask for a key", "Open311Discovery",
                  OPEN311_JURISDICTION),
    "services": ("Open311 services: one per active category", "Open311Services", OPEN311_JURISDICTION),
    "requests": ("Open311 requests: the last 90 days by default, at most 1,000, never the reporter",
                 "Open311Requests", OPEN311_REQUESTS_QUERY),
}


def _open311_operations() -> dict[tuple[str, str], Operation]:
    ops: dict[tuple[str, str], Operation] = {}
    for fmt, media_type in (("json", "application/json"), ("xml", "text/xml")):
        shape = (lambda name: name) if fmt == "json" else (lambda name: "Open311XmlDocument")
        errors = shape("Open311Errors")
        for doc, (summary, response, params) in _OPEN311_DOCS.items():
            ops[("GET", f"/open311/v2/{doc}.{fmt}")] = Operation(
                f"{summary} ({fmt.upper()})", "open311", 200, shape(response), query=params, media_type=media_type,
                error_shape=errors, errors=(404,))
        ops[("POST", f"/open311/v2/requests.{fmt}")] = Operation(
            f"Open311: file a request on an API key, through the citizen intake ({fmt.upper()})", "open311", 201,
            shape("Open311PostAnswer"), form=OPEN311_FORM, media_type=media_type, error_shape=errors,
            errors=(403, 404, 409))
    segment = {"media_type": "application/json", "error_shape": "Open311Errors",
               "alternatives": {"text/xml": "Open311XmlDocument"}}
    ops[("GET", "/open311/v2/services/{code_fmt}")] = Operation(
        "Open311 service definition: `<code>.json` or `<code>.xml`", "open311", 200, "Open311Definition",
        query=OPEN311_JURISDICTION, **segment)  # type: ignore[arg-type]
    ops[("GET", "/open311/v2/requests/{id_fmt}")] = Operation(
        "Open311: one request, `<id>.json` or `<id>.xml` (a one-element list)", "open311", 200, "Open311Requests",
        query=OPEN311_JURISDICTION, **segment)  # type: ignore[arg-type]
    ops[("GET", "/open311/v2/tokens/{token_fmt}")] = Operation(
        "Open311: the request a POST's token stands for, `<token>.json` or `<token>.xml`", "open311", 200,
        "Open311Tokens", query=OPEN311_JURISDICTION, **segment)  # type: ignore[arg-type]
    ops[("POST", "/staff/open311/keys")] = Operation(
        "Issue an Open311 API key (province admin): shown once, stored as a keyed digest", "staff", 201,
        "Open311KeyIssued", body=KeyRequest, staff=True, errors=(409,),
        examples={"client": {"name": "FixMyStreet Đắk Lắk"}})
    ops[("GET", "/staff/open311/keys")] = Operation(
        "The Open311 API keys (province admin): names, reports made, never a key", "staff", 200, "Open311Keys",
        staff=True)
    ops[("DELETE", "/staff/open311/keys/{key_id}")] = Operation(
        "Revoke an Open311 API key (province admin): its POSTs are refused at once", "staff", 200,
        "Open311KeyEntry", staff=True)
    return ops


OPERATIONS.update(_open311_operations())


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: an absent parameter is the None, so `null` is not a value to send."""
    schema = {k: v for k, v in schema.items() if k not in {"title", "default"} or v is not None}
    schema.pop("title", None)
    options = schema.pop("anyOf", None)
    if options is not None:
        kept = [o for o in options if o.get("type") != "null"]
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    return schema


def _query_parameters(query: type[BaseModel] | dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(query, dict):
        return [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in query.items()]
    properties = query.model_json_schema(by_alias=True)["properties"]
    return [{"name": name, "in": "query", "required": False, "schema": _without_null(schema)}
            for name, schema in properties.items()]


def _content(shape: str) -> dict[str, Any]:
    return {"schema": {"$ref": REF.format(model=shape)}}


def _operation(method: str, path: str, view_args: list[str], op: Operation, view_name: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": arg, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for arg in view_args
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    parameters += [{"name": h.name, "in": "header", "required": False, "description": h.description,
                    "schema": h.schema} for h in op.headers]
    success: dict[str, Any] = {"description": op.summary, "content": {op.media_type: _content(op.response)}}
    for media_type, shape in op.alternatives.items():
        success["content"][media_type] = _content(shape)
    if op.response_headers:
        success["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                              for name, text in op.response_headers.items()}
    refusals = set(op.errors) | {429}
    if parameters or op.body is not None:
        refusals.add(400)
    if view_args:
        refusals.add(404)
    if op.body is not None or op.form is not None:
        refusals |= {413, 415}
    if op.staff:
        refusals |= {401, 403, 503}  # 503: the sign-in's revocation marker could not be read (adapters/auth.py)
    responses: dict[str, Any] = {str(op.status): success}
    for status in sorted(refusals | {500}):
        if op.error_shape and status != 500:
            responses[str(status)] = {"description": ERROR_MEANINGS[status],
                                      "content": {op.media_type: _content(op.error_shape)}}
        else:
            responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    operation: dict[str, Any] = {"operationId": view_name, "summary": op.summary, "tags": [op.tag],
                                 "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if op.body is not None:
        name = op.body if isinstance(op.body, str) else op.body.__name__
        content = _content(name)
        if op.examples:
            content["examples"] = {key: {"value": value} for key, value in op.examples.items()}
        operation["requestBody"] = {"required": True, "content": {"application/json": content}}
    if op.form is not None:
        operation["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": op.form, "required": ["api_key", "service_code"]}}}}
    if op.staff:
        operation["security"] = [{"staffIdToken": []}]
    return operation


def _schemas() -> dict[str, Any]:
    """Every request and response model's JSON Schema, references pointing into components."""
    models: list[type[BaseModel]] = [IntakeRequest, MediaRequest, FeedbackBody, ReopenBody, RelocateBody,
                                     SupportRequest, *STAFF_BODIES.values(), shapes.ErrorBody, InviteBody, MoveBody,
                                     ZaloEvent, KeyRequest]
    models.append(DeskIntakeRequest)
    models += [getattr(shapes, op.response) for op in OPERATIONS.values() if op.response != "OpenApiDocument"]
    models += [getattr(shapes, s) for op in OPERATIONS.values() for s in op.alternatives.values()]
    models += [getattr(shapes, op.error_shape) for op in OPERATIONS.values() if op.error_shape]
    models += list(shapes.VIEW_SHAPES.values())  # the test of the views checks each against this document
    unique = list(dict.fromkeys(models))
    _, top = models_json_schema([(m, "validation") for m in unique], ref_template=REF)
    schemas: dict[str, Any] = dict(top["$defs"])
    schemas[STAFF_ACTION] = {
        "description": "One staff action; `action` says which, and which fields it takes",
        "oneOf": [{"$ref": REF.format(model=m.__name__)} for m in STAFF_BODIES.values()],
        "discriminator": {"propertyName": "action",
                          "mapping": {name: REF.format(model=m.__name__) for name, m in STAFF_BODIES.items()}},
    }
    schemas["OpenApiDocument"] = {"type": "object", "description": "An OpenAPI 3.1 document",
                                  "required": ["openapi", "paths"]}
    return schemas


def build(routes: dict[str, dict[str, Any]], version: str = "1") -> dict[str, Any]:
    """The document of an app's route table (`app.routes`)."""
    paths: dict[str, dict[str, Any]] = {}
    documented = set()
    for path, methods in routes.items():
        for method, entry in methods.items():
            op = OPERATIONS.get((method, path))
            if op is None:
                raise LookupError(f"{method} {path} has no entry in handlers/openapi_doc.OPERATIONS")
            documented.add((method, path))
            paths.setdefault(path, {})[method.lower()] = _operation(method, path, list(entry.view_args), op,
                                                                    entry.view_name)
    stale = set(OPERATIONS) - documented
    if stale:
        raise LookupError(f"OPERATIONS names routes the app does not have: {sorted(stale)}")
    responses = {f"Error{status}": {"description": text, "content": {"application/json": _content("ErrorBody")}}
                 for status, text in ERROR_MEANINGS.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "phananh: citizen field reports", "version": version,
                 "description": "One province's API (a stage). Every refusal is an ErrorBody: a machine `code`, "
                                "a Vietnamese `message`, an English `message_en` and the `field` at fault."},
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "responses": responses,
            "securitySchemes": {"staffIdToken": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "An ID token of the province's Cognito staff pool (RS256, `token_use` = id)"}},
        },
        "tags": [{"name": "catalogue"}, {"name": "citizen"}, {"name": "staff"}, {"name": "public"},
                 {"name": "directory"}],
    }
