"""Where the event handlers listen: names Chalice needs at decoration time.

Chalice reads event-source names when the decorators run, so they come from
the stage's environment here, once. STAGE is set in Lambda and by `make
package`; the stream ARN is rewired to the table's real stream by the merge
template (infra/), and the local event runner matches handlers by these names.
"""

from __future__ import annotations

import os

STAGE = os.environ.get("STAGE", "dev")
THUMBNAIL_QUEUE = f"phananh-{STAGE}-thumbnails"
REPORTS_STREAM_ARN = os.environ.get(
    "REPORTS_STREAM_ARN",
    f"arn:aws:dynamodb:ap-southeast-1:123456789012:table/phananh-{STAGE}-reports/stream/2026-01-01T00:00:00.000",
)
SLA_SWEEP_MINUTES = int(os.environ.get("SLA_SWEEP_MINUTES", "15"))

# Function names (Chalice handler names) the infra's IAM policies and alarms refer to.
API_FUNCTION = "api_handler"
THUMBNAIL_FUNCTION = "make_thumbnails"
NOTIFY_FUNCTION = "notify_report_changes"
STATS_FUNCTION = "update_statistics"
SWEEP_FUNCTION = "sla_sweep"
DIGEST_FUNCTION = "daily_digest"
CLOSE_FUNCTION = "close_expired_reports"
