"""Notice templates as data: checked once against the routing table and the safe fields, then read by the rule.

A template may only name SAFE_FIELDS (rules/notices.py), every event the
routing table sends to staff has a staff text, every event that reaches the
reporter has an SMS text in plain ASCII naming the report's code and its
tracking link (SMS_REQUIRED_FIELDS): a bad file fails at cold start,
naming the template, instead of sending a broken or leaking message.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.rules.notices import REPORTER_SMS, ROUTES, SAFE_FIELDS, SMS_REQUIRED_FIELDS, STAFF_AUDIENCES


@dataclass(frozen=True)
class StaffTemplate:
    subject_vi: str
    subject_en: str
    body_vi: str
    body_en: str


@dataclass(frozen=True, eq=False)
class Templates:
    """Staff texts per event (subject and body, vi and en) and one-line SMS texts per event."""

    staff: Mapping[str, StaffTemplate]
    sms: Mapping[str, str]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Templates:
        """Check the data against ROUTES and SAFE_FIELDS; a bad template fails loudly, naming itself."""
        staff_data, sms_data = data.get("staff", {}), data.get("sms", {})
        staff: dict[str, StaffTemplate] = {}
        for event, entry in staff_data.items():
            texts = {
                "subject_vi": entry["subject"]["vi"], "subject_en": entry["subject"]["en"],
                "body_vi": entry["body"]["vi"], "body_en": entry["body"]["en"],
            }
            for part, text in texts.items():
                _check_placeholders(f"staff.{event}.{part}", text)
            staff[event] = StaffTemplate(**texts)
        for event, text in sms_data.items():
            _check_placeholders(f"sms.{event}", text)
            if not text.isascii():
                raise ValueError(f"sms.{event}: SMS texts are GSM-7 (plain ASCII, no diacritics)")
            named = {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field}
            for required in SMS_REQUIRED_FIELDS:
                if required not in named:
                    raise ValueError(f"sms.{event}: an SMS must carry {{{required}}} (the code and its tracking page)")
        for event in (*staff, *sms_data):
            if event not in ROUTES:
                raise ValueError(f"templates: unknown event '{event}'")
        for event, audiences in ROUTES.items():
            if STAFF_AUDIENCES.intersection(audiences) and event not in staff:
                raise ValueError(f"templates: staff.{event} is missing")
            if REPORTER_SMS in audiences and event not in sms_data:
                raise ValueError(f"templates: sms.{event} is missing")
        return cls(staff=staff, sms=dict(sms_data))


def _check_placeholders(where: str, text: str) -> None:
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if field not in SAFE_FIELDS or spec or conversion:
            raise ValueError(f"{where}: placeholder '{{{field}}}' is not a safe field")
