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
    "support_not_allowed": (
        "Chỉ ủng hộ được phản ánh đang xử lý hoặc mới công bố kết quả (trạng thái hiện tại: '{state}').",
        "Only a report being handled or with a recently published result can be supported (now: '{state}').",
    ),
    "support_own_report": (
        "Bạn không thể ủng hộ chính phản ánh của mình.",
        "You cannot support your own report.",
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

# Every group above, by name: what the catalogue test walks.
CATALOGUE: dict[str, dict[str, Text]] = {
    "errors": ERRORS,
    "type_names": TYPE_NAMES,
    "rejections": REJECTIONS,
    "urgent_advice": URGENT_ADVICE,
    "receipt_notes": RECEIPT_NOTES,
    "digest": DIGEST,
    "weekdays": WEEKDAYS,
    "notice_fillers": NOTICE_FILLERS,
    "stats_notes": STATS_NOTES,
    "merge_texts": MERGE_TEXTS,
}
