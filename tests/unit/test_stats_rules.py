"""Statistics kept from the stream: contributions, deltas, the histogram median, the ranking."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.rules.calendar import VN_TZ, WorkingCalendar
from chalicelib.rules.errors import InvalidInput
from chalicelib.rules.report import Report, Reporter
from chalicelib.rules.stats import (
    NOW_CELL,
    TTR_BUCKETS,
    TTR_HOUR_BUCKETS,
    Figures,
    contribution,
    deltas,
    gauge_contribution,
    median_days,
    median_hours,
    month_of,
    parse_month,
    province_total,
    ranking,
    round_ratings,
    ttr_bucket,
    ttr_field,
    ttr_hours_bucket,
    ttr_hours_field,
    wilson_lower,
)

CAL = WorkingCalendar()


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


def report(**kw) -> Report:
    received = kw.pop("received_at", vn(2026, 11, 16, 9))
    due = kw.pop("due_at", CAL.due_after(received, 3))
    base = dict(id="DLK-1", province_code=66, status="received", channel="hotline", category="moi-truong",
                description="Cống thoát nước bị tắc", lat=12.7, lng=108.0, address=None, ward_code=None,
                agency_id="so-nn-mt", reporter=Reporter("Lê Văn C", "+84987654321"), received_at=received,
                due_at=due, original_due_at=due, updated_at=received, last_action="submit",
                last_actor_role="citizen", version=1)
    base.update(kw)
    return Report(**base)


def published(r: Report, submitted: datetime, **kw) -> Report:
    return r.evolve(status="published", result={"text": "Đã xử lý", "submitted_at": submitted.isoformat()},
                    published_at=submitted + timedelta(hours=2), **kw)


def test_month_is_vietnam_time():
    assert month_of(datetime.fromisoformat("2026-11-30T18:00:00+00:00")) == "2026-12"
    assert month_of(vn(2026, 11, 30, 23)) == "2026-11"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "", "2026-11-01", "abcd-ef", "1999-12"])
def test_a_bad_month_is_a_bilingual_400(text):
    with pytest.raises(InvalidInput) as err:
        parse_month(text)
    assert err.value.status == 400
    assert "YYYY-MM" in err.value.message and "YYYY-MM" in err.value.message_en


def test_parse_month_accepts_a_month():
    assert parse_month("2026-11") == "2026-11"


def test_an_insert_counts_one_received_for_the_agency_and_month():
    assert deltas(None, report(), CAL) == {("2026-11", "so-nn-mt"): {"received": 1}, NOW_CELL: {"open_now": 1}}


def test_an_on_time_result_counts_on_time_with_its_time_to_result():
    r = report()  # received Mon 16/11 09:00, due Thu 19/11 09:00
    done = published(r, vn(2026, 11, 17, 9))  # one working day later
    assert deltas(r, done, CAL) == {("2026-11", "so-nn-mt"): {"resolved_on_time": 1, ttr_field(ttr_bucket(1)): 1,
                                                              ttr_hours_field(ttr_hours_bucket(9.5)): 1},
                                    NOW_CELL: {"open_now": -1}}


def test_a_late_result_counts_late_even_if_published_later_still():
    r = report(escalation_level=2)
    done = published(r, vn(2026, 11, 20, 9), escalation_level=2)
    change = deltas(r, done, CAL)[("2026-11", "so-nn-mt")]
    assert change["resolved_late"] == 1 and change["open_overdue"] == -1 and "resolved_on_time" not in change


def test_an_extension_approved_before_the_result_makes_it_on_time():
    r = report(due_at=vn(2026, 11, 23, 9))  # extended
    assert "resolved_on_time" in deltas(r, published(r, vn(2026, 11, 20, 9)), CAL)[("2026-11", "so-nn-mt")]


def test_becoming_overdue_and_forwarding_move_counts_between_agencies():
    r = report()
    overdue = r.evolve(escalation_level=2)
    assert deltas(r, overdue, CAL) == {("2026-11", "so-nn-mt"): {"open_overdue": 1}, NOW_CELL: {"open_overdue": 1}}
    moved = overdue.evolve(agency_id="so-xay-dung")
    assert deltas(overdue, moved, CAL) == {
        ("2026-11", "so-nn-mt"): {"received": -1, "open_overdue": -1},
        ("2026-11", "so-xay-dung"): {"received": 1, "open_overdue": 1},
    }


def test_live_gauges_count_open_and_overdue_reports_until_they_leave_the_open_states():
    r = report()
    overdue = r.evolve(escalation_level=2)
    done = published(overdue, vn(2026, 11, 20, 9), escalation_level=2)
    reopened = done.evolve(status="reopened", escalation_level=0)
    steps = [(None, r), (r, overdue), (overdue, done), (done, reopened)]
    totals = {"open_now": 0, "open_overdue": 0}
    seen = []
    for old, new in steps:
        for name, value in deltas(old, new, CAL).get(NOW_CELL, {}).items():
            totals[name] += value
        seen.append(dict(totals))
    assert seen == [{"open_now": 1, "open_overdue": 0}, {"open_now": 1, "open_overdue": 1},
                    {"open_now": 0, "open_overdue": 0}, {"open_now": 1, "open_overdue": 0}]


def test_a_rating_counts_and_a_changed_rating_replaces_it():
    done = published(report(), vn(2026, 11, 17, 9))
    rated = done.evolve(feedback={"rating": 4})
    assert deltas(done, rated, CAL) == {("2026-11", "so-nn-mt"): {"rating_sum": 4, "rating_count": 1}}
    assert deltas(rated, rated.evolve(feedback={"rating": 2}), CAL) == {("2026-11", "so-nn-mt"): {"rating_sum": -2}}


def test_changes_that_touch_no_figure_make_no_delta():
    r = report()
    assert deltas(r, r.evolve(status="assigned", last_action="assign", version=2), CAL) == {}
    assert deltas(r, r.evolve(escalation_level=1), CAL) == {}


@pytest.mark.parametrize(("days", "bucket"), [(0, 0), (0.5, 0), (0.51, 1), (3, 5), (7, 10), (20, 14), (21, 15)])
def test_time_to_result_buckets(days, bucket):
    assert ttr_bucket(days) == bucket


def test_median_is_interpolated_inside_its_bucket():
    hist = [0] * TTR_BUCKETS
    assert median_days(hist) is None
    hist[ttr_bucket(1)] = 1  # (0.5, 1]
    assert median_days(hist) == 0.75
    hist = [0] * TTR_BUCKETS
    hist[ttr_bucket(1)], hist[ttr_bucket(3)], hist[ttr_bucket(6)] = 1, 1, 1
    assert 2.5 <= median_days(hist) <= 3  # the middle one took 3 working days
    hist = [0] * TTR_BUCKETS
    hist[-1] = 3
    assert median_days(hist) == 20  # past the last bound it reads as the bound


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=19.9), min_size=1, max_size=60))
def test_histogram_median_is_within_one_bucket_of_the_true_median(samples):
    from chalicelib.rules.stats import TTR_BOUNDS_DAYS

    hist = [0] * TTR_BUCKETS
    for s in samples:
        hist[ttr_bucket(s)] += 1
    ordered = sorted(samples)
    true = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    lows = (0.0, *TTR_BOUNDS_DAYS)
    got = median_days(hist)
    lo_bucket, hi_bucket = ttr_bucket(true[0]), ttr_bucket(true[1])
    assert lows[lo_bucket] - 1e-9 <= got <= TTR_BOUNDS_DAYS[hi_bucket] + 1e-9


def _figures(agency: str, on_time: int, late: int, received: int | None = None) -> Figures:
    return Figures(agency_id=agency, received=received or on_time + late, resolved_on_time=on_time,
                   resolved_late=late)


def test_ranking_ignores_agencies_below_the_minimum_sample():
    cells = [_figures("quick-fix", 1, 0), _figures("steady", 18, 2), _figures("slow", 6, 6)]
    assert [f.agency_id for f in ranking(cells, 10)] == ["steady", "slow"]
    # With no minimum the interval still keeps one quick fix (1/1 on time) from the top: its lower bound is 0.21.
    assert [f.agency_id for f in ranking(cells, 1)] == ["steady", "slow", "quick-fix"]


def test_province_total_adds_agencies_up():
    total = province_total([_figures("a", 3, 1), _figures("b", 5, 0, received=9)])
    assert (total.received, total.resolved_on_time, total.resolved_late, total.on_time_rate) == (13, 8, 1, 0.8889)


# -- the invariant that makes the stream incremental -------------------------------------
statuses = st.sampled_from(["received", "assigned", "in_progress", "returned", "result_submitted", "published",
                            "reopened", "closed", "rejected"])
agencies = st.sampled_from(["so-nn-mt", "so-xay-dung", "ubnd-24607"])
steps = st.tuples(statuses, agencies, st.integers(0, 3), st.one_of(st.none(), st.integers(1, 5)),
                  st.integers(0, 10 * 86400))


@settings(max_examples=200, deadline=None)
@given(st.lists(steps, min_size=1, max_size=12))
def test_summed_deltas_equal_the_latest_images_contribution(history):
    """Whatever path a report takes, the counters end up as its last image says: nothing drifts."""
    base = report()
    images: list[Report] = [base]
    for status, agency, level, rating, offset in history:
        submitted = base.received_at + timedelta(seconds=offset)
        images.append(base.evolve(
            status=status, agency_id=agency, escalation_level=level,
            feedback={"rating": rating} if rating else None,
            result={"text": "ok", "submitted_at": submitted.isoformat()} if status in {"published", "closed"}
            else None))
    totals: dict[tuple[str, str], Counter] = {}
    for old, new in zip([None, *images], images, strict=False):
        for cell, change in deltas(old, new, CAL).items():
            totals.setdefault(cell, Counter()).update(change)
    cell, expected = contribution(images[-1], CAL)
    expected_cells = {cell: expected}
    if gauge_contribution(images[-1]):
        expected_cells[NOW_CELL] = gauge_contribution(images[-1])
    got = {c: {k: v for k, v in counts.items() if v} for c, counts in totals.items()}
    assert {c: v for c, v in got.items() if v} == expected_cells


# -- a rating belongs to its round --------------------------------------------------------


def _rated(r: Report, rating: int, at: datetime) -> Report:
    return r.evolve(feedback={"rating": rating, "comment": None, "at": at.isoformat(), "round": r.round})


def _reopened(r: Report, at: datetime) -> Report:
    """The image `rules/actions._reopen` writes: the round's data moved into extra["rounds"], feedback cleared."""
    finished = {"round": r.round, "agency_id": r.agency_id, "result": r.result, "feedback": r.feedback}
    return r.evolve(status="reopened", round=r.round + 1, result=None, feedback=None, published_at=None,
                    extra={**r.extra, "rounds": [*r.extra.get("rounds", []), finished],
                           "round_started_at": at.isoformat()})


