"""The retention rule on a controlled clock, on moto.

Contacts: due after the profile's months and not a day before, twice changes
nothing, a crash half-way and a re-run anonymise every due case exactly once.
Media originals: every stored version deleted the profile's days after
publication and not a second before, the renditions and EXIF facts kept, staff
no longer offered the original; twice, or a crash half-way and a re-run, does
each due case once.
Both run part after part until nothing is due or the invocation's time runs
short; a run stopped early says so, and the next one goes on where it stopped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import media_corpus as corpus
import pytest
from aws_counting import counting_aws_calls
from chalice.local import LambdaContext
from log_capture import logged_lines
from staff_helpers import JSON, body_of, must, submit, to_state

from chalicelib.rules.media import raw_prefix
from chalicelib.rules.retention import add_months

pytest_plugins = ["staff_fixtures"]

REJECT = {"reason_code": "spam", "public_reason": "Nội dung quảng cáo"}


@pytest.fixture
def clock(province, monkeypatch):
    """The services' now, moved by the test."""
    from chalicelib import container

    start = datetime.now(UTC).replace(microsecond=0)  # when the test runs: staff tokens are checked on it too
    now = {"t": start, "start": start}
    monkeypatch.setattr(container, "clock", lambda: lambda: now["t"])
    container.reset()
    return now


def anonymiser():
    from chalicelib import container

    return container.retention()


def run_at(clock, at: datetime, service=None, time_left=None, **options):
    """One anonymiser run at `at`, then the clock back where staff tokens are valid."""
    clock["t"] = at
    try:
        return (service or anonymiser()).apply_retention(time_left, **options)
    finally:
        clock["t"] = clock["start"]


def countdown(start_ms: int, step_ms: int = 10_000):
    """A fake of the invocation's time left: `start_ms` at the first call, `step_ms` less at each next one."""
    left = {"ms": start_ms + step_ms}

    def time_left() -> float:
        left["ms"] -= step_ms
        return left["ms"]

    return time_left


class FrozenTime:
    """Chalice's LambdaContext's time source, standing still: the time left is the whole timeout, always."""

    def time(self) -> float:
        return 1_000_000.0


def invoke_retention(client, event, timeout_s: int):
    """The scheduled handler as Lambda calls it, with a context of `timeout_s` (Chalice's test client gives 3 s)."""
    from app import app

    context = LambdaContext("apply_retention", 128, max_runtime_ms=timeout_s * 1000, time_source=FrozenTime())
    return app.handler_map["apply_retention"](event, context)


def configured_timeout() -> int:
    config = json.loads((Path(__file__).resolve().parents[2] / ".chalice/config.json").read_text())
    return config["lambda_functions"]["apply_retention"]["lambda_timeout"]


def actions(client, staff, report_id: str) -> list[str]:
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    return [h["action"] for h in case["history"]]


def ended(client, staff, count: int) -> list[tuple[str, str]]:
    reports = [submit(client, phone=f"0905 222 {n:03d}") for n in range(count)]
    for report_id, _ in reports:
        must(client, staff, "ioc", report_id, "reject", **REJECT)
    return reports


def test_due_24_months_and_a_day_after_it_ended_not_a_day_short_and_twice_changes_nothing(client, staff, clock):
    (report_id, token), = ended(client, staff, 1)
    running, _ = submit(client, phone="0905 222 999")
    due = add_months(clock["start"], 24)
    assert (run_at(clock, due - timedelta(days=1)).anonymised, actions(client, staff, report_id)[-1]) == (
        0, "reject")
    run = run_at(clock, due + timedelta(days=1))
    assert (run.read, run.anonymised, run.lost) == (1, 1, 0)  # the running case is not even read
    case = body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))
    assert case["reporter"] == {"name": "anonymised", "phone": "", "anonymised": True}
    assert case["history"][-1]["note"] == "anonymised under the retention rule"
    assert client.http.get(f"/reports/{report_id}", headers={"X-Tracking-Token": token}).status_code == 404
    assert client.http.get(f"/public/reports/{report_id}").status_code == 200  # still on the public record
    assert actions(client, staff, running)[-1] == "submit"
    again = run_at(clock, due + timedelta(days=2))
    assert (again.read, again.anonymised) == (0, 0) and actions(client, staff, report_id).count("anonymise") == 1


