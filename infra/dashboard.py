"""The IOC dashboard: what arrives, what is late, who is late, and whether the machinery is healthy.

Widgets read the metric names the code emits (namespace `Phananh`, with a
`province` dimension on every metric); tests/integration/test_dashboard_metrics.py
checks the names here against the `emit(...)` calls in chalicelib. Business
metrics are read with Metrics Insights (`FROM Phananh WHERE province = ...`),
so a widget keeps working whatever other dimensions a handler adds.

The body is the text of a CloudFormation `Fn::Sub`: `${Province}`, `${Stage}`,
`${AWS::Region}` and the alarms' `${X.Arn}` are filled in at deploy time.
"""

from __future__ import annotations

import json
from typing import Any

NAMESPACE = "Phananh"
HOUR, DAY, WEEK = 3600, 86_400, 7 * 86_400


def insights(metric: str, agg: str = "SUM", group_by: str | None = None, top: int | None = None,
             schema: tuple[str, ...] = ()) -> str:
    """A Metrics Insights query over this province's metrics of one name (`schema`: exactly these dimensions)."""
    source = f"SCHEMA({NAMESPACE}, {', '.join(schema)})" if schema else NAMESPACE
    query = f"SELECT {agg}({metric}) FROM {source} WHERE province = '${{Province}}'"
    if group_by:
        query += f" GROUP BY {group_by}"
    if top:
        query += f" ORDER BY {agg}() DESC LIMIT {top}"
    return query


def _query(expression: str, qid: str, label: str, period: int) -> list[dict[str, Any]]:
    return [{"expression": expression, "id": qid, "label": label, "period": period}]


def _widget(title: str, metrics: list[Any], x: int, y: int, w: int = 12, h: int = 6, view: str = "timeSeries",
            stacked: bool = False, period: int = 300, stat: str = "Sum", **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"title": title, "region": "${AWS::Region}", "metrics": metrics, "view": view,
                             "stacked": stacked, "period": period, "stat": stat, **extra}
    return {"type": "metric", "x": x, "y": y, "width": w, "height": h, "properties": props}


def _median_time_to_result(qid: str) -> list[list[dict[str, Any]]]:
    search = (f"SEARCH('{{{NAMESPACE},agency,province}} MetricName=\"TimeToResult\" province=\"${{Province}}\"', "
              f"'p50', {DAY})")
    return [[{"expression": search, "id": qid, "label": "", "period": DAY}]]


