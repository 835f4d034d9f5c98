"""Abuse-limit counters in the limits table: one item per (kind, window, keyed hash), taken by a conditional ADD.

A counter is taken only while it is below its limit, atomically (the
condition and the ADD are one write), so concurrent requests can never
exceed it. Intake takes its quotas inside the report's own transaction
(storage/reports.py, `update_action`); the notifier takes one per SMS
(`LimitStore.take`). Items expire by TTL a day after their window ends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.rules.limits import Quota
from chalicelib.storage.dynamo import condition_failed
from chalicelib.storage.models import LimitCounterModel

KEEP_AFTER_WINDOW = timedelta(days=1)


def counter(quota: Quota) -> tuple[LimitCounterModel, list[Any], Any]:
    """(item, update actions, condition) that count one against the quota if it is not used up."""
    item = LimitCounterModel(quota.counter_id)
    actions = [LimitCounterModel.taken.add(1), LimitCounterModel.expires_at.set(quota.ends_at + KEEP_AFTER_WINDOW)]
    condition = LimitCounterModel.taken.does_not_exist() | (LimitCounterModel.taken < quota.limit)
    return item, actions, condition


class LimitStore:
    """The LimitsPort: one UpdateItem per quota taken."""

    def take(self, quota: Quota) -> bool:
        item, actions, condition = counter(quota)
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
        return True
