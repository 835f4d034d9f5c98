"""Reports and their audit trail in DynamoDB, written together or not at all."""

from __future__ import annotations

from datetime import datetime
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
    """MapAttribute values (raw or nested) as plain Python values."""
    if hasattr(value, "as_dict"):
        return value.as_dict()
    return value


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
        result=_to_plain(m.result) if m.result else None,
        extra=_to_plain(m.extra) if m.extra else {},
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
        extra=r.extra or None,
    )
    if r.version is not None:
        m.version = r.version
    _set_sla_key(m, r.is_open, r.due_at)
    return m


def _set_sla_key(m: ReportModel, is_open: bool, due_at: datetime) -> None:
    """Only open reports carry the sparse SLA index key."""
    m.sla_shard = SLA_OPEN_SHARD if is_open else None
    m.sla_due_at = due_at if is_open else None


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
