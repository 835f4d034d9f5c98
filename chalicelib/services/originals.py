"""The retention rule for media originals: deleted `retention.originals_days` after the report is published.

What goes is every stored version of the files uploaded for the report (the
byte streams the citizen and staff sent, EXIF included) under `raw/`. What
stays: the renditions (no metadata) with the public case, and the EXIF facts
(GPS position, capture time) the thumbnailer read into the staff-only media
record. The rule itself is rules/retention.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.observability import emit, logger, trace_use_case
from chalicelib.ports import MediaRecordsPort, OriginalsPort, StaleVersion, StoredVersionsPort
from chalicelib.rules.actors import SYSTEM_ACTOR
from chalicelib.rules.media import raw_prefix
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.retention import RUN_MOST, RUN_PART, originals_due, remove_originals, run_goes_on
from chalicelib.services.clock import Clock, utc_now


@dataclass
class OriginalsRun:
    """What one run did: items read from the index, cases whose originals went, object versions deleted,
    writes lost to a race."""

    read: int = 0
    removed: int = 0
    versions: int = 0
    lost: int = 0  # a staff action landed between the read and the write: the case stays due for the next run
    moved: int = 0  # due on the index, no longer due once read again (reopened since): its originals are kept
    stopped_early: bool = False  # the time or the ceiling ran out with a due case read and left for the next run


class OriginalsService:
    """The scheduled deletion of media originals (run by `apply_retention` beside the contacts' anonymiser)."""

    def __init__(self, profile: ProvinceProfile, store: OriginalsPort, media: MediaRecordsPort,
                 objects: StoredVersionsPort, clock: Clock = utc_now) -> None:
        self.profile = profile
        self._store = store
        self._media = media
        self._objects = objects
        self._clock = clock

    @trace_use_case
    def apply_retention(self, time_left: Callable[[], float] | None = None, *, part: int = RUN_PART,
                        most: int = RUN_MOST) -> OriginalsRun:
        """Delete the originals of every report the rule says is due now, part after part, until none is left or
        the run must stop (rules/retention.run_goes_on, as for the contacts); then `stopped_early` is set.

        Reads the sparse originals-due index only, `part` items a page. The
        objects go first, then one write conditional on the version read marks
        the report and its media records and writes the audit row: a crash in
        between leaves the case due, and the re-run (nothing left to delete)
        writes it once. A run stopped early leaves its due cases on the index.
        """
        now = self._clock()
        run = OriginalsRun()
        for report in self._store.due(now - timedelta(days=self.profile.retention.originals_days), part):
            run.read += 1
            if not originals_due(report, now, self.profile):
                continue
            if not run_goes_on(run.removed + run.lost + run.moved, time_left() if time_left else None, most):
                run.stopped_early = True
                break
            # The deletes cannot be undone: the index can lag behind a reopen or a new round, so the report is
            # read again, consistently, and must still be due. The window left is this read's to the deletes.
            fresh = self._store.current(report.id)
            if fresh is None or not originals_due(fresh, now, self.profile):
                run.moved += 1
                continue
            report = fresh
            held = [m["media_id"] for m in self._media.records(report.id) if not m.get("original_removed_at")]
            versions = self._objects.versions(raw_prefix(report.id))
            if versions:
                self._objects.delete_versions(versions)
            after, audit = remove_originals(report, SYSTEM_ACTOR, now, len(held))
            try:
                self._store.removed(report, after, audit, held)
            except StaleVersion:
                run.lost += 1  # changed since the index was read: still due, the next run records it
                continue
            run.removed += 1
            run.versions += len(versions)
        emit("RetentionBehind", int(run.stopped_early), province=self.profile.slug, rule="originals")
        logger.info("originals retention applied", extra={"read": run.read, "removed": run.removed,
                                                          "versions": run.versions, "lost": run.lost,
                                                          "moved": run.moved, "stopped_early": run.stopped_early})
        return run
