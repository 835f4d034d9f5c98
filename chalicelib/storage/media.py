"""Media records of a report (one item per upload)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.storage.models import MediaModel


class MediaStore:
    """Pending, ready and rejected uploads, keyed by report and media id."""

    def kinds_of(self, report_id: str) -> list[str]:
        """Kinds of the uploads a report already has, rejected ones excluded (one query)."""
        return [m.kind for m in MediaModel.query(report_id) if m.status != "rejected"]

    def add_pending(
        self, report_id: str, media_id: str, kind: str, declared_type: str, key: str, purpose: str, now: datetime
    ) -> None:
        MediaModel(
            report_id,
            media_id,
            kind=kind,
            purpose=purpose,
            declared_type=declared_type,
            key=key,
            status="pending",
            created_at=now,
        ).save(condition=MediaModel.media_id.does_not_exist())

    def list(self, report_id: str) -> list[dict[str, Any]]:
        """All media of a report as plain dicts (one query)."""
        return [m.attribute_values | {"status": m.status} for m in MediaModel.query(report_id)]
