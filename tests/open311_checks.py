"""Checks of Open311 GeoReport v2 answers, shared by the functional and the e2e tests.

JSON answers are validated against the JSON Schemas in tests/schemas/open311/ (written from the specification,
not from our code); XML answers are parsed and compared element by element with what the specification's
documents hold (the root, the item elements, each field in order), and with the JSON answer to the same call.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas" / "open311"
BASE = "https://phananh.example/open311/"
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
# root element -> (item element, which JSON Schema an item follows)
DOCUMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
}
ITEMS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
         "errors": "error", "endpoints": "endpoint", "formats": "format"}


def _registry() -> Registry:
    registry: Registry = Registry()
    for path in SCHEMAS.glob("*.json"):
        registry = registry.with_resource(BASE + path.name, Resource.from_contents(json.loads(path.read_text())))
    return registry


REGISTRY = _registry()


def validate_json(schema: str, body: Any) -> Any:
    """`body` (bytes, str or decoded) against tests/schemas/open311/<schema>.json; the decoded body."""
    if isinstance(body, bytes | str):
        body = json.loads(body)
    validator = Draft202012Validator({"$ref": BASE + f"{schema}.json"}, registry=REGISTRY)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], f"{schema}: {errors}"
    return body


def parse_xml(raw: bytes | str, root: str) -> ET.Element:
    """The document's root, after checking the UTF-8 declaration, the root's name and that no namespace is used."""
    data = raw.encode() if isinstance(raw, str) else raw
    assert data.startswith(DECLARATION), data[:60]
    element = ET.fromstring(data)
    assert element.tag == root, element.tag
    for node in element.iter():
        assert "}" not in node.tag and not any(k.startswith("xmlns") for k in node.attrib), node.tag
    return element


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same_as_json(element: ET.Element, value: Any) -> None:
    """The element holds exactly `value` (the JSON answer): each key a child in order, each list's items under
    the element name the specification gives them, each scalar as its text."""
    if isinstance(value, dict):
        assert [c.tag for c in element] == list(value), (element.tag, [c.tag for c in element], list(value))
        for child, key in zip(element, value, strict=True):
            same_as_json(child, value[key])
    elif isinstance(value, list):
        item = ITEMS[element.tag]
        assert [c.tag for c in element] == [item] * len(value), (element.tag, [c.tag for c in element])
        for child, v in zip(element, value, strict=True):
            same_as_json(child, v)
    else:
        assert len(element) == 0, element.tag
        assert (element.text or None) == _text(value), (element.tag, element.text, value)


def xml_fields(element: ET.Element) -> dict[str, str | None]:
    """One item's fields by name (its children must be leaves)."""
    assert all(len(c) == 0 for c in element), element.tag
    return {c.tag: c.text for c in element}


PRIVATE_FIELDS = ("first_name", "last_name", "phone", "email", "reporter", "device_id", "account_id")


def no_contact(raw: bytes | str, *secrets: str) -> None:
    """Nothing of the reporter's in an answer: neither their values nor the fields that would carry them."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    for secret in secrets:
        assert secret not in text, secret
    for name in PRIVATE_FIELDS:
        assert f'"{name}"' not in text and f"<{name}>" not in text, name