def test_a_reopen_keeps_the_earlier_rounds_rating():
    r = report()
    done = published(r, vn(2026, 11, 17, 9))
    rated = _rated(done, 2, vn(2026, 11, 18, 9))
    reopened = _reopened(rated, vn(2026, 11, 19, 9))
    cell = ("2026-11", "so-nn-mt")
    assert deltas(done, rated, CAL)[cell] == {"rating_sum": 2, "rating_count": 1}
    change = deltas(rated, reopened, CAL)
    assert "rating_sum" not in change.get(cell, {}) and "rating_count" not in change.get(cell, {})
    assert contribution(reopened, CAL)[1]["rating_count"] == 1


def test_each_round_rating_counts_once():
    r = report()
    first = _rated(published(r, vn(2026, 11, 17, 9)), 2, vn(2026, 11, 18, 9))
    second_round = _reopened(first, vn(2026, 11, 19, 9))
    second = _rated(published(second_round, vn(2026, 11, 20, 9)), 5, vn(2026, 11, 23, 9))
    assert round_ratings(second) == {1: 2, 2: 5}
    counts = contribution(second, CAL)[1]
    assert (counts["rating_sum"], counts["rating_count"]) == (7, 2)
    changed = second.evolve(feedback={**second.feedback, "rating": 4})  # a changed rating replaces its round's
    assert deltas(second, changed, CAL)[("2026-11", "so-nn-mt")] == {"rating_sum": -1}
    totals: Counter = Counter()
    images = [r, first, second_round, second]
    for old, new in zip([None, *images[:-1]], images, strict=True):
        totals.update(deltas(old, new, CAL).get(("2026-11", "so-nn-mt"), {}))
    assert (totals["rating_sum"], totals["rating_count"]) == (7, 2)
    assert Figures(agency_id="a", rating_sum=7, rating_count=2).mean_rating == 3.5


