"""Agency statistics in the stats table: counters changed by atomic ADDs, once per stream event.

One item per (month, agency): pk "stats#YYYY-MM", sk the agency id, so a
month is one query. A stream event's changes and its marker
("event#<eventID>") are written in one transaction whose marker must not
exist yet: a redelivered event finds its marker and changes nothing. The same
table holds the digest's once-a-day markers ("digest#YYYY-MM-DD", agency).
Markers expire by TTL (stream records live 24 hours; markers 3 days).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.rules.stats import NOW_CELL, Cell, Figures
from chalicelib.storage.dynamo import ConnectionOf, cancellation_codes, condition_failed
from chalicelib.storage.models import AgencyMonthStatsModel, MarkerModel

MARKER_TTL = timedelta(days=3)


def stats_key(month: str) -> str:
    return f"stats#{month}"


class StatsStore(ConnectionOf):
    """Reads a month's cells; applies one stream event's counter changes exactly once."""

    def __init__(self, connection: Connection | None = None) -> None:
        super().__init__(AgencyMonthStatsModel, connection)

    def apply(self, event_id: str, changes: dict[Cell, dict[str, int]], now: datetime) -> bool:
        """Add the changes and mark the event, atomically; False if the event was already applied."""
        marker = MarkerModel(f"event#{event_id}", "stats", at=now, expires_at=now + MARKER_TTL)
        try:
            with TransactWrite(connection=self.connection) as tx:
                tx.save(marker, condition=MarkerModel.pk.does_not_exist())
                for (month, agency_id), counts in sorted(changes.items()):
                    cell = AgencyMonthStatsModel(stats_key(month), agency_id)
                    tx.update(cell, [getattr(AgencyMonthStatsModel, k).add(v) for k, v in sorted(counts.items())])
        except TransactWriteError as exc:
            if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:  # the event's marker: seen before
                return False  # the marker exists: this event was applied before
            raise
        return True

    def month(self, month: str) -> list[Figures]:
        """Every agency's figures for one month (one paginated query)."""
        return [Figures.from_counters(m.sk, m.attribute_values)
                for m in AgencyMonthStatsModel.query(stats_key(month))]

    def gauges(self) -> tuple[int, int]:
        """(open, open and overdue) right now, province-wide (one consistent read)."""
        month, sk = NOW_CELL
        try:
            cell = AgencyMonthStatsModel.get(stats_key(month), sk, consistent_read=True)
        except DoesNotExist:
            return 0, 0
        return int(cell.open_now or 0), int(cell.open_overdue or 0)

    def claim(self, kind: str, day: str, key: str, now: datetime) -> bool:
        """Take a once-only marker (e.g. today's digest for an agency); False if already taken."""
        marker = MarkerModel(f"{kind}#{day}", key, at=now, expires_at=now + MARKER_TTL)
        try:
            marker.save(condition=MarkerModel.pk.does_not_exist())
        except PutError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def release(self, kind: str, day: str, key: str) -> None:
        """Give a marker back (the work it guarded failed and may be retried)."""
        MarkerModel(f"{kind}#{day}", key).delete()

