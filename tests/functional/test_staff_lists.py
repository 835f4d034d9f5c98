"""Staff queues: filters and cursors, answered by index queries and never by a table scan."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from staff_helpers import AGENCY, OTHER_AGENCY, body_of, must, submit, to_state

pytest_plugins = ["staff_fixtures"]


def listing(client, staff, who, **params):
    query = urlencode(params)
    response = client.http.get(f"/staff/reports?{query}" if query else "/staff/reports", headers=staff.headers(who))
    return response.status_code, body_of(response)


def ids_of(body):
    return [item["id"] for item in body["items"]]


def all_pages(client, staff, who, **params):
    seen, cursor, pages = [], None, 0
    while True:
        extra = {"cursor": cursor} if cursor else {}
        status, body = listing(client, staff, who, **params, **extra)
        assert status == 200, body
        seen += ids_of(body)
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return seen, pages


@pytest.fixture
def queue(client, staff):
    """Six reports: two proposed only, two with the agency, one with another agency, one published elsewhere."""
    made = {}
    made["proposed"] = submit(client)[0]
    made["proposed_env"] = submit(client, category="moi-truong")[0]
    for name in ("mine_assigned", "mine_in_progress"):
        made[name] = submit(client)[0]
    to_state(client, staff, made["mine_assigned"], "assigned")
    to_state(client, staff, made["mine_in_progress"], "in_progress")
    made["theirs"] = submit(client, "0905 777 888", ward_code="22015")[0]  # a phone may send 5 reports a day
    must(client, staff, "ioc", made["theirs"], "assign", agency_id=OTHER_AGENCY)
    made["published"] = submit(client, category="moi-truong")[0]
    to_state(client, staff, made["published"], "published")
    return made


def test_each_filter_is_one_index_query_and_never_a_scan(client, staff, queue, aws_calls):
    cases = [
        ("ioc", {}),
        ("ioc", {"status": "assigned"}),
        ("ioc", {"agency": AGENCY}),
        ("ioc", {"category": "moi-truong"}),
        ("ioc", {"ward": "24133"}),
        ("ioc", {"due_before": "2099-01-01"}),
        ("ioc", {"status": "in_progress", "agency": AGENCY, "category": "ha-tang-do-thi", "ward": "24133"}),
        ("officer", {}),
        ("officer", {"status": "in_progress", "due_before": "2099-01-01T00:00:00+07:00"}),
        ("admin", {"agency": OTHER_AGENCY}),
    ]
    for who, params in cases:
        staff.token(who)  # sign in outside the count
        # ...and authenticate once: the user's revocation marker (one GetItem, cached a few seconds per user,
        # tests/functional/test_auth_claims.py) is the sign-in's cost, not the list's
        assert client.http.get("/staff/me", headers=staff.headers(who)).status_code == 200
        aws_calls.reset()
        status, _ = listing(client, staff, who, **params)
        assert status == 200
        assert aws_calls.calls == {"Query": 1}, (who, params, dict(aws_calls.calls))


def test_filters_narrow_the_queue(client, staff, queue):
    q = queue
    _, body = listing(client, staff, "ioc")
    assert set(ids_of(body)) == set(q.values())
    assert ids_of(body) == sorted(ids_of(body), key=lambda i: list(q.values()).index(i), reverse=True)  # newest first
    _, body = listing(client, staff, "ioc", status="in_progress")
    assert ids_of(body) == [q["mine_in_progress"]]
    _, body = listing(client, staff, "ioc", agency=AGENCY)
    assert set(ids_of(body)) == {q["proposed"], q["proposed_env"], q["mine_assigned"], q["mine_in_progress"],
                                 q["published"]}
    _, body = listing(client, staff, "ioc", category="moi-truong")
    assert set(ids_of(body)) == {q["proposed_env"], q["published"]}
    _, body = listing(client, staff, "ioc", ward="22015")
    assert ids_of(body) == [q["theirs"]]
    _, body = listing(client, staff, "ioc", due_before="2099-01-01")
    assert q["published"] not in ids_of(body) and len(ids_of(body)) == 5  # open ones only, soonest due first
    _, body = listing(client, staff, "ioc", due_before="2000-01-01")
    assert ids_of(body) == []


def test_an_agency_queue_holds_only_what_was_assigned_to_it(client, staff, queue):
    q = queue
    _, body = listing(client, staff, "officer")
    assert set(ids_of(body)) == {q["mine_assigned"], q["mine_in_progress"], q["published"]}
    _, body = listing(client, staff, "lead", status="assigned")
    assert ids_of(body) == [q["mine_assigned"]]
    _, body = listing(client, staff, "other.lead")
    assert ids_of(body) == [q["theirs"]]
    _, body = listing(client, staff, "officer", agency=OTHER_AGENCY)
    assert ids_of(body) == []  # asking for another agency's queue shows nothing


def test_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats(client, staff, queue):
    everything, _ = all_pages(client, staff, "ioc", limit=100)
    paged, pages = all_pages(client, staff, "ioc", limit=2)
    assert paged == everything and len(paged) == 6 and pages >= 3
    mine, _ = all_pages(client, staff, "officer", limit=1)
    assert set(mine) == {queue["mine_assigned"], queue["mine_in_progress"], queue["published"]}


def test_a_cursor_cannot_be_forged_reused_for_another_query_or_another_caller(client, staff, queue):
    _, first = listing(client, staff, "ioc", limit=2)
    cursor = first["next_cursor"]
    assert cursor and "." in cursor
    body, sig = cursor.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["k"]["province_code"] = {"N": "46"}
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") + "." + sig
    for who, params in [("ioc", {"cursor": forged}), ("ioc", {"cursor": cursor[:-2] + "AA"}),
                        ("ioc", {"cursor": "garbage"}), ("ioc", {"cursor": cursor, "status": "assigned"}),
                        ("admin", {"cursor": cursor})]:
        status, answer = listing(client, staff, who, limit=2, **params)
        assert status == 400 and answer["code"] == "invalid_cursor" and answer["field"] == "cursor", (who, params)


@pytest.mark.parametrize(("params", "code", "field"), [
    ({"limit": "0"}, "out_of_range", "limit"),
    ({"limit": "101"}, "out_of_range", "limit"),
    ({"limit": "ten"}, "invalid_value", "limit"),
    ({"status": "lost"}, "invalid_choice", "status"),
    ({"due_before": "tomorrow"}, "invalid_datetime", "due_before"),
    ({"colour": "red"}, "unknown_field", "colour"),
])
def test_bad_list_parameters_are_400s(client, staff, params, code, field):
    status, body = listing(client, staff, "ioc", **params)
    assert status == 400 and body["code"] == code and body["field"] == field
