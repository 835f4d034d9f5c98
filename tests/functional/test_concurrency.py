"""Fifty people acting on one report at once: one winner per version, and an audit row for exactly each win."""

from __future__ import annotations

import pytest
from staff_helpers import AGENCY, OTHER_AGENCY, a_report, fire

from chalicelib.rules.actors import Actor

pytest_plugins = ["staff_fixtures"]

WORKERS = 50
IOC = Actor("ioc", frozenset({"ioc_operator"}), "ioc")
OFFICERS = [Actor(f"officer{n}", frozenset({"agency_officer"}), AGENCY) for n in range(3)]


@pytest.fixture
def cases(province, serialised_moto):
    from chalicelib import container
    from chalicelib.schemas.intake import IntakeRequest

    service = container.cases()
    answer, _ = container.intake().submit(IntakeRequest(**a_report()))
    service.act(IOC, answer["id"], "assign", {"agency_id": AGENCY})  # warms the clients, version 2
    return service, answer["id"]


def trail(report_id):
    from chalicelib.storage.reports import ReportStore

    store = ReportStore()
    return store.get(report_id)[0], store.history(report_id)


def test_fifty_actions_at_the_same_version_have_exactly_one_winner(cases):
    service, report_id = cases
    agencies = [AGENCY, OTHER_AGENCY]
    jobs = [(lambda n=n: service.act(IOC, report_id, "assign", {"agency_id": agencies[n % 2], "note": f"#{n}"},
                                     expected_version=2)) for n in range(WORKERS)]
    outcomes = fire(jobs)
    wins = [answer for answer, _ in outcomes if answer]
    assert len(wins) == 1
    assert sorted({err for _, err in outcomes if err}) == [(409, "version_conflict")]
    report, history = trail(report_id)
    assert report.version == 3 and len(history) == 3
    assert history[-1].action == "assign" and history[-1].note.startswith(f"agency={wins[0]['agency']['id']}; #")
    assert report.agency_id == wins[0]["agency"]["id"]


def test_fifty_mixed_actions_leave_one_consistent_history(cases):
    service, report_id = cases

    def assign(n):
        return lambda: service.act(IOC, report_id, "assign", {"agency_id": AGENCY, "note": f"#{n}"})

    def by_officer(n, action, fields):
        return lambda: service.act(OFFICERS[n % 3], report_id, action, fields)

    jobs = []
    for n in range(WORKERS):
        kind = n % 5
        if kind == 0:
            jobs.append(assign(n))
        elif kind == 1:
            jobs.append(by_officer(n, "accept", {"note": f"#{n}"}))
        elif kind == 2:
            jobs.append(by_officer(n, "request_extension", {"working_days": 2, "reason": f"Lý do số {n}"}))
        elif kind == 3:
            jobs.append(lambda n=n: service.act(IOC, report_id, "approve_extension", {"note": f"#{n}"}))
        else:
            jobs.append(by_officer(n, "return_to_ioc", {"reason": f"Không thuộc thẩm quyền #{n}",
                                                        "suggested_agency_id": OTHER_AGENCY}))
    outcomes = fire(jobs)

    wins = [answer["transition"] for answer, _ in outcomes if answer]
    refusals = {err for _, err in outcomes if err}
    assert refusals <= {(409, "version_conflict"), (409, "action_not_allowed"), (409, "extension_pending"),
                        (409, "no_extension_request"), (403, "action_forbidden")}
    assert wins, "someone must win the first round"
    versions = sorted(w["version"] for w in wins)
    assert versions == list(range(3, 3 + len(wins))), "one winner per version, no version skipped"

    report, history = trail(report_id)
    assert report.version == 2 + len(wins) == len(history)
    written = history[2:]
    by_version = {w["version"]: w for w in wins}
    for offset, row in enumerate(written, start=3):
        win = by_version[offset]
        assert (row.action, row.from_status, row.to_status) == (win["action"], win["from"], win["to"])
    chain = [h.to_status for h in history]
    for before, row in zip(chain, history[1:], strict=False):
        assert row.from_status == before, "every row starts where the previous one ended"
    assert report.status == history[-1].to_status and report.last_action == history[-1].action
