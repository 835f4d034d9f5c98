"""The OpenAPI document (handlers/openapi_doc.py): valid OpenAPI 3.1, every route in it, served at /openapi.json."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from openapi_spec_validator import validate

from chalicelib.handlers import openapi as handler
from chalicelib.handlers.openapi_doc import OPERATIONS, build
from chalicelib.schemas.actions import STAFF_BODIES


@pytest.fixture(scope="module")
def routes():
    from app import app

    return app.routes


@pytest.fixture(scope="module")
def document(routes):
    return build(routes)


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_app_is_in_the_document_with_its_path_parameters(routes, document):
    for path, methods in routes.items():
        for method, entry in methods.items():
            operation = document["paths"][path][method.lower()]
            assert operation["operationId"] == entry.view_name
            in_path = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert in_path == list(entry.view_args)
    assert sum(len(m) for m in document["paths"].values()) == sum(len(m) for m in routes.values())


def test_a_route_without_an_entry_fails_the_build(routes):
    extra = {**routes, "/secret": {"GET": SimpleNamespace(view_args=[], view_name="secret")}}
    with pytest.raises(LookupError, match="GET /secret"):
        build(extra)


def test_staff_routes_need_the_bearer_token_and_the_others_do_not(document):
    assert document["components"]["securitySchemes"]["staffIdToken"]["scheme"] == "bearer"
    for path, methods in document["paths"].items():
        for operation in methods.values():
            staff = path.startswith("/staff/")
            assert ("security" in operation) == staff, path
            signed = path.startswith("/channels/")  # a channel's webhook: its sender signs each call
            assert ("401" in operation["responses"]) == (staff or signed), path


def test_staff_actions_are_a_union_discriminated_by_action(document):
    union = document["components"]["schemas"]["StaffAction"]
    assert set(union["discriminator"]["mapping"]) == set(STAFF_BODIES)
    body = document["paths"]["/staff/reports/{report_id}/actions"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/StaffAction"}
    for name, model in STAFF_BODIES.items():
        schema = document["components"]["schemas"][model.__name__]
        assert schema["properties"]["action"]["const"] == name
        assert schema["additionalProperties"] is False


def test_query_parameters_come_from_the_query_schemas(document):
    public = {p["name"]: p for p in document["paths"]["/public/reports"]["get"]["parameters"]}
    assert set(public) == {"limit", "cursor", "status", "category", "ward", "from", "to", "format"}
    assert public["status"]["schema"]["enum"] == ["published", "closed", "rejected", "merged"]
    assert all(not p["required"] for p in public.values())
    staff = {p["name"] for p in document["paths"]["/staff/reports"]["get"]["parameters"]}
    assert staff == {"limit", "cursor", "status", "agency", "category", "ward", "due_before"}


def test_headers_and_success_statuses(document):
    submit = document["paths"]["/reports"]["post"]
    assert [p["name"] for p in submit["parameters"]] == ["Idempotency-Key"]
    assert "201" in submit["responses"] and "422" in submit["responses"]
    track = document["paths"]["/reports/{report_id}"]["get"]
    assert "X-Tracking-Token" in [p["name"] for p in track["parameters"]]
    assert "200" in track["responses"]
    geo = document["paths"]["/public/reports"]["get"]["responses"]["200"]["content"]
    assert set(geo) == {"application/json", "application/geo+json"}


def test_every_refusal_is_the_bilingual_error_body(document):
    responses = document["components"]["responses"]
    for status in ("400", "401", "403", "404", "409", "413", "415", "429"):
        schema = responses[f"Error{status}"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"code", "message", "message_en"}
    assert "field" in error["properties"]


def test_operations_name_only_routes_the_app_has(routes):
    assert set(OPERATIONS) == {(m, p) for p, methods in routes.items() for m in methods}


def test_served_at_openapi_json_built_once(monkeypatch):
    from chalice.test import Client

    from app import app

    monkeypatch.setattr(handler, "_BODY", [])
    calls = []
    real = build

    def counting(routes):
        calls.append(1)
        return real(routes)

    monkeypatch.setattr("chalicelib.handlers.openapi_doc.build", counting)
    with Client(app) as client:
        first = client.http.get("/openapi.json")
        second = client.http.get("/openapi.json")
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("application/json")
    assert json.loads(first.body)["paths"]["/openapi.json"]["get"]["operationId"] == "openapi"
    assert second.body == first.body
    assert len(calls) == 1


def test_every_request_example_is_valid_against_its_schema(document):
    from jsonschema import Draft202012Validator

    from chalicelib.schemas.actions import parse_action

    seen = 0
    for path, methods in document["paths"].items():
        for operation in methods.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content is None:
                continue
            validator = Draft202012Validator({**content["schema"], "components": document["components"]})
            assert content.get("examples"), f"{path}: a body with no example"
            for name, example in content["examples"].items():
                assert validator.is_valid(example["value"]), (path, name)
                seen += 1
    actions = document["paths"]["/staff/reports/{report_id}/actions"]["post"]["requestBody"]["content"]
    assert set(actions["application/json"]["examples"]) == set(STAFF_BODIES)
    for example in actions["application/json"]["examples"].values():
        parse_action(example["value"])  # the app accepts it too
    assert seen >= 16