def body(functions: list[str], work_queues: list[str], failure_queues: list[str], alarms: list[str],
         sweep_period: int = 900, stream_functions: list[str] | None = None) -> str:
    """The dashboard's JSON text (an `Fn::Sub` string) for the functions and queues the stack has.

    Gauges (OpenReports, OverdueReports) are read with MAX over the province-only
    dimension set; counters (ReportsOverdue = reports that became overdue in a
    sweep, ReportsDueSoon = warnings raised) are summed over the period shown.
    """
    fn_names = [f"phananh-${{Stage}}-{fn}" for fn in functions]
    stream_names = [f"phananh-${{Stage}}-{fn}" for fn in stream_functions or []]
    province_only = ("province",)
    widgets: list[dict[str, Any]] = [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": (
            "# Phản ánh hiện trường · ${Province}\n"
            "What arrives, what is open and late, who is late, and the health of the pipeline "
            "(namespace `Phananh`, dimension `province`)."
        )}},
        # -- what arrives -------------------------------------------------------------------------
        _widget("Reports received by channel", [_query(insights("ReportsReceived", group_by="channel"), "bychannel",
                                                       "", HOUR)], 0, 2, stacked=True, period=HOUR),
        _widget("Reports received by category", [_query(insights("ReportsReceived", group_by="category", top=15),
                                                        "bycategory", "", DAY)], 12, 2, view="bar", period=DAY),
        # -- what is open and late -------------------------------------------------------------------
        _widget("Open reports", [_query(insights("OpenReports", "MAX", schema=province_only), "open", "open",
                                        sweep_period)], 0, 8, w=6, h=4, view="singleValue", period=sweep_period,
                stat="Maximum", sparkline=True),
        _widget("Overdue now", [_query(insights("OverdueReports", "MAX", schema=province_only), "overdue",
                                       "overdue", sweep_period)], 6, 8, w=6, h=4, view="singleValue",
                period=sweep_period, stat="Maximum", sparkline=True),
        _widget("Became overdue (per day)", [_query(insights("ReportsOverdue"), "newlyoverdue", "became overdue",
                                                    DAY)], 12, 8, w=6, h=4, view="singleValue", period=DAY,
                sparkline=True),
        _widget("Near-due warnings raised (per day)", [_query(insights("ReportsDueSoon"), "duesoon", "warnings",
                                                              DAY)], 18, 8, w=6, h=4, view="singleValue",
                period=DAY, sparkline=True),
        _widget("Who is late: reports that became overdue, by agency (top 10, 7 days)",
                [_query(insights("ReportsOverdue", group_by="agency", top=10), "latebyagency", "", WEEK)],
                0, 12, view="bar", period=WEEK),
        _widget("Median time to result (working hours)", _median_time_to_result("ttr"), 12, 12, period=DAY,
                stat="p50"),
        _widget("Report transitions by action", [_query(insights("ReportTransitions", group_by="action"),
                                                        "transitions", "", HOUR)], 0, 18, stacked=True, period=HOUR),
        _widget("Media, notices, digests and abuse limits", [
            _query(insights("ThumbnailsMade"), "thumbs", "thumbnails made", HOUR),
            _query(insights("MediaRejected"), "rejected", "media rejected", HOUR),
            _query(insights("NoticesSent"), "notices", "notices sent", HOUR),
            _query(insights("NoticesFailed"), "noticesfailed", "notices failed", HOUR),
            _query(insights("DigestsSent"), "digests", "digests sent", HOUR),
            _query(insights("IntakeLimited"), "limited", "reports refused by a limit (429)", HOUR),
            _query(insights("SmsSkipped"), "smsskipped", "SMS over a phone's daily ceiling", HOUR),
            _query(insights("InboundMail"), "inboundmail", "inbound e-mails not filed (dropped or refused)", HOUR),
            _query(insights("DirectoryIndexBehind"), "dirbehind", "staff directory index behind the pool", HOUR),
            _query(insights("ZaloEventsQueued"), "zaloqueued", "Zalo events queued", HOUR),
            _query(insights("ZaloMessagesApplied"), "zaloapplied", "Zalo messages applied", HOUR),
            _query(insights("ZaloReportsMade"), "zaloreports", "Zalo conversations made reports", HOUR),
            _query(insights("ZaloPhotosRefused"), "zalophotos", "Zalo photos refused", HOUR),
            _query(insights("ZaloRepliesFailed"), "zaloreplies", "Zalo OA replies failed", HOUR),
            _query(insights("Open311Posts"), "open311", "reports posted through Open311", HOUR),
            _query(insights("ReportSupported"), "supported", "me-too supports", HOUR),
            _query(insights("RetentionBehind"), "retentionbehind", "retention runs stopped with cases still due",
                   HOUR),
        ], 12, 18, period=HOUR),
        # -- the machinery ----------------------------------------------------------------------------
        _widget("Lambda errors", [["AWS/Lambda", "Errors", "FunctionName", n, {"label": n.rsplit("-", 1)[-1]}]
                                  for n in fn_names], 0, 24),
        _widget("Lambda throttles", [["AWS/Lambda", "Throttles", "FunctionName", n, {"label": n.rsplit("-", 1)[-1]}]
                                     for n in fn_names], 12, 24),
        _widget("Queue depth", [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q] for q in work_queues],
                0, 30, stat="Maximum"),
        _widget("Dead-letter and failure queues (should be 0)",
                [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q] for q in failure_queues],
                12, 30, stat="Maximum"),
        _widget("API requests and errors", [
            ["AWS/ApiGateway", "Count", "ApiName", "phananh-${Stage}", "Stage", "api"],
            ["AWS/ApiGateway", "4XXError", "ApiName", "phananh-${Stage}", "Stage", "api"],
            ["AWS/ApiGateway", "5XXError", "ApiName", "phananh-${Stage}", "Stage", "api"],
        ], 0, 36),
        _widget("SLA sweep duration (ms)", [_query(insights("SweepDuration", agg="MAX"), "sweep", "longest sweep",
                                                   sweep_period)], 12, 36, period=sweep_period, stat="Maximum"),
    ]
    y = 42
    if stream_names:  # each has an IteratorAge alarm (infra/province.json): the same figure, over time
        widgets.append(_widget("Reports stream: age of the oldest unread record (ms)", [
            ["AWS/Lambda", "IteratorAge", "FunctionName", n, {"label": n.rsplit("-", 1)[-1]}] for n in stream_names],
            0, y, w=24, stat="Maximum"))
        y += 6
    if alarms:  # an alarm widget shows about six alarms a row
        rows = -(-len(alarms) // 6)
        widgets.append({"type": "alarm", "x": 0, "y": y, "width": 24, "height": 2 + rows, "properties": {
            "title": "Alarms (they publish to the IOC alerts topic)",
            "alarms": [f"${{{a}.Arn}}" for a in alarms]}})
    return json.dumps({"start": "-P7D", "periodOverride": "inherit", "widgets": widgets}, ensure_ascii=False)