def test_a_province_keeping_contacts_12_months_and_the_supporters_go_with_the_case(client, staff, clock, province):
    from chalicelib import container
    from chalicelib.storage.models import SupporterModel

    report_id, _ = submit(client, phone="0905 333 001")
    supported = client.http.post(f"/reports/{report_id}/support", headers=JSON,
                                 body=json.dumps({"phone": "0905 333 002", "name": "Trần Thị Bình"}))
    assert supported.status_code == 201
    must(client, staff, "ioc", report_id, "reject", **REJECT)
    profile = container.profile()
    shorter = profile.model_copy(update={"retention": profile.retention.model_copy(update={"contacts_months": 12})})
    service = anonymiser()
    service.profile = shorter
    assert run_at(clock, add_months(clock["start"], 12) + timedelta(days=1), service).supporters == 1
    (record,) = list(SupporterModel.query(report_id))
    assert record.phone == "" and record.name is None
    assert actions(client, staff, report_id)[-1] == "anonymise"


def test_a_crash_half_way_and_a_re_run_anonymise_every_due_case_exactly_once(client, staff, clock, monkeypatch):
    from chalicelib.storage.erasure import ErasureStore

    reports = ended(client, staff, 4)
    later = add_months(clock["start"], 25)
    real, calls = ErasureStore.anonymise, []

    def crashing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the function timed out")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ErasureStore, "anonymise", crashing)
    with pytest.raises(RuntimeError):
        run_at(clock, later)
    monkeypatch.setattr(ErasureStore, "anonymise", real)
    run = run_at(clock, later)
    assert run.anonymised == 2 and run.lost == 0
    assert [actions(client, staff, r).count("anonymise") for r, _ in reports] == [1, 1, 1, 1]
    assert run_at(clock, later).anonymised == 0


def test_the_scheduled_handler_anonymises_at_the_clocks_now(client, staff, clock):
    report_id, _ = submit(client, phone="0905 333 011")
    supported = client.http.post(f"/reports/{report_id}/support", headers=JSON,
                                 body=json.dumps({"phone": "0905 333 012"}))
    assert supported.status_code == 201
    must(client, staff, "ioc", report_id, "reject", **REJECT)
    published, _, _ = published_with_photo(client, staff, "0905 333 013")
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=["arn:aws:events:ap-southeast-1:123456789012:rule/x"])
    clock["t"] = add_months(clock["start"], 24) + timedelta(days=1)
    try:
        answer = invoke_retention(client, event, configured_timeout())
    finally:
        clock["t"] = clock["start"]
    assert answer == {"read": 1, "anonymised": 1, "lost": 0, "supporters": 1, "stopped_early": False,
                      "originals": {"read": 1, "removed": 1, "versions": 2, "lost": 0, "moved": 0,
                                    "stopped_early": False}}
    assert actions(client, staff, report_id)[-1] == "anonymise"
    assert actions(client, staff, published)[-1] == "remove_originals" and versions(raw_prefix(published)) == []


def test_one_run_goes_on_part_after_part_until_nothing_is_due(client, staff, clock):
    reports = ended(client, staff, 7)
    with counting_aws_calls() as calls:
        run = run_at(clock, add_months(clock["start"], 25), part=3)
    assert (run.read, run.anonymised, run.lost, run.stopped_early) == (7, 7, 0, False)
    assert calls[("dynamodb", "Query")] >= 3  # three parts of the index (3, 3, 1), one run
    assert [actions(client, staff, r).count("anonymise") for r, _ in reports] == [1] * 7


