"""Which ids can name a stored item at all: DynamoDB refuses an empty partition key and one over 2,048 bytes,
so a lookup by such an id is "not found" without a call (storage/dynamo.storable_key)."""

from __future__ import annotations

import pytest

from chalicelib.storage.dynamo import MAX_PARTITION_KEY_BYTES, storable_key


@pytest.mark.parametrize(("value", "storable"), [
    ("DLK-7KQ3-M9XD", True), ("", False), ("a" * MAX_PARTITION_KEY_BYTES, True),
    ("a" * (MAX_PARTITION_KEY_BYTES + 1), False), ("ệ" * 682, True), ("ệ" * 683, False),  # 3 bytes each
    ("\ud800", True),  # a lone surrogate is counted, not a crash
])
def test_a_key_dynamodb_can_hold(value, storable):
    assert storable_key(value) is storable
