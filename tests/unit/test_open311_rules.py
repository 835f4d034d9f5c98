"""Open311 GeoReport v2's pure rules: states to open/closed, the window, formats, tokens, keys, the form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.rules import open311
from chalicelib.rules.errors import InvalidInput, InvalidInputs, NotFound
from chalicelib.rules.report import OPEN_STATES, Report, Reporter
from chalicelib.schemas.open311 import parse_post, parse_requests_query, read_form

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
REPORT = Report(
    id="DLK-7KQ3-M9XD", province_code=66, status="received", channel="app", category="ha-tang-do-thi",
    description="Ổ gà", lat=12.68, lng=108.04, address=None, ward_code="24133", agency_id="ubnd-24133",
    reporter=Reporter("Nguyễn Văn An", "+84912345678"), received_at=NOW, due_at=NOW, original_due_at=NOW,
    updated_at=NOW, last_action="submit", last_actor_role="citizen")


@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_every_open_state_is_open(state):
    assert open311.status_of(replace(REPORT, status=state)) == "open"


@pytest.mark.parametrize("state", ["published", "closed", "rejected"])
def test_published_closed_and_rejected_are_closed(state):
    assert open311.status_of(replace(REPORT, status=state)) == "closed"


def test_the_status_filters_cover_every_state_once():
    from chalicelib.rules.workflow import STATES

    assert open311.STATUS_FILTERS["open"] | open311.STATUS_FILTERS["closed"] == set(STATES)
    assert not open311.STATUS_FILTERS["open"] & open311.STATUS_FILTERS["closed"]


def test_the_default_window_is_the_last_90_days_and_one_bound_gives_the_other():
    assert open311.request_window(None, None, NOW) == open311.Window(NOW - timedelta(days=90), NOW)
    start = NOW - timedelta(days=10)
    assert open311.request_window(start, None, NOW) == open311.Window(start, NOW)
    end = NOW - timedelta(days=100)
    assert open311.request_window(None, end, NOW) == open311.Window(end - timedelta(days=90), end)
    assert open311.request_window(end, end + timedelta(days=90), NOW).end == end + timedelta(days=90)


def test_a_window_over_90_days_or_reversed_is_refused():
    with pytest.raises(InvalidInput) as err:
        open311.request_window(NOW - timedelta(days=91), NOW, NOW)
    assert err.value.code == "open311_window_too_long"
    with pytest.raises(InvalidInput) as err:
        open311.request_window(NOW, NOW - timedelta(seconds=1), NOW)
    assert err.value.code == "open311_window_reversed"


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-02T08:30:00Z", datetime(2026, 11, 2, 8, 30, tzinfo=UTC)),
    ("2026-11-02T15:30:00+07:00", datetime(2026, 11, 2, 8, 30, tzinfo=UTC)),
    ("2026-11-02T15:30:00", datetime(2026, 11, 2, 8, 30, tzinfo=UTC)),  # no offset: Vietnam's time
    ("2026-11-02", datetime(2026, 11, 1, 17, 0, tzinfo=UTC)),
])
def test_w3c_datetimes(raw, expected):
    assert open311.parse_w3c(raw, "start_date") == expected


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z"])
def test_bad_datetimes_are_400(raw):
    with pytest.raises(InvalidInput):
        open311.parse_w3c(raw, "start_date")


def test_the_format_is_the_segment_after_the_last_dot():
    assert open311.split_format("DLK-7KQ3-M9XD.json") == ("DLK-7KQ3-M9XD", "json")
    assert open311.split_format("a.b.xml") == ("a.b", "xml")
    for bad in ("DLK-7KQ3-M9XD", "x.csv", ".json"):
        with pytest.raises(NotFound):
            open311.split_format(bad)


def test_a_token_names_its_report_and_a_forged_one_is_404():
    token = open311.request_token(b"k" * 32, REPORT.id)
    assert open311.report_of_token(b"k" * 32, token) == REPORT.id
    for forged in (open311.request_token(b"other-key", REPORT.id), token[:-2], "!!!", "", "AAAA"):
        with pytest.raises(NotFound):
            open311.report_of_token(b"k" * 32, forged)


def test_a_token_is_not_the_tracking_token():
    from chalicelib.rules.ids import tracking_token

    assert open311.request_token(b"k" * 32, REPORT.id) != tracking_token(b"k" * 32, REPORT.id)


def test_keys_are_random_and_kept_as_a_keyed_digest():
    a, b = open311.new_api_key(), open311.new_api_key()
    assert a != b and a.startswith("o311_") and len(a) >= 36
    digest = open311.key_digest(b"secret", a)
    assert digest != open311.key_digest(b"another secret", a) and a not in digest
    assert open311.key_id(digest) == digest[:16]


def form(**over):
    base = {"service_code": ["ha-tang-do-thi"], "lat": ["12.68"], "long": ["108.04"],
            "description": ["Ổ gà lớn trên đường Lê Duẩn"], "first_name": ["Nguyễn"], "last_name": ["Văn An"],
            "phone": ["0912 345 678"]}
    base.update(over)
    return base


def test_a_form_becomes_the_intake_request():
    post = parse_post(form(media_url=["https://a.example/1.jpg", "https://a.example/2.jpg"],
                           **{"attribute[occurred_at]": ["2026-12-01T08:00:00+07:00"]}))
    assert post.intake.reporter.name == "Nguyễn Văn An" and post.intake.reporter.phone == "+84912345678"
    assert post.intake.location.lng == 108.04 and post.intake.channel == "app"
    assert post.intake.occurred_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert post.media_urls == ("https://a.example/1.jpg", "https://a.example/2.jpg")


def test_every_problem_of_a_form_is_named_under_its_open311_name():
    with pytest.raises(InvalidInputs) as err:
        parse_post({"lat": ["12.6", "12.7"], "long": ["x"], "description": ["<b>ngắn</b>"],
                    "email": ["not-an-address"], "media_url": ["ftp://x/y"]})
    named = {(e.code, e.field) for e in err.value.errors}
    assert {("open311_repeated_field", "lat"), ("open311_not_a_number", "long"), ("invalid_value", "email"),
            ("invalid_value", "media_url"), ("missing_field", "service_code"), ("too_short", "description"),
            ("missing_field", "first_name"), ("missing_field", "phone")} <= named
    assert err.value.to_dict()["errors"][0]["code"] == err.value.code


def test_a_form_without_a_point_or_ward_is_refused_with_what_to_send():
    with pytest.raises(InvalidInput) as err:
        parse_post(form(lat=[], long=[], address_string=["12 Lê Duẩn"]))
    assert err.value.code == "open311_location_required" and "address_id" in err.value.message_en


def test_an_unknown_service_joins_the_other_problems():
    with pytest.raises(InvalidInputs) as err:
        parse_post(form(service_code=["khong-co"], phone=[]), service_known=lambda code: code == "ha-tang-do-thi")
    assert {("unknown_category", "service_code"), ("missing_field", "phone")} <= {
        (e.code, e.field) for e in err.value.errors}


def test_a_form_body_is_read_with_repeats_and_refused_when_huge():
    assert read_form(b"media_url=a&media_url=b&x=%C3%B4")["media_url"] == ["a", "b"]
    from chalicelib.rules.errors import TooLarge

    with pytest.raises(TooLarge):
        read_form(b"a=" + b"x" * 70_000)


def test_the_requests_query_names_every_problem():
    with pytest.raises(InvalidInputs) as err:
        parse_requests_query({"status": "pending", "start_date": "soon", "end_date": "later"})
    assert [e.field for e in err.value.errors] == ["status", "start_date", "end_date"]
    q = parse_requests_query({"service_request_id": "A, B,A", "service_code": "x,y", "status": "open,closed"})
    assert q.ids == ("A", "B") and q.service_codes == ("x", "y") and q.statuses == ("open", "closed")
    with pytest.raises(InvalidInput):
        parse_requests_query({"service_request_id": ",".join(str(n) for n in range(101))})


def test_requests_read_at_most_1000_from_the_window(monkeypatch):
    """The service asks its port for the window's newest 1,000, with our states behind open/closed."""
    from chalicelib.provinces import load_profile
    from chalicelib.schemas.open311 import RequestsQuery
    from chalicelib.services.open311 import Open311Service

    asked = {}

    class Window:
        def received_between(self, province_code, start, end, *, categories, statuses, limit):
            asked.update(start=start, end=end, categories=categories, statuses=statuses, limit=limit)
            return [REPORT] * 3

    service = Open311Service(load_profile("daklak"), None, Window(), None, None, clock=lambda: NOW,  # type: ignore
                             token_key=b"t", key_secret=b"k", limits_key=b"l")
    answer = service.requests(RequestsQuery(service_codes=("ha-tang-do-thi",), statuses=("closed",)))
    assert len(answer) == 3 and "reporter" not in answer[0]
    assert asked == {"start": NOW - timedelta(days=90), "end": NOW, "categories": ("ha-tang-do-thi",),
                     "statuses": {"published", "closed", "rejected", "merged"}, "limit": 1000}
