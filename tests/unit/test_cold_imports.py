"""What `import app` loads: every function imports the whole app, so nothing a function may not need belongs there.

A fresh interpreter, as a new Lambda container starts; the heavy libraries below are each imported by the code
that uses them, on first use (docs/ARCHITECTURE.md, "What a cold start loads").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ON_FIRST_USE = ("pydantic", "PIL", "pillow_heif", "pynamodb", "boto3", "jwt", "cryptography", "phonenumbers",
                "vietnam_provinces", "holidays", "aws_xray_sdk", "chalicelib.rules.profile",
                "aws_lambda_powertools.utilities.batch", "aws_lambda_powertools.utilities.idempotency")


def test_import_app_loads_no_library_a_function_may_not_need() -> None:
    code = f"import sys, json, app; print(json.dumps([m for m in {list(ON_FIRST_USE)!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "ap-southeast-1", "STAGE": "dev",
                              "PYDANTIC_DISABLE_PLUGINS": "__all__"})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