def test_a_run_stops_when_its_time_runs_short_says_so_and_the_next_goes_on_where_it_stopped(
        client, staff, clock, capfd):
    reports = ended(client, staff, 7)
    later = add_months(clock["start"], 25)
    capfd.readouterr()
    with logged_lines() as logs:  # 60 s left at the first case, 10 s less at each: the fifth would start at 20 s
        run = run_at(clock, later, time_left=countdown(60_000), part=3)
    assert (run.anonymised, run.lost, run.stopped_early) == (4, 0, True)
    [line] = [json.loads(line) for line in logs if "retention applied" in line]
    assert (line["anonymised"], line["stopped_early"]) == (4, True)
    [metric] = [json.loads(m) for m in capfd.readouterr().out.splitlines() if '"RetentionBehind"' in m]
    assert (metric["RetentionBehind"], metric["rule"], metric["province"]) == ([1.0], "contacts", "daklak")
    assert sorted(actions(client, staff, r).count("anonymise") for r, _ in reports) == [0, 0, 0, 1, 1, 1, 1]
    again = run_at(clock, later, time_left=countdown(900_000), part=3)
    assert (again.read, again.anonymised, again.stopped_early) == (3, 3, False)  # the four done left the index
    assert [actions(client, staff, r).count("anonymise") for r, _ in reports] == [1] * 7
    assert run_at(clock, later).read == 0


def test_the_ceiling_stops_a_run_whatever_the_time_left(client, staff, clock):
    ended(client, staff, 4)
    later = add_months(clock["start"], 25)
    run = run_at(clock, later, most=3)
    assert (run.anonymised, run.stopped_early) == (3, True)
    assert (run_at(clock, later, most=3).anonymised, run_at(clock, later).read) == (1, 0)


def test_the_scheduled_handler_leaves_the_originals_half_its_time_and_says_who_stopped_early(client, staff, clock):
    must(client, staff, "ioc", submit(client, phone="0905 333 021")[0], "reject", **REJECT)
    published, _, _ = published_with_photo(client, staff, "0905 333 022")
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=["arn:aws:events:ap-southeast-1:123456789012:rule/x"])
    clock["t"] = add_months(clock["start"], 24) + timedelta(days=1)
    try:  # 40 s: the contacts get 20 s, under the margin; the originals the whole 40 s
        answer = invoke_retention(client, event, 40)
    finally:
        clock["t"] = clock["start"]
    assert (answer["anonymised"], answer["stopped_early"]) == (0, True)
    assert (answer["originals"]["removed"], answer["originals"]["stopped_early"]) == (1, False)
    assert actions(client, staff, published)[-1] == "remove_originals"


# -- media originals ------------------------------------------------------------------------------


def originals_at(clock, at: datetime, service=None, time_left=None, **options):
    """One run of the originals' rule at `at`, then the clock back where staff tokens are valid."""
    from chalicelib import container

    clock["t"] = at
    try:
        return (service or container.originals()).apply_retention(time_left, **options)
    finally:
        clock["t"] = clock["start"]


def versions(prefix: str) -> list[tuple[str, str]]:
    """Every stored version and delete marker under `prefix` of the media bucket."""
    from chalicelib import container

    listing = boto3.client("s3").list_object_versions(Bucket=container.settings().media_bucket, Prefix=prefix)
    return [(v["Key"], v["VersionId"]) for v in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]]


def published_with_photo(client, staff, phone: str) -> tuple[str, str, str]:
    """A case published at the clock's start with the citizen's photo (GPS in its EXIF) made ready by the
    thumbnailer, and a second, never vetted version of the same upload: (report id, tracking token, raw key)."""
    from chalicelib import container

    report_id, token = submit(client, phone=phone)
    offer = body_of(client.http.post(f"/reports/{report_id}/media", headers={**JSON, "X-Tracking-Token": token},
                                     body=json.dumps({"content_type": "image/jpeg"})))
    key, bucket, s3 = offer["fields"]["key"], container.settings().media_bucket, boto3.client("s3")
    put = s3.put_object(Bucket=bucket, Key=key, Body=corpus.jpeg_with_gps(), ContentType="image/jpeg")
    assert container.media().process(key, put["VersionId"]) == "ready"
    s3.put_object(Bucket=bucket, Key=key, Body=b"a second upload", ContentType="image/jpeg")
    to_state(client, staff, report_id, "published")
    return report_id, token, key


