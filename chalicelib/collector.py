"""The garbage collector on a cold start: held off while the process loads, frozen once it has answered.

A cold Lambda imports botocore, PynamoDB, Chalice and our modules, parses the
service model and the province's data: hundreds of thousands of objects that
live as long as the container. CPython's collector, counting allocations,
walks them again and again while they are made (measured on the first intake
request: ~130 young and ~12 older collections, 60-80 ms of a 0.5 s answer,
freeing a few hundred objects). So `defer()` (first thing in `app.py`) raises
the young generation's threshold while the process loads and answers its first
event; after it, `settle()` moves every object alive into the permanent
generation (`gc.freeze`, never scanned again) and restores the thresholds, so
the warm container collects what each request leaves as before. No collection
is forced: one full pass over that heap before the first answer cost as much
as the passes it replaces.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

LOADING_THRESHOLD = 200_000  # allocations between young collections while the process loads (CPython's: 700)

_thresholds: tuple[int, int, int] | None = None


def defer() -> None:
    """Hold young collections off until `settle()` (idempotent: a second call keeps the first thresholds)."""
    global _thresholds
    if _thresholds is None:
        _thresholds = gc.get_threshold()
        gc.set_threshold(LOADING_THRESHOLD, _thresholds[1], _thresholds[2])


def settle() -> None:
    """Freeze what the cold start built and collect as usual from now on (nothing to do if not deferred)."""
    global _thresholds
    if _thresholds is not None:
        gc.freeze()
        gc.set_threshold(*_thresholds)
        _thresholds = None


def after_first_event(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for every kind of event: the first one answered settles the collector."""
    try:
        return get_response(event)
    finally:
        settle()
