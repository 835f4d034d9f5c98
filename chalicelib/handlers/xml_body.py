"""XML on the wire, beside handlers/http.py's JSON: a view's dicts and lists as one UTF-8 document, no namespace.

Built with xml.etree, so every value is escaped by the library: element names are our own keys only, never
data a client sent. A list's items take the element name `item_names` gives (Open311's `services` ->
`service`); None is an empty element, booleans are `true`/`false`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from chalice import Response

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
# XML 1.0 cannot carry these characters at all (not even escaped): they are dropped from text.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).translate(_NOT_XML)
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


def _fill(element: ET.Element, value: Any, item_names: Mapping[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child, item_names)
    elif isinstance(value, list | tuple):
        name = item_names.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, name), child, item_names)
    else:
        element.text = _text(value)


def xml_document(root: str, body: Any, item_names: Mapping[str, str]) -> str:
    """The document: the declaration, then `<root>` holding `body`."""
    element = ET.Element(root)
    _fill(element, body, item_names)
    return DECLARATION + ET.tostring(element, encoding="unicode")


def xml_response(root: str, body: Any, item_names: Mapping[str, str], status: int = 200,
                 headers: dict[str, str] | None = None) -> Response:
    return Response(body=xml_document(root, body, item_names), status_code=status,
                    headers={**XML_HEADERS, **(headers or {})})
