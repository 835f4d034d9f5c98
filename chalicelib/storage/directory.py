"""The staff directory index and its audit rows: who is in which agency, one query away.

Every entry lives in one partition of the stats table (`DIRECTORY_PARTITION`)
under the sort key "<agency>#<username>" (agency ids are [a-z0-9-], so "#"
ends the agency exactly; a user of no agency sorts under "~"). An agency's
people are one Query with begins_with(sk, "<agency>#"); the whole directory,
one paged Query of the partition, never a scan of the pool. A province has
hundreds to a few thousand staff: one partition holds them easily, and they
change rarely. Audit rows go to the audit table, one partition a month (Vietnam time).

The pool is the truth: services/staff_admin.py changes Cognito first, then
`record`s the entry and its audit row here in one transaction, so an entry
and the row that explains it are written together or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.rules.calendar import VN_TZ
from chalicelib.rules.directory import AgencyContacts, DirectoryAudit, StaffEntry, contacts_of
from chalicelib.rules.errors import InvalidInput
from chalicelib.storage.dynamo import ConnectionOf
from chalicelib.storage.models import (
    DIRECTORY_AUDIT_PREFIX,
    DIRECTORY_NO_AGENCY,
    DIRECTORY_PARTITION,
    StaffAuditModel,
    StaffEntryModel,
)
from chalicelib.storage.queries import sign, unsign


def sort_key(agency_id: str | None, username: str) -> str:
    return f"{agency_id or DIRECTORY_NO_AGENCY}#{username}"


def _prefix(agency_id: str) -> str:
    return f"{agency_id}#"


def to_model(entry: StaffEntry) -> StaffEntryModel:
    return StaffEntryModel(DIRECTORY_PARTITION, sort_key(entry.agency_id, entry.username), username=entry.username,
                           email=entry.email, name=entry.name, role=entry.role, agency_id=entry.agency_id,
                           enabled=entry.enabled, user_status=entry.status, updated_at=entry.updated_at)


def to_entry(m: StaffEntryModel) -> StaffEntry:
    return StaffEntry(username=m.username, email=m.email, name=m.name, role=m.role, agency_id=m.agency_id,
                      enabled=bool(m.enabled), status=m.user_status, updated_at=m.updated_at)


def to_audit_model(row: DirectoryAudit) -> StaffAuditModel:
    seq = f"{row.at.isoformat()}#{row.username}#{secrets.token_hex(3)}"
    month = row.at.astimezone(VN_TZ).strftime("%Y-%m")  # the month as the province reads it
    return StaffAuditModel(f"{DIRECTORY_AUDIT_PREFIX}{month}", seq, at=row.at, actor=row.actor,
                           action=row.action, username=row.username, role=row.role, agency_id=row.agency_id,
                           enabled=row.enabled, note=row.note)


class DirectoryIndex:
    """The DirectoryIndexPort and the StaffContactsPort over the stats and audit tables."""

    def __init__(self, cursor_secret: Callable[[], bytes] = lambda: b"") -> None:
        self._cursor_secret = cursor_secret
        self._tx = ConnectionOf(StaffEntryModel)

    def record(self, entry: StaffEntry, audit: DirectoryAudit | None, previous: StaffEntry | None = None) -> None:
        """The entry, the drop of its old place if it moved, and the audit row: one TransactWriteItems."""
        with TransactWrite(connection=self._tx.connection) as tx:
            if previous is not None and sort_key(previous.agency_id, previous.username) != sort_key(
                    entry.agency_id, entry.username):
                tx.delete(to_model(previous))
            tx.save(to_model(entry))
            if audit is not None:
                tx.save(to_audit_model(audit), condition=StaffAuditModel.seq.does_not_exist())

    def drop(self, entry: StaffEntry) -> None:
        to_model(entry).delete()

    def entries(self) -> list[StaffEntry]:
        """The whole directory (a paged query of its partition)."""
        return [to_entry(m) for m in StaffEntryModel.query(DIRECTORY_PARTITION)]

    def page(self, agency_id: str | None, limit: int, cursor: str | None) -> tuple[list[StaffEntry], str | None]:
        """Up to `limit` entries (one agency's, or everyone's), by agency then username; a signed cursor."""
        start = self._start_key(agency_id, cursor)
        condition = StaffEntryModel.sk.startswith(_prefix(agency_id)) if agency_id else None
        results = StaffEntryModel.query(DIRECTORY_PARTITION, condition, limit=limit, page_size=limit,
                                        last_evaluated_key=start)
        entries = [to_entry(m) for m in results]
        last = results.last_evaluated_key
        next_cursor = None
        if last:
            next_cursor = sign({"d": last["sk"]["S"], "a": agency_id or ""}, self._cursor_secret())
        return entries, next_cursor

    def _start_key(self, agency_id: str | None, cursor: str | None) -> dict[str, Any] | None:
        if not cursor:
            return None
        payload = unsign(cursor, self._cursor_secret())
        sk = payload.get("d")
        if payload.get("a") != (agency_id or "") or not isinstance(sk, str) or (
                agency_id and not sk.startswith(_prefix(agency_id))):
            raise InvalidInput("invalid_cursor", "cursor")
        return {"pk": {"S": DIRECTORY_PARTITION}, "sk": {"S": sk}}

    def audit_month(self, month: str, limit: int) -> list[DirectoryAudit]:
        """A month's changes, newest first."""
        rows = StaffAuditModel.query(f"{DIRECTORY_AUDIT_PREFIX}{month}", scan_index_forward=False, limit=limit)
        return [DirectoryAudit(at=r.at, actor=r.actor, action=r.action, username=r.username, role=r.role,
                               agency_id=r.agency_id, enabled=r.enabled, note=r.note) for r in rows]

    # -- StaffContactsPort -------------------------------------------------------------------------

    def contacts(self, agency_id: str) -> AgencyContacts:
        """One Query: the agency's entries (begins_with its sort-key prefix)."""
        rows = StaffEntryModel.query(DIRECTORY_PARTITION, StaffEntryModel.sk.startswith(_prefix(agency_id)))
        return contacts_of(to_entry(m) for m in rows)

    def all_contacts(self) -> dict[str, AgencyContacts]:
        by_agency: dict[str, list[StaffEntry]] = {}
        for entry in self.entries():
            if entry.agency_id:
                by_agency.setdefault(entry.agency_id, []).append(entry)
        return {agency: contacts_of(entries) for agency, entries in by_agency.items()}
