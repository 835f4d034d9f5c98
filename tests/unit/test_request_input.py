"""Request input a person controls is refused with a 4xx, never left to raise: JSON bodies and times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.handlers.http import MAX_BODY_BYTES, MAX_JSON_DEPTH, read_json
from chalicelib.provinces.loader import load_profile
from chalicelib.rules.errors import DomainError
from chalicelib.rules.intake import check_submission
from chalicelib.rules.messages import FIELD_LABELS
from chalicelib.schemas.common import parse_body
from chalicelib.schemas.intake import IntakeRequest
from chalicelib.schemas.queries import PublicListQuery, StaffListQuery


def refused(call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value


def nested(depth: int) -> str:
    return '{"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000, nested(MAX_JSON_DEPTH + 1),
                                 ("[" * 5000 + "]" * 5000).encode()])
def test_deep_nesting_is_refused_before_parsing(raw):
    err = refused(read_json, raw)
    assert (err.status, err.code) == (400, "json_too_deep")
    assert "32" in err.message and "32" in err.message_en


def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_fine():
    assert read_json(nested(MAX_JSON_DEPTH)) == {"a": read_json(nested(MAX_JSON_DEPTH))["a"]}
    text = '{"a": "' + "[{" * 500 + '\\"]", "b": ["[", "{"]}'
    assert read_json(text)["b"] == ["[", "{"]


def test_a_body_over_the_size_limit_is_413():
    err = refused(read_json, b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}')
    assert (err.status, err.code) == (413, "body_too_large")


@pytest.mark.parametrize("raw", ['{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": "\\ud800"}',
                                 '{"\\udfff": 1}', '{"a": ["ok", {"b": "x\\ud800y"}]}', b'{"a": "\xff"}'])
def test_non_json_numbers_lone_surrogates_and_bad_utf8_are_invalid_json(raw):
    err = refused(read_json, raw)
    assert (err.status, err.code) == (400, "invalid_json")


def test_a_proper_surrogate_pair_and_a_utf8_bom_are_fine():
    assert read_json('{"a": "\\ud83d\\udca5"}') == {"a": "💥"}
    assert read_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


REPORT = {
    "category": "ha-tang-do-thi", "description": "Ổ gà lớn trên đường Lê Duẩn",
    "location": {"lat": 12.68, "lng": 108.04}, "reporter": {"name": "Nguyễn Văn An", "phone": "0905123456"},
}


@pytest.mark.parametrize(("model", "body", "field"), [
    (IntakeRequest, {**REPORT, "occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    (IntakeRequest, {**REPORT, "occurred_at": "9999-12-31T23:59:59-14:00"}, "occurred_at"),
    (IntakeRequest, {**REPORT, "occurred_at": "0001-01-01T00:00:00"}, "occurred_at"),
    (PublicListQuery, {"from": "0001-01-01"}, "from"),
    (PublicListQuery, {"to": "9999-12-31T23:59:59-14:00"}, "to"),
    (PublicListQuery, {"to": "9999-12-31"}, "to"),
    (StaffListQuery, {"due_before": "9999-12-31T23:59:59-14:00"}, "due_before"),
    (StaffListQuery, {"due_before": "0001-01-01"}, "due_before"),
    (StaffListQuery, {"due_before": "1969-12-31T23:59:59Z"}, "due_before"),
])
def test_times_outside_the_range_are_400_naming_the_field_and_the_range(model, body, field):
    err = refused(parse_body, body, model)
    assert (err.status, err.code, err.field) == (400, "datetime_out_of_range", field)
    named_vi, named_en = FIELD_LABELS.get(field, (field, field))  # a form's field by its label, else its path
    for text, named in ((err.message, named_vi), (err.message_en, named_en)):
        assert named in text and "1970-01-01" in text and "2999-12-31" in text


def test_times_inside_the_range_still_parse():
    q = parse_body({"from": "2000-01-01", "to": "2999-12-31"}, PublicListQuery)
    assert q.from_.year == 2000 and q.to.year == 2999
    assert parse_body({"due_before": "1970-01-01T08:00:00+07:00"}, StaffListQuery).due_before.year == 1970


def test_a_choice_error_lists_the_choices_in_each_language_without_an_english_or_in_the_vietnamese():
    err = refused(parse_body, {**REPORT, "channel": "fax"}, IntakeRequest)
    assert (err.code, err.field) == ("invalid_choice", "channel")
    assert err.message.endswith("'app' hoặc 'web'.") and " or " not in err.message, err.message
    assert err.message_en.endswith("'app' or 'web'."), err.message_en


@pytest.mark.parametrize("sent", ["00004", " 00004 ", "000007", "4"])
def test_a_ward_code_not_in_the_province_is_echoed_as_it_was_sent(sent):
    req = parse_body({**REPORT, "location": {}, "ward_code": sent}, IntakeRequest)
    profile = load_profile("daklak")
    err = refused(lambda: check_submission(profile, category=req.category, ward_code=req.ward_code,
                                           channel=req.channel, address=None, occurred_at=None,
                                           now=datetime.now(UTC)))
    assert err.code == "ward_not_in_province"
    assert f"'{sent.strip()}'" in err.message and f"'{sent.strip()}'" in err.message_en, err.message


def test_a_padded_ward_code_of_the_province_is_filed_and_listed_as_stored():
    req = parse_body({**REPORT, "location": {}, "ward_code": "024133"}, IntakeRequest)
    accepted = check_submission(load_profile("daklak"), category=req.category, ward_code=req.ward_code,
                                channel=req.channel, address=None, occurred_at=None, now=datetime.now(UTC))
    assert accepted.ward_code == "24133"
    assert parse_body({"ward": "024133"}, PublicListQuery).ward == "24133"
    assert parse_body({"ward": 24133}, StaffListQuery).ward == "24133"
