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
    # -- case workflow and staff access ----------------------------------------
    "auth_required": (
        "Cần đăng nhập: gửi kèm tiêu đề Authorization: Bearer <token>.",
        "Sign in first: send the header Authorization: Bearer <token>.",
    ),
    "invalid_token": (
        "Mã đăng nhập không hợp lệ; hãy đăng nhập lại.",
        "The sign-in token is not valid; sign in again.",
    ),
    "token_expired": (
        "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
        "The sign-in session has expired; sign in again.",
    ),
    "not_staff": (
        "Tài khoản chưa được phân vai trò cán bộ (IOC, cơ quan xử lý, quản trị).",
        "This account has no staff role (IOC, agency, admin).",
    ),
    "action_forbidden": (
        "Vai trò của bạn không được thực hiện thao tác '{action}' với phản ánh này.",
        "Your role may not take the action '{action}' on this report.",
    ),
    "action_not_allowed": (
        "Không thể thực hiện '{action}' khi phản ánh đang ở trạng thái '{state}'; thao tác được phép: {allowed}.",
        "'{action}' is not possible while the report is '{state}'; allowed now: {allowed}.",
    ),
    "unknown_agency": (
        "Cơ quan '{value}' không có trong danh sách cơ quan của tỉnh.",
        "Agency '{value}' is not one of this province's agencies.",
    ),
    "same_agency": (
        "Cơ quan đề xuất phải khác cơ quan đang được giao.",
        "The suggested agency must differ from the one currently assigned.",
    ),
    "duplicate_of_self": (
        "Phản ánh không thể trùng với chính nó.",
        "A report cannot duplicate itself.",
    ),
    "unknown_reference": (
        "Trường '{field}' tham chiếu tới '{value}' không tồn tại hoặc không dùng được ở đây.",
        "The field '{field}' refers to '{value}', which does not exist or cannot be used here.",
    ),
    "out_of_range": (
        "Giá trị của trường '{field}' phải từ {min} đến {max}.",
        "The field '{field}' must be between {min} and {max}.",
    ),
    "extension_pending": (
        "Đã có một đề nghị gia hạn đang chờ IOC xem xét.",
        "An extension request is already waiting for the IOC.",
    ),
    "no_extension_request": (
        "Không có đề nghị gia hạn nào đang chờ xem xét.",
        "There is no extension request waiting.",
    ),
    "feedback_already_given": (
        "Bạn đã đánh giá kết quả xử lý lần này.",
        "You have already rated this result.",
    ),
    "reopen_window_over": (
        "Đã quá {days} ngày kể từ khi công bố kết quả; không thể phản ánh lại.",
        "More than {days} days have passed since the result was published; it can no longer be reopened.",
    ),
    "close_too_early": (
        "Chưa hết {days} ngày để người dân phản hồi kể từ khi công bố.",
        "The citizen's {days}-day window after publication is still open.",
    ),
    "invalid_cursor": (
        "Con trỏ phân trang (cursor) không hợp lệ hoặc không thuộc truy vấn này.",
        "The pagination cursor is not valid, or belongs to another query.",
    ),
    "evidence_not_allowed_now": (
        "Chỉ tải minh chứng khi phản ánh đang được cơ quan xử lý (trạng thái hiện tại: '{state}').",
        "Evidence can be uploaded only while the agency handles the report (now: '{state}').",
    ),
    "unsupported_content_type": (
        "Hãy gửi nội dung dạng JSON (Content-Type: application/json).",
        "Send the body as JSON (Content-Type: application/json).",
    ),
    "method_not_allowed": (
        "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
        "This HTTP method is not supported at this address.",
    ),
    "invalid_month": (
        "Tháng '{value}' không hợp lệ; dùng dạng YYYY-MM, ví dụ 2026-11.",
        "Month '{value}' is not valid; use YYYY-MM, e.g. 2026-11.",
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


class Unauthenticated(DomainError):
    """No valid staff sign-in (401)."""

    status = 401
