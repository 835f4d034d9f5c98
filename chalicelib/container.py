"""The composition root: builds services from the stage's settings, lazily, once.

Handlers call these functions instead of building clients at import time, so
a cold start pays only for what the first request needs, and tests under
moto call `reset()` to rebuild everything inside their mock.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from chalicelib.config import settings

if TYPE_CHECKING:
    from chalicelib.adapters.auth import StaffAuthenticator
    from chalicelib.adapters.email import Mailer
    from chalicelib.rules.profile import ProvinceProfile
    from chalicelib.services.cases import CaseService
    from chalicelib.services.clock import Clock
    from chalicelib.services.digest import DigestService
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.media import MediaService
    from chalicelib.services.notify import NotifyService
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.services.stats import StatisticsService


@cache
def profile() -> ProvinceProfile:
    from chalicelib.provinces import load_profile

    return load_profile(settings().province)


@cache
def _bound_storage() -> None:
    from chalicelib.storage.models import bind

    bind(settings())


@cache
def intake() -> IntakeService:
    from chalicelib.adapters.idempotency import IdempotentRunner
    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.services.intake import IntakeService
    from chalicelib.storage.media import MediaStore
    from chalicelib.storage.reports import DuplicateId, ReportStore

    _bound_storage()
    return IntakeService(
        profile(),
        ReportStore(),
        MediaStore(),
        MediaBucket(settings()),
        once=IdempotentRunner(settings()),
        duplicate_ids=(DuplicateId,),
    )


def clock() -> Clock:
    """The services' notion of now (tests monkeypatch this function before building a service)."""
    from chalicelib.services.clock import utc_now

    return utc_now


@cache
def mailer() -> Mailer:
    from chalicelib.adapters.email import Mailer

    return Mailer(settings())


@cache
def sla_sweeper() -> SlaSweeper:
    from chalicelib.services.sla import SlaSweeper
    from chalicelib.storage.sla import SlaStore

    _bound_storage()
    return SlaSweeper(profile(), SlaStore(), clock=clock())


@cache
def digest() -> DigestService:
    from chalicelib.services.digest import DigestService
    from chalicelib.storage.sla import SlaStore
    from chalicelib.storage.stats import StatsStore

    _bound_storage()
    return DigestService(profile(), SlaStore(), mailer(), claims=StatsStore(), clock=clock())


@cache
def statistics() -> StatisticsService:
    from chalicelib.services.stats import StatisticsService
    from chalicelib.storage.stats import StatsStore

    _bound_storage()
    return StatisticsService(profile(), StatsStore(), clock=clock())


@cache
def notifier() -> NotifyService:
    from chalicelib.adapters.notice_ledger import NoticeLedger
    from chalicelib.adapters.sns import SnsAlerts
    from chalicelib.notices import load_templates
    from chalicelib.services.notify import NotifyService
    from chalicelib.storage.reports import report_from_image

    s = settings()
    return NotifyService(
        profile(),
        load_templates(),
        decode=report_from_image,
        topics=SnsAlerts(s),
        mail=mailer(),
        ledger=NoticeLedger(s),
        agency_topic_arn=s.agency_alerts_topic_arn,
        ioc_topic_arn=s.ioc_alerts_topic_arn,
    )


@cache
def media() -> MediaService:
    """The thumbnailer and the media links (Pillow is imported on the first photo, not here)."""
    from chalicelib.adapters import imaging
    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.services.media import MediaService
    from chalicelib.storage.media import MediaStore

    _bound_storage()
    s = settings()
    return MediaService(s.province, s.media_bucket, MediaStore(), MediaBucket(s), imaging, clock=clock())


@cache
def cases() -> CaseService:
    """The workflow's use cases: staff actions and views, citizen feedback/reopen, the public portal."""
    import hashlib

    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.services.cases import CaseService
    from chalicelib.storage.media import MediaStore
    from chalicelib.storage.reports import MissingReference, Reference, ReportStore, StaleVersion

    _bound_storage()
    s = settings()
    # Without a configured secret the key is derived from the stage's own names: cursors still cannot
    # reach outside their query's partition (rules/listing.py checks the decoded key), only forge-proofing weakens.
    secret = s.cursor_secret or f"{s.stage}|{s.reports_table}|{s.staff_user_pool_id}"
    return CaseService(
        profile(), ReportStore(), MediaStore(), MediaBucket(s), links=media(), clock=clock(),
        cursor_secret=hashlib.sha256(secret.encode()).digest(),
        stale_errors=(StaleVersion,), missing_errors=(MissingReference,), reference=Reference,
    )


@cache
def staff_auth() -> StaffAuthenticator:
    """Verifies staff ID tokens; its key cache lives as long as the process."""
    from chalicelib.adapters.auth import StaffAuthenticator

    return StaffAuthenticator(settings())


def reset() -> None:
    """Forget every built service and the settings (tests, and a new stage in one process)."""
    for fn in (cases, staff_auth,
               media, intake, sla_sweeper, digest, statistics, notifier, mailer, _bound_storage, profile, settings):
        fn.cache_clear()