# -- the ranking rule ---------------------------------------------------------------------


def _rated_figures(agency: str, on_time: int, late: int, rating_sum: int, rating_count: int,
                   fast: bool = False) -> Figures:
    histogram = [0] * TTR_BUCKETS
    histogram[0 if fast else 5] = on_time + late
    return Figures(agency_id=agency, received=on_time + late, resolved_on_time=on_time, resolved_late=late,
                   rating_sum=rating_sum, rating_count=rating_count, histogram=tuple(histogram))


def test_satisfaction_weighs_in_the_ranking():
    """Same on-time rate, same volume: the agency rated 3.91/5 ranks above the one rated 2.08/5, though faster."""
    low = _rated_figures("low-rated", 20, 5, rating_sum=50, rating_count=24, fast=True)  # 2.08 / 5
    high = _rated_figures("well-rated", 20, 5, rating_sum=86, rating_count=22)  # 3.91 / 5
    assert (low.mean_rating, high.mean_rating, low.on_time_rate) == (2.08, 3.91, high.on_time_rate)
    ranked = ranking([low, high], 10)
    assert [r.agency_id for r in ranked] == ["well-rated", "low-rated"]
    assert ranked[0].parts["on_time"] == ranked[1].parts["on_time"]
    assert ranked[0].parts["satisfaction"] > ranked[1].parts["satisfaction"]
    for r in ranked:
        assert r.score == round(0.5 * r.parts["on_time"] + 0.3 * r.parts["satisfaction"]
                                + 0.2 * r.parts["resolution"], 4)


