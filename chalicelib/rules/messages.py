"""Every user-facing text that is code, in Vietnamese and English: the one catalogue.

Each entry is `key -> (Vietnamese, English)`. Placeholders are `str.format`
fields, filled by the module that renders the text, and are the same in both
languages (tests/unit/test_messages.py checks this). Texts are grouped by
purpose below; the notice templates are data and live in
chalicelib/notices/templates.json, not here.

Pure: no imports from the rest of the project, so every rules module may use it.
"""

from __future__ import annotations

Text = tuple[str, str]  # (Vietnamese, English)

# -- domain errors (rules/errors.py): code -> texts, filled from the error's `params`; a param
#    `name_vi` / `name_en` fills `{name}` in that language only (wrong_type's expected type).
ERRORS: dict[str, Text] = {
    "invalid_json": (
        "Nội dung gửi lên không phải JSON hợp lệ.",
        "The request body is not valid JSON.",
    ),
    "json_too_deep": (
        "Nội dung JSON lồng nhau quá sâu: tối đa {max} cấp mảng/đối tượng.",
        "The JSON body is nested too deeply: at most {max} levels of arrays/objects.",
    ),
    "body_too_large": (
        "Nội dung gửi lên quá lớn: tối đa {max} KB.",
        "The request body is too large: at most {max} KB.",
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
        "Trường '{field}' có kiểu dữ liệu không đúng (cần {expected}).",
        "The field '{field}' has the wrong type (expected {expected}).",
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
    "datetime_out_of_range": (
        "Trường '{field}' phải là thời điểm từ {min} đến {max} (theo giờ UTC và giờ Việt Nam).",
        "The field '{field}' must be a time from {min} to {max} (in UTC and in Vietnam time).",
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
        "Cần vị trí (location.lat, location.lng) hoặc mã phường/xã (ward_code) nơi xảy ra sự việc; "
        "kênh tổng đài/thư điện tử có thể thay bằng địa chỉ.",
        "A location (location.lat, location.lng) or a ward code (ward_code) is required; "
        "hotline and e-mail reports may give an address instead.",
    ),
    "point_incomplete": (
        "Vị trí cần cả vĩ độ (lat) và kinh độ (lng).",
        "A location needs both latitude (lat) and longitude (lng).",
    ),
    "invalid_phone": (
        "Số điện thoại '{value}' không phải số điện thoại Việt Nam hợp lệ.",
        "'{value}' is not a valid Vietnamese phone number.",
    ),
    "outside_vietnam": (
        "Vị trí (lat, lng) nằm ngoài lãnh thổ Việt Nam.",
        "The location (lat, lng) is outside Vietnam.",
    ),
    "point_in_other_province": (
        "Vị trí này thuộc {ward}, {province}, không thuộc {home}. Vui lòng gửi phản ánh tới {province}.",
        "This location is in {ward}, {province}, not in {home}. Please report it to {province}.",
    ),
    "point_at_sea": (
        "Vị trí (lat, lng) nằm ngoài đất liền và các đảo của Việt Nam (trên biển hoặc ở nước ngoài). "
        "Vui lòng chọn lại vị trí trên bản đồ.",
        "The location (lat, lng) is not on Vietnam's land or islands (at sea or abroad). "
        "Please pick the place on the map again.",
    ),
    "idempotency_key_reused": (
        "Khóa Idempotency-Key này đã được dùng cho một phản ánh khác; hãy dùng khóa mới.",
        "This Idempotency-Key was used for a different report; use a new key.",
    ),
    "request_in_progress": (
        "Yêu cầu với khóa Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát.",
        "A request with this Idempotency-Key is still being processed; retry in a moment.",
    ),
    "too_many_reports_phone": (
        "Số điện thoại này đã gửi {limit} phản ánh trong hôm nay, mức tối đa cho một ngày; "
        "hãy thử lại sau {retry_after} giây.",
        "This phone number has sent {limit} reports today, the most allowed in one day; "
        "retry in {retry_after} seconds.",
    ),
    "too_many_reports_ip": (
        "Đã có {limit} phản ánh gửi từ địa chỉ mạng này trong giờ này, mức tối đa; "
        "hãy thử lại sau {retry_after} giây.",
        "{limit} reports have been sent from this network address this hour, the most allowed; "
        "retry in {retry_after} seconds.",
    ),
    "invalid_idempotency_key": (
        "Idempotency-Key phải dài 8 đến 128 ký tự chữ, số, '-' hoặc '_'.",
        "Idempotency-Key must be 8 to 128 letters, digits, '-' or '_'.",
    ),
    "report_not_found": (
        "Không tìm thấy phản ánh, hoặc mã tra cứu không đúng.",
        "Report not found, or the tracking token is wrong.",
    ),
    # the same code (404 report_not_found) where no tracking token is asked for: staff and public routes
    "staff_report_not_found": (
        "Không tìm thấy phản ánh có mã này trong phạm vi tài khoản của bạn được xem.",
        "No report with this id among those your account may see.",
    ),
    "public_report_not_found": (
        "Không có phản ánh công khai nào có mã này.",
        "There is no public report with this id.",
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
    "uploads_closed": (
        "Phản ánh đang ở trạng thái '{state}': không nhận thêm ảnh hay video.",
        "The report is '{state}': it takes no more photos or videos.",
    ),
    "upload_busy": (
        "Nhiều tệp đang được gửi cùng lúc cho phản ánh này; hãy thử lại sau giây lát.",
        "Many files are being sent to this report at once; retry in a moment.",
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
    "token_revoked": (
        "Quyền đăng nhập của tài khoản đã thay đổi hoặc bị khóa; hãy đăng nhập lại.",
        "This account's access was changed or disabled; sign in again.",
    ),
    # -- the Zalo OA webhook (rules/zalo.py) -----------------------------------
    "zalo_signature_invalid": (
        "Chữ ký X-ZEvent-Signature thiếu hoặc không đúng: Zalo ký mỗi lần gọi bằng SHA-256 của app_id, "
        "nội dung, timestamp và khóa bí mật của OA.",
        "The X-ZEvent-Signature signature is missing or wrong: Zalo signs each call with the SHA-256 of "
        "app_id, the body, timestamp and the OA's secret key.",
    ),
    "zalo_signature_stale": (
        "Lần gọi này quá cũ hoặc ghi thời điểm ở tương lai (timestamp lệch quá {max_minutes} phút): "
        "hãy gửi lại sự kiện mới.",
        "This call is too old or dated in the future (timestamp more than {max_minutes} minutes off): "
        "send a fresh event.",
    ),
    "zalo_not_configured": (
        "Kênh Zalo OA chưa được bật cho tỉnh này.",
        "The Zalo OA channel is not set up for this province.",
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
    "reopen_limit_reached": (
        "Phản ánh này đã được phản ánh lại {limit} lần, là số lần tối đa; không thể phản ánh lại nữa.",
        "This report has already been reopened {limit} times, the most allowed; it cannot be reopened again.",
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
    "channel_not_public": (
        "Kênh '{value}' không gửi qua đây: phản ánh qua tổng đài do điện thoại viên ghi nhận tại bàn tiếp nhận, "
        "qua Zalo thì nhắn tới Zalo OA của tỉnh, qua thư điện tử thì gửi tới hộp thư tiếp nhận. "
        "Ứng dụng và cổng thông tin dùng kênh 'app' hoặc 'web'.",
        "Channel '{value}' is not sent here: hotline reports are recorded by the operators at the hotline desk, "
        "Zalo reports come through the province's Zalo OA, e-mail reports through its intake mailbox. "
        "The app and the web portal use the channel 'app' or 'web'.",
    ),
    "not_intake_desk": (
        "Chỉ điện thoại viên tổng đài và IOC được ghi nhận phản ánh thay người gọi.",
        "Only hotline operators and the IOC may record a report on a caller's behalf.",
    ),
    "phone_required": (
        "Cần số điện thoại của người phản ánh (reporter.phone) cho kênh '{channel}'.",
        "The reporter's phone number (reporter.phone) is required for the channel '{channel}'.",
    ),
    # -- the staff directory (services/staff_admin.py) -------------------------------------------------
    "directory_admin_only": (
        "Chỉ quản trị viên của tỉnh được quản lý danh bạ cán bộ.",
        "Only the province admin manages the staff directory.",
    ),
    "invalid_staff_role": (
        "Vai trò '{value}' không hợp lệ; chọn một trong: {roles}.",
        "Role '{value}' is not valid; choose one of: {roles}.",
    ),
    "agency_required": (
        "Vai trò '{role}' cần một cơ quan (agency_id) của tỉnh.",
        "The role '{role}' needs one of the province's agencies (agency_id).",
    ),
    "agency_not_for_role": (
        "Vai trò '{role}' không gắn với cơ quan này; bỏ trường agency_id (IOC: 'ioc').",
        "The role '{role}' does not sit in this agency; leave agency_id out (IOC: 'ioc').",
    ),
    "staff_exists": (
        "Đã có tài khoản '{value}' với thông tin khác; dùng tên đăng nhập khác hoặc chuyển vai trò tài khoản đó.",
        "An account '{value}' already exists with other details; pick another username or move that account.",
    ),
    "unknown_staff": (
        "Không có cán bộ '{value}' trong danh bạ của tỉnh.",
        "There is no staff user '{value}' in the province's directory.",
    ),
    "own_account": (
        "Không thể khóa hay chuyển chính tài khoản đang đăng nhập; nhờ một quản trị viên khác.",
        "You cannot disable or move the account you are signed in with; ask another admin.",
    ),
    "nothing_to_move": (
        "Hãy gửi vai trò (role) và/hoặc cơ quan (agency_id) mới.",
        "Send the new role and/or agency (agency_id).",
    ),
    "sign_in_check_unavailable": (
        "Chưa kiểm tra được phiên đăng nhập (dịch vụ tạm thời bận); thử lại sau ít giây.",
        "Your sign-in could not be checked just now (the service is briefly busy); try again in a few seconds.",
    ),
    "directory_index_behind": (
        "Tài khoản đã được cập nhật, nhưng danh bạ thư chưa kịp ghi; gửi lại yêu cầu (an toàn) "
        "hoặc chạy đồng bộ danh bạ.",
        "The account was changed, but the mail directory was not written yet; send the request again (safe) "
        "or run the directory sync.",
    ),
    # -- Open311 GeoReport v2 (/open311/v2/) ------------------------------------
    "open311_unknown_format": (
        "Không có tài nguyên '{value}': đường dẫn phải kết thúc bằng .json hoặc .xml.",
        "There is no resource '{value}': the path must end in .json or .xml.",
    ),
    "open311_unknown_jurisdiction": (
        "jurisdiction_id '{value}' không phải của hệ thống này; dùng '{expected}' hoặc bỏ trống.",
        "jurisdiction_id '{value}' is not served here; use '{expected}' or leave it out.",
    ),
    "open311_service_not_found": (
        "Không có dịch vụ (lĩnh vực) '{value}' có định nghĩa thuộc tính; xem services.json.",
        "There is no service '{value}' with a definition; see services.json.",
    ),
    "open311_request_not_found": (
        "Không có yêu cầu nào có mã '{value}'.",
        "There is no request with the id '{value}'.",
    ),
    "open311_token_not_found": (
        "Mã token này không do hệ thống cấp.",
        "This token was not issued here.",
    ),
    "open311_key_required": (
        "Cần khóa API (api_key) trong nội dung gửi lên; khóa do quản trị tỉnh cấp.",
        "An api_key is required in the body; keys are issued by the province's administrator.",
    ),
    "open311_key_invalid": (
        "Khóa API (api_key) không hợp lệ hoặc đã bị thu hồi.",
        "The api_key is not valid, or has been revoked.",
    ),
    "open311_key_not_found": (
        "Không có khóa API có mã '{value}'.",
        "There is no API key with the id '{value}'.",
    ),
    "too_many_requests_key": (
        "Khóa API này đã gửi {limit} yêu cầu trong giờ này, mức tối đa; hãy thử lại sau {retry_after} giây.",
        "This API key has sent {limit} requests this hour, the most allowed; retry in {retry_after} seconds.",
    ),
    "open311_repeated_field": (
        "Trường '{field}' chỉ được gửi một lần.",
        "The field '{field}' may be sent only once.",
    ),
    "open311_not_a_number": (
        "Trường '{field}' phải là một số thập phân, không phải '{value}'.",
        "The field '{field}' must be a decimal number, not '{value}'.",
    ),
    "open311_too_many_media": (
        "Tối đa {max} media_url cho một yêu cầu.",
        "At most {max} media_url values in one request.",
    ),
    "open311_too_many_fields": (
        "Nội dung gửi lên có quá nhiều trường: tối đa {max}.",
        "The body has too many fields: at most {max}.",
    ),
    "open311_too_many_ids": (
        "Tối đa {max} mã trong service_request_id.",
        "At most {max} ids in service_request_id.",
    ),
    "open311_location_required": (
        "Cần vị trí: lat và long (điểm quyết định phường/xã), hoặc address_id là mã phường/xã; "
        "address_string chỉ được lưu làm địa chỉ.",
        "A location is required: lat and long (the point decides the ward), or address_id as a ward code; "
        "address_string is kept as the address only.",
    ),
    "open311_window_reversed": (
        "end_date phải sau start_date.",
        "end_date must come after start_date.",
    ),
    "open311_window_too_long": (
        "start_date và end_date cách nhau tối đa {days} ngày.",
        "start_date and end_date may be at most {days} days apart.",
    ),
    "open311_form_required": (
        "Hãy gửi nội dung dạng biểu mẫu (Content-Type: application/x-www-form-urlencoded).",
        "Send the body as a form (Content-Type: application/x-www-form-urlencoded).",
    ),
    "open311_key_name_taken": (
        "Đã có khóa API tên '{value}'; hãy chọn tên khác.",
        "There is already an API key named '{value}'; choose another name.",
    ),
    "open311_key_name": (
        "Tên khóa API phải dài 2 đến 64 ký tự chữ, số, khoảng trắng, '.', '-' hoặc '_'.",
        "An API key's name must be 2 to 64 letters, digits, spaces, '.', '-' or '_'.",
    ),
    "support_not_allowed": (
        "Chỉ ủng hộ được phản ánh đang xử lý hoặc mới công bố kết quả (trạng thái hiện tại: '{state}').",
        "Only a report being handled or with a recently published result can be supported (now: '{state}').",
    ),
    "support_own_report": (
        "Bạn không thể ủng hộ chính phản ánh của mình.",
        "You cannot support your own report.",
    ),
    "support_report_without_phone": (
        "Phản ánh của bạn không còn lưu số điện thoại (đã xóa theo yêu cầu, hoặc gửi qua thư điện tử); "
        "hãy gửi số điện thoại (phone) để cùng phản ánh.",
        "Your report holds no phone number (erased at your request, or sent by e-mail); send a phone number "
        "(phone) to support this report.",
    ),
    "supporter_missing": (
        "Hãy gửi số điện thoại (phone) hoặc mã phản ánh của bạn kèm mã theo dõi (own_report_id, tracking_token).",
        "Send a phone number, or your own report's id with its tracking token (own_report_id, tracking_token).",
    ),
    "merge_into_self": (
        "Không thể gộp phản ánh vào chính nó.",
        "A report cannot be merged into itself.",
    ),
    "merge_target_closed": (
        "Phản ánh '{value}' đã kết thúc (trạng thái '{state}'); chỉ gộp vào phản ánh đang xử lý.",
        "Report '{value}' is finished (state '{state}'); merge only into a report still being handled.",
    ),
    "merge_unrelated": (
        "Chỉ gộp vào phản ánh cùng phường/xã hoặc cùng lĩnh vực; '{value}' khác cả hai.",
        "Merge only into a report of the same ward or the same category; '{value}' differs in both.",
    ),
    "internal_error": (
        "Hệ thống gặp lỗi; phản ánh của bạn không bị mất, hãy thử lại sau.",
        "Something went wrong on our side; nothing you sent was lost, please retry.",
    ),
}


# -- fields a person fills in, as the forms label them: an error names the field so (rules/errors.py), and the
# body's `field` keeps the machine path for clients. A path not listed here is quoted as it is.
FIELD_LABELS: dict[str, Text] = {
    "description": ("Nội dung phản ánh", "Description"),
    "category": ("Lĩnh vực", "Category"),
    "reporter.name": ("Họ và tên", "Name"),
    "reporter.phone": ("Số điện thoại", "Phone number"),
    "name": ("Họ và tên", "Name"),
    "phone": ("Số điện thoại", "Phone number"),
    "occurred_at": ("Thời điểm xảy ra", "When it happened"),
    "rating": ("Mức độ hài lòng", "Rating"),
    "comment": ("Nhận xét", "Comment"),
    "reason": ("Lý do", "Reason"),
    "public_reason": ("Lý do công khai", "Public reason"),
    "text": ("Kết quả xử lý", "Result"),
    "note": ("Ghi chú", "Note"),
    "working_days": ("Số ngày làm việc", "Working days"),
    "agency_id": ("Đơn vị xử lý (mã)", "Agency (code)"),
}

# -- type names quoted by the wrong_type error (schemas/common.py): pydantic error type -> texts ---------------
TYPE_NAMES: dict[str, Text] = {
    "string_type": ("chuỗi ký tự", "a string"),
    "float_type": ("số", "a number"),
    "int_type": ("số nguyên", "an integer"),
    "model_type": ("đối tượng", "an object"),
    "dict_type": ("đối tượng", "an object"),
    "bool_type": ("true/false", "true/false"),
    "model_attributes_type": ("đối tượng", "an object"),
}

# -- rejected uploads (rules/media.py): reason code -> what the citizen or officer reads by the file ----
REJECTIONS: dict[str, Text] = {
    "empty_file": ("Tệp rỗng, không có nội dung.", "The file is empty."),
    "not_an_image": ("Tệp không phải là ảnh.", "The file is not an image."),
    "not_a_video": ("Tệp không phải là video MP4 hoặc MOV hợp lệ.", "The file is not a valid MP4 or MOV video."),
    "unsupported_format": (
        "Định dạng tệp không được hỗ trợ: chỉ nhận ảnh JPEG, PNG, WebP, HEIC và video MP4, MOV.",
        "Unsupported file format: only JPEG, PNG, WebP, HEIC photos and MP4, MOV videos are accepted.",
    ),
    "image_too_large": (
        "Ảnh quá lớn: tối đa {megapixels} megapixel.",
        "The image is too large: at most {megapixels} megapixels.",
    ),
    "file_too_large": ("Tệp vượt quá dung lượng cho phép.", "The file is larger than allowed."),
    "larger_than_declared": (
        "Tệp lớn hơn dung lượng đã khai báo khi xin tải lên.",
        "The file is larger than the size declared when the upload was requested.",
    ),
    "upload_expired": (
        "Hết hạn tải lên mà không nhận được tệp; chỗ dành cho tệp này đã được trả lại.",
        "The upload expired before any file arrived; its place was given back.",
    ),
    "corrupt_file": ("Tệp bị hỏng hoặc không đọc được.", "The file is corrupt or cannot be read."),
    "processing_failed": (
        "Không xử lý được tệp sau nhiều lần thử; vui lòng gửi lại.",
        "The file could not be processed after several attempts; please upload it again.",
    ),
}

# -- urgent reports (rules/urgency.py): what the reporter is told to do at once --------------------------
URGENT_ADVICE: dict[str, Text] = {
    "call_now": (
        "Nếu đang có nguy hiểm, hãy gọi ngay: Công an {police}, Cứu hỏa {fire}, "
        "Cấp cứu {ambulance}, hoặc đường dây nóng {province} {hotline}. "
        "Phản ánh của bạn đã được chuyển ngay tới Trung tâm điều hành.",
        "If there is danger now, call at once: police {police}, fire {fire}, "
        "ambulance {ambulance}, or the {province} hotline {hotline}. "
        "Your report has been sent to the operations centre immediately.",
    ),
}

# -- the receipt of a submission (views/citizen.receipt) ------------------------------------------------
RECEIPT_NOTES: dict[str, Text] = {
    "no_sms": (
        "Số điện thoại bạn cung cấp là số cố định nên không nhận được tin nhắn SMS. "
        "Hãy lưu mã phản ánh {id} và tra cứu tại {tracking_link}.",
        "The phone number you gave is a landline, so no SMS will come. "
        "Keep the report code {id} and follow it at {tracking_link}.",
    ),
}

# -- the agency lead's morning digest (rules/digest.py) -------------------------------------------------
# The e-mail is sent in Vietnamese only; the English is kept so the catalogue reads in both languages.
DIGEST: dict[str, Text] = {
    "subject": (
        "[Phản ánh hiện trường] {agency} – ngày {now:%d/%m/%Y}: {overdue} quá hạn, "
        "{due_today} đến hạn hôm nay, {due_soon} sắp đến hạn",
        "[Field reports] {agency} – {now:%d/%m/%Y}: {overdue} overdue, "
        "{due_today} due today, {due_soon} due soon",
    ),
    "greeting": ("Kính gửi Lãnh đạo {agency},", "Dear head of {agency},"),
    "intro": (
        "Tình hình xử lý phản ánh hiện trường của đơn vị lúc {now:%H:%M}, {weekday} ngày {now:%d/%m/%Y}:",
        "Your unit's field reports at {now:%H:%M}, {weekday} {now:%d/%m/%Y}:",
    ),
    "section_overdue": ("QUÁ HẠN", "OVERDUE"),
    "section_due_today": ("ĐẾN HẠN HÔM NAY", "DUE TODAY"),
    "section_due_soon": (
        "SẮP ĐẾN HẠN (trong {days} ngày làm việc tới)",
        "DUE SOON (within the next {days} working days)",
    ),
    "section_heading": ("{title}: {count} phản ánh", "{title}: {count} reports"),
    "line": (
        "{n}. {report_id} – {category} – {ward} – hạn {due}{late}",
        "{n}. {report_id} – {category} – {ward} – due {due}{late}",
    ),
    "days_late": (" – trễ {days} ngày làm việc", " – {days} working days late"),
    "unknown_ward": ("(không rõ phường/xã)", "(ward unknown)"),
    "request": (
        "Đề nghị đơn vị chỉ đạo xử lý, trả lời đúng hạn; phản ánh quá hạn sẽ được báo cáo lãnh đạo tỉnh.",
        "Please have these handled and answered on time; overdue reports are reported to the province's leaders.",
    ),
    "footer": (
        "Thư tự động từ hệ thống tiếp nhận phản ánh hiện trường {province}; vui lòng không trả lời thư này.",
        "An automatic message from the {province} field report system; please do not reply.",
    ),
}

# Days of the week, Monday first (the order of datetime.weekday()).
WEEKDAYS: dict[str, Text] = {
    "monday": ("Thứ Hai", "Monday"),
    "tuesday": ("Thứ Ba", "Tuesday"),
    "wednesday": ("Thứ Tư", "Wednesday"),
    "thursday": ("Thứ Năm", "Thursday"),
    "friday": ("Thứ Sáu", "Friday"),
    "saturday": ("Thứ Bảy", "Saturday"),
    "sunday": ("Chủ Nhật", "Sunday"),
}

# -- the public reason of a merged report (rules/nearby.py): it names and links the surviving report --------
MERGE_TEXTS: dict[str, Text] = {
    "public_reason": (
        "Phản ánh này trùng với phản ánh {into} và đã được gộp vào đó; theo dõi kết quả tại {link}",
        "This report duplicates report {into} and was merged into it; follow its result at {link}",
    ),
}

# -- values filled into the notice templates (rules/notices.py) when the report lacks them --------------
NOTICE_FILLERS: dict[str, Text] = {
    "unknown_ward": ("địa bàn chưa xác định", "an unspecified ward"),
    "no_suggested_agency": ("(chưa đề xuất)", "(none suggested)"),
    "extension_approved": ("được chấp thuận", "approved"),
    "extension_denied": ("không được chấp thuận", "denied"),
}

# -- notes shown with the public statistics (services/stats.py) -----------------------------------------
STATS_NOTES: dict[str, Text] = {
    "month_figures": (
        "Số liệu của các phản ánh tiếp nhận trong tháng (giờ Việt Nam), tính cho cơ quan đang xử lý; "
        "thời gian xử lý tính theo ngày làm việc (sai số nửa ngày đến 4 ngày, một ngày đến 8 ngày); "
        "khi trung vị dưới một ngày làm việc, median_hours_to_result cho số giờ làm việc (làm tròn nửa giờ), "
        "từ một ngày làm việc trở lên thì để trống; điểm đánh giá tính mỗi vòng xử lý một lần, "
        "mở lại không xóa đánh giá của vòng trước; xếp hạng theo điểm ở GET /public/ranking.",
        "Figures of the reports received in the month (Vietnam time), counted for the agency handling "
        "them; time to result in working days (to half a day up to 4 days, one day up to 8); when the "
        "median is under one working day, median_hours_to_result gives it in working hours (to half an "
        "hour), and is null from one working day up; each round's rating counts once and a reopen never "
        "removes an earlier round's rating; the ranking's score is explained at GET /public/ranking.",
    ),
    "ranking": (
        "Xếp hạng các cơ quan có ít nhất ranking_min_sample phản ánh đã giải quyết, theo điểm = "
        "0,5 × đúng hạn + 0,3 × hài lòng + 0,2 × giải quyết; mỗi phần là cận dưới khoảng tin cậy Wilson 95% "
        "(đúng hạn: số đúng hạn / số đã giải quyết; hài lòng: điểm đánh giá trung bình quy từ 1–5 về 0–1; "
        "giải quyết: số đã giải quyết / số tiếp nhận không tính phản ánh đã gộp), nên mẫu nhỏ không thể đứng đầu.",
        "Agencies with at least ranking_min_sample resolved reports, ranked by score = 0.5 × on time + "
        "0.3 × satisfaction + 0.2 × resolution; each part is the lower bound of a 95% Wilson interval "
        "(on time: resolved on time / resolved; satisfaction: the mean rating mapped from 1–5 to 0–1; "
        "resolution: resolved / received less merged), so a small sample cannot top the table.",
    ),
}

# -- the e-mail inbox's answers (services/inbox.py): subject and body by outcome ----------------------
# A reply is sent in both languages; the subject and the body are filled from SAFE values only (the code,
# the due date, links), never from what the sender wrote.
INBOX_REPLIES: dict[str, Text] = {
    "subject_received": (
        "Đã tiếp nhận phản ánh {id}",
        "Report {id} received",
    ),
    "received": (
        "Phản ánh của bạn đã được tiếp nhận với mã {id}; hạn giải quyết: {due}. "
        "Theo dõi tại {tracking_link} (mã tra cứu: {tracking_token}).",
        "Your report was received under the code {id}; it is due by {due}. "
        "Follow it at {tracking_link} (tracking token: {tracking_token}).",
    ),
    "subject_refused": (
        "Chưa tiếp nhận được phản ánh gửi qua thư điện tử",
        "Your e-mailed report could not be taken",
    ),
    "no_description": (
        "Thư không có nội dung mô tả sự việc (cần ít nhất {min} ký tự). "
        "Hãy gửi lại, mô tả sự việc và nơi xảy ra; có thể đính kèm ảnh.",
        "The message does not describe what happened (at least {min} characters are needed). "
        "Please write again with what happened and where; photos may be attached.",
    ),
    "too_large": (
        "Thư quá lớn: tối đa {max_mb} MB kể cả tệp đính kèm. Hãy gửi lại với ít ảnh hơn hoặc ảnh nhỏ hơn.",
        "The message is too large: at most {max_mb} MB with its attachments. "
        "Please send it again with fewer or smaller photos.",
    ),
    "too_nested": (
        "Thư có cấu trúc lồng nhau quá sâu nên không đọc được. Hãy gửi lại thư mới, không chuyển tiếp nhiều lần.",
        "The message is nested too deeply to be read. Please send a new message rather than a forwarded chain.",
    ),
    "attachment_refused": (
        "Tệp đính kèm '{name}' không được nhận: {reason} Hãy gửi lại chỉ với ảnh JPEG, PNG, WebP hoặc HEIC.",
        "The attachment '{name}' cannot be taken: {reason} Please send it again with JPEG, PNG, WebP "
        "or HEIC photos only.",
    ),
    "archive": (
        "Không nhận tệp nén (zip, rar, 7z, gz).",
        "Compressed archives (zip, rar, 7z, gz) are not accepted.",
    ),
    "unreadable": (
        "Không đọc được thư. Hãy gửi lại dưới dạng thư thông thường.",
        "The message could not be read. Please send it again as a plain message.",
    ),
    "signature": (
        "Thư trả lời tự động của {province}; vui lòng không trả lời thư này. Đường dây nóng: {hotline}.",
        "An automatic answer from {province}; please do not reply to it. Hotline: {hotline}.",
    ),
}

# -- the Zalo OA's messages to a citizen (rules/zalo.py, services/zalo.py): Vietnamese is what is sent.
ZALO: dict[str, Text] = {
    "reporter_name": ("Người dùng Zalo", "Zalo user"),
    "ask_description": (
        "Xin chào! Hãy mô tả sự việc bạn muốn phản ánh (ít nhất {min} ký tự), kèm ảnh nếu có.",
        "Hello! Describe what you want to report (at least {min} characters), with photos if you have any.",
    ),
    "ask_place": (
        "Sự việc ở đâu? Hãy gửi vị trí (nút Gửi vị trí trong Zalo).",
        "Where is it? Send the location (the Send location button in Zalo).",
    ),
    "ask_category": (
        "Phản ánh thuộc lĩnh vực nào? Gõ số:\n{choices}",
        "Which category is it? Type the number:\n{choices}",
    ),
    "ask_phone": (
        "Số điện thoại để cơ quan liên hệ khi cần (chỉ cán bộ xử lý thấy)?",
        "A phone number the agency may call if needed (only the staff handling it see it)?",
    ),
    "bad_phone": (
        "Số điện thoại chưa đúng; hãy gõ số di động Việt Nam, ví dụ 0905 123 456.",
        "That phone number is not valid; type a Vietnamese mobile number, e.g. 0905 123 456.",
    ),
    "bad_location": (
        "Không đọc được vị trí; hãy gửi lại vị trí.",
        "The location could not be read; send the location again.",
    ),
    "too_many_photos": (
        "Mỗi phản ánh nhận tối đa {max} ảnh; ảnh thêm sẽ không được lưu.",
        "A report takes at most {max} photos; further photos are not kept.",
    ),
    "photo_refused": (
        "Không nhận được ảnh này (chỉ nhận JPEG, PNG, WebP, HEIC, tối đa {max_mb} MB); hãy gửi ảnh khác.",
        "This photo could not be taken (JPEG, PNG, WebP, HEIC only, at most {max_mb} MB); send another.",
    ),
    "received": (
        "Đã tiếp nhận phản ánh {id}. Hạn xử lý: {due}. Mã tra cứu: {token}. Theo dõi tại {link}",
        "Report {id} received. Due by {due}. Tracking token: {token}. Follow it at {link}",
    ),
    "refused": (
        "Chưa tạo được phản ánh: {reason}",
        "The report could not be made: {reason}",
    ),
}

# -- what the Open311 endpoint says of itself (views/open311.py) --------------------------------------
OPEN311: dict[str, Text] = {
    "service_description": (
        "{name}. Bắt buộc: service_code, description (10 đến 4.000 ký tự, không HTML), first_name hoặc last_name, "
        "phone (số điện thoại Việt Nam) và vị trí lat + long (hoặc address_id là mã phường/xã). Không bắt buộc: "
        "address_string, email, media_url (tối đa 5), attribute[occurred_at].",
        "{name}. Required: service_code, description (10 to 4,000 characters, no HTML), first_name or "
        "last_name, phone (a Vietnamese number) and a location, lat + long (or address_id as a ward code). "
        "Optional: address_string, email, media_url (up to 5), attribute[occurred_at].",
    ),
    "attribute_occurred_at": (
        "Thời điểm xảy ra sự việc (W3C, ví dụ 2026-11-23T08:30:00+07:00); không được ở tương lai.",
        "When it happened (W3C, e.g. 2026-11-23T08:30:00+07:00); not in the future.",
    ),
    "service_notice": (
        "Đã tiếp nhận; {agency} xử lý, hạn {due}.",
        "Received; {agency} handles it, due {due}.",
    ),
    "urgent_notice": (
        "Khẩn cấp: nếu đang có nguy hiểm, hãy gọi Công an {police}, Cứu hỏa {fire}, Cấp cứu {ambulance}.",
        "Urgent: if there is danger now, call police {police}, fire {fire}, ambulance {ambulance}.",
    ),
    "contact": (
        "Đường dây nóng {hotline}, {url}",
        "Hotline {hotline}, {url}",
    ),
    "key_service": (
        "Khóa API (api_key) để gửi yêu cầu do quản trị hệ thống của tỉnh cấp; liên hệ {contact}.",
        "API keys (api_key) for posting requests are issued by the province's administrator; contact {contact}.",
    ),
}

# -- the citizen's data rights (views/retention.py): what is held and why, what an erase removes and keeps
RETENTION: dict[str, Text] = {
    "purpose": (
        "Họ tên và số điện thoại của bạn chỉ dùng để cơ quan xử lý liên hệ và gửi tin nhắn về phản ánh này; "
        "chỉ cán bộ được giao xử lý mới xem được, không bao giờ công khai.",
        "Your name and phone are used only for the agency handling this report to reach you and to text you "
        "about it; only the staff handling it see them, never the public.",
    ),
    "kept_until": (
        "Thông tin liên hệ được giữ đến {until} ({months} tháng sau khi vụ việc kết thúc), sau đó tự động ẩn danh.",
        "Your contact is kept until {until} ({months} months after the case ended), then anonymised automatically.",
    ),
    "kept_while_open": (
        "Thông tin liên hệ được giữ trong khi vụ việc đang xử lý và {months} tháng sau khi kết thúc.",
        "Your contact is kept while the case is handled and for {months} months after it ends.",
    ),
    "already_anonymised": (
        "Thông tin liên hệ của phản ánh này đã được ẩn danh; không còn họ tên hay số điện thoại nào được lưu.",
        "The contact of this report is already anonymised; no name or phone is held any more.",
    ),
    "removed_name": ("Họ tên của bạn.", "Your name."),
    "removed_phone": ("Số điện thoại của bạn.", "Your phone number."),
    "removed_email": ("Địa chỉ thư điện tử của bạn.", "Your e-mail address."),
    "removed_in_text": (
        "Họ tên và số điện thoại của bạn ở bất cứ chỗ nào trong nội dung phản ánh, kết quả và đánh giá "
        "(thay bằng dấu ẩn).",
        "Your name and number wherever they were written in the report, its result and its feedback "
        "(replaced by a mask).",
    ),
    "removed_merge_support": (
        "Lượt \"tôi cũng gặp\" mà phản ánh của bạn được gộp vào phản ánh {into}: số điện thoại đã bỏ, lượt vẫn được "
        "đếm.",
        "The \"me too\" your report became when it was merged into {into}: the phone is removed, the count stays.",
    ),
    "removed_supports": (
        "Số điện thoại và họ tên trong {n} lượt \"tôi cũng gặp\" bạn đã gửi cho phản ánh khác: đã bỏ, lượt vẫn "
        "được đếm.",
        "The phone and name in the {n} \"me too\" you gave other reports: removed, the count stays.",
    ),
    "kept_case": (
        "Vụ việc (nội dung đã ẩn thông tin cá nhân, địa điểm, kết quả, ảnh minh chứng) vẫn được giữ để công khai và "
        "làm hồ sơ của cơ quan nhà nước.",
        "The case itself (its text with personal data masked, the place, the result, the evidence photos) stays "
        "for the public record and the agency's files.",
    ),
    "kept_token": (
        "Mã tra cứu vẫn dùng được để theo dõi vụ việc; sẽ không còn tin nhắn nào gửi đến bạn vì không còn số "
        "điện thoại.",
        "Your tracking token still follows the case; you will get no more text messages, as no phone is held.",
    ),
    "kept_history": (
        "Nhật ký xử lý ghi lại việc ẩn danh này (không ghi họ tên, số điện thoại).",
        "The case history records this anonymisation (without any name or phone).",
    ),
}

# Every group above, by name: what the catalogue test walks.
CATALOGUE: dict[str, dict[str, Text]] = {
    "errors": ERRORS,
    "type_names": TYPE_NAMES,
    "field_labels": FIELD_LABELS,
    "rejections": REJECTIONS,
    "urgent_advice": URGENT_ADVICE,
    "receipt_notes": RECEIPT_NOTES,
    "digest": DIGEST,
    "weekdays": WEEKDAYS,
    "notice_fillers": NOTICE_FILLERS,
    "stats_notes": STATS_NOTES,
    "open311": OPEN311,
    "zalo": ZALO,
    "inbox_replies": INBOX_REPLIES,
    "merge_texts": MERGE_TEXTS,
    "retention": RETENTION,
}
