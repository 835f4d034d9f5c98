"""Reports and their audit trail in DynamoDB, written together or not at all."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.ports import DuplicateId, MissingReference, QuotaExceeded, Reference, StaleVersion
from chalicelib.rules.geo import cell_of, geohash
from chalicelib.rules.limits import Quota
from chalicelib.rules.listing import PublicFilters, StaffFilters, StaffScope
from chalicelib.rules.report import OPEN_STATES, SUPPORTABLE_STATES, AuditEntry, Report, Reporter, is_public
from chalicelib.rules.retention import ended_at, is_anonymised, originals_held
from chalicelib.storage.dynamo import (
    ConnectionOf,
    cancellation_codes,
    cancelled_by_condition,
    storable_key,
    to_plain,
)
from chalicelib.storage.limits import counter
from chalicelib.storage.models import (
    OPEN_SHARD,
    ORIGINALS_SHARD,
    PUBLIC_SHARD,
    RETENTION_SHARD,
    SLA_OPEN_SHARD,
    AuditModel,
    MediaModel,
    ReportModel,
    near_cell,
)
from chalicelib.storage.queries import (
    INDEXES,
    IndexQuery,
    decode_cursor,
    encode_cursor,
    plan_public,
    plan_staff,
    published_before,
)


def _plain_or_none(value: Any) -> Any:
    return to_plain(value) if value else None


def to_report(m: ReportModel) -> Report:
    return Report(
        id=m.id,
        province_code=int(m.province_code),
        status=m.status,
        channel=m.channel,
        category=m.category,
        description=m.description,
        lat=float(m.lat) if m.lat is not None else None,
        lng=float(m.lng) if m.lng is not None else None,
        address=m.address,
        ward_code=m.ward_code,
        agency_id=m.agency_id,
        reporter=Reporter(name=m.reporter_name, phone=m.reporter_phone or "", email=m.reporter_email),
        received_at=m.received_at,
        due_at=m.due_at,
        original_due_at=m.original_due_at,
        updated_at=m.updated_at,
        last_action=m.last_action,
        last_actor_role=m.last_actor_role,
        urgent=bool(m.urgent),
        occurred_at=m.occurred_at,
        round=int(m.round or 1),
        escalation_level=int(m.escalation_level or 0),
        sla_next_at=m.sla_next_at,
        result=_plain_or_none(m.result),
        return_request=_plain_or_none(m.return_request),
        extension_request=_plain_or_none(m.extension_request),
        extensions=[to_plain(e) for e in (m.extensions or [])],
        rejection=_plain_or_none(m.rejection),
        feedback=_plain_or_none(m.feedback),
        published_at=m.published_at,
        closed_at=m.closed_at,
        originals_removed_at=m.originals_removed_at,
        assigned_at=m.assigned_at,
        extra=_plain_or_none(m.extra) or {},
        version=int(m.version) if m.version is not None else None,
        support_count=int(m.support_count or 0),
    )


def to_model(r: Report, token_digest: str) -> ReportModel:
    m = ReportModel(
        r.id,
        province_code=r.province_code,
        status=r.status,
        round=r.round,
        channel=r.channel,
        category=r.category,
        description=r.description,
        urgent=r.urgent,
        lat=r.lat,
        lng=r.lng,
        address=r.address,
        ward_code=r.ward_code,
        agency_id=r.agency_id,
        reporter_name=r.reporter.name,
        reporter_phone=r.reporter.phone or None,
        reporter_email=r.reporter.email,
        tracking_token_digest=token_digest,
        received_at=r.received_at,
        occurred_at=r.occurred_at,
        due_at=r.due_at,
        original_due_at=r.original_due_at,
        updated_at=r.updated_at,
        last_action=r.last_action,
        last_actor_role=r.last_actor_role,
        escalation_level=r.escalation_level,
        result=r.result,
        return_request=r.return_request,
        extension_request=r.extension_request,
        extensions=r.extensions or None,
        rejection=r.rejection,
        feedback=r.feedback,
        published_at=r.published_at,
        closed_at=r.closed_at,
        originals_removed_at=r.originals_removed_at,
        assigned_at=r.assigned_at,
        extra=r.extra or None,
    )
    if r.version is not None:
        m.version = r.version
    for name, value in sparse_keys(r).items():
        setattr(m, name, value)
    return m


def sparse_keys(r: Report) -> dict[str, Any]:
    """The sparse index keys a report carries (None: absent), derived from its state, for puts and updates alike.

    sla-due: only open reports with a next SLA check; open-due: open reports; public-received: public ones
    (`rules.report.is_public`: a reopened report whose earlier round was published stays on it);
    originals-due: published reports whose media originals are still stored (its range key is `published_at`).
    """
    return {
        **sla_key(r.sla_next_at if r.is_open else None),
        "open_shard": OPEN_SHARD if r.status in OPEN_STATES else None,
        "public_shard": PUBLIC_SHARD if is_public(r) else None,
        **nearby_keys(r),
        **retention_keys(r),
        **originals_keys(r),
    }


def retention_keys(r: Report) -> dict[str, Any]:
    """retention-due: ended reports whose contact is still held, by when they ended (anonymising removes it)."""
    end = None if is_anonymised(r.reporter) else ended_at(r)
    return {"retention_shard": RETENTION_SHARD if end else None, "retention_end_at": end}


def originals_keys(r: Report) -> dict[str, Any]:
    """originals-due: published reports whose media originals are still stored (the range key is `published_at`;
    removing the originals, or a reopen, removes it)."""
    return {"originals_shard": ORIGINALS_SHARD if originals_held(r) else None}


def nearby_keys(r: Report) -> dict[str, Any]:
    """nearby-cell: open and published reports with a point (a close, a merge or a rejection removes them)."""
    if r.status not in SUPPORTABLE_STATES or r.lat is None or r.lng is None:
        return {"near_cell": None, "near_hash": None}
    return {"near_cell": near_cell(r.category, cell_of(r.lat, r.lng)), "near_hash": geohash(r.lat, r.lng)}


def sla_key(next_check: datetime | None) -> dict[str, Any]:
    """The sweep's sparse key: present only while the report has a next SLA check."""
    return {"sla_shard": SLA_OPEN_SHARD if next_check else None, "sla_next_at": next_check}


