"""Upload slots under moto: racing offers never pass a report's limit; expired unused slots come back.

Fifty offers start at one barrier. moto's in-process DynamoDB is made atomic per request (as DynamoDB is,
`serialised_moto`), so the race the old code lost (read the media, decide, write) still happens between
requests: only the conditional counter in the pending record's transaction keeps the count.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from staff_helpers import AGENCY, JSON, a_report, fire

from chalicelib.rules.actors import Actor
from chalicelib.rules.errors import DomainError
from chalicelib.rules.media import MAX_PHOTOS, MAX_VIDEOS

pytest_plugins = ["staff_fixtures"]

WORKERS = 50
IOC = Actor("ioc", frozenset({"ioc_operator"}), "ioc")
OFFICER = Actor("officer", frozenset({"agency_officer"}), AGENCY)
LIMIT_ERROR = (409, "media_limit_reached")


@pytest.fixture
def report_id(province, serialised_moto):
    from chalicelib import container
    from chalicelib.schemas.intake import IntakeRequest

    answer, _ = container.intake().submit(IntakeRequest(**a_report()))
    container.media().offer_upload(answer["id"], "report", "video/mp4", None)  # warms the clients
    return answer["id"]


def media_of(report_id, purpose):
    from chalicelib.storage.media import MediaStore

    return [m for m in MediaStore().records(report_id) if m["purpose"] == purpose]


def test_fifty_parallel_photo_offers_take_exactly_the_limit(report_id):
    from chalicelib import container

    media = container.media()
    outcomes = fire([lambda: media.offer_upload(report_id, "report", "image/jpeg", 1000)] * WORKERS)
    wins = [answer for answer, _ in outcomes if answer]
    assert len(wins) == MAX_PHOTOS
    assert [error for answer, error in outcomes if not answer] == [LIMIT_ERROR] * (WORKERS - MAX_PHOTOS)
    photos = [m for m in media_of(report_id, "report") if m["kind"] == "photo"]
    assert sorted(m["media_id"] for m in photos) == sorted(w["media_id"] for w in wins)


def test_fifty_parallel_evidence_offers_take_exactly_the_limit_per_kind(report_id):
    from chalicelib import container

    cases = container.cases()
    cases.act(IOC, report_id, "assign", {"agency_id": AGENCY})
    cases.act(OFFICER, report_id, "accept", {})
    kinds = ["image/png", "video/quicktime"]
    outcomes = fire([(lambda n=n: cases.request_evidence_upload(OFFICER, report_id, kinds[n % 2], None))
                     for n in range(WORKERS)])
    wins = [answer["kind"] for answer, _ in outcomes if answer]
    assert sorted(wins) == ["photo"] * MAX_PHOTOS + ["video"] * MAX_VIDEOS
    assert [error for answer, error in outcomes if not answer] == [LIMIT_ERROR] * (WORKERS - len(wins))
    evidence = media_of(report_id, "evidence")
    assert sorted(m["kind"] for m in evidence) == sorted(wins)
    # the citizen's own slots are another purpose's: the warm-up video did not take the agency's
    assert [m["kind"] for m in media_of(report_id, "report")] == ["video"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def timed(province):
    """A MediaService over the provisioned bucket and table whose clock the test moves."""
    from chalicelib import container
    from chalicelib.adapters import imaging
    from chalicelib.adapters.s3 import MediaBucket
    from chalicelib.services.media import MediaService

    settings = container.settings()
    records = container.services().media_records
    clock = Clock()
    bucket = MediaBucket(settings)
    service = MediaService(settings.province, settings.media_bucket, records, bucket, imaging, clock=clock,
                           uploads=bucket)
    return service, clock, settings


def test_an_expired_unused_slot_is_reclaimed_by_the_next_offer_and_an_arrived_one_is_not(timed):
    import boto3

    from chalicelib import container
    from chalicelib.schemas.intake import IntakeRequest

    service, clock, settings = timed
    report_id = container.intake().submit(IntakeRequest(**a_report()))[0]["id"]
    offers = [service.offer_upload(report_id, "report", "image/jpeg", None) for _ in range(MAX_PHOTOS)]
    arrived = offers[0]
    boto3.client("s3").put_object(Bucket=settings.media_bucket, Key=arrived["fields"]["key"], Body=b"jpeg bytes")
    with pytest.raises(DomainError) as full:
        service.offer_upload(report_id, "report", "image/jpeg", None)
    assert (full.value.status, full.value.code) == LIMIT_ERROR

    clock.now += timedelta(seconds=settings.presign_ttl_seconds - 1)  # still within the signatures' lifetime
    with pytest.raises(DomainError):
        service.offer_upload(report_id, "report", "image/jpeg", None)

    clock.now += timedelta(seconds=2)  # every signature has lapsed; four of the five never got a file
    fresh = [service.offer_upload(report_id, "report", "image/jpeg", None) for _ in range(MAX_PHOTOS - 1)]
    with pytest.raises(DomainError) as again:
        service.offer_upload(report_id, "report", "image/jpeg", None)
    assert (again.value.status, again.value.code) == LIMIT_ERROR

    status = {m["media_id"]: (m["status"], m.get("reason")) for m in media_of(report_id, "report")}
    assert status[arrived["media_id"]] == ("pending", None)  # its file waits for the thumbnailer
    assert [status[o["media_id"]] for o in offers[1:]] == [("rejected", "upload_expired")] * (MAX_PHOTOS - 1)
    assert [status[f["media_id"]] for f in fresh] == [("pending", None)] * (MAX_PHOTOS - 1)
    reporter = {m["media_id"]: m for m in service.reporter_media(report_id)}
    assert reporter[offers[1]["media_id"]]["reason"] == "upload_expired"


def test_an_offer_costs_one_transaction_and_a_full_one_a_query_more(timed, aws_calls):
    from chalicelib import container
    from chalicelib.schemas.intake import IntakeRequest

    service, _, _ = timed
    report_id = container.intake().submit(IntakeRequest(**a_report()))[0]["id"]
    service.offer_upload(report_id, "report", "video/mp4", 2000)  # warms the clients
    aws_calls.reset()
    service.offer_upload(report_id, "report", "image/jpeg", 2000)
    assert dict(aws_calls.calls) == {"TransactWriteItems": 1}
    aws_calls.reset()
    with pytest.raises(DomainError):
        service.offer_upload(report_id, "report", "video/mp4", 2000)
    assert dict(aws_calls.calls) == {"TransactWriteItems": 1, "Query": 1}


def test_the_declared_size_bounds_the_post_policy_and_is_recorded(client):
    from chalicelib.storage.media import MediaStore

    answer = json.loads(client.http.post("/reports", headers=JSON, body=json.dumps(a_report())).body)
    response = client.http.post(f"/reports/{answer['id']}/media",
                                headers={**JSON, "X-Tracking-Token": answer["tracking_token"]},
                                body=json.dumps({"content_type": "image/jpeg", "size": 1000}))
    offer = json.loads(response.body)
    assert response.status_code == 201 and offer["max_bytes"] == 1000
    policy = json.loads(base64.b64decode(offer["fields"]["policy"]))
    assert ["content-length-range", 1, 1000] in policy["conditions"]
    record = MediaStore().get(answer["id"], offer["media_id"])
    assert record["declared_size"] == 1000 and record["expires_at"] > record["created_at"]


def citizen_upload(client, answer, content_type="image/jpeg"):
    response = client.http.post(f"/reports/{answer['id']}/media",
                                headers={**JSON, "X-Tracking-Token": answer["tracking_token"]},
                                body=json.dumps({"content_type": content_type}))
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize("state", ["rejected", "published", "closed"])
def test_a_citizen_adds_no_media_once_the_report_is_decided(client, state, monkeypatch):
    from chalicelib import container

    answer = json.loads(client.http.post("/reports", headers=JSON, body=json.dumps(a_report())).body)
    cases, report_id = container.cases(), answer["id"]
    assert citizen_upload(client, answer)[0] == 201  # open: received
    if state == "rejected":
        cases.act(IOC, report_id, "reject", {"reason_code": "spam", "public_reason": "Nội dung quảng cáo"})
    else:
        cases.act(IOC, report_id, "assign", {"agency_id": AGENCY})
        cases.act(OFFICER, report_id, "accept", {})
        assert citizen_upload(client, answer)[0] == 201  # open: in progress
        cases.act(OFFICER, report_id, "submit_result", {"text": "Đã vá ổ gà, thảm lại mặt đường."})
        cases.act(IOC, report_id, "approve_result", {})
        if state == "closed":
            from chalicelib.services.clock import utc_now

            monkeypatch.setattr(container, "clock", lambda: lambda: utc_now() + timedelta(days=31))
            container.reset()
            cases = container.cases()
            assert cases.close_expired() == 1
    status, body = citizen_upload(client, answer, "video/mp4")
    assert (status, body["code"], body["field"]) == (409, "uploads_closed", "status")
    assert f"'{state}'" in body["message"] and f"'{state}'" in body["message_en"]
    with pytest.raises(DomainError) as err:  # nor does the agency, whatever the citizen did
        cases.request_evidence_upload(OFFICER, report_id, "image/jpeg", None)
    assert (err.value.status, err.value.code) in {(409, "evidence_not_allowed_now"), (404, "report_not_found")}
    assert [m["kind"] for m in media_of(report_id, "report")] == ["photo"] * (1 if state == "rejected" else 2)