def staff_case(client, staff, report_id: str) -> dict:
    return body_of(client.http.get(f"/staff/reports/{report_id}", headers=staff.headers("ioc")))


def test_originals_go_90_days_after_publication_not_a_second_sooner_and_twice_changes_nothing(client, staff, clock):
    from chalicelib import container

    report_id, _, key = published_with_photo(client, staff, "0905 444 001")
    media_id = key.rsplit("/", 1)[1]
    assert len(versions(key)) == 2
    due = clock["start"] + timedelta(days=90)
    short = originals_at(clock, due - timedelta(seconds=1))
    assert (short.read, short.removed, len(versions(key))) == (0, 0, 2)
    assert staff_case(client, staff, report_id)["media"][0]["original_url"]
    run = originals_at(clock, due + timedelta(seconds=1))
    assert (run.read, run.removed, run.versions, run.lost) == (1, 1, 2, 0)
    assert versions(raw_prefix(report_id)) == []  # every version, not a delete marker over them
    case = staff_case(client, staff, report_id)
    [photo] = case["media"]
    assert photo["media_id"] == media_id and photo["original_url"] is None and photo["original_removed_at"]
    for moment in ("original_removed_at", "created_at", "updated_at"):  # ISO 8601 in Vietnam's time, as elsewhere
        assert datetime.fromisoformat(photo[moment]).utcoffset() == timedelta(hours=7), photo[moment]
    assert (photo["exif"]["lat"], photo["exif"]["lng"]) == (corpus.GPS_LAT, corpus.GPS_LNG)  # staff keep the facts
    assert [r["name"] for r in photo["renditions"]] == ["1280", "320"]
    stored = container.services().media_records.get(report_id, media_id)
    s3 = boto3.client("s3")
    for rendition in stored["renditions"]:  # the renditions stay with the public case
        assert s3.head_object(Bucket=container.settings().media_bucket, Key=rendition["key"])["ContentLength"]
    assert [m["media_id"] for m in container.media().public_media(report_id)] == [media_id]
    assert (case["history"][-1]["action"], case["history"][-1]["note"]) == (
        "remove_originals", "originals removed under the retention rule; media=1")
    assert case["status"] == "published"
    again = originals_at(clock, due + timedelta(days=1))
    assert (again.read, again.removed) == (0, 0)
    assert actions(client, staff, report_id).count("remove_originals") == 1


def test_a_crash_after_deleting_and_a_re_run_remove_every_due_cases_originals_once(client, staff, clock, monkeypatch):
    from chalicelib.storage.originals import OriginalsStore

    cases = [published_with_photo(client, staff, f"0905 444 1{n:02d}") for n in range(3)]
    later = clock["start"] + timedelta(days=91)
    real, calls = OriginalsStore.removed, []

    def crashing(self, before, *args, **kwargs):
        calls.append(before.id)
        if len(calls) == 2:  # the second case's objects are deleted, its records not yet written
            raise RuntimeError("the function timed out")
        return real(self, before, *args, **kwargs)

    monkeypatch.setattr(OriginalsStore, "removed", crashing)
    with pytest.raises(RuntimeError):
        originals_at(clock, later)
    crashed = calls[1]  # all three were published in the same second: the index orders them as it likes
    assert versions(raw_prefix(crashed)) == [] and actions(client, staff, crashed).count("remove_originals") == 0
    [untouched] = [r for r, _, _ in cases if r not in calls]
    assert len(versions(raw_prefix(untouched))) == 2
    monkeypatch.setattr(OriginalsStore, "removed", real)
    run = originals_at(clock, later)
    assert (run.removed, run.versions, run.lost) == (2, 2, 0)  # the crashed case had nothing left to delete
    assert [actions(client, staff, r).count("remove_originals") for r, _, _ in cases] == [1, 1, 1]
    assert [staff_case(client, staff, r)["media"][0]["original_url"] for r, _, _ in cases] == [None, None, None]
    assert originals_at(clock, later).removed == 0


