"""Upload offers over in-memory ports: what the service does when the slots are full, busy or expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.ports import PresignedPost, SlotBusy, SlotsFull
from chalicelib.rules.errors import Conflict, InvalidInput
from chalicelib.services import media as media_service
from chalicelib.services.media import RESERVE_ATTEMPTS, MediaService

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class Slots:
    """MediaRecordsPort.reserve in memory; `busy` makes the next n writes lose to a concurrent one."""

    def __init__(self, busy: int = 0) -> None:
        self.items: dict[str, dict] = {}
        self.busy = busy
        self.calls: list[tuple[str, ...]] = []

    def records(self, report_id):
        return [dict(m) for m in self.items.values()]

    def reserve(self, record, limit, reclaim=(), now=None):
        self.calls.append(tuple(reclaim))
        if self.busy:
            self.busy -= 1
            raise SlotBusy(record["report_id"])
        same = [m for m in self.items.values() if m["status"] != "rejected" and m["kind"] == record["kind"]]
        if any(self.items[r]["status"] != "pending" or self.items[r]["expires_at"] > now for r in reclaim):
            raise SlotBusy(record["report_id"])
        if len(same) - len(reclaim) >= limit:
            raise SlotsFull(record["report_id"])
        for r in reclaim:
            self.items[r].update(status="rejected", reason="upload_expired")
        self.items[record["media_id"]] = dict(record)


class Bucket:
    def __init__(self) -> None:
        self.objects: set[str] = set()

    def presigned_post(self, key, content_type, max_bytes):
        return PresignedPost("https://bucket", {"key": key, "max": str(max_bytes)}, 900)

    def stat(self, key, version_id=None):
        return {"size": 1} if key in self.objects else None


def service(records, clock=lambda: NOW, bucket=None):
    bucket = bucket or Bucket()
    return MediaService("daklak", "media", records, bucket, imaging=None, clock=clock, uploads=bucket)


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(media_service.time, "sleep", lambda seconds: None)


def test_a_lost_race_is_retried_and_a_lasting_one_is_a_409_to_retry():
    records = Slots(busy=2)
    assert service(records).offer_upload("R1", "report", "image/jpeg", None)["kind"] == "photo"
    assert len(records.calls) == 3
    with pytest.raises(Conflict) as err:
        service(Slots(busy=RESERVE_ATTEMPTS)).offer_upload("R1", "report", "image/jpeg", None)
    assert (err.value.status, err.value.code) == (409, "upload_busy") and err.value.message_en


def test_full_slots_are_a_409_limit_and_expired_unused_ones_are_reclaimed_once():
    now = [NOW]
    records, bucket = Slots(), Bucket()
    offers = service(records, lambda: now[0], bucket)
    ids = [offers.offer_upload("R1", "report", "video/mp4", None)["media_id"]]
    with pytest.raises(Conflict) as err:
        offers.offer_upload("R1", "report", "video/quicktime", None)
    assert (err.value.code, err.value.params["max"]) == ("media_limit_reached", 1)
    now[0] = NOW + timedelta(seconds=901)
    ids.append(offers.offer_upload("R1", "report", "video/mp4", None)["media_id"])
    assert records.items[ids[0]]["status"] == "rejected" and records.calls[-1] == (ids[0],)
    bucket.objects.add(records.items[ids[1]]["key"])  # this one arrived: never reclaimed
    now[0] += timedelta(seconds=901)
    with pytest.raises(Conflict):
        offers.offer_upload("R1", "report", "video/mp4", None)


def test_the_declared_size_is_the_policy_limit_and_is_recorded():
    records = Slots()
    offer = service(records).offer_upload("R1", "evidence", "image/png", 1234)
    assert offer["max_bytes"] == 1234 and offer["fields"]["max"] == "1234"
    record = records.items[offer["media_id"]]
    assert (record["declared_size"], record["purpose"], record["expires_at"]) == (1234, "evidence",
                                                                                 NOW + timedelta(seconds=900))
    with pytest.raises(InvalidInput):
        service(records).offer_upload("R1", "report", "image/png", 16 * 1024 * 1024)
