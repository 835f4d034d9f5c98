"""The cold start's collector settings: held off while loading, back to normal after the first event."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from chalicelib import collector


@pytest.fixture
def clean_collector() -> Iterator[None]:
    """Each test starts undeferred with CPython's thresholds, and leaves the process as it found it."""
    before = gc.get_threshold()
    collector.settle()  # app.py deferred it at import, if a test imported app first
    gc.set_threshold(*before)
    yield
    collector._thresholds = None
    gc.set_threshold(*before)
    gc.unfreeze()


def test_defer_holds_young_collections_off_and_settle_restores_them(clean_collector: None) -> None:
    before = gc.get_threshold()
    collector.defer()
    collector.defer()  # a second call must not take the raised threshold for the original
    assert gc.get_threshold() == (collector.LOADING_THRESHOLD, before[1], before[2])
    collector.settle()
    assert gc.get_threshold() == before


def test_settle_freezes_what_the_cold_start_built(clean_collector: None) -> None:
    gc.unfreeze()
    collector.defer()
    kept = [object() for _ in range(1000)]
    collector.settle()
    assert gc.get_freeze_count() >= len(kept)


def test_settle_without_defer_changes_nothing(clean_collector: None) -> None:
    gc.unfreeze()
    before = gc.get_threshold()
    collector.settle()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_first_event_settles_even_when_its_handler_fails(clean_collector: None) -> None:
    before = gc.get_threshold()
    collector.defer()

    def failing(event: object) -> object:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        collector.after_first_event({}, failing)
    assert gc.get_threshold() == before
    assert collector.after_first_event({"n": 1}, lambda event: event) == {"n": 1}


def test_app_defers_at_import_and_registers_the_middleware_for_every_event() -> None:
    import app

    assert (collector.after_first_event, "all") in app.app.middleware_handlers
