"""Notice templates shipped with the code (templates.json), loaded and checked once per process.

The file lives under chalicelib/ so `chalice package` ships it; wording is
edited here, not in the rules. Like provinces/: data and a loader.
"""

from chalicelib.notices.loader import TEMPLATES_FILE, load_templates

__all__ = ["TEMPLATES_FILE", "load_templates"]
