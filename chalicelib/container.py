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
    from chalicelib.rules.profile import ProvinceProfile
    from chalicelib.services.intake import IntakeService


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


def reset() -> None:
    """Forget every built service and the settings (tests, and a new stage in one process)."""
    for fn in (intake, _bound_storage, profile, settings):
        fn.cache_clear()
