"""Domain errors a person can act on, in Vietnamese and English.

Each error carries a stable machine `code`; the texts live in one catalogue so
that every entry point (API, batch, CLI) says the same thing the same way.
"""

from __future__ import annotations

from typing import Any

# code -> (Vietnamese, English); str.format placeholders are filled from `params`.
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_json": (
        "Nội dung gửi lên không phải JSON hợp lệ.",
        "The request body is not valid JSON.",
    ),
    "body_not_object": (
        "Nội dung gửi lên phải là một đối tượng JSON.",
        "The request body must be a JSON object.",
    ),
    "missing_field": ("Thiếu trường bắt buộc '{field}'.", "The field '{field}' is required."),
    "unknown_field": (
        "Trường '{field}' không được hỗ trợ; hãy bỏ trường này.",
        "The field '{field}' is not accepted; remove it.",
    ),
    "wrong_type": (
        "Trường '{field}' có kiểu dữ liệu không đúng (cần {expected_vi}).",
        "The field '{field}' has the wrong type (expected {expected_en}).",
    ),
    "too_short": (
        "Trường '{field}' quá ngắn: cần ít nhất {min} ký tự.",
        "The field '{field}' is too short: at least {min} characters.",
    ),
    "too_long": (
        "Trường '{field}' quá dài: tối đa {max} ký tự.",
        "The field '{field}' is too long: at most {max} characters.",
    ),
    "invalid_value": (
        "Giá trị của trường '{field}' không hợp lệ.",
        "The value of '{field}' is not valid.",
    ),
    "invalid_choice": (
        "Giá trị của trường '{field}' phải là một trong: {choices}.",
        "The field '{field}' must be one of: {choices}.",
    ),
    "invalid_datetime": (
        "Trường '{field}' phải là thời điểm theo ISO 8601, ví dụ 2026-11-23T08:30:00+07:00.",
        "The field '{field}' must be an ISO 8601 time, e.g. 2026-11-23T08:30:00+07:00.",
    ),
    "occurred_in_future": (
        "Thời điểm xảy ra không thể ở tương lai.",
        "The time it happened cannot be in the future.",
    ),
    "unknown_category": (
        "Lĩnh vực '{value}' không có trong danh mục của tỉnh; xem GET /categories.",
        "Category '{value}' is not in this province's list; see GET /categories.",
    ),
    "ward_not_in_province": (
        "Mã phường/xã '{value}' không thuộc {province}.",
        "Ward code '{value}' is not a ward of {province}.",
    ),
    "ward_required": (
        "Cần mã phường/xã (ward_code) nơi xảy ra sự việc; kênh tổng đài/thư điện tử có thể thay bằng địa chỉ.",
        "A ward code (ward_code) is required; hotline and e-mail reports may give an address instead.",
    ),
    "invalid_phone": (
        "Số điện thoại '{value}' không phải số điện thoại Việt Nam hợp lệ.",
        "'{value}' is not a valid Vietnamese phone number.",
    ),
    "outside_vietnam": (
        "Vị trí (lat, lng) nằm ngoài lãnh thổ Việt Nam.",
        "The location (lat, lng) is outside Vietnam.",
    ),
    "idempotency_key_reused": (
        "Khóa Idempotency-Key này đã được dùng cho một phản ánh khác; hãy dùng khóa mới.",
        "This Idempotency-Key was used for a different report; use a new key.",
    ),
    "request_in_progress": (
        "Yêu cầu với khóa Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát.",
        "A request with this Idempotency-Key is still being processed; retry in a moment.",
    ),
    "invalid_idempotency_key": (
        "Idempotency-Key phải dài 8 đến 128 ký tự chữ, số, '-' hoặc '_'.",
        "Idempotency-Key must be 8 to 128 letters, digits, '-' or '_'.",
    ),
    "report_not_found": (
        "Không tìm thấy phản ánh, hoặc mã tra cứu không đúng.",
        "Report not found, or the tracking token is wrong.",
    ),
    "unsupported_media_type": (
        "Loại tệp '{value}' không được hỗ trợ; chấp nhận: {choices}.",
        "File type '{value}' is not supported; accepted: {choices}.",
    ),
    "media_too_large": (
        "Tệp quá lớn: tối đa {max} MB.",
        "The file is too large: at most {max} MB.",
    ),
    "media_limit_reached": (
        "Đã đủ số tệp cho phép cho mỗi phản ánh ({max} {kind}).",
        "This report already has the most files allowed ({max} {kind}).",
    ),
    "version_conflict": (
        "Phản ánh vừa được người khác cập nhật; hãy tải lại và thử lại.",
        "The report was just changed by someone else; reload and try again.",
    ),
    "unsupported_content_type": (
        "Hãy gửi nội dung dạng JSON (Content-Type: application/json).",
        "Send the body as JSON (Content-Type: application/json).",
    ),
    "method_not_allowed": (
        "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
        "This HTTP method is not supported at this address.",
    ),
    "internal_error": (
        "Hệ thống gặp lỗi; phản ánh của bạn không bị mất, hãy thử lại sau.",
        "Something went wrong on our side; nothing you sent was lost, please retry.",
    ),
}


class DomainError(Exception):
    """An error with a machine code and texts for people in both languages."""

    status: int = 400

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        self.code = code
        self.field = field
        self.params = {"field": field, **params}
        vi, en = MESSAGES.get(code, MESSAGES["invalid_value"])
        self.message = vi.format(**self.params)
        self.message_en = en.format(**self.params)
        self.details: dict[str, Any] = {}
        super().__init__(f"{code}: {self.message_en}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body every handler answers with."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, "message_en": self.message_en}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class InvalidInput(DomainError):
    """The caller sent something we cannot accept (400)."""

    status = 400


class NotFound(DomainError):
    """Unknown, or not visible to this caller: deliberately indistinguishable (404)."""

    status = 404


class Forbidden(DomainError):
    """Visible but not the caller's to change (403)."""

    status = 403


class Conflict(DomainError):
    """The resource's state does not allow this now (409)."""

    status = 409


class Unprocessable(DomainError):
    """Well-formed but contradicting an earlier request (422)."""

    status = 422
