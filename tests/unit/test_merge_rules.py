"""Which change moves a merged report's supporters to the survivor (rules/nearby.carried_to)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_workflow import a_report

from chalicelib.rules.nearby import carried_to

OPEN = a_report("assigned", support_count=2)
MERGED = replace(OPEN, status="merged", last_action="merge", extra={"merge": {"into": "DLK-SURV-0001"}})


def test_the_merge_itself_carries_its_supporters_to_the_survivor():
    assert carried_to(OPEN, MERGED) == "DLK-SURV-0001"


@pytest.mark.parametrize(("old", "new"), [
    (MERGED, replace(MERGED, support_count=3)),  # a later write of a merged report: carried already
    (replace(OPEN, support_count=0), replace(MERGED, support_count=0)),  # nobody to carry
    (OPEN, replace(OPEN, status="in_progress")),  # not a merge
    (None, MERGED),  # not a change the stream shows for a merge
    (OPEN, replace(MERGED, extra={})),  # a merge without its survivor: nothing to guess
])
def test_no_other_change_carries_anyone(old, new):
    assert carried_to(old, new) is None
