"""The README's "Try it" example answers what the service would: its due date follows the working-day rule."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from chalicelib.provinces.loader import load_profile
from chalicelib.rules.calendar import VN_TZ

README = Path(__file__).resolve().parents[2] / "README.md"


def try_it() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Try it"):text.index("### The local stack")]


def test_the_example_due_date_is_seven_working_days_after_the_time_it_says_it_was_sent():
    section = try_it()
    sent = re.search(r"sent on \w+\s+#?\s*(\d{4}-\d\d-\d\d) at (\d\d:\d\d)", section)
    due = re.search(r'"due_at": "([^"]+)"', section)
    assert sent and due, "the example names when it was sent and the due date it got"
    received = datetime.fromisoformat(f"{sent[1]}T{sent[2]}").replace(tzinfo=VN_TZ)
    profile = load_profile("daklak")  # the dev stage's profile (.chalice/config.json)
    expected = profile.working_calendar.due_after(received, profile.sla_days("app"))
    assert datetime.fromisoformat(due[1]) == expected, expected.isoformat()