def update_actions(values: dict[str, Any]) -> list[Action]:
    """Set each attribute, or remove it where the value is None (a sparse key leaving its index)."""
    return [getattr(ReportModel, name).remove() if value is None else getattr(ReportModel, name).set(value)
            for name, value in values.items()]


def to_audit_model(e: AuditEntry, version: int) -> AuditModel:
    return AuditModel(
        e.report_id,
        f"{version:06d}",
        at=e.at,
        actor=e.actor,
        role=e.role,
        action=e.action,
        from_status=e.from_status,
        to_status=e.to_status,
        round=e.round,
        note=e.note,
    )


def to_audit_entry(m: AuditModel) -> AuditEntry:
    return AuditEntry(
        report_id=m.report_id,
        at=m.at,
        actor=m.actor,
        role=m.role,
        action=m.action,
        from_status=m.from_status,
        to_status=m.to_status,
        round=int(m.round or 1),
        note=m.note,
    )


class ReportStore(ConnectionOf):
    """Reads and writes reports; every write carries its audit row in one transaction."""

    def __init__(self, connection: Connection | None = None,
                 cursor_secret: bytes | Callable[[], bytes] = b"phananh") -> None:
        super().__init__(ReportModel, connection)
        self._cursor_secret = cursor_secret

    @property
    def _secret(self) -> bytes:
        """The cursor key, resolved on the first list (a stage secret is fetched only when a cursor is signed)."""
        if callable(self._cursor_secret):
            self._cursor_secret = self._cursor_secret()
        return self._cursor_secret

    # -- lists: one index query each, behind a signed cursor -----------------------------------
    def staff_page(self, scope: StaffScope, filters: StaffFilters, province_code: int, limit: int,
                   cursor: str | None = None) -> tuple[list[Report], str | None]:
        """One page of a staff queue within the caller's scope, and the cursor to the next."""
        return self._signed_page(plan_staff(scope, filters, province_code), limit, cursor)

    def public_page(self, filters: PublicFilters, limit: int,
                    cursor: str | None = None) -> tuple[list[Report], str | None]:
        """One page of published, closed and rejected reports, newest first."""
        return self._signed_page(plan_public(filters), limit, cursor)

    def published_before(self, cutoff: datetime, limit: int) -> list[Report]:
        """Up to `limit` published reports whose reopen window started before `cutoff`, oldest first."""
        return self.page(published_before(cutoff), limit)[0]

    def received_between(self, province_code: int, start: datetime, end: datetime, *, categories: Sequence[str],
                         statuses: Collection[str], limit: int) -> list[Report]:
        """Open311's GET requests: up to `limit` of the province's reports received in [start, end], newest
        first, from its `province-received` partition (categories and statuses filtered server-side)."""
        parts: list[Condition] = []
        if categories:
            parts.append(ReportModel.category.is_in(*categories))
        if statuses:
            parts.append(ReportModel.status.is_in(*sorted(statuses)))
        condition: Condition | None = None
        for part in parts:
            condition = part if condition is None else condition & part
        results = ReportModel.province_index.query(
            province_code, range_key_condition=ReportModel.received_at.between(start, end),
            filter_condition=condition, scan_index_forward=False, page_size=limit)
        raw: list[dict[str, Any]] = []
        for n, page in enumerate(results.page_iter, start=1):  # an anonymous read: its cost stays bounded
            raw.extend(page.get("Items", []))
            if len(raw) >= limit or n >= MAX_WINDOW_PAGES:
                break
        return [to_report(ReportModel.from_raw_data(item)) for item in raw[:limit]]

    def _signed_page(self, query: IndexQuery, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
        reports, last = self.page(query, limit, decode_cursor(cursor, query, self._secret))
        return reports, encode_cursor(last, query, self._secret)

    def create(self, report: Report, token_digest: str, audit: AuditEntry,
               quotas: Sequence[Quota] = ()) -> Report:
        """Insert a new report and its first audit row, taking each quota (abuse-limit counter) in the same
        transaction: one call. DuplicateId if the id is taken; QuotaExceeded if a limit is reached."""
        model = to_model(report.evolve(version=None), token_digest)
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(model, condition=ReportModel.id.does_not_exist())
                tx.save(to_audit_model(audit, 1), condition=AuditModel.seq.does_not_exist())
                for quota in quotas:
                    item, actions, condition = counter(quota)
                    tx.update(item, actions=actions, condition=condition)
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            for quota, code in zip(quotas, codes[2:], strict=False):
                if code == "ConditionalCheckFailed":
                    raise QuotaExceeded(quota) from exc
            if cancelled_by_condition(exc):
                raise DuplicateId(report.id) from exc
            raise
        return report.evolve(version=1)

    def get(self, report_id: str) -> tuple[Report, str] | None:
        """The report and its token digest, or None (one consistent read; none for an id no key can be)."""
        if not storable_key(report_id):
            return None
        try:
            model = ReportModel.get(report_id, consistent_read=True)
        except DoesNotExist:
            return None
        return to_report(model), model.tracking_token_digest

    def history(self, report_id: str) -> list[AuditEntry]:
        """The audit trail, oldest first (one query)."""
        return [to_audit_entry(m) for m in AuditModel.query(report_id, consistent_read=True)]

    def unresolved(self, references: Sequence[Reference]) -> Reference | None:
        """The first reference that does not hold now, or None: one consistent BatchGetItem over both tables.

        A transition's references (at most MAX_EVIDENCE media and one report)
        fit one call; keys DynamoDB leaves unprocessed are asked again a few
        times, and any still unanswered are left to the transaction's own
        condition checks rather than called missing.
        """
        if not references:
            return None
        for ref in references:  # an id no key can be names nothing: refused before any call
            _, hash_key, range_key = _key_of(ref)
            if not storable_key(hash_key) or (ref.kind == "evidence" and not storable_key(range_key)):
                return ref
        wanted = {_key_of(ref): ref for ref in references}
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        pending = sorted(wanted)
        for attempt in range(_BATCH_ATTEMPTS):
            if not pending:
                break
            if attempt:
                time.sleep(0.05 * 2 ** attempt)
            unprocessed: list[tuple[str, str, str]] = []
            for start in range(0, len(pending), _BATCH_KEYS):
                answer = self.connection.client.batch_get_item(
                    RequestItems=_batch_request(pending[start:start + _BATCH_KEYS]))
                for table, items in answer.get("Responses", {}).items():
                    for item in items:
                        found[_item_key(table, item)] = item
                for table, spec in (answer.get("UnprocessedKeys") or {}).items():
                    unprocessed += [_item_key(table, key) for key in spec.get("Keys", [])]
            pending = unprocessed
        unanswered = set(pending)
        for key, ref in wanted.items():
            if key not in unanswered and not _holds(ref, found.get(key)):
                return ref
        return None

    def apply(self, before: Report, after: Report, audit: AuditEntry,
              references: Sequence[Reference] = ()) -> Report:
        """One workflow transition: the report (if still at `before.version`) and its audit row, both or neither.

        `references` are checked again inside the same transaction (evidence
        media of this report, the report a rejection names as duplicated):
        the case service reads them first (`unresolved`), so this is the race
        guard, and under moto a cancelled transaction is rolled back by
        replacing the table (the stream readers see a record of the refused
        write: see devstack/runner.py). Raises
        StaleVersion if someone changed the report since it was read, and
        MissingReference if a reference does not hold.
        """
        if before.version is None:
            raise ValueError("a report read from the table has a version")
        model = ReportModel(before.id, version=before.version)
        # A network retry of this very request (same token) is answered as the first was, instead of
        # failing its own version check: a transition that happened is never reported as a conflict.
        token = str(uuid.uuid4())
        try:
            with TransactWrite(connection=self.connection, client_request_token=token) as tx:
                tx.update(model, case_actions(after))
                tx.save(to_audit_model(audit, before.version + 1), condition=AuditModel.seq.does_not_exist())
                for ref in references:
                    _check_reference(tx, ref)
        except TransactWriteError as exc:
            # PynamoDB sends condition checks first, then puts, then updates: [refs..., audit, report].
            codes = cancellation_codes(exc)
            own = codes[len(references):]
            if "TransactionConflict" in codes or "ConditionalCheckFailed" in own:
                raise StaleVersion(before.id) from exc
            for ref, code in zip(references, codes, strict=False):
                if code == "ConditionalCheckFailed":
                    raise MissingReference(ref.field, ref.value) from exc
            raise
        return after.evolve(version=before.version + 1)

    def page(self, query: IndexQuery, limit: int,
             start_key: dict[str, Any] | None = None) -> tuple[list[Report], dict[str, Any] | None]:
        """Up to `limit` reports from one index query, and the key to resume after (None at the end).

        Filters run server-side; when they drop most of a page the query goes
        on for at most MAX_PAGES pages, so a request's cost stays bounded and
        a short page with a cursor is a normal answer.
        """
        index, range_attr = _INDEXES[query.index]
        results = index.query(
            query.key,
            range_key_condition=_range_condition(query, range_attr),
            filter_condition=_filter_condition(query),
            scan_index_forward=not query.newest_first,
            page_size=limit,
            last_evaluated_key=start_key,
        )
        pages = results.page_iter
        raw: list[dict[str, Any]] = []
        for n, page in enumerate(pages, start=1):
            raw.extend(page.get("Items", []))
            if len(raw) >= limit or n >= MAX_PAGES:
                break
        if len(raw) > limit:
            raw = raw[:limit]
            last = {k: raw[-1][k] for k in pages.key_names}
        else:
            last = pages.last_evaluated_key
        return [to_report(ReportModel.from_raw_data(item)) for item in raw], last or None


MAX_PAGES = 3
MAX_WINDOW_PAGES = 10  # Open311's GET requests: at most this many 1 MB pages of the window are read
_CASE_FIELDS = (
    "status", "agency_id", "category", "round", "due_at", "original_due_at", "updated_at", "last_action",
    "last_actor_role", "escalation_level", "result", "return_request", "extension_request", "rejection",
    "feedback", "published_at", "closed_at", "assigned_at", "ward_code", "lat", "lng", "originals_removed_at",
)


def case_actions(r: Report) -> list[Action]:
    """The update a transition writes: every case field, the sparse keys, and nothing the workflow does not own."""
    actions: list[Action] = []
    for name in _CASE_FIELDS:
        attr, value = getattr(ReportModel, name), getattr(r, name)
        actions.append(attr.remove() if value is None else attr.set(value))
    actions.append(ReportModel.extensions.set(r.extensions) if r.extensions else ReportModel.extensions.remove())
    actions.append(ReportModel.extra.set(r.extra) if r.extra else ReportModel.extra.remove())
    return actions + update_actions(sparse_keys(r))


_BATCH_KEYS = 100  # BatchGetItem's limit per call
_BATCH_ATTEMPTS = 4


def _key_of(ref: Reference) -> tuple[str, str, str]:
    """(table, hash key, range key or "") of the item a reference names."""
    if ref.kind == "evidence":
        return MediaModel.Meta.table_name, ref.report_id, ref.value
    return ReportModel.Meta.table_name, ref.value, ""


def _item_key(table: str, item: dict[str, Any]) -> tuple[str, str, str]:
    if table == MediaModel.Meta.table_name:
        return table, item["report_id"]["S"], item["media_id"]["S"]
    return table, item["id"]["S"], ""


def _batch_request(keys: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    request: dict[str, Any] = {}
    for table, hash_key, range_key in keys:
        if table == MediaModel.Meta.table_name:
            spec = request.setdefault(table, {
                "Keys": [], "ConsistentRead": True, "ProjectionExpression": "report_id, media_id, purpose, #s",
                "ExpressionAttributeNames": {"#s": "status"}})
            spec["Keys"].append({"report_id": {"S": hash_key}, "media_id": {"S": range_key}})
        else:
            spec = request.setdefault(table, {"Keys": [], "ConsistentRead": True, "ProjectionExpression": "id"})
            spec["Keys"].append({"id": {"S": hash_key}})
    return request


def _holds(ref: Reference, item: dict[str, Any] | None) -> bool:
    """The read-side twin of `_check_reference`: evidence of this report not rejected, or a report that exists."""
    if item is None:
        return False
    if ref.kind == "evidence":
        return item.get("purpose", {}).get("S") == "evidence" and item.get("status", {}).get("S") != "rejected"
    return True


def _check_reference(tx: TransactWrite, ref: Reference) -> None:
    """The transaction's twin of `_holds` (the race guard)."""
    if ref.kind == "evidence":
        usable = (MediaModel.purpose == "evidence") & (MediaModel.status != "rejected")
        tx.condition_check(MediaModel, ref.report_id, ref.value, condition=usable)
    else:
        tx.condition_check(ReportModel, ref.value, condition=ReportModel.id.exists())


_INDEXES: dict[str, tuple[Any, Any]] = {
    index.Meta.index_name: (index, getattr(ReportModel, INDEXES[index.Meta.index_name][2]))
    for index in (ReportModel.agency_index, ReportModel.status_index, ReportModel.province_index,
                  ReportModel.open_due_index, ReportModel.public_index)
}


def _range_condition(q: IndexQuery, range_attr: Any) -> Condition | None:
    if range_attr is ReportModel.due_at:
        return ReportModel.due_at < q.due_before if q.due_before else None
    if q.received_from and q.received_to:
        return ReportModel.received_at.between(q.received_from, q.received_to)
    if q.received_from:
        return ReportModel.received_at >= q.received_from
    if q.received_to:
        return ReportModel.received_at <= q.received_to
    return None


def _filter_condition(q: IndexQuery) -> Condition | None:
    parts: list[Condition] = []
    if q.statuses and q.index != ReportModel.status_index.Meta.index_name:
        parts.append(ReportModel.status.is_in(*q.statuses))
    if q.agency_id and q.index != ReportModel.agency_index.Meta.index_name:
        parts.append(ReportModel.agency_id == q.agency_id)
    if q.category:
        parts.append(ReportModel.category == q.category)
    if q.ward_code:
        parts.append(ReportModel.ward_code == q.ward_code)
    if q.assigned_only:
        parts.append(ReportModel.assigned_at.exists())
    if q.open_only and q.index != ReportModel.open_due_index.Meta.index_name:
        parts.append(ReportModel.open_shard.exists())
    if q.due_before and q.index != ReportModel.open_due_index.Meta.index_name:
        parts.append(ReportModel.due_at < q.due_before)
    if q.published_before:
        parts.append(ReportModel.published_at < q.published_before)
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition
