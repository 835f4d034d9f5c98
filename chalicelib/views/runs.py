"""What a scheduled run answers (its Lambda result, read in the console and by the local event runner)."""

from __future__ import annotations

from typing import Any


def sweep_run(read: int, raised: dict[int, int], lost: int, open_now: int, overdue: int) -> dict[str, Any]:
    return {"open": open_now, "overdue": overdue, "read": read,
            "raised": {str(level): n for level, n in sorted(raised.items())}, "lost": lost}


def digest_run(working_day: bool, sent: int, already_sent: int) -> dict[str, Any]:
    return {"working_day": working_day, "sent": sent, "already_sent": already_sent}


def close_run(closed: int) -> dict[str, Any]:
    return {"closed": closed}


def retention_run(read: int, anonymised: int, lost: int, supporters: int, stopped_early: bool,
                  originals: dict[str, Any]) -> dict[str, Any]:
    """The contacts' anonymiser's figures, and `originals`: the media originals' run (read, removed, versions,
    lost, moved, stopped_early). `stopped_early`: the run's time or ceiling ran out with due cases left, which the
    next run takes first."""
    return {"read": read, "anonymised": anonymised, "lost": lost, "supporters": supporters,
            "stopped_early": stopped_early, "originals": originals}
