"""Load templates.json once per process, checked by rules/templates.py (a bad template fails at cold start)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chalicelib.rules.templates import Templates

TEMPLATES_FILE = Path(__file__).with_name("templates.json")


@cache
def load_templates(path: str | None = None) -> Templates:
    """The validated templates (a bad placeholder or a missing event fails here, at cold start)."""
    source = Path(path) if path else TEMPLATES_FILE
    return Templates.from_data(json.loads(source.read_text(encoding="utf-8")))