def test_a_small_perfect_sample_cannot_top_the_table():
    tiny = _rated_figures("tiny", 10, 0, rating_sum=50, rating_count=10, fast=True)  # all on time, all 5/5
    big = Figures(agency_id="big", received=210, resolved_on_time=180, resolved_late=20, rating_sum=630,
                  rating_count=150)  # 90 % on time, 4.2/5
    assert [r.agency_id for r in ranking([tiny, big], 10)] == ["big", "tiny"]
    assert [r.agency_id for r in ranking([tiny, big], 11)] == ["big"]  # below the minimum sample: not ranked


def test_wilson_lower_bound():
    assert wilson_lower(0, 0) == 0.0
    assert round(wilson_lower(1, 1), 4) == 0.2065
    assert round(wilson_lower(18, 20), 3) == 0.699
    assert wilson_lower(50, 100) < 0.5 < wilson_lower(500, 900)


# -- working time under a day, in hours ---------------------------------------------------


def test_minutes_of_work_read_in_hours_not_as_a_quarter_day():
    r = report()  # received Mon 16/11 09:00
    done = published(r, vn(2026, 11, 16, 9, 20))  # twenty working minutes later
    cell, counts = contribution(done, CAL)
    assert counts[ttr_hours_field(0)] == 1
    f = Figures.from_counters(cell[1], counts)
    assert f.median_hours_to_result == 0.5
    assert f.median_days_to_result == 0.25  # the day figure's bucket (to half a day) is unchanged


def test_median_hours_only_under_one_working_day():
    days = [0] * TTR_BUCKETS
    hours = [0] * TTR_HOUR_BUCKETS
    days[0], hours[ttr_hours_bucket(2.2)], hours[ttr_hours_bucket(3.1)] = 2, 1, 1
    assert median_hours(days, hours) == 2.5  # rank 1 of 2 lands at the top of the (2, 2.5] bucket
    days[5] = 3  # most results took more than a day: no hours figure
    assert median_hours(days, hours) is None
    assert median_hours([0] * TTR_BUCKETS, hours) is None
    days[5] = 0
    assert median_hours(days, [0] * TTR_HOUR_BUCKETS) is None  # counted before hours were kept: nothing claimed
    longer = published(report(), vn(2026, 11, 18, 9))  # two working days: no hours bucket
    assert not any(k.startswith("ttrh_") for k in contribution(longer, CAL)[1])
