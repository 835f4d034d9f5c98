"""An error names a field a person filled in by its label on the form (rules/messages.FIELD_LABELS), in each
language; the body's `field` keeps the JSON path for clients, and an unlisted path is quoted as it is."""

from __future__ import annotations

from chalicelib.rules.errors import InvalidInput


def test_a_form_field_is_named_by_its_label_and_its_path_stays_for_clients():
    error = InvalidInput("too_short", "description", min=10)
    assert error.message == "Trường 'Nội dung phản ánh' quá ngắn: cần ít nhất 10 ký tự."
    assert error.message_en == "The field 'Description' is too short: at least 10 characters."
    assert error.to_dict()["field"] == "description"
    assert InvalidInput("missing_field", "reporter.phone").message == "Thiếu trường bắt buộc 'Số điện thoại'."


def test_a_path_no_form_shows_is_quoted_as_it_is():
    assert InvalidInput("missing_field", "location.lat").message_en == "The field 'location.lat' is required."
