"""Notice templates shipped with the code (templates.json), loaded and checked once per process.

The file lives under chalicelib/ so `chalice package` ships it; wording is
edited here, not in the rules.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chalicelib.rules.notices import Templates

TEMPLATES_FILE = Path(__file__).with_name("templates.json")

__all__ = ["TEMPLATES_FILE", "load_templates"]


@cache
def load_templates(path: str | None = None) -> Templates:
    """The validated templates (a bad placeholder or a missing event fails here, at cold start)."""
    source = Path(path) if path else TEMPLATES_FILE
    return Templates.from_data(json.loads(source.read_text(encoding="utf-8")))
