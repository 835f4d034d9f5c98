"""Nearby duplicates, "me too" supports and merges: which reports qualify, and the checks, as pure rules.

A report is a *candidate* (shown before a submission, open to supports)
while it is open, or published no more than `nearby.recent_days` ago (the
profile). Only open and published reports with a point carry the nearby
index's key (storage/reports.nearby_keys): a close (at the end of the reopen
window), a rejection or a merge removes it. Published reports older than the
recent window but not yet closed are read by a query and dropped here (at
most the reopen window minus `recent_days` of a cell's published reports:
the stated cost of keeping the index key until the close).

One support per phone per report: the supporter's item is keyed by a keyed
hash of the phone (rules/limits.keyed_hash, kind SUPPORT), never the phone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.rules.errors import Conflict, InvalidInput
from chalicelib.rules.geo import CellRange, cover, nearest
from chalicelib.rules.limits import keyed_hash
from chalicelib.rules.messages import MERGE_TEXTS
from chalicelib.rules.profile import ProvinceProfile
from chalicelib.rules.report import OPEN_STATES, Report

SUPPORT = "support"  # the keyed hash's kind for supporters


def supporter_key(key: bytes, phone: str) -> str:
    """The supporter item's sort key: the same phone, the same key, so a second support finds the first."""
    return keyed_hash(key, SUPPORT, phone)


def is_candidate(report: Report, now: datetime, profile: ProvinceProfile) -> bool:
    """Open, or published within the profile's recent window."""
    if report.status in OPEN_STATES:
        return True
    if report.status == "published" and report.published_at is not None:
        return now - report.published_at <= timedelta(days=profile.nearby.recent_days)
    return False


def cells_for(lat: float, lng: float, profile: ProvinceProfile) -> list[CellRange]:
    """The index ranges a nearby query reads for this point and the profile's radius."""
    return cover(lat, lng, profile.nearby.radius_m)


def choose(lat: float, lng: float, found: list[Report], now: datetime, profile: ProvinceProfile,
           exclude: str | None = None) -> list[tuple[Report, float]]:
    """The candidates within the radius, nearest first, at most the profile's limit, each with its distance."""
    usable = [r for r in found if r.id != exclude and is_candidate(r, now, profile)]
    return nearest(lat, lng, usable, lambda r: (r.lat, r.lng) if r.lat is not None and r.lng is not None else None,
                   profile.nearby.radius_m, profile.nearby.limit)


def check_supportable(report: Report, now: datetime, profile: ProvinceProfile) -> None:
    """409 unless the report is a candidate: a support raises nothing in the SLA, it only counts."""
    if not is_candidate(report, now, profile):
        raise Conflict("support_not_allowed", "report_id", state=report.status)


def check_merge(merged: Report, survivor: Report) -> None:
    """The survivor is another open report of the same ward or the same category."""
    if merged.id == survivor.id:
        raise InvalidInput("merge_into_self", "into")
    if survivor.status not in OPEN_STATES:
        raise Conflict("merge_target_closed", "into", value=survivor.id, state=survivor.status)
    same_ward = merged.ward_code is not None and merged.ward_code == survivor.ward_code
    if not same_ward and merged.category != survivor.category:
        raise InvalidInput("merge_unrelated", "into", value=survivor.id)


def carried_to(old: Report | None, new: Report) -> str | None:
    """The survivor's id when this change merged a report that people support: its supporters follow it there
    (the survivor's result then reaches them, and they count on it). None for any other change."""
    if old is None or old.status == "merged" or new.status != "merged" or new.support_count <= 0:
        return None
    into = (new.extra.get("merge") or {}).get("into")
    return into if isinstance(into, str) and into else None


def merge_public_reason(into: str, link: str) -> tuple[str, str]:
    """The merged report's public reason (vi, en): it names and links the surviving report."""
    vi, en = MERGE_TEXTS["public_reason"]
    return vi.format(into=into, link=link), en.format(into=into, link=link)