def test_a_province_keeping_originals_30_days(client, staff, clock):
    from chalicelib import container

    _, _, key = published_with_photo(client, staff, "0905 444 201")
    profile = container.profile()
    shorter = profile.model_copy(update={"retention": profile.retention.model_copy(update={"originals_days": 30})})
    month = clock["start"] + timedelta(days=30, seconds=1)
    assert originals_at(clock, month).removed == 0  # the default profile keeps them 90 days
    service = container.originals()
    service.profile = shorter
    assert originals_at(clock, month - timedelta(seconds=2), service).removed == 0
    assert originals_at(clock, month, service).removed == 1 and versions(key) == []


def test_a_reopened_case_keeps_its_originals_until_it_is_published_again(client, staff, clock):
    report_id, token, key = published_with_photo(client, staff, "0905 444 301")
    ok = client.http.post(f"/reports/{report_id}/reopen", headers={**JSON, "X-Tracking-Token": token},
                          body=json.dumps({"reason": "Ổ gà lại xuất hiện"}))
    assert ok.status_code == 200, ok.body
    later = clock["start"] + timedelta(days=91)
    assert (originals_at(clock, later).read, len(versions(key))) == (0, 2)  # running again: off the index
    for user, action, fields in (("ioc", "assign", {"agency_id": "ubnd-24133"}), ("officer", "accept", {}),
                                 ("officer", "submit_result", {"text": "Đã thảm lại"}), ("ioc", "approve_result", {})):
        must(client, staff, user, report_id, action, **fields)
    assert originals_at(clock, later).removed == 1 and versions(key) == []


def test_a_case_reopened_while_the_index_still_shows_it_due_keeps_its_originals(client, staff, clock, monkeypatch):
    from chalicelib.storage.originals import OriginalsStore

    report_id, token, key = published_with_photo(client, staff, "0905 444 351")
    later = clock["start"] + timedelta(days=91)
    seen = list(OriginalsStore().due(later))  # the index as a run reads it, the moment before the reopen
    assert [r.id for r in seen] == [report_id]
    ok = client.http.post(f"/reports/{report_id}/reopen", headers={**JSON, "X-Tracking-Token": token},
                          body=json.dumps({"reason": "Ổ gà lại xuất hiện"}))
    assert ok.status_code == 200, ok.body
    # moto updates an index at once; DynamoDB's can lag: the run is handed the copy read before the reopen
    monkeypatch.setattr(OriginalsStore, "due", lambda self, published_by, part=None: iter(seen))
    run = originals_at(clock, later)
    assert (run.read, run.removed, run.moved, run.versions) == (1, 0, 1, 0)
    assert len(versions(key)) == 2 and "remove_originals" not in actions(client, staff, report_id)


def test_originals_go_part_after_part_until_the_time_runs_short_and_the_next_run_goes_on(client, staff, clock):
    cases = [published_with_photo(client, staff, f"0905 444 4{n:02d}") for n in range(3)]
    later = clock["start"] + timedelta(days=91)
    run = originals_at(clock, later, time_left=countdown(40_000), part=2)  # 40 s, 30 s: two cases, then 20 s
    assert (run.read, run.removed, run.versions, run.stopped_early) == (3, 2, 4, True)  # the second part read
    assert sorted(len(versions(raw_prefix(r))) for r, _, _ in cases) == [0, 0, 2]
    again = originals_at(clock, later, time_left=countdown(900_000), part=1)  # one part of one, then the next
    assert (again.read, again.removed, again.versions, again.stopped_early) == (1, 1, 2, False)
    assert [actions(client, staff, r).count("remove_originals") for r, _, _ in cases] == [1, 1, 1]
