"""Workflow bench: AWS calls per transition (target <= 2: the read it needs and one transaction), on moto.

A transition that names references (a result's evidence, a rejection's duplicate_of) reads them first in one
consistent BatchGetItem, so a refused one writes nothing: its target is 3.

    .venv/bin/python bench/transition_calls.py [--reports 5]

Reports are submitted and driven along the whole lifecycle (assign, return,
forward, accept, extension asked and granted, result with three evidence
photos, sent back, resubmitted, approved, rated, reopened, round two to
publication) through the real CaseService over PynamoDB on moto. Every AWS
call is counted by a botocore `before-call` hook (bench/aws_calls.py), per
action; list and case-file reads are counted the same way. Printed: calls per
action (by operation), the worst transition against the target, and the reads.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION = "ap-southeast-1"
TARGET = 2
TARGET_WITH_REFERENCES = 3  # + one BatchGetItem of what the transition names
AGENCY, OTHER = "ubnd-24133", "ubnd-22015"


def _env() -> None:
    from bench.aws_calls import moto_environment

    moto_environment(REGION)


def lifecycle(service, intake, media_ids):
    """(who, action, fields): the steps of one report's life after submission."""
    from chalicelib.rules.actors import Actor

    ioc = Actor("ioc", frozenset({"ioc_operator"}), "ioc")
    officer = Actor("officer", frozenset({"agency_officer"}), AGENCY)
    other = Actor("other", frozenset({"agency_officer"}), OTHER)
    result = {"text": "Đã vá ổ gà, thảm lại 20 m2", "media_ids": media_ids,
              "enforcement": [{"type": "fine", "amount_vnd": 1_500_000}]}
    return [
        (ioc, "assign", {"agency_id": OTHER}),
        (other, "return_to_ioc", {"reason": "Không thuộc địa bàn", "suggested_agency_id": AGENCY}),
        (ioc, "forward", {}),
        (officer, "accept", {}),
        (officer, "request_extension", {"working_days": 3, "reason": "Chờ vật liệu"}),
        (ioc, "approve_extension", {}),
        (officer, "submit_result", result),
        (ioc, "send_back_result", {"reason": "Thiếu ảnh sau khắc phục"}),
        (officer, "submit_result", result),
        (ioc, "approve_result", {}),
        ("citizen", "feedback", {"rating": 2, "comment": "Chưa triệt để"}),
        ("citizen", "reopen", {"reason": "Ổ gà xuất hiện lại sau mưa"}),
        (ioc, "assign", {"agency_id": AGENCY}),
        (officer, "accept", {}),
        (officer, "submit_result", {"text": "Đã thảm lại toàn bộ đoạn đường"}),
        (ioc, "approve_result", {}),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5)
    args = parser.parse_args()
    _env()

    from moto import mock_aws

    from bench.aws_calls import count_calls

    # The service's EMF metric lines go to stdout; keep the bench's own output readable.
    with mock_aws(), count_calls() as calls, contextlib.redirect_stdout(io.StringIO()):
        from chalicelib import container
        from chalicelib.rules.actors import Actor
        from chalicelib.schemas.intake import IntakeRequest
        from devstack.provision import provision

        stack = provision("dev", REGION)
        os.environ.update({**stack.environment, "PROVINCE": "daklak"})
        container.reset()
        service, intake = container.cases(), container.intake()
        officer = Actor("officer", frozenset({"agency_officer"}), AGENCY)
        per_action: dict[str, list[Counter]] = defaultdict(list)
        reads: dict[str, list[int]] = defaultdict(list)
        for n in range(args.reports):
            answer, _ = intake.submit(IntakeRequest.model_validate({
                "category": "ha-tang-do-thi", "description": f"Ổ gà lớn số {n} trên đường Lê Duẩn",
                "location": {"lat": 12.68, "lng": 108.04}, "ward_code": "24133",
                "reporter": {"name": "Nguyễn Văn An", "phone": "0905123456"}}))
            report_id, token = answer["id"], answer["tracking_token"]
            media_ids: list[str] = []
            for who, action, fields in lifecycle(service, intake, media_ids):
                if action == "submit_result" and "media_ids" in fields and not media_ids:
                    for _ in range(3):
                        media_ids.append(service.request_evidence_upload(officer, report_id, "image/jpeg",
                                                                         1000)["media_id"])
                calls.clear()
                if who == "citizen":
                    service.citizen_act(report_id, token, action, fields)
                else:
                    service.act(who, report_id, action, fields)
                per_action[action].append(Counter(f"{s}:{o}" for s, o in calls.by_operation().elements()))
            for label, read in (
                ("staff case file", lambda rid=report_id: service.staff_report(officer, rid)),
                ("staff queue page", lambda: service.staff_list(officer, _filters())),
                ("public case", lambda rid=report_id: container.portal().public_report(rid)),
                ("public list page", lambda: container.portal().public_list(_public_filters())),
            ):
                calls.clear()
                read()
                reads[label].append(calls.total())

    print(f"AWS calls per workflow transition ({args.reports} reports x {len(per_action)} kinds of action, moto)")
    print(f"{'action':<20} {'calls':>5}  by operation")
    worst = worst_refs = 0
    for action, samples in per_action.items():
        plain = [sum(c.values()) for c in samples if not c["dynamodb:BatchGetItem"]]
        with_refs = [sum(c.values()) for c in samples if c["dynamodb:BatchGetItem"]]
        worst = max(worst, *plain, 0)
        worst_refs = max(worst_refs, *with_refs, 0)
        for ops in sorted({tuple(sorted(c.items())) for c in samples}, key=len):
            shown = ", ".join(f"{op} x{k}" for op, k in ops)
            print(f"{action:<20} {sum(k for _, k in ops):>5}  {shown}")
    over = worst > TARGET or worst_refs > TARGET_WITH_REFERENCES
    print(f"worst transition: {worst} calls (target <= {TARGET}); naming references: {worst_refs} "
          f"(target <= {TARGET_WITH_REFERENCES}): {'OVER TARGET' if over else 'OK'}")
    print("reads (calls per request):")
    for label, counts in reads.items():
        print(f"  {label:<18} {max(counts)}")
    return 1 if over else 0


def _filters():
    from chalicelib.rules.listing import StaffFilters

    return StaffFilters()


def _public_filters():
    from chalicelib.rules.listing import PublicFilters

    return PublicFilters()


if __name__ == "__main__":
    sys.exit(main())
