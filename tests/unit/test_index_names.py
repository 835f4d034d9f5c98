"""storage/models.py is the one home of index names: the template and the list planner agree with it."""

from __future__ import annotations

import json
from pathlib import Path

from pynamodb.models import Model

from chalicelib.storage.models import ReportModel, SupporterModel
from chalicelib.storage.queries import INDEXES

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "province.json"


def _keys(schema: list[dict[str, str]]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in schema}


def _model_indexes(model: type[Model] = ReportModel) -> dict[str, dict[str, str]]:
    out = {}
    for name in dir(model):
        index = getattr(model, name)
        meta = getattr(index, "Meta", None)
        if getattr(meta, "index_name", None) and hasattr(index, "_get_schema"):
            schema = index._get_schema()
            out[meta.index_name] = _keys(schema["key_schema"])
    return out


def test_the_reports_table_in_the_template_declares_exactly_the_models_indexes():
    template = json.loads(TEMPLATE.read_text())
    [reports] = [r["Properties"] for r in template["Resources"].values()
                 if r["Type"] == "AWS::DynamoDB::Table" and "reports" in json.dumps(r["Properties"]["TableName"])]
    declared = {g["IndexName"]: _keys(g["KeySchema"]) for g in reports["GlobalSecondaryIndexes"]}
    assert declared == _model_indexes()


def test_every_list_the_planner_can_choose_is_an_index_of_the_model():
    assert set(INDEXES) <= set(_model_indexes())
    assert INDEXES["province-received"] == ("province_code", "N", "received_at")
    assert INDEXES["open-due"] == ("open_shard", "S", "due_at")


def test_the_supporters_table_declares_the_models_keys_only_index():
    template = json.loads(TEMPLATE.read_text())
    supporters = template["Resources"]["SupportersTable"]["Properties"]
    declared = {g["IndexName"]: _keys(g["KeySchema"]) for g in supporters["GlobalSecondaryIndexes"]}
    assert declared == _model_indexes(SupporterModel) == {"by-supporter": {"HASH": "supporter_key"}}
    assert [g["Projection"] for g in supporters["GlobalSecondaryIndexes"]] == [{"ProjectionType": "KEYS_ONLY"}]
