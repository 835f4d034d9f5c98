"""Reports and their audit trail in DynamoDB, written together or not at all."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.rules.report import AuditEntry, Report, Reporter
from chalicelib.storage.models import SLA_OPEN_SHARD, AuditModel, ReportModel


class DuplicateId(Exception):
    """The generated id is taken (40 random bits: rare; the caller draws again)."""


class StaleVersion(Exception):
    """Someone changed the report since it was read."""


def _to_plain(value: Any) -> Any:
    """MapAttribute values (raw or nested) as plain Python values (DynamoDB numbers as int/float)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _plain_or_none(value: Any) -> Any:
    return _to_plain(value) if value else None


def to_report(m: ReportModel) -> Report:
    return Report(
        id=m.id,
        province_code=int(m.province_code),
        status=m.status,
        channel=m.channel,
        category=m.category,
        description=m.description,
        lat=float(m.lat),
        lng=float(m.lng),
        address=m.address,
        ward_code=m.ward_code,
        agency_id=m.agency_id,
        reporter=Reporter(name=m.reporter_name, phone=m.reporter_phone),
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
        extensions=[_to_plain(e) for e in (m.extensions or [])],
        rejection=_plain_or_none(m.rejection),
        feedback=_plain_or_none(m.feedback),
        published_at=m.published_at,
        closed_at=m.closed_at,
        extra=_plain_or_none(m.extra) or {},
        version=int(m.version) if m.version is not None else None,
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
        reporter_phone=r.reporter.phone,
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
        extra=r.extra or None,
    )
    if r.version is not None:
        m.version = r.version
    set_sla_key(m, r.sla_next_at if r.is_open else None)
    return m


def set_sla_key(m: ReportModel, next_check: datetime | None) -> None:
    """Only open reports with a next SLA check carry the sparse index key."""
    m.sla_shard = SLA_OPEN_SHARD if next_check else None
    m.sla_next_at = next_check


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


class ReportStore:
    """Reads and writes reports; every write carries its audit row in one transaction."""

    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            meta = ReportModel.Meta
            self._connection = Connection(region=meta.region, host=meta.host)
        return self._connection

    def create(self, report: Report, token_digest: str, audit: AuditEntry) -> Report:
        """Insert a new report and its first audit row (fails with DuplicateId if the id is taken)."""
        model = to_model(report.evolve(version=None), token_digest)
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(model, condition=ReportModel.id.does_not_exist())
                tx.save(to_audit_model(audit, 1), condition=AuditModel.seq.does_not_exist())
        except TransactWriteError as exc:
            if _cancelled_by_condition(exc):
                raise DuplicateId(report.id) from exc
            raise
        return report.evolve(version=1)

    def get(self, report_id: str) -> tuple[Report, str] | None:
        """The report and its token digest, or None (one consistent read)."""
        try:
            model = ReportModel.get(report_id, consistent_read=True)
        except DoesNotExist:
            return None
        return to_report(model), model.tracking_token_digest

    def history(self, report_id: str) -> list[AuditEntry]:
        """The audit trail, oldest first (one query)."""
        return [to_audit_entry(m) for m in AuditModel.query(report_id, consistent_read=True)]


def _cancelled_by_condition(exc: TransactWriteError) -> bool:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and getattr(r, "code", None) == "ConditionalCheckFailed" for r in reasons)
