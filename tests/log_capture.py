"""The service's JSON log lines, captured in tests that assert what is (not) logged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def logged_lines() -> Iterator[list[str]]:
    """The service's log lines, as Powertools formats them, collected by a handler on its logger.

    At INFO: under pytest's output capture, `Chalice(app_name="phananh")` may have set the shared
    "phananh" logger to ERROR (it leaves a logger alone only if it already writes to the current stdout).
    """
    import logging

    from chalicelib.observability import logger

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep()
    keep.setFormatter(logger.registered_formatter)
    logger.addHandler(keep)
    previous = logger.log_level
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.setLevel(previous)
        logger.removeHandler(keep)
